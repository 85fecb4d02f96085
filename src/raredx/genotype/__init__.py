"""Genotype-aware prioritisation: variants × mode of inheritance × phenotype fit.

Sits at the ranking level: it takes the engine's per-candidate phenotype log10 LRs
(``engine.score``) and adds the genotype evidence of each candidate's gene.
"""

from raredx.genotype._annotate import annotate_builtin, attach_gene_ids
from raredx.genotype._diagnose import (
    DiseaseHit,
    GeneHit,
    GenomicDiagnosis,
    GenotypeLinks,
    VariantSet,
    diagnose_with_variants,
    gene_order,
    genotype_links,
    prepare_variants,
    variant_set,
)
from raredx.genotype._scoring import (
    GeneEvidence,
    GenotypeParams,
    Moi,
    Trio,
    VariantEvidence,
    pathogenicity,
    score_genes,
)

__all__ = [
    "DiseaseHit",
    "GeneEvidence",
    "GeneHit",
    "GenomicDiagnosis",
    "GenotypeLinks",
    "GenotypeParams",
    "Moi",
    "Trio",
    "VariantEvidence",
    "VariantSet",
    "annotate_builtin",
    "attach_gene_ids",
    "diagnose_with_variants",
    "gene_order",
    "genotype_links",
    "pathogenicity",
    "prepare_variants",
    "score_genes",
    "variant_set",
]
