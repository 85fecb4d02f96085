"""Genotype evidence per gene, as likelihood ratios (the phenotype engine's currency).

For a gene *g* and a mode of inheritance *m* the evidence is

    LR(g, m) = P(what we see in g | g causes the disease, inheritance m)
               / P(what we see in g | g is not involved)

- ``s`` is the probability that the best configuration of the patient's variants in *g* that
  fits *m* (one allele for dominant; two alleles — homozygous or two heterozygous variants in
  trans — for recessive; one allele on a male X) is causal: the product of its variants'
  pathogenicities (variant class, predictors and frequency; see :func:`pathogenicity`; for the
  built-in annotation also where an exonic call lies in the MANE transcript, see
  :func:`position_factor`). Two heterozygous variants closer than ``cis_distance_bp`` are one
  event; an unphased pair is in trans with ``unphased_trans_probability``.
- ``q`` is the chance of seeing such a configuration by chance: with ``λ`` = rare variants
  expected in *g*'s exons in any exome (rate × MANE exon length), ``q1 = 1 − e^−λ`` for one
  allele and ``q2 = λ²/2 + h·λ`` for two (× ``two_hit_background_factor`` for a compound
  heterozygote: rare variants cluster in some genes more than a Poisson count says).
- ``ε`` (``missed_causal``) is the chance that the causal variant is not seen at all.

    LR = ((1 − ε)·s + ε·q) / q            when a qualifying configuration is seen,
    LR = ε / (1 − q1)                      when none is,

then multiplied by trio evidence (de novo, inherited from an unaffected parent). All constants
are data (``raredx/data/genotype_model.json``): set a priori, a few then chosen on the tune half
of the dev split (its ``how_obtained`` says which and how).
"""

from __future__ import annotations

import enum
import functools
import json
import math
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from raredx.genotype._annotate import _span, exon_position
from raredx.knowledge import RNA_GENE_NOTE, SMALL_RNA_BIOTYPES, GeneKnowledge
from raredx.model import (
    AnnotationSource,
    Sex,
    Variant,
    VariantAnnotation,
    VariantEffect,
    Zygosity,
)

__all__ = [
    "GeneEvidence",
    "GenotypeParams",
    "Moi",
    "Trio",
    "VariantEvidence",
    "calibrate",
    "pathogenicity",
    "position_factor",
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
    novel_disease_log10_prior: float
    # built-in annotation only: exonic variants of the MANE transcript's first or last exon, or
    # near its ends, may be UTR rather than coding (no CDS coordinates): factors on pathogenicity
    first_exon_factor: float = 1.0
    last_exon_factor: float = 1.0
    near_5_end_bp: float = 0.0
    near_5_end_factor: float = 1.0
    near_3_end_bp: float = 0.0
    near_3_end_factor: float = 1.0
    # two heterozygous variants closer than this are one event on one haplotype (not a
    # compound heterozygote); unphased pairs are in trans with this probability; genes carry two
    # rare variants by chance this many times more often than a Poisson count says
    cis_distance_bp: float = 0.0
    unphased_trans_probability: float = 1.0
    two_hit_background_factor: float = 1.0
    # weight of the phenotype log10 LR when it is added to the genotype log10 LR
    phenotype_weight: float = 1.0
    # gene→disease links single variants cannot speak for (see raredx.genotype._links):
    # susceptibility / multifactorial links, and genes of a contiguous-gene (deletion) syndrome
    # (at least this many of the disease's genes within this many bp of each other; 0 = off)
    skip_susceptibility_links: bool = False
    contiguous_gene_count: float = 0.0
    contiguous_gene_window_bp: float = 0.0
    # a heterozygous call on chromosome X outside the pseudoautosomal regions of a male is not a
    # possible genotype (a mapping artefact of an autosomal paralog, or a mosaic): its
    # pathogenicity is multiplied by this factor
    male_x_het_factor: float = 1.0
    # hypervariable genes (approved symbols starting with one of these prefixes: the HLA genes
    # of HGNC's histocompatibility complex group) carry this many times the rare variants per kb
    # of other genes: reference-based calling leaves their common alleles looking rare
    hypervariable_prefixes: tuple[str, ...] = ()
    hypervariable_rate_factor: float = 1.0
    # share of rare variants seen homozygous, by kind, for a homozygous call (negative: use
    # ``homozygous_fraction``): rare homozygous SNVs are few in an outbred exome, while many
    # "rare" homozygous indels are common alleles or calling artefacts
    homozygous_fraction_snv: float = -1.0
    homozygous_fraction_indel: float = -1.0
    # rare variants per gene grow slower than its MANE exon length (long transcripts carry long,
    # poorly captured UTRs): λ = rate × ref × (kb / ref) ** exponent, ref = ``exon_kb_reference``
    exon_kb_exponent: float = 1.0
    exon_kb_reference: float = 2.0
    # below ``low_genotype_quality``, weigh a call by the probability its genotype is right as
    # GQ (phred) states it, 1 - 10^(-GQ/10), instead of ``low_genotype_quality_factor``
    phred_genotype_quality: bool = False
    # an unfiltered VCF (no population-frequency filter) carries far more "rare-looking" calls
    # than the constants above assume: with at least this many calls (0: never) and qualifying
    # calls per kb of exon above ``vcf_calibration_factor`` x ``background_rate_per_kb``, the
    # VCF's own rate and autosomal homozygous shares are used (never below the model's)
    vcf_calibration_min_calls: float = 0.0
    vcf_calibration_factor: float = 2.0
    # a variant of a mitochondrial tRNA or rRNA gene (non_coding_transcript_exon_variant on
    # chrM): the classic cause of mitochondrial disease (MELAS, MERRF, aminoglycoside deafness),
    # not the near-neutral nuclear non-coding exon variant
    mitochondrial_rna_pathogenicity: float = 0.01
    # a variant in the exon of a small nuclear RNA gene the gene file links to a disease
    # (RNU4-2, RNU4ATAC, RMRP, SNORD118, MIR96 ...; raredx.knowledge.SMALL_RNA_BIOTYPES)
    rna_gene_pathogenicity: float = 0.01
    # the disease posterior of phenotype + VCF is a softmax of the combined score at the
    # phenotype model's temperature times this factor
    posterior_temperature_factor: float = 1.0
    # ... times (n / posterior_reference_terms) ** posterior_length_exponent for a record of n
    # present terms, and times posterior_strong_genotype_factor when the top candidate's
    # genotype log10 LR is above posterior_genotype_threshold (see posterior_factor)
    posterior_length_exponent: float = 0.0
    posterior_reference_terms: float = 8.0
    posterior_genotype_threshold: float = 1e9
    posterior_strong_genotype_factor: float = 1.0
    # gene→disease links inferred from the release for diseases HPO's gene file does not link
    # (raredx.genotype._names): an approved symbol in the disease's name / Orphanet synonyms,
    # and (second switch) "mutations in the GENE gene" in its Orphanet definition
    gene_links_from_names: bool = False
    gene_links_from_definitions: bool = False
    # a gene may cause a disease of the release that has no known gene (not "a disease not yet
    # described"): the hypothesis scores the best-fitting such disease whose inheritance the
    # gene's variants fit, plus this log10 prior (the chance that this gene, of the many, is
    # its unknown gene); -inf: off
    unlinked_disease_log10_prior: float = float("-inf")
    # ... and a disease without a known gene gains the hypothesis that the gene with the best
    # fitting variants is its unknown gene: any gene, or (false) only genes without a disease
    unlinked_disease_any_gene: bool = True
    # a structural deletion or duplication touching a gene's exons is much rarer by chance than
    # a rare small variant in it: P(a rare background deletion/duplication touches a given
    # gene's exons in one exome), whatever the gene's length; 0: as small variants
    sv_background_per_gene: float = 0.0

    @functools.cached_property
    def effect_probabilities(self) -> dict[VariantEffect, float]:
        """Pathogenicity by variant effect (before predictors, frequency and quality)."""
        return {e: self.effect_pathogenicity.get(e.value, 0.01) for e in VariantEffect}

    def base_pathogenicity(self, v: Variant, a: VariantAnnotation) -> float:
        """The pathogenicity of ``a``'s effect for ``v``: by effect, except mitochondrial RNA
        genes' variants."""
        if a.effect is VariantEffect.NON_CODING_EXON:
            if v.chrom == "chrM":
                return self.mitochondrial_rna_pathogenicity
            if a.note == RNA_GENE_NOTE:
                return self.rna_gene_pathogenicity
        return self.effect_probabilities[a.effect]

    def effective_kb(self, kb):  # type: ignore[no-untyped-def]
        """Exon length (kb, a number or an array) as the expected rare-variant count sees it:
        ``ref × (kb / ref) ** exon_kb_exponent``."""
        if self.exon_kb_exponent == 1.0:
            return kb
        ref = self.exon_kb_reference
        return ref * (kb / ref) ** self.exon_kb_exponent

    def posterior_factor(self, n_terms: int | None, genotype_top: float) -> float:
        """The factor on the phenotype model's temperature for the disease posterior with a
        VCF: ``posterior_temperature_factor``, scaled by record length and by the strength of
        the top candidate's genotype evidence (its genotype log10 LR)."""
        f = self.posterior_temperature_factor
        if self.posterior_length_exponent and n_terms:
            f *= (n_terms / self.posterior_reference_terms) ** self.posterior_length_exponent
        if genotype_top > self.posterior_genotype_threshold:
            f *= self.posterior_strong_genotype_factor
        return f

    @classmethod
    def load(cls, path: Path | None = None) -> GenotypeParams:
        if path is None:
            text = resources.files("raredx.data").joinpath("genotype_model.json").read_text()
        else:
            text = Path(path).read_text()
        d = json.loads(text)
        d.pop("how_obtained", None)
        if "hypervariable_prefixes" in d:
            d["hypervariable_prefixes"] = tuple(d["hypervariable_prefixes"])
        return cls(**d)


_CALIBRATED: dict[tuple, GenotypeParams] = {}


def _sig(x: float) -> float:
    return float(f"{x:.2g}")


def calibrate(params: GenotypeParams, variants: list[Variant], proband: int,
              genes: GeneKnowledge) -> GenotypeParams:
    """The model's background constants, or, for an unfiltered VCF (see
    ``vcf_calibration_min_calls``), the VCF's own: qualifying calls per kb of MANE exon and the
    homozygous shares of its autosomal SNVs and indels, each never below the model's value and
    rounded to two significant digits (so that a few added variants do not change them). The
    same values give the same object (links built for it are reused). Structural alleles:
    see :func:`_calibrate_structural`."""
    params = _calibrate_structural(params, variants, proband, genes)
    if params.vcf_calibration_min_calls <= 0 or len(variants) < params.vcf_calibration_min_calls:
        return params
    pmin = params.min_pathogenicity
    qualifying = snv = snv_hom = indel = indel_hom = 0
    for v in variants:
        z = v.genotypes[proband].zygosity
        if not z.carries:
            continue
        if any(params.base_pathogenicity(v, a) >= pmin for a in v.annotations):
            qualifying += 1
        if v.chrom in ("chrX", "chrY", "chrM"):
            continue
        hom = z is Zygosity.HOMOZYGOUS
        if len(v.ref) == len(v.alt):
            snv += 1
            snv_hom += hom
        else:
            indel += 1
            indel_hom += hom
    memo = genes.__dict__.setdefault("_raredx_effective_kb", {})
    key = (params.exon_kb_exponent, params.exon_kb_reference, params.default_exon_kb)
    if key not in memo:
        memo[key] = float(params.effective_kb(genes.exon_kb[genes.exon_kb > 0]).sum())
    rate = qualifying / memo[key] if memo[key] > 0 else 0.0
    if rate <= params.vcf_calibration_factor * params.background_rate_per_kb:
        return params
    h_snv = params.homozygous_fraction_snv
    h_indel = params.homozygous_fraction_indel
    vals = (_sig(rate),
            max(h_snv, _sig(snv_hom / snv)) if snv and h_snv >= 0 else h_snv,
            max(h_indel, _sig(indel_hom / indel)) if indel and h_indel >= 0 else h_indel)
    return _calibrated(params, background_rate_per_kb=vals[0], homozygous_fraction_snv=vals[1],
                       homozygous_fraction_indel=vals[2])


def _calibrated(params: GenotypeParams, **values: Any) -> GenotypeParams:
    """``params`` with ``values``: the same object for the same values (links built for it
    are reused)."""
    ck = (id(params), *sorted(values.items()))
    if ck not in _CALIBRATED:
        if len(_CALIBRATED) > 64:
            _CALIBRATED.clear()
        _CALIBRATED[ck] = replace(params, **values)
    return _CALIBRATED[ck]


def _calibrate_structural(params: GenotypeParams, variants: list[Variant], proband: int,
                          genes: GeneKnowledge) -> GenotypeParams:
    """The chance that a background deletion or duplication touches a given gene: the model's
    ``sv_background_per_gene``, or, when the patient's own structural calls touch more genes
    (with a qualifying effect) than that rate says, their share of the genes with exons (a VCF
    with many copy-number calls, common ones among them, is scored against its own rate)."""
    q = params.sv_background_per_gene
    if q <= 0:
        return params
    pmin = params.min_pathogenicity
    touched = set()
    for v in variants:
        if not v.structural or not v.genotypes[proband].zygosity.carries:
            continue
        for a in v.annotations:
            if params.base_pathogenicity(v, a) >= pmin:
                touched.add(a.gene_id or a.gene_symbol)
    n = int((genes.exon_kb > 0).sum())
    rate = _sig(len(touched) / n) if touched and n else 0.0
    return params if rate <= q else _calibrated(params, sv_background_per_gene=rate)


def calibration_note(model: GenotypeParams, used: GenotypeParams) -> dict[str, float] | None:
    """What :func:`calibrate` changed, for the output (None: the model's constants)."""
    if used is model:
        return None
    out = {"rare_calls_per_kb": used.background_rate_per_kb,
           "model_rare_calls_per_kb": model.background_rate_per_kb,
           "homozygous_share_snv": used.homozygous_fraction_snv,
           "homozygous_share_indel": used.homozygous_fraction_indel}
    if used.sv_background_per_gene != model.sv_background_per_gene:
        out["structural_calls_per_gene"] = used.sv_background_per_gene
        out["model_structural_calls_per_gene"] = model.sv_background_per_gene
    return out


@dataclass(frozen=True, slots=True)
class Trio:
    """Which VCF columns hold the patient's parents, and whether each is affected."""

    father: int | None = None
    mother: int | None = None
    father_affected: bool = False
    mother_affected: bool = False


@dataclass(frozen=True, slots=True)
class VariantEvidence:
    """One of the patient's variants weighed for one gene (reasons: see
    :func:`pathogenicity` with ``explain=True``)."""

    variant: Variant
    annotation: VariantAnnotation
    zygosity: Zygosity
    pathogenicity: float
    segregation: str | None = None  # "de novo", "from father", "from mother", "from both"
    position_note: str | None = None  # why the exon position changed the pathogenicity


@dataclass(frozen=True, slots=True)
class GeneEvidence:
    """The genotype evidence of one gene: its variants and a log10 LR per mode of inheritance.

    ``recipes[i]`` says how the LR of ``MOIS[i]`` was reached — (configuration, variant
    indices, s, q, trio factor, trio note) — and :meth:`why` turns it into a sentence.
    """

    gene: int
    symbol: str
    hgnc_id: str | None
    variants: tuple[VariantEvidence, ...]
    log10_lr: tuple[float, ...]  # indexed like MOIS
    recipes: tuple[tuple, ...]
    missed_causal: float = 0.1

    def llr(self, moi: Moi) -> float:
        return self.log10_lr[MOIS.index(moi)]

    def why(self, moi: Moi) -> str:
        i = MOIS.index(moi)
        kind, idx, s, q, factor, note = self.recipes[i]
        eps = self.missed_causal
        if kind == "none":
            return (f"no variant fits {moi.value}: the causal variant would have to be missed; "
                    f"LR = {eps:g}")
        if kind == "not-x":
            return (f"{self.symbol} is not on chromosome X: an X-linked cause would have to be "
                    f"missed; LR = {eps:g}")
        vs = " and ".join(_desc(self.variants[j]) for j in idx)
        what = {
            "one": f"one allele fits {moi.value}",
            "two": f"two alleles fit {moi.value}",
            "comphet": f"compound heterozygous, fits {moi.value}",
            "single": f"one allele only, {moi.value} needs two (second allele missed)",
        }[kind]
        tail = f"; {note}" if note else ""
        return (f"{vs}: {what}; LR = ({1 - eps:g}×{s:.3g} + {eps:g}×{q:.3g}) / {q:.3g}"
                f"{' × ' + format(factor, 'g') if factor != 1 else ''}"
                f" = {10 ** self.log10_lr[i]:.3g}{tail}")


def pathogenicity(v: Variant, a: VariantAnnotation, params: GenotypeParams, gq: float | None,
                  explain: bool = False) -> tuple[float, tuple[str, ...]]:
    """P(variant is disease-causing) from its class, predictors it carries, frequency and
    call quality; with the reasons in words when ``explain``."""
    p = params.base_pathogenicity(v, a)
    if not explain and not v.scores and v.frequency is None and not v.in_dbsnp and (
            gq is None or gq >= params.low_genotype_quality):
        return p, ()
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
        f = (1.0 - 10.0 ** (-max(gq, 0.0) / 10.0) if params.phred_genotype_quality
             else params.low_genotype_quality_factor)
        p *= f
        why.append(f"genotype quality {gq:g}: ×{f:.3g}")
    return p, tuple(why)


_POSITIONED = frozenset({VariantEffect.CODING_UNKNOWN, VariantEffect.FRAMESHIFT,
                         VariantEffect.INFRAME_INDEL})


def position_factor(genes: GeneKnowledge, v: Variant, a: VariantAnnotation, g: int,
                    params: GenotypeParams) -> tuple[float, str | None]:
    """Factor on the pathogenicity of a built-in exonic call from where it lies in the MANE
    Select transcript: bases of the first and last exons, and near the transcript's ends, are
    often UTR (the gene models carry no CDS coordinates), so such calls count less."""
    if a.source is not AnnotationSource.BUILTIN or a.effect not in _POSITIONED:
        return 1.0, None
    if v.chrom == "chrM":  # mitochondrial transcripts are nearly all coding: no UTR guess
        return 1.0, None
    memo = genes.__dict__.setdefault("_raredx_position_memo", {})
    key = (v.chrom, v.pos, v.ref, v.alt, g)
    if key in memo:
        where = memo[key]
    else:
        where = exon_position(genes, v.chrom, _span(v)[0] + 1, g)
        if len(memo) > 500_000:
            memo.clear()
        memo[key] = where
    if where is None:
        return 1.0, None
    num, count, t5, t3 = where
    if t3 < params.near_3_end_bp:
        f = params.near_3_end_factor
        why = f"{t3 + 1} bp from the transcript's 3' end (likely 3' UTR)"
    elif t5 < params.near_5_end_bp:
        f = params.near_5_end_factor
        why = f"{t5 + 1} bp from the transcript's 5' end (likely 5' UTR)"
    elif num == count and count > 1:
        f, why = params.last_exon_factor, f"last exon of {count} (may be 3' UTR)"
    elif num == 1 and count > 1:
        f, why = params.first_exon_factor, f"first exon of {count} (may be 5' UTR)"
    else:
        return 1.0, None
    return (f, f"{why}: ×{f:g}") if f != 1.0 else (1.0, None)


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
    pmin = params.min_pathogenicity
    lowq = params.low_genotype_quality
    male = sex is Sex.MALE
    for v in variants:
        gt = v.genotypes[proband]
        plain = (not v.scores and v.frequency is None and not v.in_dbsnp
                 and (gt.quality is None or gt.quality >= lowq))
        x_het = (male and v.chrom == "chrX" and gt.zygosity is Zygosity.HETEROZYGOUS
                 and not in_par(v.pos))
        for a in v.annotations:
            rna = a.effect is VariantEffect.NON_CODING_EXON
            if plain:
                p = params.base_pathogenicity(v, a)  # the common case
                if p < pmin and not rna:
                    continue
            g = genes.gene(a.gene_id) if a.gene_id else genes.gene(a.gene_symbol)
            if g is None or (only is not None and g not in only):
                continue
            if rna and a.note != RNA_GENE_NOTE and v.chrom != "chrM" and \
                    genes.genes[g].biotype in SMALL_RNA_BIOTYPES:
                # an annotation from the VCF (VEP, SnpEff) of a small RNA disease gene's exon
                a = replace(a, note=RNA_GENE_NOTE)
                if plain:
                    p = params.base_pathogenicity(v, a)
            if not plain:
                p, _ = pathogenicity(v, a, params, gt.quality)
            note = None
            if a.effect in _POSITIONED and a.source is AnnotationSource.BUILTIN:
                f, note = position_factor(genes, v, a, g, params)
                p *= f
            if x_het and params.male_x_het_factor != 1.0:
                p *= params.male_x_het_factor
                why = f"heterozygous on chromosome X of a male: ×{params.male_x_het_factor:g}"
                note = f"{note}; {why}" if note else why
            if p < pmin:
                continue
            by_gene.setdefault(g, []).append(VariantEvidence(
                v, a, gt.zygosity, p, _segregation(v, trio), note))
    out = {}
    for g, evs in by_gene.items():
        evs.sort(key=lambda e: (-e.pathogenicity, e.variant.pos, e.variant.alt))
        out[g] = _gene_evidence(g, evs, genes, params, sex, trio)
    return out


# GRCh38 pseudoautosomal regions of chromosome X (1-based, inclusive)
_PARS = ((10_001, 2_781_479), (155_701_383, 156_030_895))


def in_par(pos: int) -> bool:
    """Whether a GRCh38 chromosome X position lies in a pseudoautosomal region."""
    return any(lo <= pos <= hi for lo, hi in _PARS)


def no_variant_log10_lr(genes: GeneKnowledge, g: int, params: GenotypeParams) -> float:
    """A gene with no qualifying variant is the cause only if its causal variant was missed:
    P(no qualifying call | causal) = missed x P(no background call), P(no qualifying call | not
    causal) = P(no background call), so the LR is ``missed_causal`` whatever the gene's size
    (until v6.3 the background term was left in the numerator's denominator, eps / P(no
    background call), which let a large or hypervariable gene with no variant at all gain
    evidence in an unfiltered exome: TTN, HLA-DPB1 up to LR 80)."""
    del genes, g
    return math.log10(params.missed_causal)


def _lambda(genes: GeneKnowledge, g: int, params: GenotypeParams) -> float:
    kb = float(genes.exon_kb[g]) if g < len(genes.exon_kb) else 0.0
    kb = kb if kb > 0 else params.default_exon_kb
    lam = params.background_rate_per_kb * params.effective_kb(kb)
    if params.hypervariable_prefixes and genes.genes[g].symbol.startswith(
            params.hypervariable_prefixes):
        lam *= params.hypervariable_rate_factor
    return lam


def _gene_evidence(g: int, evs: list[VariantEvidence], genes: GeneKnowledge,
                   params: GenotypeParams, sex: Sex, trio: Trio | None) -> GeneEvidence:
    info = genes.genes[g]
    lam = _lambda(genes, g, params)
    q1 = 1.0 - math.exp(-lam)
    q2 = min(q1, lam * lam / 2.0 + params.homozygous_fraction * lam)
    eps = params.missed_causal
    q_sv = params.sv_background_per_gene
    on_x = info.chrom == "chrX" or evs[0].variant.chrom == "chrX"
    male = sex is Sex.MALE
    top = evs[:6]
    # one allele (dominant, mitochondrial, X-linked recessive in a male)
    one: list[tuple[float, tuple]] = []
    for j, e in enumerate(top):
        factor, note = 1.0, ""
        if e.segregation == "de novo":
            factor, note = params.de_novo_factor, "de novo"
        elif trio is not None and e.segregation in ("from father", "from mother", "from both"):
            aff = (trio.father_affected if e.segregation == "from father"
                   else trio.mother_affected if e.segregation == "from mother"
                   else trio.father_affected or trio.mother_affected)
            if not aff:
                factor = params.inherited_unaffected_factor
                note = f"inherited {e.segregation} (unaffected)"
        q = q_sv if (q_sv and e.variant.structural) else q1
        one.append((_lr(e.pathogenicity, q, eps),
                    ("one", (j,), e.pathogenicity, q, factor, note)))
    best_one_plain = max(one, key=lambda x: x[0]) if one else None
    best_one = max(one, key=lambda x: x[0] * x[1][4]) if one else None
    # two alleles
    two: list[tuple[float, tuple]] = []
    for j, e in enumerate(top):
        if e.zygosity in (Zygosity.HOMOZYGOUS, Zygosity.HEMIZYGOUS):
            v = e.variant
            h = (params.homozygous_fraction_snv if len(v.ref) == len(v.alt)
                 else params.homozygous_fraction_indel)
            qh = q2 if h < 0 else min(q1, lam * lam / 2.0 + h * lam)
            if q_sv and v.structural:
                qh = q_sv * h  # a homozygous rare deletion: the indels' homozygous share
            two.append((_lr(e.pathogenicity, qh, eps), ("two", (j,), e.pathogenicity, qh, 1.0, "")))
    hets = [j for j, e in enumerate(top) if e.zygosity is Zygosity.HETEROZYGOUS]
    for x in range(len(hets)):
        for y in range(x + 1, len(hets)):
            a, b = top[hets[x]], top[hets[y]]
            if a.segregation == b.segregation and a.segregation in ("from father", "from mother"):
                continue  # in cis
            if (a.variant.chrom == b.variant.chrom
                    and abs(a.variant.pos - b.variant.pos) < params.cis_distance_bp):
                continue  # so close: one event on one haplotype
            s = a.pathogenicity * b.pathogenicity
            phased = a.segregation is not None and b.segregation is not None
            if not phased:
                s *= params.unphased_trans_probability
            qc = min(q1, q2 * params.two_hit_background_factor)
            two.append((_lr(s, qc, eps), ("comphet", (hets[x], hets[y]), s, qc, 1.0, "")))
    if hets:
        s = top[hets[0]].pathogenicity * params.second_hit_missed
        two.append((_lr(s, q1, eps), ("single", (hets[0],), s, q1, 1.0, "")))
    best_two = max(two, key=lambda x: x[0]) if two else None
    none = (eps, ("none", (), 0.0, q1, 1.0, ""))  # see no_variant_log10_lr
    # MOIS order: AD, AR, XLD, XLR, MT (plain tuples: this runs for every gene of an exome)
    if best_one is None:
        one_lr, one_rec = none
    else:
        one_lr, one_rec = best_one[0] * best_one[1][4], best_one[1]
    if best_one_plain is None:
        plain_lr, plain_rec = none
    else:
        # a hemizygous male with X-linked recessive disease usually inherits it from his
        # unaffected carrier mother; a mitochondrial variant has no trio factor either
        plain_lr, plain_rec = best_one_plain[0], best_one_plain[1][:4] + (1.0, "")
    two_lr, two_rec = best_two if best_two is not None else none
    if on_x:
        xl = (one_lr, one_rec), (plain_lr, plain_rec) if male else (two_lr, two_rec)
    else:
        not_x = (eps, ("not-x", (), 0.0, q1, 1.0, ""))
        xl = not_x, not_x
    pairs = ((one_lr, one_rec), (two_lr, two_rec), xl[0], xl[1], (plain_lr, plain_rec))
    lrs = [math.log10(lr) for lr, _ in pairs]
    recipes = [rec for _, rec in pairs]
    return GeneEvidence(g, info.symbol, info.hgnc_id, tuple(evs), tuple(lrs), tuple(recipes),
                        eps)


def _desc(e: VariantEvidence) -> str:
    v = e.variant
    hg = f" {e.annotation.hgvs_c}" if e.annotation.hgvs_c else ""
    seg = f", {e.segregation}" if e.segregation else ""
    seg += f"; {e.position_note}" if e.position_note else ""
    where = (f"{v.chrom}:{v.pos + 1}-{v.end} {v.alt}" if v.end is not None
             else f"{v.chrom}:{v.pos} {v.ref}>{v.alt}")
    return (f"{where}{hg} {e.zygosity.value} "
            f"{e.annotation.effect.value} (p={e.pathogenicity:.2f}{seg})")
