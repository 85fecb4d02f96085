"""Combining evidence into a ranked differential: tie rule, probabilities, explanations as data."""

from raredx.ranking._results import (
    AnnotationSource,
    Candidate,
    CourseAspect,
    CourseEvidence,
    Diagnosis,
    MatchKind,
    ProtocolKind,
    TermEvidence,
)

__all__ = [
    "AnnotationSource",
    "Candidate",
    "CourseAspect",
    "CourseEvidence",
    "Diagnosis",
    "MatchKind",
    "ProtocolKind",
    "TermEvidence",
]
