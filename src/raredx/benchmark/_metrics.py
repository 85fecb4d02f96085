"""Ranking and calibration metrics, on plain lists (pure functions, unit-tested on toy inputs).

A rank is 1-based; ``None`` means the true disease is not among the candidates at all (it counts
as a miss everywhere and contributes 0 to the mean reciprocal rank).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "RankSummary",
    "ReliabilityBin",
    "brier_score",
    "expected_calibration_error",
    "expected_top_k",
    "mean_log_loss",
    "mean_reciprocal_rank",
    "reliability_table",
    "summarize_ranks",
    "top_k",
]

Rank = int | None


def top_k(ranks: Sequence[Rank], k: int) -> float:
    """Fraction of cases whose true disease is ranked ``k`` or better (0.0 for no cases).

    >>> top_k([1, 2, None, 11], 10)
    0.5
    """
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mean_reciprocal_rank(ranks: Sequence[Rank]) -> float:
    """Mean of 1/rank, with 0 for a missing truth.

    >>> mean_reciprocal_rank([1, 2, None, 4])
    0.4375
    """
    if not ranks:
        return 0.0
    return sum(1.0 / r for r in ranks if r is not None) / len(ranks)


def expected_top_k(bounds: Sequence[tuple[int, int] | None], k: int) -> float:
    """Top-k expected under uniformly random tie-breaking, from each case's (best, worst) rank.

    A truth with ``best - 1`` candidates strictly ahead and ``worst - best + 1`` tied (itself
    included) is within the top ``k`` with probability ``(k - best + 1) / (worst - best + 1)``,
    clipped to [0, 1]; ``None`` (not a candidate) counts 0.

    >>> expected_top_k([(1, 4), (2, 2), None, (11, 12)], 1)
    0.0625
    """
    if not bounds:
        return 0.0
    total = 0.0
    for b in bounds:
        if b is None:
            continue
        best, worst = b
        if worst < best:
            raise ValueError(f"worst rank {worst} is better than best rank {best}")
        total += min(1.0, max(0.0, (k - best + 1) / (worst - best + 1)))
    return total / len(bounds)


@dataclass(frozen=True, slots=True)
class RankSummary:
    n: int
    top1: float
    top3: float
    top10: float
    mrr: float
    missing: int  # truth absent from the candidates (rank None)

    def as_dict(self) -> dict[str, float | int]:
        return {"n": self.n, "top1": self.top1, "top3": self.top3, "top10": self.top10,
                "mrr": self.mrr, "missing": self.missing}


def summarize_ranks(ranks: Sequence[Rank]) -> RankSummary:
    return RankSummary(
        n=len(ranks), top1=top_k(ranks, 1), top3=top_k(ranks, 3), top10=top_k(ranks, 10),
        mrr=mean_reciprocal_rank(ranks), missing=sum(1 for r in ranks if r is None),
    )


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """Cases whose confidence lies in ``[lo, hi)`` (the last bin includes 1.0)."""

    lo: float
    hi: float
    n: int
    mean_confidence: float  # NaN for an empty bin
    accuracy: float  # NaN for an empty bin


def _bin_of(p: float, bins: int) -> int:
    return min(int(p * bins), bins - 1) if p > 0 else 0


def _check(confidence: Sequence[float], correct: Sequence[bool]) -> None:
    if len(confidence) != len(correct):
        raise ValueError("confidence and correct differ in length")
    for p in confidence:
        if not (0.0 <= p <= 1.0):
            raise ValueError(f"a confidence must be a probability in [0, 1], got {p!r}")


def reliability_table(
    confidence: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> tuple[ReliabilityBin, ...]:
    """Equal-width bins over [0, 1]: per bin the count, mean confidence and accuracy.

    >>> [b.n for b in reliability_table([0.05, 0.95, 1.0], [False, True, True], bins=2)]
    [1, 2]
    """
    _check(confidence, correct)
    n = [0] * bins
    sp = [0.0] * bins
    sc = [0] * bins
    for p, c in zip(confidence, correct):
        b = _bin_of(p, bins)
        n[b] += 1
        sp[b] += p
        sc[b] += bool(c)
    return tuple(
        ReliabilityBin(
            lo=b / bins, hi=(b + 1) / bins, n=n[b],
            mean_confidence=sp[b] / n[b] if n[b] else math.nan,
            accuracy=sc[b] / n[b] if n[b] else math.nan,
        )
        for b in range(bins)
    )


def expected_calibration_error(
    confidence: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> float:
    """ECE = sum over bins of (cases in bin / all cases) * |accuracy - mean confidence|.

    >>> round(expected_calibration_error([0.9, 0.9, 0.2, 0.2], [True, False, False, False]), 6)
    0.3
    """
    if not confidence:
        return math.nan
    total = len(confidence)
    return sum(
        b.n / total * abs(b.accuracy - b.mean_confidence)
        for b in reliability_table(confidence, correct, bins) if b.n
    )


def brier_score(confidence: Sequence[float], correct: Sequence[bool]) -> float:
    """Mean squared difference between the confidence and the 0/1 outcome.

    >>> brier_score([1.0, 0.5], [True, False])
    0.125
    """
    _check(confidence, correct)
    if not confidence:
        return math.nan
    return sum((p - float(bool(c))) ** 2 for p, c in zip(confidence, correct)) / len(confidence)


def mean_log_loss(p_true: Sequence[float], floor: float = 1e-12) -> float:
    """Mean of -ln(probability given to the true disease), each probability floored at ``floor``.

    >>> round(mean_log_loss([1.0, math.exp(-2)]), 6)
    1.0
    """
    if not p_true:
        return math.nan
    return sum(-math.log(max(p, floor)) for p in p_true) / len(p_true)
