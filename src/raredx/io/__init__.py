"""Formats at the edge: HPO/Orphanet release files, phenopackets, command-line input, writers."""

from raredx.io._hpoa import parse_frequency
from raredx.io._obo import read_obo
from raredx.io._phenopacket import (
    decode_json,
    onset_term_for_age,
    parse_iso8601_age,
    patient_from_bytes,
    patient_from_data,
    patient_from_phenopacket,
    read_phenopacket,
    schema_issues,
)
from raredx.io._release import (
    DEFAULT_RELEASE,
    PINNED_FILES,
    default_release_dir,
    install_release,
    load_knowledge,
    locate_release,
    resolve_data_dir,
)
from raredx.io._sources import CaseList, CaseSource, find_cases
from raredx.io._terms import resolve_terms
from raredx.io._writers import (
    TSV_COLUMNS,
    course_to_dict,
    describe_course,
    describe_evidence,
    diagnosis_to_dict,
    evidence_to_dict,
    failure_to_dict,
    format_frequency,
    source_note,
    tsv_rows,
    write_json,
    write_jsonl_record,
    write_tsv,
)

__all__ = [
    "course_to_dict",
    "evidence_to_dict",
    "CaseList",
    "CaseSource",
    "DEFAULT_RELEASE",
    "PINNED_FILES",
    "TSV_COLUMNS",
    "decode_json",
    "default_release_dir",
    "describe_course",
    "describe_evidence",
    "source_note",
    "diagnosis_to_dict",
    "failure_to_dict",
    "find_cases",
    "format_frequency",
    "install_release",
    "load_knowledge",
    "locate_release",
    "onset_term_for_age",
    "parse_frequency",
    "parse_iso8601_age",
    "patient_from_bytes",
    "patient_from_data",
    "patient_from_phenopacket",
    "read_phenopacket",
    "resolve_terms",
    "read_obo",
    "resolve_data_dir",
    "schema_issues",
    "tsv_rows",
    "write_json",
    "write_jsonl_record",
    "write_tsv",
]
from raredx.io._vcf import VcfContent, normalise_chrom, read_ped, read_vcf  # noqa: E402

__all__ += ["VcfContent", "normalise_chrom", "read_ped", "read_vcf"]
from raredx.io._genes import (  # noqa: E402
    default_genes_dir,
    install_gene_file,
    install_genes,
    load_genes,
    locate_genes,
)

__all__ += ["default_genes_dir", "install_gene_file", "install_genes", "load_genes", "locate_genes"]
