"""The peers on the hand-written release (fixtures/benchmark), with hand-computed scores.

Annotated term sets closed under ancestors (HP:0000118 "PA" in all of them):
A = {PA, eye, Cataract, cardiovascular, heart morphology, ASD, nervous, Seizure}
B = {PA, eye, Myopia, nervous, Intellectual disability}
C = {PA, eye, Cataract, nervous, Intellectual disability}
D = {PA, nervous, Seizure}   (its NOT Cataract row is ignored)
IC = -ln(count / 4): PA, nervous 0; eye ln(4/3); Cataract, Seizure, ID ln 2; Myopia and the
three cardiovascular terms ln 4.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy.stats import hypergeom

from raredx.benchmark import Peer, PeerScorer
from raredx.model import Patient, TermId

LN2, LN4, LN43 = math.log(2), math.log(4), math.log(4 / 3)
IDS = ["OMIM:100001", "OMIM:100002", "OMIM:100003", "ORPHA:200001"]  # A B C D


def patient(*terms: str, pmids: tuple[str, ...] = ()) -> Patient:
    return Patient(id="p", present=tuple(TermId(t) for t in terms), publications=pmids)


@pytest.fixture(scope="module")
def peers(bench_engine) -> PeerScorer:
    return PeerScorer(bench_engine.knowledge)


def by_id(peers: PeerScorer, scores: np.ndarray) -> dict[str, float]:
    return {i: float(scores[peers.disease_index(i)]) for i in IDS}


def test_information_content(peers, bench_engine):
    ont = bench_engine.knowledge.ontology
    ic = {t: peers.ic[ont.index(t)] for t in
          ("HP:0000118", "HP:0000478", "HP:0000518", "HP:0000545", "HP:0001631")}
    assert ic == pytest.approx({"HP:0000118": 0.0, "HP:0000478": LN43, "HP:0000518": LN2,
                                "HP:0000545": LN4, "HP:0001631": LN4})
    assert peers.universe == 9


def test_resnik_as_is_exact_scores_and_tie_rule(peers):
    p = patient("HP:0000518", "HP:0001250")  # Cataract, Seizure
    s = peers.score(Peer.PHENOMIZER, p).scores
    assert by_id(peers, s) == pytest.approx(
        {"OMIM:100001": LN2, "OMIM:100002": LN43 / 2, "OMIM:100003": LN2 / 2,
         "ORPHA:200001": LN2 / 2})
    # C and D tie: the smaller id (OMIM:100003) first
    assert [IDS[i] for i in peers.order(s)] == [
        "OMIM:100001", "OMIM:100003", "ORPHA:200001", "OMIM:100002"]
    assert peers.rank_of(s, peers.disease_index("ORPHA:200001")) == 3
    assert IDS[peers.top(s)] == "OMIM:100001"
    assert peers.rank_bounds(s, peers.disease_index("ORPHA:200001")) == (2, 3)


def test_resnik_leave_publication_out_recomputes_rows_and_ic(peers, bench_engine):
    p = patient("HP:0000518", "HP:0001250", pmids=("PMID:1",))
    removed = bench_engine.left_out_rows(p)
    assert len(removed) == 2  # A's Cataract and ASD rows (its I row is not a phenotype row)
    s = peers.score(Peer.PHENOMIZER, p, removed).scores
    # A keeps only Seizure; Cataract is now annotated to C alone: IC ln 4, eye ln 2
    assert by_id(peers, s) == pytest.approx(
        {"OMIM:100001": LN2 / 2, "OMIM:100002": LN2 / 2, "OMIM:100003": LN4 / 2,
         "ORPHA:200001": LN2 / 2})
    a = peers.disease_index("OMIM:100001")
    assert peers.rank_of(s, a) == 2 and peers.rank_bounds(s, a) == (2, 4)
    assert [IDS[i] for i in peers.order(s)][:2] == ["OMIM:100003", "OMIM:100001"]
    assert IDS[peers.top(s)] == "OMIM:100003"


def test_hypergeometric_exact(peers):
    p = patient("HP:0000518", "HP:0001250")
    s = peers.score(Peer.HYPERGEOMETRIC, p).scores
    # universe 9 terms below PA; patient closure {eye, Cataract, nervous, Seizure}: n = 4
    expected = {
        "OMIM:100001": -hypergeom.logsf(4 - 1, 9, 7, 4),
        "OMIM:100002": -hypergeom.logsf(2 - 1, 9, 4, 4),
        "OMIM:100003": -hypergeom.logsf(3 - 1, 9, 4, 4),
        "ORPHA:200001": -hypergeom.logsf(2 - 1, 9, 2, 4),
    }
    assert by_id(peers, s) == pytest.approx(expected)
    assert expected["OMIM:100001"] == pytest.approx(-math.log(35 / 126))


def _without_rows(kb, rows: np.ndarray):
    """A copy of the knowledge with the given annotation rows physically removed."""
    ann = kb.annotations
    keep = np.ones(len(ann), dtype=bool)
    keep[rows] = False
    changes = {}
    for f in dataclasses.fields(ann):
        v = getattr(ann, f.name)
        if f.name.startswith("_"):
            continue
        if isinstance(v, np.ndarray) and len(v) == len(ann):
            changes[f.name] = v[keep]
        elif isinstance(v, list) and len(v) == len(ann):
            changes[f.name] = [x for x, k in zip(v, keep) if k]
    return dataclasses.replace(kb, annotations=dataclasses.replace(ann, **changes))


@pytest.mark.parametrize("peer", list(Peer))
@pytest.mark.parametrize("terms", [("HP:0000518", "HP:0001250"), ("HP:0001631",),
                                   ("HP:0000545", "HP:0001249", "HP:0000518")])
def test_removal_equals_a_release_without_those_rows(peers, bench_engine, peer, terms):
    p = patient(*terms, pmids=("PMID:1", "PMID:4"))
    removed = bench_engine.left_out_rows(p)
    fast = peers.score(peer, p, removed).scores
    slow = PeerScorer(_without_rows(bench_engine.knowledge, removed)).score(peer, p).scores
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)


def test_no_usable_term_scores_zero(peers):
    p = patient("HP:0000006")  # an inheritance term: not a phenotypic abnormality
    for peer in Peer:
        s = peers.score(peer, p).scores
        assert not s.any()
        assert IDS[peers.top(s)] == "OMIM:100001"  # all tie: the smallest id
