"""Genotype evidence per gene, as likelihood ratios (the phenotype engine's currency).

For a gene *g* and a mode of inheritance *m* the evidence is

    LR(g, m) = P(what we see in g | g causes the disease, inheritance m)
               / P(what we see in g | g is not involved)

- ``s`` is the probability that the best configuration of the patient's variants in *g* that
  fits *m* (one allele for dominant; two alleles — homozygous or two heterozygous variants in
  trans — for recessive; one allele on a male X) is causal: the product of its variants'
  pathogenicities (variant class, predictors and frequency; see :func:`pathogenicity`).
- ``q`` is the chance of seeing such a configuration by chance: with ``λ`` = rare variants
  expected in *g*'s exons in any exome (rate × MANE exon length), ``q1 = 1 − e^−λ`` for one
  allele and ``q2 = λ²/2 + h·λ`` for two.
- ``ε`` (``missed_causal``) is the chance that the causal variant is not seen at all.

    LR = ((1 − ε)·s + ε·q) / q            when a qualifying configuration is seen,
    LR = ε / (1 − q1)                      when none is,

then multiplied by trio evidence (de novo, inherited from an unaffected parent). All constants
are data (``raredx/data/genotype_model.json``), set a priori.
"""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from raredx.knowledge import GeneKnowledge
from raredx.model import Sex, Variant, VariantAnnotation, VariantEffect, Zygosity

__all__ = [
    "GeneEvidence",
    "GenotypeParams",
    "Moi",
    "Trio",
    "VariantEvidence",
    "pathogenicity",
    "score_genes",
]


class Moi(enum.Enum):
    """Modes of inheritance the genotype scorer distinguishes."""

    AD = "autosomal dominant"
    AR = "autosomal recessive"
    XLD = "X-linked dominant"
    XLR = "X-linked recessive"
    MT = "mitochondrial"


MOIS = tuple(Moi)
# HPO inheritance term -> modes it allows
HPO_MOI: dict[str, tuple[Moi, ...]] = {
    "HP:0000006": (Moi.AD,),
    "HP:0000007": (Moi.AR,),
    "HP:0001417": (Moi.XLD, Moi.XLR),
    "HP:0001419": (Moi.XLR,),
    "HP:0001423": (Moi.XLD,),
    "HP:0001427": (Moi.MT,),
    "HP:0032113": (Moi.AD, Moi.AR),  # semidominant
    "HP:0001442": (Moi.AD,),  # somatic mosaicism
    "HP:0003745": (Moi.AD,),  # sporadic
    "HP:0001450": (Moi.XLD,),  # Y-linked: one allele in a male
    "HP:0010984": (Moi.AD, Moi.AR),  # digenic
}


@dataclass(frozen=True)
class GenotypeParams:
    version: str
    effect_pathogenicity: dict[str, float]
    min_pathogenicity: float
    dbsnp_factor: float
    frequency_full_weight_below: float
    frequency_zero_weight_at: float
    low_genotype_quality: float
    low_genotype_quality_factor: float
    background_rate_per_kb: float
    default_exon_kb: float
    homozygous_fraction: float
    missed_causal: float
    second_hit_missed: float
    de_novo_factor: float
    inherited_unaffected_factor: float
    no_gene_link_log10_lr: float

    @classmethod
    def load(cls, path: Path | None = None) -> GenotypeParams:
        if path is None:
            text = resources.files("raredx.data").joinpath("genotype_model.json").read_text()
        else:
            text = Path(path).read_text()
        d = json.loads(text)
        d.pop("how_obtained", None)
        return cls(**d)


@dataclass(frozen=True, slots=True)
class Trio:
    """Which VCF columns hold the patient's parents, and whether each is affected."""

    father: int | None = None
    mother: int | None = None
    father_affected: bool = False
    mother_affected: bool = False


@dataclass(frozen=True, slots=True)
class VariantEvidence:
    """One of the patient's variants weighed for one gene."""

    variant: Variant
    annotation: VariantAnnotation
    zygosity: Zygosity
    pathogenicity: float
    reasons: tuple[str, ...]
    segregation: str | None = None  # "de novo", "from father", "from mother", "from both"


@dataclass(frozen=True, slots=True)
class GeneEvidence:
    """The genotype evidence of one gene: its variants and a log10 LR per mode of inheritance,
    each with a sentence saying how it was reached."""

    gene: int
    symbol: str
    hgnc_id: str | None
    variants: tuple[VariantEvidence, ...]
    log10_lr: tuple[float, ...]  # indexed like MOIS
    explanation: tuple[str, ...]  # indexed like MOIS

    def llr(self, moi: Moi) -> float:
        return self.log10_lr[MOIS.index(moi)]

    def why(self, moi: Moi) -> str:
        return self.explanation[MOIS.index(moi)]


def pathogenicity(v: Variant, a: VariantAnnotation, params: GenotypeParams, gq: float | None
                  ) -> tuple[float, tuple[str, ...]]:
    """P(variant is disease-causing) from its class, predictors it carries, frequency and
    call quality; with the reasons, in words."""
    p = params.effect_pathogenicity.get(a.effect.value, 0.01)
    why = [f"{a.effect.value} ({a.source.name.lower()}): {p:g}"]
    if a.effect in (VariantEffect.MISSENSE, VariantEffect.CODING_UNKNOWN,
                    VariantEffect.INFRAME_INDEL, VariantEffect.PROTEIN_ALTERING):
        preds = [x for x in (v.score("REVEL"), v.score("AlphaMissense")) if x is not None]
        if preds:
            p = min(0.95, max(0.02, max(preds)))
            why.append(f"REVEL/AlphaMissense {max(preds):.2f}")
        elif v.score("CADD") is not None:
            cadd = v.score("CADD") or 0.0
            p = min(0.95, max(0.02, 0.05 + (cadd - 10.0) * 0.045))
            why.append(f"CADD {cadd:.1f}")
    sp = v.score("SpliceAI")
    if sp is not None and sp >= 0.2:
        p = max(p, 0.85 if sp >= 0.5 else 0.5)
        why.append(f"SpliceAI {sp:.2f}")
    if v.frequency is not None:
        lo, hi = params.frequency_full_weight_below, params.frequency_zero_weight_at
        if v.frequency > lo:
            f = max(0.0, 1.0 - math.log10(v.frequency / lo) / math.log10(hi / lo))
            p *= f
            why.append(f"population frequency {v.frequency:.2g}: ×{f:.2f}")
    elif v.in_dbsnp:
        p *= params.dbsnp_factor
        why.append(f"in dbSNP (no frequency given): ×{params.dbsnp_factor:g}")
    if gq is not None and gq < params.low_genotype_quality:
        p *= params.low_genotype_quality_factor
        why.append(f"genotype quality {gq:g}: ×{params.low_genotype_quality_factor:g}")
    return p, tuple(why)


def _segregation(v: Variant, trio: Trio | None) -> str | None:
    if trio is None or (trio.father is None and trio.mother is None):
        return None
    fz = v.genotypes[trio.father].zygosity if trio.father is not None else None
    mz = v.genotypes[trio.mother].zygosity if trio.mother is not None else None
    f_has = fz is not None and fz.carries
    m_has = mz is not None and mz.carries
    if f_has and m_has:
        return "from both"
    if f_has:
        return "from father"
    if m_has:
        return "from mother"
    if fz is Zygosity.REFERENCE and mz is Zygosity.REFERENCE:
        return "de novo"
    return None  # a parent not called, or only one parent sequenced


def _lr(s: float, q: float, eps: float) -> float:
    return ((1.0 - eps) * s + eps * q) / q


def score_genes(
    variants: list[Variant],
    proband: int,
    genes: GeneKnowledge,
    params: GenotypeParams,
    sex: Sex = Sex.UNKNOWN,
    trio: Trio | None = None,
    only: set[int] | None = None,
) -> dict[int, GeneEvidence]:
    """Genotype evidence for every gene the patient's variants touch (or only genes in
    ``only``). Genes absent from the result have no qualifying variant: their LR is
    :func:`no_variant_log10_lr`."""
    by_gene: dict[int, list[VariantEvidence]] = {}
    for v in variants:
        gt = v.genotypes[proband]
        for a in v.annotations:
            g = genes.gene(a.gene_id) if a.gene_id else genes.gene(a.gene_symbol)
            if g is None or (only is not None and g not in only):
                continue
            p, why = pathogenicity(v, a, params, gt.quality)
            if p < params.min_pathogenicity:
                continue
            by_gene.setdefault(g, []).append(VariantEvidence(
                v, a, gt.zygosity, p, why, _segregation(v, trio)))
    out = {}
    for g, evs in by_gene.items():
        evs.sort(key=lambda e: (-e.pathogenicity, e.variant.pos, e.variant.alt))
        out[g] = _gene_evidence(g, evs, genes, params, sex, trio)
    return out


def no_variant_log10_lr(genes: GeneKnowledge, g: int, params: GenotypeParams) -> float:
    q1 = 1.0 - math.exp(-_lambda(genes, g, params))
    return math.log10(params.missed_causal / (1.0 - q1))


def _lambda(genes: GeneKnowledge, g: int, params: GenotypeParams) -> float:
    kb = float(genes.exon_kb[g]) if g < len(genes.exon_kb) else 0.0
    return params.background_rate_per_kb * (kb if kb > 0 else params.default_exon_kb)


def _gene_evidence(g: int, evs: list[VariantEvidence], genes: GeneKnowledge,
                   params: GenotypeParams, sex: Sex, trio: Trio | None) -> GeneEvidence:
    info = genes.genes[g]
    lam = _lambda(genes, g, params)
    q1 = 1.0 - math.exp(-lam)
    q2 = min(q1, lam * lam / 2.0 + params.homozygous_fraction * lam)
    eps = params.missed_causal
    on_x = info.chrom == "chrX" or (evs and evs[0].variant.chrom == "chrX")
    lrs, whys = [], []
    for moi in MOIS:
        best_lr, best_why = None, ""
        one_allele = moi in (Moi.AD, Moi.XLD, Moi.MT) or (moi is Moi.XLR and sex is Sex.MALE)
        if one_allele:
            for e in evs[:5]:
                lr = _lr(e.pathogenicity, q1, eps)
                seg = ""
                if e.segregation == "de novo" and moi is not Moi.MT:
                    lr *= params.de_novo_factor
                    seg = f"; de novo ×{params.de_novo_factor:g}"
                elif e.segregation in ("from father", "from mother", "from both") and trio:
                    parent_aff = (trio.father_affected if e.segregation == "from father"
                                  else trio.mother_affected if e.segregation == "from mother"
                                  else trio.father_affected or trio.mother_affected)
                    if not parent_aff and moi is not Moi.XLR:
                        lr *= params.inherited_unaffected_factor
                        seg = (f"; inherited {e.segregation[5:]} (unaffected) "
                               f"×{params.inherited_unaffected_factor:g}")
                if best_lr is None or lr > best_lr:
                    best_lr = lr
                    best_why = (f"{_desc(e)}: one allele fits {moi.value}; "
                                f"LR = ({1 - eps:g}×{e.pathogenicity:.2f} + {eps:g}×{q1:.3g}) / {q1:.3g}{seg}")
        else:
            for e in evs[:5]:
                if e.zygosity in (Zygosity.HOMOZYGOUS, Zygosity.HEMIZYGOUS):
                    if e.segregation in ("from father", "from mother") and trio:
                        pass  # uniparental disomy or a deletion: keep, unpenalised
                    lr = _lr(e.pathogenicity, q2, eps)
                    if best_lr is None or lr > best_lr:
                        best_lr = lr
                        best_why = (f"{_desc(e)}: two alleles fit {moi.value}; "
                                    f"LR = ({1 - eps:g}×{e.pathogenicity:.2f} + {eps:g}×{q2:.3g}) / {q2:.3g}")
            hets = [e for e in evs[:6] if e.zygosity is Zygosity.HETEROZYGOUS]
            for i in range(len(hets)):
                for j in range(i + 1, len(hets)):
                    a, b = hets[i], hets[j]
                    if (a.segregation == b.segregation
                            and a.segregation in ("from father", "from mother")):
                        continue  # in cis: both from one parent
                    s = a.pathogenicity * b.pathogenicity
                    lr = _lr(s, q2, eps)
                    if best_lr is None or lr > best_lr:
                        best_lr = lr
                        best_why = (f"{_desc(a)} and {_desc(b)}: compound heterozygous, fits "
                                    f"{moi.value}; LR = ({1 - eps:g}×{s:.2f} + {eps:g}×{q2:.3g}) / {q2:.3g}")
            if hets:
                e = hets[0]
                s = e.pathogenicity * params.second_hit_missed
                lr = _lr(s, q1, eps)
                if best_lr is None or lr > best_lr:
                    best_lr = lr
                    best_why = (f"{_desc(e)}: one allele only, {moi.value} needs two (second "
                                f"missed: ×{params.second_hit_missed:g}); "
                                f"LR = ({1 - eps:g}×{s:.2f} + {eps:g}×{q1:.3g}) / {q1:.3g}")
        if best_lr is None:
            best_lr = eps / (1.0 - q1)
            best_why = f"no variant fits {moi.value}; LR = {eps:g} / {1 - q1:.3g}"
        if moi in (Moi.XLD, Moi.XLR) and not on_x:
            best_lr, best_why = eps / (1.0 - q1), "gene is not on chromosome X"
        lrs.append(math.log10(best_lr))
        whys.append(best_why)
    return GeneEvidence(g, info.symbol, info.hgnc_id, tuple(evs), tuple(lrs), tuple(whys))


def _desc(e: VariantEvidence) -> str:
    v = e.variant
    hg = f" {e.annotation.hgvs_c}" if e.annotation.hgvs_c else ""
    seg = f", {e.segregation}" if e.segregation else ""
    return (f"{v.chrom}:{v.pos} {v.ref}>{v.alt}{hg} {e.zygosity.value} "
            f"{e.annotation.effect.value} (p={e.pathogenicity:.2f}{seg})")
