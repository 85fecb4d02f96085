"""Combining evidence into a ranked differential: tie rule, probabilities, explanations as data."""

from raredx.ranking._results import (
    Candidate,
    CourseAspect,
    CourseEvidence,
    Diagnosis,
    MatchKind,
    ProtocolKind,
    TermEvidence,
)

__all__ = [
    "Candidate",
    "CourseAspect",
    "CourseEvidence",
    "Diagnosis",
    "MatchKind",
    "ProtocolKind",
    "TermEvidence",
]
