"""The knowledge layer: ontology, disease annotations, Orphanet, versions and the index cache.

Parsing of release files lives in :mod:`raredx.io`; this layer only holds what was parsed.
"""

from raredx.knowledge._annotations import AnnotationTable, Aspect, Disease, DiseaseCourse
from raredx.knowledge._base import (
    KnowledgeBase,
    KnowledgeVersions,
    cache_root,
    cached,
    file_sha256,
)
from raredx.knowledge._ontology import (
    INHERITANCE_ROOT,
    ONSET_ROOT,
    PHENOTYPIC_ABNORMALITY,
    Ontology,
    Term,
)

__all__ = [
    "INHERITANCE_ROOT",
    "ONSET_ROOT",
    "PHENOTYPIC_ABNORMALITY",
    "AnnotationTable",
    "Aspect",
    "Disease",
    "DiseaseCourse",
    "KnowledgeBase",
    "KnowledgeVersions",
    "Ontology",
    "Term",
    "cache_root",
    "cached",
    "file_sha256",
]
from raredx.knowledge._genes import (
    RNA_GENE_NOTE,
    SMALL_RNA_BIOTYPES,
    GeneInfo,
    GeneKnowledge,
    IntervalTable,
)

__all__ += ["RNA_GENE_NOTE", "SMALL_RNA_BIOTYPES", "GeneInfo", "GeneKnowledge", "IntervalTable"]
