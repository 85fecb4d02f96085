"""The phenotype model's pieces on the hand-written mini release (tests/fixtures/mini_release)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from raredx.engine import EngineConfig, build_engine
from raredx.model import Patient, TermId
from raredx.scoring._index import pooled_frequency
from raredx.scoring._names import name_terms, phrase_index, terms_in_name

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mini_release"


@pytest.fixture(scope="module")
def engine():
    return build_engine(EngineConfig(FIXTURE), log=lambda s: None)


def test_counts_are_pooled_with_a_beta_prior():
    # [sum n, sum m, sum class midpoints, n class, n without frequency]
    assert pooled_frequency([1, 1, 0, 0, 0], 0.5, (1.0, 1.0)) == pytest.approx(2 / 3)
    assert pooled_frequency([3, 10, 0, 0, 0], 0.5, (1.0, 1.0)) == pytest.approx(4 / 12)
    assert pooled_frequency([0, 0, 1.79, 2, 0], 0.5, (1.0, 1.0)) == pytest.approx(0.895)
    assert pooled_frequency([1, 1, 0.17, 1, 0], 0.5, (1.0, 1.0)) == pytest.approx((2 / 3 + 0.17) / 2)
    assert pooled_frequency([0, 0, 0, 0, 3], 0.5, (1.0, 1.0)) == 0.5


def test_terms_named_in_a_disease_name_are_the_most_specific(engine):
    kb = engine.knowledge
    phrases = phrase_index(kb)
    found = terms_in_name("Ectopia lentis with lens subluxation, type 2", phrases, kb)
    # lens subluxation is a descendant of ectopia lentis: only the more specific one is kept
    assert {kb.ontology.ids[t] for t in found} == {"HP:0001132"}
    assert terms_in_name("Syndrome of unknown cause 3", phrases, kb) == set()


def test_a_name_that_excludes_a_feature_does_not_annotate_it(engine):
    kb = engine.knowledge
    phrases, ids = phrase_index(kb), kb.ontology.ids

    def named(label):
        present, variable = name_terms(label, phrases, kb)
        return {ids[t] for t in present}, {ids[t] for t in variable}

    # "without scoliosis": the disease lacks it (before, the name annotated it at 0.9)
    assert named("Ectopia lentis without scoliosis") == ({"HP:0001083"}, set())
    # "with or without": some patients have it
    assert named("Ectopia lentis with or without scoliosis") == ({"HP:0001083"}, {"HP:0002650"})
    # the exclusion ends at a comma: what follows is stated again
    assert named("Arachnodactyly without myopia, with scoliosis") == (
        {"HP:0001166", "HP:0002650"}, set())


def test_leave_publication_out_equals_a_release_without_those_annotations(engine, tmp_path):
    """Scoring with the case's PMID left out must give exactly the scores computed on a release
    whose phenotype.hpoa lacks the phenotype rows citing it."""
    pmid = "PMID:3000003"
    out = tmp_path / "release"
    out.mkdir()
    shutil.copy(FIXTURE / "hp.obo", out / "hp.obo")
    lines = (FIXTURE / "phenotype.hpoa").read_text().splitlines(keepends=True)
    kept = [ln for ln in lines if not (
        not ln.startswith(("#", "database_id")) and ln.split("\t")[10].strip() == "P"
        and pmid in ln.split("\t")[4].split(";"))]
    assert len(kept) < len(lines)
    (out / "phenotype.hpoa").write_text("".join(kept))
    reduced = build_engine(EngineConfig(out), log=lambda s: None)
    assert reduced.candidate_ids == engine.candidate_ids
    patient = Patient(
        id="p", present=(TermId("HP:0001083"), TermId("HP:0001634"), TermId("HP:0001166")),
        excluded=(TermId("HP:0000545"),), publications=(pmid,),
    )
    lpo = engine.score(patient, leave_publication_out=True)
    assert lpo.left_out is not None and len(lpo.left_out) == 4
    plain = reduced.score(patient, leave_publication_out=False)
    # profiles are stored as float32: equal up to float32 rounding
    np.testing.assert_allclose(lpo.total, plain.total, rtol=0, atol=1e-6)
    # and it differs from the as-is ranking, where the case's own annotations are used
    assert not np.allclose(engine.score(patient).total, lpo.total)


def test_orphanet_groups_broader_than_an_annotated_omim_disease_get_the_group_prior(engine):
    from dataclasses import replace

    from raredx.scoring import PhenotypeScorer

    kb = engine.knowledge
    grouped = replace(kb, broader={"OMIM:154700": ("ORPHA:900001",)})
    params = replace(engine._scorer.params, group_prior=-1.0)
    plain = PhenotypeScorer(kb, engine._index, params)
    group = PhenotypeScorer(grouped, engine._index, params)
    patient = Patient(id="p", present=(TermId("HP:0001263"),))
    delta = group.score(patient).total - plain.score(patient).total
    orpha = engine.candidate_ids.index("ORPHA:900001")
    # only the group moves; the prior is centred, so compare differences
    others = np.delete(delta, orpha)
    assert np.allclose(others, others[0])
    assert delta[orpha] - others[0] == pytest.approx(-1.0)


def test_the_temperature_grows_with_the_record_length():
    from raredx.scoring._phenotype import PhenotypeParams

    p = PhenotypeParams(temperature=2.0, temperature_length_exponent=0.5,
                        temperature_reference_terms=8.0)
    assert p.temperature_for(None) == 2.0 and p.temperature_for(8) == pytest.approx(2.0)
    assert p.temperature_for(32) == pytest.approx(4.0)
    assert p.temperature_for(0) == p.temperature_for(1) == pytest.approx(2.0 / 8**0.5)
    assert PhenotypeParams(temperature=3.0).temperature_for(40) == 3.0  # exponent 0: constant


def test_a_longer_record_gets_a_flatter_posterior_for_the_same_scores(engine):
    total = np.array([3.0, 2.0, 0.5, 0.0])
    short, long_ = engine.probabilities(total, 3), engine.probabilities(total, 30)
    assert short.sum() == pytest.approx(1.0) and long_.sum() == pytest.approx(1.0)
    assert np.argmax(short) == np.argmax(long_) == 0
    assert short[0] > long_[0] and short[-1] < long_[-1]
