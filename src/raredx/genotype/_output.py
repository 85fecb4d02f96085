"""Writers for genotype-aware results: plain dicts for JSON/JSONL (tables are drawn by the CLI)."""

from __future__ import annotations

from typing import Any

from raredx.genotype._diagnose import DiseaseHit, GeneHit, GenomicDiagnosis, default_params
from raredx.genotype._scoring import GenotypeParams, VariantEvidence, pathogenicity
from raredx.io import course_to_dict, evidence_to_dict

__all__ = ["genomic_to_dict", "variant_evidence_to_dict"]


def _r(x: float | None, d: int = 4) -> float | None:
    if x is None or x != x or x in (float("inf"), float("-inf")):
        return None
    return round(float(x), d)


def variant_evidence_to_dict(e: VariantEvidence, params: GenotypeParams) -> dict[str, Any]:
    v, a = e.variant, e.annotation
    gq = None
    for g in v.genotypes:
        if g.zygosity is e.zygosity:
            gq = g.quality
            break
    _, reasons = pathogenicity(v, a, params, gq, explain=True)
    if e.position_note:
        reasons = (*reasons, e.position_note)
    return {
        "chrom": v.chrom,
        "pos": v.pos,
        "ref": v.ref,
        "alt": v.alt,
        "end": v.end,  # a structural allele's (<DEL>, <DUP>) last base; null otherwise
        "genotype": e.zygosity.value,
        "gene": a.gene_symbol,
        "effect": a.effect.value,
        "effect_note": a.note,
        "transcript": a.transcript,
        "hgvs_c": a.hgvs_c,
        "hgvs_p": a.hgvs_p,
        "annotation_source": a.source.value,
        "frequency": v.frequency,
        "in_dbsnp": v.in_dbsnp,
        "scores": dict(v.scores),
        "pathogenicity": _r(e.pathogenicity),
        "pathogenicity_reasons": list(reasons),
        "segregation": e.segregation,
        "quality": v.quality,
        "vcf_line": v.line,
        "lifted_from_grch37": v.lifted_from,
    }


def _disease(h: DiseaseHit, params: GenotypeParams) -> dict[str, Any]:
    return {
        "rank": h.rank,
        "id": h.disease_id,
        "label": h.label,
        "score": _r(h.score),
        "probability": _r(h.probability, 6),
        "phenotype_score": _r(h.phenotype_log10_lr),
        "genotype_score": _r(h.genotype_log10_lr),
        "gene": {"symbol": h.gene, "id": h.gene_id} if h.gene else None,
        "mode_of_inheritance": h.mode_of_inheritance,
        "gene_link": h.gene_link,
        "genotype_evidence": h.genotype_explanation,
        "variants": [variant_evidence_to_dict(e, params) for e in h.variants[:5]],
        "evidence": [evidence_to_dict(e) for e in h.evidence],
        "course": [course_to_dict(c) for c in h.course],
    }


def _gene(h: GeneHit, params: GenotypeParams) -> dict[str, Any]:
    return {
        "rank": h.rank,
        "symbol": h.symbol,
        "id": h.hgnc_id,
        "score": _r(h.score),
        "phenotype_score": _r(h.phenotype_log10_lr),
        "genotype_score": _r(h.genotype_log10_lr),
        "mode_of_inheritance": h.mode_of_inheritance,
        "disease": h.best_disease,
        "disease_link": h.disease_link,
        "diseases": list(h.diseases),
        "explanation": h.explanation,
        "variants": [variant_evidence_to_dict(e, params) for e in h.variants[:5]],
    }


def genomic_to_dict(d: GenomicDiagnosis, params: GenotypeParams | None = None) -> dict[str, Any]:
    """The JSON/JSONL object of one case: ``id``, ``diseases`` and ``genes`` best first, the
    variant summary (what was read, skipped and why), knowledge versions and input issues."""
    params = params or default_params()
    return {
        "id": d.patient_id,
        "protocol": "leave-publication-out" if d.leave_publication_out else "as-is",
        "diseases": [_disease(h, params) for h in d.diseases],
        "genes": [_gene(h, params) for h in d.genes],
        "annotation_source": d.annotation_source,
        "variants": d.variants,
        "genotype_model": d.genotype_model,
        # how a disease's or gene's score is made (the phenotype LR is tempered: see the model)
        "phenotype_weight": params.phenotype_weight,
        "score_rule": "score = phenotype_weight × phenotype_score + genotype_score",
        "knowledge": {**d.knowledge.as_dict(), "genes": d.gene_knowledge},
        "issues": [{"level": i.level.value, "where": i.where, "message": i.message}
                   for i in d.issues],
    }
