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
from raredx.model._variant import *  # noqa: E402,F403  (Variant, Genotype, Pedigree, …)
from raredx.model._variant import __all__ as _variant_all  # noqa: E402

__all__ += _variant_all
