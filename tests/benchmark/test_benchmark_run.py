"""run_benchmark on the hand-written release and cases: exact peer ranks, engine consistency."""

from __future__ import annotations

import json
import math

import pytest

from raredx.benchmark import ENGINE, Protocol, load_cases, result_to_dict, run_benchmark

AS_IS, LPO = Protocol.AS_IS, Protocol.LEAVE_PUBLICATION_OUT


@pytest.fixture(scope="module")
def cases(bench_engine, bench_cases_dir):
    return load_cases(bench_cases_dir, bench_engine.knowledge.ontology)


@pytest.fixture(scope="module")
def result(bench_engine, cases):
    seen = []
    r = run_benchmark(bench_engine, cases, progress=lambda p, d, n: seen.append((p, d, n)))
    assert seen == [(p, d, 3) for p in (AS_IS, LPO) for d in (1, 2, 3)]
    return r


def ranks(result, method, protocol):
    return [r.rank for r in result.ranks if r.method == method and r.protocol is protocol]


def test_peer_ranks_exact(result):
    # hand-computed in test_benchmark_peers.py; case3's truth is not in the release
    assert ranks(result, "phenomizer", AS_IS) == [1, 1, None]
    assert ranks(result, "phenomizer", LPO) == [2, 1, None]
    s = result.summary("phenomizer", LPO)
    assert (s.ranks.n, s.ranks.missing) == (3, 1)
    assert s.ranks.top1 == pytest.approx(1 / 3) and s.ranks.top3 == pytest.approx(2 / 3)
    assert s.ranks.mrr == pytest.approx((1 / 2 + 1) / 3)
    assert (s.top1_best, s.top1_worst) == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    # case1 LPO: A ties with B and D at rank 2..4 -> within top-3 with probability 2/3
    assert s.top1_expected == pytest.approx(1 / 3)
    assert s.top10_expected == pytest.approx(2 / 3)
    # case1 as-is by hypergeometric: C (21/126) and D (21/126) beat A (35/126)
    assert ranks(result, "hypergeometric", AS_IS)[0] == 3


def test_engine_ranks_match_its_own_diagnosis(result, bench_engine, cases):
    for protocol in (AS_IS, LPO):
        got = ranks(result, ENGINE, protocol)
        for case, rank in zip(cases.cases, got):
            d = bench_engine.diagnose(case.patient, top=10_000, explain_top=0,
                                      leave_publication_out=protocol is LPO)
            hits = [c.rank for c in d.candidates
                    if case.truth[0] == c.disease_id or case.truth[0] in c.equivalent_ids]
            assert rank == (min(hits) if hits else None)
    rows = [r for r in result.ranks if r.method == ENGINE]
    assert all(0.0 <= r.p_top1 <= 1.0 and r.seconds >= 0 for r in rows)


def test_breakdown_and_calibration(result):
    info = {c.case_id: (c.annotations, c.annotations_lpo, c.breakdown_bin) for c in result.cases}
    # A has 3 phenotype rows, 2 cite PMID:1; B has 2, none cites PMID:99
    assert info == {"case1": (3, 1, "1-4"), "case2": (2, 2, "1-4"),
                    "case3": (None, None, "not in release")}
    bins = {(b.bin, b.method, b.protocol): b.ranks.n for b in result.breakdown}
    assert bins[("1-4", "phenomizer", LPO)] == 2
    assert bins[("not in release", ENGINE, AS_IS)] == 1
    # case1's own PMID:1 annotates its disease (the leak); case2's PMID:99 does not
    own = {c.case_id: c.own_publication_bin for c in result.cases}
    assert own == {"case1": "cited", "case2": "not cited", "case3": "not in release"}
    dims = {(b.dimension, b.bin, b.method, b.protocol): b.ranks.n for b in result.breakdown}
    assert dims[("own publications", "cited", ENGINE, LPO)] == 1
    assert dims[("own publications", "not cited", "phenomizer", AS_IS)] == 1
    assert [c.protocol for c in result.calibration] == [AS_IS, LPO]
    for c in result.calibration:
        assert c.n == 3 and c.truth_absent == 1
        assert sum(b.n for b in c.reliability) == 3
        assert 0.0 <= c.ece <= 1.0 and 0.0 <= c.brier <= 1.0 and math.isfinite(c.mean_log_loss)


def test_one_protocol_without_peers(bench_engine, cases):
    r = run_benchmark(bench_engine, cases.cases, protocols=[LPO], peers=False)
    assert r.methods == (ENGINE,) and r.protocols == (LPO,)
    assert {x.protocol for x in r.ranks} == {LPO} and len(r.ranks) == 3
    assert list(r.engine_seconds) == ["lpo"]


def test_result_is_json_serialisable(result):
    d = json.loads(json.dumps(result_to_dict(result, {"command": "x"}), allow_nan=False))
    assert d["n_cases"] == 3 and d["meta"] == {"command": "x"}
    assert {(s["method"], s["protocol"]) for s in d["summary"]} == {
        (m, p) for m in (ENGINE, "phenomizer", "hypergeometric") for p in ("as-is", "lpo")}
    assert len(d["ranks"]) == 18
