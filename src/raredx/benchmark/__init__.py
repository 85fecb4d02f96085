"""The benchmark harness: the engine and two peers on phenopackets with known diagnoses.

Uses only the engine's public API. Typical use from a tuning script::

    engine = build_engine(EngineConfig(Path("/tmp/kd")))
    cases = load_cases("phenopacket-store-dev.zip", engine.knowledge.ontology, sample=500, seed=1)
    result = run_benchmark(engine, cases, protocols=[Protocol.LEAVE_PUBLICATION_OUT], peers=False)
    result.summary("raredx", Protocol.LEAVE_PUBLICATION_OUT).ranks.top1
"""

from raredx.benchmark._cases import Case, CaseFailure, CaseSet, load_cases, truth_of
from raredx.benchmark._metrics import (
    RankSummary,
    ReliabilityBin,
    brier_score,
    expected_calibration_error,
    expected_top_k,
    mean_log_loss,
    mean_reciprocal_rank,
    reliability_table,
    summarize_ranks,
    top_k,
)
from raredx.benchmark._peers import Peer, PeerScorer
from raredx.benchmark._report import markdown_report, result_to_dict, write_report
from raredx.benchmark._run import (
    ENGINE,
    BenchmarkResult,
    BreakdownRow,
    Calibration,
    CaseInfo,
    CaseRank,
    MethodSummary,
    Protocol,
    run_benchmark,
)

__all__ = [
    "ENGINE",
    "BenchmarkResult",
    "BreakdownRow",
    "Calibration",
    "Case",
    "CaseFailure",
    "CaseInfo",
    "CaseRank",
    "CaseSet",
    "MethodSummary",
    "Peer",
    "PeerScorer",
    "Protocol",
    "RankSummary",
    "ReliabilityBin",
    "brier_score",
    "expected_calibration_error",
    "expected_top_k",
    "load_cases",
    "markdown_report",
    "mean_log_loss",
    "mean_reciprocal_rank",
    "reliability_table",
    "result_to_dict",
    "run_benchmark",
    "summarize_ranks",
    "top_k",
    "truth_of",
    "write_report",
]
