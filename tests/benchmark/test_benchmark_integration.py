"""The benchmark on a few real dev cases and the real default release from ../shared/data.

Checks consistency, not figures: the peers' per-case leave-publication-out equals scoring a
release with those rows physically removed, and the engine ranks agree with its diagnosis.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from raredx.benchmark import ENGINE, Peer, PeerScorer, Protocol, load_cases, run_benchmark
from tests.benchmark.test_benchmark_peers import _without_rows

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real_engine(shared_data: Path, tmp_path_factory):
    from raredx.engine import EngineConfig, build_engine

    d = tmp_path_factory.mktemp("bench-release")
    for sub in ("hpo-2026-06-06", "orphanet"):
        for f in sorted((shared_data / sub).glob("*.gz")):
            (d / f.name).symlink_to(f.resolve())
    return build_engine(EngineConfig(d), log=lambda _m: None)


@pytest.fixture(scope="module")
def real_cases(real_engine, shared_data: Path):
    cs = load_cases(shared_data / "phenopacket-store-dev.zip", real_engine.knowledge.ontology,
                    sample=4, seed=3)
    assert cs.n_files == 5820 and len(cs.cases) + len(cs.failures) == 4
    return cs


def test_peer_removal_matches_a_release_without_the_rows(real_engine, real_cases):
    kb = real_engine.knowledge
    peers = PeerScorer(kb)
    for case in real_cases.cases[:2]:
        rows = real_engine.left_out_rows(case.patient)
        slow = PeerScorer(_without_rows(kb, rows))
        for peer in Peer:
            np.testing.assert_allclose(peers.score(peer, case.patient, rows).scores,
                                       slow.score(peer, case.patient).scores,
                                       rtol=1e-9, atol=1e-9)


def test_run_on_real_cases(real_engine, real_cases):
    result = run_benchmark(real_engine, real_cases)
    assert result.knowledge["hpo"] == "2026-06-06"
    assert len(result.ranks) == len(real_cases.cases) * 3 * 2
    for protocol in Protocol:
        lpo = protocol is Protocol.LEAVE_PUBLICATION_OUT
        for case in real_cases.cases:
            got = next(r.rank for r in result.ranks if r.source == case.source
                       and r.method == ENGINE and r.protocol is protocol)
            d = real_engine.diagnose(case.patient, top=100_000, explain_top=0,
                                     leave_publication_out=lpo)
            hits = [c.rank for c in d.candidates
                    if case.truth[0] == c.disease_id or case.truth[0] in c.equivalent_ids]
            assert got == (min(hits) if hits else None)
