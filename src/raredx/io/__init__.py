"""Formats at the edge: HPO/Orphanet release files, phenopackets, command-line input, writers."""

from raredx.io._hpoa import parse_frequency
from raredx.io._obo import read_obo
from raredx.io._phenopacket import parse_iso8601_age, patient_from_phenopacket, read_phenopacket
from raredx.io._terms import resolve_terms
from raredx.io._release import (
    DEFAULT_RELEASE,
    install_release,
    load_knowledge,
    locate_release,
    resolve_data_dir,
)

__all__ = [
    "DEFAULT_RELEASE",
    "install_release",
    "load_knowledge",
    "locate_release",
    "parse_frequency",
    "parse_iso8601_age",
    "patient_from_phenopacket",
    "read_phenopacket",
    "resolve_terms",
    "read_obo",
    "resolve_data_dir",
]
