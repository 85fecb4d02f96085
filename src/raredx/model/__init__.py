"""Identifiers, the patient and small value types. No I/O, no knowledge."""

from raredx.model._ids import DiseaseId, TermId, parse_term_id
from raredx.model._patient import Age, InputIssue, IssueLevel, Patient, Sex

__all__ = [
    "Age",
    "DiseaseId",
    "InputIssue",
    "IssueLevel",
    "Patient",
    "Sex",
    "TermId",
    "parse_term_id",
]
