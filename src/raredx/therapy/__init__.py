"""Treatment matching: which therapies target a patient's diagnosis and alterations.

A curated, versioned table written by this project (``raredx/data/therapies/approvals.tsv``: each
row one approval or evidence fact with agency, date and source), alteration normalisation (any
common notation -> :class:`Alteration`), a small OncoTree subset, DMD reading-frame rules, and
importers for user-supplied MOAlmanac JSON and CIViC exports.

    >>> from raredx.therapy import TherapyMatcher
    >>> r = TherapyMatcher().treat("chondrosarcoma", ["IDH1 R132H"])
    >>> r.summary.startswith("No therapy is approved for IDH1 R132H in Chondrosarcoma")
    True
"""

from raredx.therapy._dmd import amenable_skips, skip_restores
from raredx.therapy._genes import Genes, install_hgnc
from raredx.therapy._import import read_civic, read_moalmanac
from raredx.therapy._knowledge import TherapyKnowledge, load_therapy_knowledge
from raredx.therapy._match import (
    TherapyMatcher,
    default_matcher,
    treatments_as_dicts,
    treatments_for_disease,
)
from raredx.therapy._model import (
    Agency,
    Alteration,
    AltKind,
    Approval,
    BiomarkerSpec,
    CancerType,
    Certainty,
    DiseaseTreatment,
    Eligibility,
    Finding,
    Problem,
    Status,
    Tier,
    TreatmentReport,
    Zygosity,
)
from raredx.therapy._oncotree import CancerTypeError, OncoTree
from raredx.therapy._parse import AlterationError, parse_alteration, parse_spec
from raredx.therapy._vcf import alterations_from_variants, alterations_from_vcf

__all__ = [
    "Agency", "AltKind", "Alteration", "AlterationError", "Approval", "BiomarkerSpec",
    "CancerType", "CancerTypeError", "Certainty", "DiseaseTreatment", "Eligibility", "Finding",
    "Genes", "OncoTree", "Problem", "Status", "TherapyKnowledge", "TherapyMatcher", "Tier",
    "TreatmentReport", "Zygosity", "alterations_from_variants", "alterations_from_vcf",
    "amenable_skips", "default_matcher", "install_hgnc",
    "load_therapy_knowledge", "parse_alteration", "parse_spec", "read_civic", "read_moalmanac",
    "skip_restores", "treatments_as_dicts", "treatments_for_disease",
]
