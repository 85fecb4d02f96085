"""Running the benchmark: the engine and the peers, on every case, under each protocol.

Uses the engine's public API only (``score``, ``order``, ``probabilities``, ``candidates_for``,
``left_out_rows``, ``knowledge``). The true disease is mapped to the best-ranked candidate that
is, or pools, it; a truth absent from the knowledge gets rank ``None`` (a miss).
"""

from __future__ import annotations

import enum
import math
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from raredx.benchmark._cases import Case, CaseFailure, CaseSet
from raredx.benchmark._metrics import (
    RankSummary,
    ReliabilityBin,
    brier_score,
    expected_calibration_error,
    expected_top_k,
    mean_log_loss,
    reliability_table,
    summarize_ranks,
)
from raredx.benchmark._peers import Peer, PeerScorer
from raredx.engine import Engine

__all__ = [
    "BREAKDOWN_BINS",
    "ENGINE",
    "BenchmarkResult",
    "BreakdownRow",
    "Calibration",
    "CaseInfo",
    "CaseRank",
    "MethodSummary",
    "Protocol",
    "run_benchmark",
]

ENGINE = "raredx"


class Protocol(enum.Enum):
    AS_IS = "as-is"
    LEAVE_PUBLICATION_OUT = "lpo"

    @property
    def title(self) -> str:
        return "as-is" if self is Protocol.AS_IS else "leave-publication-out"


# (label, lowest, highest) of annotation rows of the true disease left under leave-publication-out
BREAKDOWN_BINS: tuple[tuple[str, int, float], ...] = (
    ("0", 0, 0), ("1-4", 1, 4), ("5-19", 5, 19), (">=20", 20, math.inf),
)
NOT_IN_RELEASE = "not in release"
OWN_CITED = "cited"
OWN_NOT_CITED = "not cited"


@dataclass(frozen=True, slots=True)
class CaseInfo:
    """What the benchmark knows about one case (the answer included; the engine never sees it)."""

    source: str
    case_id: str
    truth: tuple[str, ...]
    n_present: int
    n_excluded: int
    n_publications: int
    annotations: int | None  # rows of the true disease in the release (None: not in it)
    annotations_lpo: int | None  # ... left after leave-publication-out
    removed_rows: int  # annotation rows citing the case's publications (all diseases)
    input_warnings: int

    @property
    def breakdown_bin(self) -> str:
        if self.annotations_lpo is None:
            return NOT_IN_RELEASE
        for label, lo, hi in BREAKDOWN_BINS:
            if lo <= self.annotations_lpo <= hi:
                return label
        raise AssertionError("bins cover every count")

    @property
    def own_publication_bin(self) -> str:
        """Whether the release annotates the true disease from the case's own publications
        (the leak that leave-publication-out removes), so as-is can be bounded."""
        if self.annotations is None or self.annotations_lpo is None:
            return NOT_IN_RELEASE
        return OWN_CITED if self.annotations > self.annotations_lpo else OWN_NOT_CITED


@dataclass(frozen=True, slots=True)
class CaseRank:
    """The rank one method gave one case's true disease under one protocol."""

    source: str
    method: str
    protocol: Protocol
    rank: int | None  # by the method's documented tie rule; None: truth not a candidate
    rank_best: int | None  # if ties with the truth were broken in its favour
    rank_worst: int | None  # ... against it
    top: str  # the top-ranked candidate's id
    seconds: float
    p_top1: float | None = None  # engine only: probability of its top candidate
    p_true: float | None = None  # engine only: probability of the true disease's candidate


@dataclass(frozen=True, slots=True)
class MethodSummary:
    method: str
    protocol: Protocol
    ranks: RankSummary
    seconds_total: float
    top1_best: float  # top-1 / top-10 with ties broken for / against the truth
    top1_worst: float
    top10_best: float
    top10_worst: float
    top1_expected: float  # ... expected under uniformly random tie-breaking
    top10_expected: float

    @property
    def seconds_per_case(self) -> float:
        return self.seconds_total / self.ranks.n if self.ranks.n else math.nan


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    bin: str
    method: str
    protocol: Protocol
    ranks: RankSummary
    dimension: str = "remaining annotations"  # or "own publications"


@dataclass(frozen=True, slots=True)
class Calibration:
    """How well the engine's top-1 probability matches how often it is right (one protocol)."""

    protocol: Protocol
    n: int
    mean_p_top1: float
    top1_accuracy: float
    ece: float  # 10 equal-width bins
    brier: float
    mean_log_loss: float  # -ln p(true disease), over cases whose truth is a candidate
    truth_absent: int  # cases left out of the log-loss (truth not among the candidates)
    reliability: tuple[ReliabilityBin, ...]


@dataclass(frozen=True)
class BenchmarkResult:
    cases: tuple[CaseInfo, ...]
    ranks: tuple[CaseRank, ...]
    failures: tuple[CaseFailure, ...]
    protocols: tuple[Protocol, ...]
    methods: tuple[str, ...]
    summaries: tuple[MethodSummary, ...]
    breakdown: tuple[BreakdownRow, ...]
    calibration: tuple[Calibration, ...]
    wall_seconds: dict[str, float]  # per protocol: the whole loop (engine + peers + bookkeeping)
    engine_seconds: dict[str, float]  # per protocol: the engine's own time, summed over cases
    peak_rss_mb: float
    peak_rss_mb_before: float  # after the engine was built and the cases read
    n_candidates: int
    n_peer_diseases: int
    knowledge: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self, method: str, protocol: Protocol) -> MethodSummary | None:
        for s in self.summaries:
            if s.method == method and s.protocol is protocol:
                return s
        return None


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _engine_rank(
    engine: Engine, total: np.ndarray, truth_cands: list[int]
) -> tuple[int | None, int | None, int | None, int | None]:
    """(rank, best, worst, candidate) of the best-ranked candidate that is or pools the truth."""
    if not truth_cands:
        return None, None, None, None
    cands = np.array(sorted(set(truth_cands)), dtype=np.int64)
    pos = engine.ranks(total, cands)
    k = int(np.argmin(pos))
    e = int(cands[k])
    t = total[e]
    best = int(np.count_nonzero(total > t)) + 1
    worst = int(np.count_nonzero(total >= t)) - int(np.count_nonzero(total[cands] == t)) + 1
    return int(pos[k]), best, worst, e


def _fraction(ranks: list[int | None], k: int) -> float:
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def run_benchmark(
    engine: Engine,
    cases: CaseSet | Sequence[Case],
    *,
    protocols: Sequence[Protocol] = (Protocol.AS_IS, Protocol.LEAVE_PUBLICATION_OUT),
    peers: bool = True,
    progress: Callable[[Protocol, int, int], None] | None = None,
) -> BenchmarkResult:
    """Rank every case's true disease with the engine (and the peers) under each protocol.

    ``progress(protocol, done, total)`` is called after each case. Cases are parsed once (by
    :func:`load_cases`) and reused across protocols.
    """
    failures: tuple[CaseFailure, ...] = ()
    if isinstance(cases, CaseSet):
        failures = cases.failures
        case_list = list(cases.cases)
    else:
        case_list = list(cases)
    kb = engine.knowledge
    ann = kb.annotations
    per_disease = np.bincount(np.asarray(ann.disease), minlength=len(kb.diseases))
    peak_before = _peak_rss_mb()
    peer_scorer = PeerScorer(kb) if peers else None
    methods = (ENGINE,) + (tuple(p.value for p in Peer) if peers else ())

    # per-case facts that do not depend on the protocol
    removed: list[np.ndarray] = []
    infos: list[CaseInfo] = []
    truth_cands: list[list[int]] = []
    truth_dis: list[list[int]] = []
    for c in case_list:
        rows = engine.left_out_rows(c.patient)
        removed.append(rows)
        dis = [i for i in (kb.disease_index(t) for t in c.truth) if i is not None]
        truth_dis.append(dis)
        truth_cands.append([e for t in c.truth for e in engine.candidates_for(t)])
        gone = np.bincount(np.asarray(ann.disease)[rows], minlength=len(kb.diseases)) if len(
            rows) else None
        n_all = max((int(per_disease[d]) for d in dis), default=None)
        n_lpo = max((int(per_disease[d] - (gone[d] if gone is not None else 0)) for d in dis),
                    default=None)
        infos.append(CaseInfo(
            source=c.source, case_id=c.patient.id, truth=c.truth,
            n_present=len(c.patient.present), n_excluded=len(c.patient.excluded),
            n_publications=len(c.patient.publications), annotations=n_all,
            annotations_lpo=n_lpo, removed_rows=len(rows),
            input_warnings=len(c.patient.issues),
        ))

    ranks: list[CaseRank] = []
    wall: dict[str, float] = {}
    engine_time: dict[str, float] = {}
    peer_time: dict[tuple[str, str], float] = {}
    cand_ids = engine.candidate_ids
    dis_ids = [d.id for d in kb.diseases]
    for protocol in protocols:
        lpo = protocol is Protocol.LEAVE_PUBLICATION_OUT
        t_protocol = time.perf_counter()
        t_engine = 0.0
        for i, c in enumerate(case_list):
            t0 = time.perf_counter()
            total = engine.score(c.patient, leave_publication_out=lpo).total
            order = engine.order(total, top=10)  # a top-10 differential; ranks below need no sort
            prob = engine.probabilities(total, len(c.patient.present))
            dt = time.perf_counter() - t0
            t_engine += dt
            rank, best, worst, e = _engine_rank(engine, total, truth_cands[i])
            ranks.append(CaseRank(
                source=c.source, method=ENGINE, protocol=protocol, rank=rank, rank_best=best,
                rank_worst=worst, top=cand_ids[int(order[0])], seconds=dt,
                p_top1=float(prob[order[0]]), p_true=float(prob[e]) if e is not None else 0.0,
            ))
            if peer_scorer is not None:
                for peer in Peer:
                    t0 = time.perf_counter()
                    sc = peer_scorer.score(peer, c.patient, removed[i] if lpo else None).scores
                    dt = time.perf_counter() - t0
                    key = (peer.value, protocol.value)
                    peer_time[key] = peer_time.get(key, 0.0) + dt
                    p_rank: int | None = None
                    p_best: int | None = None
                    p_worst: int | None = None
                    if truth_dis[i]:
                        p_rank, d = min((peer_scorer.rank_of(sc, d), d) for d in truth_dis[i])
                        p_best, p_worst = peer_scorer.rank_bounds(sc, d)
                    top = dis_ids[peer_scorer.top(sc)]
                    ranks.append(CaseRank(
                        source=c.source, method=peer.value, protocol=protocol, rank=p_rank,
                        rank_best=p_best, rank_worst=p_worst, top=top, seconds=dt,
                    ))
            if progress is not None:
                progress(protocol, i + 1, len(case_list))
        wall[protocol.value] = time.perf_counter() - t_protocol
        engine_time[protocol.value] = t_engine

    summaries: list[MethodSummary] = []
    breakdown: list[BreakdownRow] = []
    bins = [b[0] for b in BREAKDOWN_BINS] + [NOT_IN_RELEASE]
    bin_of = {inf.source: inf.breakdown_bin for inf in infos}
    own_of = {inf.source: inf.own_publication_bin for inf in infos}
    for protocol in protocols:
        for m in methods:
            mrows = [r for r in ranks if r.method == m and r.protocol is protocol]
            rk = [r.rank for r in mrows]
            rb = [r.rank_best for r in mrows]
            rw = [r.rank_worst for r in mrows]
            bounds = [None if r.rank_best is None or r.rank_worst is None
                      else (r.rank_best, r.rank_worst) for r in mrows]
            secs = engine_time[protocol.value] if m == ENGINE else peer_time.get(
                (m, protocol.value), 0.0)
            summaries.append(MethodSummary(
                method=m, protocol=protocol, ranks=summarize_ranks(rk), seconds_total=secs,
                top1_best=_fraction(rb, 1), top1_worst=_fraction(rw, 1),
                top10_best=_fraction(rb, 10), top10_worst=_fraction(rw, 10),
                top1_expected=expected_top_k(bounds, 1), top10_expected=expected_top_k(bounds, 10),
            ))
            for label in bins:
                sub = [r.rank for r in mrows if bin_of[r.source] == label]
                if sub:
                    breakdown.append(BreakdownRow(label, m, protocol, summarize_ranks(sub)))
            for label in (OWN_CITED, OWN_NOT_CITED):
                sub = [r.rank for r in mrows if own_of[r.source] == label]
                if sub:
                    breakdown.append(BreakdownRow(label, m, protocol, summarize_ranks(sub),
                                                  dimension="own publications"))

    calibration: list[Calibration] = []
    for protocol in protocols:
        erows = [r for r in ranks if r.method == ENGINE and r.protocol is protocol]
        if not erows:
            continue
        conf = [float(r.p_top1 or 0.0) for r in erows]
        ok = [r.rank == 1 for r in erows]
        present = [float(r.p_true or 0.0) for r in erows if r.rank is not None]
        calibration.append(Calibration(
            protocol=protocol, n=len(erows), mean_p_top1=sum(conf) / len(conf),
            top1_accuracy=sum(ok) / len(ok), ece=expected_calibration_error(conf, ok),
            brier=brier_score(conf, ok), mean_log_loss=mean_log_loss(present),
            truth_absent=len(erows) - len(present), reliability=reliability_table(conf, ok),
        ))

    return BenchmarkResult(
        cases=tuple(infos), ranks=tuple(ranks), failures=failures, protocols=tuple(protocols),
        methods=methods, summaries=tuple(summaries), breakdown=tuple(breakdown),
        calibration=tuple(calibration), wall_seconds=wall, engine_seconds=engine_time,
        peak_rss_mb=_peak_rss_mb(), peak_rss_mb_before=peak_before,
        n_candidates=len(cand_ids), n_peer_diseases=len(dis_ids),
        knowledge=kb.versions.as_dict(),
    )
