"""Genotype-aware ranking on the hand-written mini release and gene fixture.

Gene fixture (tests/fixtures/genes_mini/README.md): FBN1 → OMIM:154700 (AD, minus strand),
LENSB → OMIM:600001 (AR), SEIZ1 → OMIM:100100 (AD), SEIZ2 → OMIM:100200 (AD; phenotype
identical to OMIM:100100), VALVX → OMIM:300001 (XLR), NOVEL1 (no disease).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from raredx.genotype import (
    GenotypeParams,
    Moi,
    Trio,
    annotate_builtin,
    diagnose_with_variants,
    prepare_variants,
    score_genes,
)
from raredx.genotype._output import genomic_to_dict
from raredx.io import load_genes, read_vcf
from raredx.model import Genotype, Sex, Variant, VariantEffect, Zygosity

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "genes_mini"
HEAD = ("##fileformat=VCFv4.2\n##reference=GRCh38\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t")
SEIZURES = ["HP:0001250", "HP:0001263"]


@pytest.fixture(scope="module")
def genes(raredx_cache):
    return load_genes(FIX, log=lambda m: None)


@pytest.fixture(scope="module")
def params():
    return GenotypeParams.load()


def write(tmp_path: Path, records: list[tuple], samples=("p",), name="v.vcf") -> Path:
    lines = [HEAD + "\t".join(samples)]
    for chrom, pos, ref, alt, *gts in records:
        lines.append("\t".join([chrom, str(pos), ".", ref, alt, "50", "PASS", ".", "GT", *gts]))
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    return p


def var(chrom, pos, ref, alt, z=Zygosity.HETEROZYGOUS) -> Variant:
    return Variant(chrom, pos, ref, alt, (Genotype("p", z),))


# -- built-in annotation -----------------------------------------------------------------------
@pytest.mark.parametrize("v, gene, effect", [
    (var("chr2", 10150, "A", "G"), "LENSB", VariantEffect.CODING_UNKNOWN),
    (var("chr2", 12050, "AT", "A"), "LENSB", VariantEffect.FRAMESHIFT),
    (var("chr2", 12050, "ATTT", "A"), "LENSB", VariantEffect.INFRAME_INDEL),
    (var("chr2", 12050, "A", "AT"), "LENSB", VariantEffect.FRAMESHIFT),
    # + strand: exon 1 ends at 10300 (1-based): 10301-10302 donor, 10303-10308 region
    (var("chr2", 10301, "G", "A"), "LENSB", VariantEffect.SPLICE_DONOR),
    (var("chr2", 10305, "G", "A"), "LENSB", VariantEffect.SPLICE_REGION),
    # exon 2 starts at 12001 (1-based): 12000 is the acceptor's last intronic base
    (var("chr2", 12000, "G", "A"), "LENSB", VariantEffect.SPLICE_ACCEPTOR),
    (var("chr2", 11000, "G", "A"), "LENSB", VariantEffect.INTRONIC),
    # first exon has no acceptor: 5 bp before it is upstream, still inside the gene interval
    (var("chr2", 10099, "G", "A"), "LENSB", VariantEffect.INTRONIC),
    # minus strand FBN1: exon 2 = 3001-3200; its left (genomic) side is the donor
    (var("chr15", 3000, "G", "A"), "FBN1", VariantEffect.SPLICE_DONOR),
    (var("chr15", 3202, "G", "A"), "FBN1", VariantEffect.SPLICE_ACCEPTOR),
    (var("chr15", 3100, "G", "T"), "FBN1", VariantEffect.CODING_UNKNOWN),
])
def test_builtin_annotation(genes, v, gene, effect):
    (out,), n = annotate_builtin([v], genes)
    (a,) = out.annotations
    assert (a.gene_symbol, a.effect) == (gene, effect)
    assert n == 0


def test_intergenic_and_lncrna_are_not_annotated(genes):
    out, n = annotate_builtin([var("chr2", 90000, "A", "G"), var("chr4", 35000, "A", "G")], genes)
    assert n == 2 and all(not v.annotations for v in out)


def test_small_rna_disease_genes_are_annotated_and_scored(genes, params):
    # RNUX (snRNA, linked to a disease) is indexed, its interval its one exon; SNRX (snRNA, no
    # disease) is not: a variant there is in no gene
    from raredx.knowledge import RNA_GENE_NOTE
    from raredx.model import AnnotationSource, VariantAnnotation

    (inside, other), n = annotate_builtin(
        [var("chr5", 1100, "T", "TA"), var("chr5", 5050, "A", "G")], genes)
    assert n == 1 and not other.annotations
    (a,) = inside.annotations
    assert (a.gene_symbol, a.effect, a.note) == ("RNUX", VariantEffect.NON_CODING_EXON,
                                                 RNA_GENE_NOTE)
    g = genes.gene("RNUX")
    e = score_genes([inside], 0, genes, params)[g]
    assert e.variants[0].pathogenicity == params.rna_gene_pathogenicity == 0.4
    assert e.llr(Moi.AD) > 1.5  # a rare variant in a short single-exon gene
    # a VCF's own annotation of that exon (VEP: non_coding_transcript_exon_variant) counts alike,
    # while a non-coding exon of another gene stays below the threshold
    vep = Variant("chr5", 1100, "T", "TA", (Genotype("p", Zygosity.HETEROZYGOUS),),
                  annotations=(VariantAnnotation("RNUX", VariantEffect.NON_CODING_EXON,
                                                 AnnotationSource.VEP),))
    (ve,) = score_genes([vep], 0, genes, params)[g].variants
    assert ve.pathogenicity == 0.4 and ve.annotation.note == RNA_GENE_NOTE
    lnc = Variant("chr2", 11000, "T", "A", (Genotype("p", Zygosity.HETEROZYGOUS),),
                  annotations=(VariantAnnotation("LENSB", VariantEffect.NON_CODING_EXON,
                                                 AnnotationSource.VEP),))
    assert score_genes([lnc], 0, genes, params) == {}


def test_mitochondrial_genes_are_annotated_and_scored(genes, params):
    # no MANE exons on chrM: each mitochondrial gene is its own exon, with no UTR guesses
    (trna, prot, indel, outside), n = annotate_builtin(
        [var("chrM", 1630, "A", "G", Zygosity.HOMOZYGOUS), var("chrM", 4200, "G", "A"),
         var("chrM", 3500, "AT", "A"), var("chrM", 5000, "A", "G")], genes)
    assert n == 1 and not outside.annotations
    assert [(a.gene_symbol, a.effect) for a in trna.annotations] == [
        ("MT-TX", VariantEffect.NON_CODING_EXON)]
    assert [(a.gene_symbol, a.effect) for a in prot.annotations] == [
        ("MT-PX", VariantEffect.CODING_UNKNOWN)]
    assert indel.annotations[0].effect is VariantEffect.FRAMESHIFT
    ev = score_genes([trna, prot], 0, genes, params)
    by = {genes.genes[g].symbol: e for g, e in ev.items()}
    # a tRNA variant weighs as a mitochondrial RNA variant, not as a nuclear non-coding exon
    assert by["MT-TX"].variants[0].pathogenicity == params.mitochondrial_rna_pathogenicity
    assert params.mitochondrial_rna_pathogenicity > params.effect_pathogenicity[
        "non_coding_transcript_exon_variant"]
    # 62 bp from the protein-coding gene's 3' end: no "likely 3' UTR" factor on chrM
    p = by["MT-PX"].variants[0]
    assert p.pathogenicity == params.effect_pathogenicity["coding_sequence_variant"]
    assert p.position_note is None


# -- gene likelihood ratios --------------------------------------------------------------------
def ev(genes, params, variants, sex=Sex.UNKNOWN, trio=None):
    annotated, _ = annotate_builtin(variants, genes)
    return score_genes(annotated, 0, genes, params, sex, trio)


def test_dominant_and_recessive_configurations(genes, params):
    g = genes.gene("LENSB")
    het = ev(genes, params, [var("chr2", 12050, "AT", "A")])[g]
    hom = ev(genes, params, [var("chr2", 12050, "AT", "A", Zygosity.HOMOZYGOUS)])[g]
    comp = ev(genes, params, [var("chr2", 12050, "AT", "A"), var("chr2", 12150, "AT", "A")])[g]
    # a single heterozygous frameshift fits AD well and AR only through a missed second allele
    assert het.llr(Moi.AD) > het.llr(Moi.AR)
    assert hom.llr(Moi.AR) > het.llr(Moi.AR) + 1
    assert comp.llr(Moi.AR) > het.llr(Moi.AR) + 1
    assert "compound heterozygous" in comp.why(Moi.AR)
    assert "not on chromosome X" in het.why(Moi.XLR)
    # the exact formulas: LR = ((1-eps) s + eps q) / q; an unphased compound heterozygote is in
    # trans with some probability, and two-hit genes are commoner by chance than Poisson says
    ref = params.exon_kb_reference
    kb = ref * (float(genes.exon_kb[g]) / ref) ** params.exon_kb_exponent
    lam = params.background_rate_per_kb * kb
    q1 = 1 - math.exp(-lam)
    q2 = lam * lam / 2 + params.homozygous_fraction * lam
    s = params.effect_pathogenicity["frameshift_variant"]
    eps = params.missed_causal
    assert het.llr(Moi.AD) == pytest.approx(math.log10(((1 - eps) * s + eps * q1) / q1))
    sc = s * s * params.unphased_trans_probability
    qc = min(q1, q2 * params.two_hit_background_factor)
    assert comp.llr(Moi.AR) == pytest.approx(math.log10(((1 - eps) * sc + eps * qc) / qc))
    # a homozygous indel: the share of rare indels seen homozygous
    qh = lam * lam / 2 + params.homozygous_fraction_indel * lam
    assert hom.llr(Moi.AR) == pytest.approx(math.log10(((1 - eps) * s + eps * qh) / qh))


def test_homozygous_snvs_are_rarer_by_chance_than_homozygous_indels(genes, params):
    """Few rare SNVs are homozygous in an outbred exome; many "rare" homozygous indels are
    common alleles or artefacts: the same pathogenicity weighs more on an SNV."""
    g = genes.gene("LENSB")
    p = dataclasses.replace(params, homozygous_fraction_snv=0.005, homozygous_fraction_indel=0.2,
                            effect_pathogenicity={**params.effect_pathogenicity,
                                                  "frameshift_variant": 0.4,
                                                  "coding_sequence_variant": 0.4})
    snv = ev(genes, p, [var("chr2", 12050, "A", "G", Zygosity.HOMOZYGOUS)])[g]
    indel = ev(genes, p, [var("chr2", 12050, "AT", "A", Zygosity.HOMOZYGOUS)])[g]
    mnv = ev(genes, p, [var("chr2", 12050, "AT", "GC", Zygosity.HOMOZYGOUS)])[g]
    assert snv.variants[0].pathogenicity == indel.variants[0].pathogenicity
    assert snv.llr(Moi.AR) > indel.llr(Moi.AR) + 1.0
    assert mnv.llr(Moi.AR) == pytest.approx(snv.llr(Moi.AR))  # same length: counted as SNV
    # the heterozygous (dominant) evidence does not depend on it
    assert snv.llr(Moi.AD) == pytest.approx(indel.llr(Moi.AD))
    # negative values fall back to the one homozygous_fraction
    both = dataclasses.replace(p, homozygous_fraction_snv=-1.0, homozygous_fraction_indel=-1.0)
    a = ev(genes, both, [var("chr2", 12050, "A", "G", Zygosity.HOMOZYGOUS)])[g]
    b = ev(genes, both, [var("chr2", 12050, "AT", "A", Zygosity.HOMOZYGOUS)])[g]
    assert a.llr(Moi.AR) == pytest.approx(b.llr(Moi.AR))


def test_expected_rare_variants_grow_slower_than_exon_length(genes, params):
    from raredx.genotype._scoring import _lambda

    linear = dataclasses.replace(params, exon_kb_exponent=1.0)
    sub = dataclasses.replace(params, exon_kb_exponent=0.5, exon_kb_reference=0.4)
    for name in ("LENSB", "SEIZ1", "FBN1"):
        g = genes.gene(name)
        kb = float(genes.exon_kb[g])
        assert _lambda(genes, g, linear) == pytest.approx(linear.background_rate_per_kb * kb)
        assert _lambda(genes, g, sub) == pytest.approx(
            sub.background_rate_per_kb * 0.4 * (kb / 0.4) ** 0.5)
    # a gene of exactly the reference length is unchanged
    g = genes.gene("LENSB")
    at_ref = dataclasses.replace(params, exon_kb_exponent=0.5,
                                 exon_kb_reference=float(genes.exon_kb[g]))
    assert _lambda(genes, g, at_ref) == pytest.approx(_lambda(genes, g, linear))


@pytest.mark.parametrize("gq, phred, factor", [
    (30.0, True, 1.0), (30.0, False, 1.0),
    (10.0, True, 0.9), (3.0, True, 1 - 10 ** -0.3), (0.0, True, 0.0),
    (10.0, False, "low_genotype_quality_factor"),
])
def test_genotype_quality_weighs_a_call(genes, params, gq, phred, factor):
    """Below the low-quality threshold a call counts by the chance its genotype is right, as
    its phred-scaled GQ says (or by a fixed factor)."""
    from raredx.genotype import pathogenicity

    p = dataclasses.replace(params, phred_genotype_quality=phred)
    f = getattr(p, factor) if isinstance(factor, str) else factor
    (v,), _ = annotate_builtin([Variant("chr2", 12101, "A", "G",
                                        (Genotype("p", Zygosity.HETEROZYGOUS, gq),))], genes)
    (a,) = v.annotations
    got, why = pathogenicity(v, a, p, gq, explain=True)
    base = p.effect_pathogenicity["coding_sequence_variant"]
    assert got == pytest.approx(base * f)
    assert any("genotype quality" in w for w in why) == (f != 1.0)


def test_two_close_heterozygous_variants_are_one_event(genes, params):
    g = genes.gene("LENSB")
    near = ev(genes, params, [var("chr2", 12050, "A", "G"), var("chr2", 12052, "A", "G")])[g]
    far = ev(genes, params, [var("chr2", 12050, "A", "G"), var("chr2", 12150, "A", "G")])[g]
    assert "compound" not in near.why(Moi.AR) and "compound" in far.why(Moi.AR)
    assert far.llr(Moi.AR) > near.llr(Moi.AR) + 1


@pytest.mark.parametrize("chrom, pos, factor, words", [
    ("chr2", 12101, 1.0, None),  # LENSB (+): middle exon
    ("chr2", 10201, "first_exon_factor", "first exon of 3"),  # 101st base of the transcript
    ("chr2", 10110, "near_5_end_factor", "10 bp from the transcript's 5' end"),
    ("chr2", 15100, "near_3_end_factor", "201 bp from the transcript's 3' end"),
    ("chr15", 3100, 1.0, None),  # FBN1 (-): middle exon
    ("chr15", 4790, "near_5_end_factor", "11 bp from the transcript's 5' end"),
    ("chr15", 1211, "near_3_end_factor", "11 bp from the transcript's 3' end"),
])
def test_exon_position_weighs_built_in_exonic_calls(genes, params, chrom, pos, factor, words):
    """Without CDS coordinates, first/last exons and transcript ends may be UTR."""
    f = factor if isinstance(factor, float) else getattr(params, factor)
    params = dataclasses.replace(params, min_pathogenicity=0.0)  # keep the weak ones
    e = ev(genes, params, [var(chrom, pos, "A", "G")])
    (g,) = e
    (x,) = e[g].variants
    base = params.effect_pathogenicity["coding_sequence_variant"]
    assert x.pathogenicity == pytest.approx(base * f)
    assert (x.position_note is None) if words is None else (words in x.position_note)


def test_x_linked_depends_on_sex(genes, params):
    g = genes.gene("VALVX")
    v = [var("chrX", 50200, "AT", "A", Zygosity.HEMIZYGOUS)]
    male = ev(genes, params, v, Sex.MALE)[g]
    het = [var("chrX", 50200, "AT", "A")]
    female = ev(genes, params, het, Sex.FEMALE)[g]
    # a hemizygous male needs nothing more; a heterozygous female needs a missed second allele
    assert male.llr(Moi.XLR) == pytest.approx(
        female.llr(Moi.XLR) - math.log10(params.second_hit_missed), abs=0.05)
    assert "one allele fits X-linked recessive" in male.why(Moi.XLR)


def test_a_male_heterozygous_call_on_x_counts_less(genes, params, monkeypatch):
    from raredx.genotype import _scoring

    g = genes.gene("VALVX")
    het = [var("chrX", 50200, "AT", "A")]
    params = dataclasses.replace(params, min_pathogenicity=0.0)
    # the fixture's VALVX lies where GRCh38's first pseudoautosomal region is: no change there
    assert _scoring.in_par(50_200) and _scoring.in_par(155_800_000)
    assert not _scoring.in_par(3_000_000)
    inside = ev(genes, params, het, Sex.MALE)[g]
    female = ev(genes, params, het, Sex.FEMALE)[g]
    assert inside.variants[0].pathogenicity == female.variants[0].pathogenicity
    monkeypatch.setattr(_scoring, "_PARS", ())
    male = ev(genes, params, het, Sex.MALE)[g]
    (m,), (f,) = male.variants, female.variants
    assert m.pathogenicity == pytest.approx(f.pathogenicity * params.male_x_het_factor)
    assert "heterozygous on chromosome X of a male" in m.position_note
    assert ev(genes, params, het, Sex.FEMALE)[g].variants[0].pathogenicity == f.pathogenicity


def test_hypervariable_genes_expect_more_rare_variants(genes, params):
    g = genes.gene("SEIZ1")
    v = [var("chr3", 2100, "AT", "A")]
    plain = ev(genes, dataclasses.replace(params, hypervariable_prefixes=()), v)[g]
    hyper = ev(genes, dataclasses.replace(params, hypervariable_prefixes=("SEIZ",),
                                          hypervariable_rate_factor=10.0), v)[g]
    assert hyper.llr(Moi.AD) < plain.llr(Moi.AD) - 0.8  # q1 about ten times larger
    assert tuple(GenotypeParams.load().hypervariable_prefixes) == ("HLA-",)


def test_no_qualifying_variant_is_never_evidence_for_a_gene(genes, params):
    """A gene with no variant fitting a mode of inheritance (none at all, or an X-linked mode
    for an autosomal gene) is the cause only if its causal variant was missed: LR =
    missed_causal, however many background calls the gene expects (a dense, unfiltered exome
    or a hypervariable gene used to turn "nothing found" into evidence for the gene)."""
    from raredx.genotype._scoring import no_variant_log10_lr

    g = genes.gene("SEIZ1")
    v = [var("chr3", 2100, "AT", "A")]
    floor = math.log10(params.missed_causal)
    for p in (params, dataclasses.replace(params, background_rate_per_kb=50.0),
              dataclasses.replace(params, hypervariable_prefixes=("SEIZ",),
                                  hypervariable_rate_factor=1000.0)):
        assert no_variant_log10_lr(genes, g, p) == pytest.approx(floor)
        e = ev(genes, p, v)[g]
        assert e.llr(Moi.XLR) == pytest.approx(floor) and e.llr(Moi.XLD) == pytest.approx(floor)
        assert "not on chromosome X" in e.why(Moi.XLR)
        assert e.llr(Moi.AD) >= floor  # a variant seen never counts below "missed"


def test_de_novo_and_inherited_variants_in_a_trio(genes, params):
    g = genes.gene("SEIZ1")

    def trio_var(father, mother):
        return Variant("chr3", 2100, "AT", "A", (Genotype("kid", Zygosity.HETEROZYGOUS),
                                                 Genotype("dad", father), Genotype("mum", mother)))
    t = Trio(father=1, mother=2)
    dn = ev(genes, params, [trio_var(Zygosity.REFERENCE, Zygosity.REFERENCE)], trio=t)[g]
    inh = ev(genes, params, [trio_var(Zygosity.HETEROZYGOUS, Zygosity.REFERENCE)], trio=t)[g]
    solo = ev(genes, params, [trio_var(Zygosity.NO_CALL, Zygosity.NO_CALL)])[g]
    assert dn.llr(Moi.AD) == pytest.approx(solo.llr(Moi.AD) + math.log10(params.de_novo_factor))
    assert inh.llr(Moi.AD) == pytest.approx(
        solo.llr(Moi.AD) + math.log10(params.inherited_unaffected_factor))
    assert "de novo" in dn.why(Moi.AD)
    # two heterozygous variants both from the father are in cis: not a recessive genotype
    cis = [Variant("chr3", p, "AT", "A", (Genotype("kid", Zygosity.HETEROZYGOUS),
                                          Genotype("dad", Zygosity.HETEROZYGOUS),
                                          Genotype("mum", Zygosity.REFERENCE)))
           for p in (1150, 2100)]
    trans = [cis[0], trio_var(Zygosity.REFERENCE, Zygosity.HETEROZYGOUS)]
    e_cis = ev(genes, params, cis, trio=t)[g]
    e_trans = ev(genes, params, trans, trio=t)[g]
    assert "compound" not in e_cis.why(Moi.AR) and "compound" in e_trans.why(Moi.AR)
    assert e_trans.llr(Moi.AR) > e_cis.llr(Moi.AR) + 1


def _unfiltered(n_intronic=950, n_hom=50, n_coding=30, x_hom=40):
    """A VCF's worth of calls: intronic SNVs in LENSB (some homozygous), coding SNVs in its
    exon 2, and homozygous calls on chromosome X (not counted in the homozygous share)."""
    vs = [var("chr2", 10400 + i, "G", "A",
              Zygosity.HOMOZYGOUS if i < n_hom else Zygosity.HETEROZYGOUS)
          for i in range(n_intronic)]
    vs += [var("chr2", 12010 + i, "G", "A") for i in range(n_coding)]
    vs += [var("chrX", 3_000_000 + i, "G", "A", Zygosity.HOMOZYGOUS) for i in range(x_hom)]
    return vs


def test_an_unfiltered_vcf_is_scored_with_its_own_background(genes, params):
    from raredx.genotype._scoring import calibrate, calibration_note

    p = dataclasses.replace(params, vcf_calibration_min_calls=1000, vcf_calibration_factor=2.0,
                            homozygous_fraction_snv=0.005, homozygous_fraction_indel=0.2)
    many, _ = annotate_builtin(_unfiltered(), genes)
    cal = calibrate(p, many, 0, genes)
    ref = p.exon_kb_reference
    kb = genes.exon_kb[genes.exon_kb > 0]
    k_eff = float((ref * (kb / ref) ** p.exon_kb_exponent).sum())
    assert cal.background_rate_per_kb == float(f"{30 / k_eff:.2g}")
    assert cal.homozygous_fraction_snv == float(f"{50 / 980:.2g}")  # autosomal SNVs only
    assert cal.homozygous_fraction_indel == 0.2  # no indels: the model's share
    assert calibrate(p, many, 0, genes) is cal  # same values, same object
    note = calibration_note(p, cal)
    assert note is not None and note["rare_calls_per_kb"] == cal.background_rate_per_kb
    # the model's constants: a small (filtered, partial) VCF, calibration off, a dense model
    few, _ = annotate_builtin(_unfiltered(n_intronic=20, n_hom=5, n_coding=3, x_hom=0), genes)
    assert calibrate(p, few, 0, genes) is p
    assert calibrate(params.__class__(**{**dataclasses.asdict(p),
                                         "vcf_calibration_min_calls": 0.0}), many, 0, genes
                     ).background_rate_per_kb == p.background_rate_per_kb
    dense = dataclasses.replace(p, background_rate_per_kb=100.0)
    assert calibrate(dense, many, 0, genes) is dense
    assert calibration_note(p, p) is None
    # never below the model's values
    rare_hom = dataclasses.replace(p, homozygous_fraction_snv=0.5)
    assert calibrate(rare_hom, many, 0, genes).homozygous_fraction_snv == 0.5
    # and a variant in LENSB weighs less against the denser background
    g = genes.gene("LENSB")
    one = annotate_builtin([var("chr2", 12150, "A", "G")], genes)[0]
    assert score_genes(one, 0, genes, cal)[g].llr(Moi.AD) < (
        score_genes(one, 0, genes, p)[g].llr(Moi.AD) - 1)


def test_diagnosis_says_when_the_background_was_calibrated(mini_engine, genes, tmp_path):
    from raredx.genotype import VariantSet
    from raredx.model import AnnotationSource

    p = dataclasses.replace(GenotypeParams.load(), vcf_calibration_min_calls=1000)
    many, _ = annotate_builtin(_unfiltered(), genes)
    vs = VariantSet(many, 0, ("p",), AnnotationSource.BUILTIN, summary={"records": len(many)})
    d = diagnose_with_variants(mini_engine, mini_engine.patient(SEIZURES), vs, genes, params=p)
    note = d.variants["background_calibrated"]
    assert note["rare_calls_per_kb"] > note["model_rare_calls_per_kb"]
    assert d.genotype_model == p.version
    few = VariantSet(many[:10], 0, ("p",), AnnotationSource.BUILTIN, summary={})
    d = diagnose_with_variants(mini_engine, mini_engine.patient(SEIZURES), few, genes, params=p)
    assert "background_calibrated" not in d.variants


def test_low_pathogenicity_variants_do_not_qualify(genes, params):
    assert ev(genes, params, [var("chr2", 11000, "G", "A")]) == {}  # intronic, p = 0.01


# -- end to end on the mini release ------------------------------------------------------------
def test_only_the_genotype_separates_identical_phenotypes(mini_engine, genes, tmp_path):
    patient = mini_engine.patient(SEIZURES)
    tot = mini_engine.score(patient).total
    a = mini_engine.candidates_for("OMIM:100100")[0]
    b = mini_engine.candidates_for("OMIM:100200")[0]
    assert tot[a] == tot[b]
    for gene, pos, want in (("SEIZ1", 2100, "OMIM:100100"), ("SEIZ2", 6100, "OMIM:100200")):
        vs = prepare_variants(write(tmp_path, [("chr3", pos, "AT", "A", "0/1")],
                                    name=f"{gene}.vcf"), genes)
        d = diagnose_with_variants(mini_engine, patient, vs, genes, top=7)
        assert d.diseases[0].disease_id == want and d.diseases[0].gene == gene
        assert d.diseases[0].mode_of_inheritance == "autosomal dominant"
        assert d.genes[0].symbol == gene
        w = GenotypeParams.load().phenotype_weight
        assert d.diseases[0].score == pytest.approx(
            w * d.diseases[0].phenotype_log10_lr + d.diseases[0].genotype_log10_lr)
        assert [h.rank for h in d.diseases] == list(range(1, len(d.diseases) + 1))


def test_the_vcf_posterior_has_its_own_temperature(mini_engine, genes, tmp_path):
    # the combined score's softmax runs at the phenotype temperature x the genotype model's
    # posterior_temperature_factor: a smaller factor sharpens it, the ranking stays
    patient = mini_engine.patient(SEIZURES)
    vs = prepare_variants(write(tmp_path, [("chr3", 2100, "AT", "A", "0/1")]), genes)
    base = GenotypeParams.load()
    flat, sharp = (
        diagnose_with_variants(mini_engine, patient, vs, genes, top=7,
                               params=dataclasses.replace(base, posterior_temperature_factor=f))
        for f in (1.0, 0.5))
    assert [h.disease_id for h in sharp.diseases] == [h.disease_id for h in flat.diseases]
    assert sharp.diseases[0].probability > flat.diseases[0].probability
    assert sum(h.probability for h in sharp.diseases) == pytest.approx(1.0)
    assert base.posterior_temperature_factor < 1.0


def test_json_output_and_no_gene_link(mini_engine, genes, tmp_path):
    patient = mini_engine.patient(SEIZURES)
    vs = prepare_variants(write(tmp_path, [("chr3", 2100, "AT", "A", "0/1"),
                                           ("chr4", 1200, "AT", "A", "0/1")]), genes)
    d = diagnose_with_variants(mini_engine, patient, vs, genes, top=7)
    out = genomic_to_dict(d)
    assert out["id"] == patient.id
    assert out["annotation_source"].startswith("raredx built-in")
    g0 = out["genes"][0]
    assert (g0["symbol"], g0["id"]) == ("SEIZ1", "HGNC:90002")
    v0 = g0["variants"][0]
    assert (v0["chrom"], v0["pos"], v0["genotype"], v0["effect"]) == (
        "chr3", 2100, "heterozygous", "frameshift_variant")
    assert v0["pathogenicity_reasons"][0].startswith("frameshift_variant")
    # NOVEL1 has no known disease: ranked through the undescribed-disease hypothesis
    novel = next(g for g in out["genes"] if g["symbol"] == "NOVEL1")
    assert novel["disease"] is None and "not described" in novel["explanation"]
    # ORPHA:900001 has no gene link: the gene with the best-fitting variants may be its unknown
    # gene (here NOVEL1's frameshift), at the model's prior for one gene of the many
    params = GenotypeParams.load()
    orpha = next(x for x in out["diseases"] if x["id"] == "ORPHA:900001")
    assert orpha["gene"]["symbol"] == "NOVEL1" and orpha["gene_link"] == "unknown_gene_hypothesis"
    assert "no known gene" in orpha["genotype_evidence"]
    assert "if its unknown gene is NOVEL1" in orpha["genotype_evidence"]
    assert orpha["genotype_score"] > params.no_gene_link_log10_lr
    # without that hypothesis the VCF cannot speak for it
    off = dataclasses.replace(params, unlinked_disease_log10_prior=float("-inf"))
    out = genomic_to_dict(diagnose_with_variants(mini_engine, patient, vs, genes, top=7,
                                                 params=off))
    orpha = next(x for x in out["diseases"] if x["id"] == "ORPHA:900001")
    assert orpha["gene"] is None and "no known gene" in orpha["genotype_evidence"]
    assert orpha["genotype_score"] == pytest.approx(params.no_gene_link_log10_lr)


def test_a_gene_may_be_the_unknown_gene_of_a_disease_without_one(mini_engine, genes, tmp_path):
    patient = mini_engine.patient(SEIZURES)
    vs = prepare_variants(write(tmp_path, [("chr4", 1200, "AT", "A", "0/1")]), genes)
    params = GenotypeParams.load()
    # with no prior against it, NOVEL1 (no known disease) is ranked as the unknown gene of the
    # best-fitting disease without a gene, and says so
    even = dataclasses.replace(params, unlinked_disease_log10_prior=0.0)
    d = diagnose_with_variants(mini_engine, patient, vs, genes, top=7, params=even)
    novel = next(g for g in d.genes if g.symbol == "NOVEL1")
    assert novel.disease_link == "unknown_gene_hypothesis"
    assert novel.best_disease is not None and "unknown gene of" in novel.explanation
    # the hypothesis only adds: the score is at least that of an undescribed disease
    off = dataclasses.replace(params, unlinked_disease_log10_prior=float("-inf"))
    d0 = diagnose_with_variants(mini_engine, patient, vs, genes, top=7, params=off)
    novel0 = next(g for g in d0.genes if g.symbol == "NOVEL1")
    assert novel0.disease_link is None and "not described" in novel0.explanation
    assert novel.score >= novel0.score


def test_prepared_variants_are_reused_when_phenotypes_change(mini_engine, genes, tmp_path,
                                                              monkeypatch):
    p = write(tmp_path, [("chr3", 2100, "AT", "A", "0/1")], name="reuse.vcf")
    first = prepare_variants(p, genes)
    import raredx.genotype._diagnose as mod

    def boom(*a, **k):
        raise AssertionError("the VCF was read again")
    monkeypatch.setattr(mod, "read_vcf", boom)
    assert prepare_variants(p, genes) is first
    d1 = diagnose_with_variants(mini_engine, mini_engine.patient(SEIZURES), first, genes)
    marfan = mini_engine.patient(["HP:0001166", "HP:0001083", "HP:0002616"])
    d2 = diagnose_with_variants(mini_engine, marfan, first, genes)
    def rank(d, i):
        return next(h.rank for h in d.diseases if h.disease_id == i)
    assert rank(d2, "OMIM:154700") < rank(d1, "OMIM:154700")


def test_vep_annotated_vcf_uses_its_annotation(mini_engine, genes, tmp_path):
    meta = ('##INFO=<ID=CSQ,Number=.,Type=String,Description="VEP. Format: Allele|Consequence|'
            'SYMBOL|gnomADe_AF">\n')
    p = tmp_path / "vep.vcf"
    p.write_text(HEAD.replace("##reference=GRCh38\n", "##reference=GRCh38\n" + meta) + "p\n"
                 "chr15\t9999\t.\tC\tT\t50\tPASS\tCSQ=T|stop_gained|MFS1|0.00001\tGT\t0/1\n"
                 "chr15\t9000\t.\tC\tT\t50\tPASS\tCSQ=T|stop_gained|FBN1|0.2\tGT\t0/1\n")
    vs = prepare_variants(p, genes)
    assert vs.annotation_source.value == "VEP CSQ"
    # the previous symbol MFS1 is resolved to FBN1; the common variant (AF 0.2) does not count
    assert vs.variants[0].annotations[0].gene_symbol == "FBN1"
    d = diagnose_with_variants(mini_engine, mini_engine.patient(["HP:0002616"]), vs, genes)
    fbn1 = next(g for g in d.genes if g.symbol == "FBN1")
    assert len(fbn1.variants) == 1 and fbn1.variants[0].variant.pos == 9999
    assert fbn1.variants[0].annotation.effect is VariantEffect.STOP_GAINED


def test_read_vcf_then_trio_ped(mini_engine, genes, tmp_path):
    p = write(tmp_path, [("chr3", 2100, "AT", "A", "0/1", "0/0", "0/0")],
              samples=("kid", "dad", "mum"), name="trio.vcf")
    ped = tmp_path / "trio.ped"
    ped.write_text("F kid dad mum 2 2\nF dad 0 0 1 1\nF mum 0 0 2 1\nF sib dad mum 1 1\n")
    vs = prepare_variants(p, genes, ped=ped)
    assert vs.trio == Trio(father=1, mother=2)
    d = diagnose_with_variants(mini_engine, mini_engine.patient(SEIZURES), vs, genes)
    assert d.diseases[0].disease_id == "OMIM:100100"
    assert "de novo" in d.diseases[0].genotype_explanation
    assert read_vcf(p, sample="kid").proband == "kid"


def test_json_reasons_name_the_exon_position(genes, params):
    from raredx.genotype._output import variant_evidence_to_dict
    params = dataclasses.replace(params, min_pathogenicity=0.0)
    e = ev(genes, params, [var("chr2", 10201, "A", "G")])
    (x,) = e[genes.gene("LENSB")].variants
    d = variant_evidence_to_dict(x, params)
    assert any("first exon of 3" in r for r in d["pathogenicity_reasons"])
    assert d["pathogenicity"] == pytest.approx(x.pathogenicity, abs=1e-4)


def test_genotype_results_carry_the_phenotype_explanations(mini_engine, genes, tmp_path):
    patient = mini_engine.patient(SEIZURES)
    vs = prepare_variants(write(tmp_path, [("chr3", 2100, "AT", "A", "0/1")]), genes)
    d = diagnose_with_variants(mini_engine, patient, vs, genes, top=7)
    plain = {c.disease_id: c for c in mini_engine.diagnose(patient, top=7).candidates}
    for hit in d.diseases:  # the same per-term evidence as the phenotype-only explanation
        assert hit.evidence == plain[hit.disease_id].evidence
        assert [e.term for e in hit.evidence] == [t.value for t in patient.present]
    out = genomic_to_dict(d)["diseases"][0]
    assert [e["term"] for e in out["evidence"]] == [t.value for t in patient.present]
    assert all("kind" in e and "log10_lr" in e for e in out["evidence"])


# -- structural alleles ------------------------------------------------------------------------
def sv(chrom, pos, alt, end, z=Zygosity.HETEROZYGOUS) -> Variant:
    return Variant(chrom, pos, "N", alt, (Genotype("p", z),), end=end)


@pytest.mark.parametrize("v, want", [
    # both SEIZ genes wholly deleted (chr3:1000-3000 and 5000-7000)
    (sv("chr3", 900, "<DEL>", 7100), {"SEIZ1": (VariantEffect.TRANSCRIPT_ABLATION,
                                                "whole gene deleted (6.2 kb deletion)"),
                                      "SEIZ2": (VariantEffect.TRANSCRIPT_ABLATION,
                                                "whole gene deleted (6.2 kb deletion)")}),
    # LENSB exons: 10100-10300, 12000-12200, 15000-15300 (gene 10000-20000)
    (sv("chr2", 11500, "<DEL>", 16000), {"LENSB": (VariantEffect.EXON_LOSS,
                                                   "exons 2-3 of 3 deleted (4.5 kb deletion)")}),
    (sv("chr2", 10400, "<DEL>", 11000), {"LENSB": (VariantEffect.INTRONIC,
                                                   "600 bp deletion within an intron")}),
    (sv("chr2", 11500, "<DUP>", 12500), {"LENSB": (
        VariantEffect.FEATURE_ELONGATION,
        "exon 2 of 3 duplicated inside the gene (1 kb; a tandem copy may shift the reading "
        "frame)")}),
    (sv("chr2", 9000, "<DUP>", 12500), {"LENSB": (
        VariantEffect.OTHER,
        "exons 1-2 of 3 duplicated with one breakpoint outside the gene (an intact copy "
        "remains; 3.5 kb)")}),
    (sv("chr2", 9000, "<DUP>", 21000), {"LENSB": (VariantEffect.TRANSCRIPT_AMPLIFICATION,
                                                  "whole gene duplicated (12 kb duplication)")}),
])
def test_structural_alleles_are_annotated_by_the_exons_they_span(genes, v, want):
    (out,), n = annotate_builtin([v], genes)
    got = {a.gene_symbol: (a.effect, a.note) for a in out.annotations}
    assert got == want and n == 0
    assert out.end == v.end and out.structural


def test_a_deletion_ranks_the_gene_and_disease_it_ablates(mini_engine, genes, tmp_path):
    patient = mini_engine.patient(SEIZURES)
    info = {"SEIZ1": "SVTYPE=DEL;END=2600", "SEIZ2": "SVTYPE=DEL;END=6600"}
    for gene, pos, want in (("SEIZ1", 1050, "OMIM:100100"), ("SEIZ2", 5050, "OMIM:100200")):
        p = tmp_path / f"{gene}-sv.vcf"
        p.write_text(HEAD.replace('##FORMAT', '##INFO=<ID=END,Number=1,Type=Integer,'
                                  'Description="End">\n##FORMAT') + "p\n"
                     + "\t".join(["chr3", str(pos), ".", "N", "<DEL>", "50", "PASS", info[gene],
                                  "GT", "0/1"]) + "\n")
        vs = prepare_variants(p, genes)
        d = diagnose_with_variants(mini_engine, patient, vs, genes, top=7)
        assert d.diseases[0].disease_id == want and d.diseases[0].gene == gene
        assert d.genes[0].symbol == gene
        (e,) = d.genes[0].variants
        assert e.annotation.effect is VariantEffect.TRANSCRIPT_ABLATION
        assert f"chr3:{pos + 1}-" in d.genes[0].explanation
        out = genomic_to_dict(d)
        (jv,) = out["genes"][0]["variants"]
        assert (jv["alt"], jv["end"], jv["effect"]) == ("<DEL>", int(info[gene][-4:]),
                                                        "transcript_ablation")


def test_one_deletion_of_several_genes_speaks_for_a_contiguous_gene_syndrome(
        mini_engine, genes, tmp_path, monkeypatch):
    from raredx.genotype import genotype_links
    from raredx.genotype._diagnose import default_params

    # the mini release has no contiguous-gene syndrome: ORPHA:900001 (no gene) is made one of
    # SEIZ1 and SEIZ2, as raredx.genotype._links.unscored_links would mark it
    # (no structural background: in a six-gene fixture one deletion would recalibrate it and
    # the links would be built anew for the calibrated model)
    p0 = dataclasses.replace(default_params(), sv_background_per_gene=0.0)
    links = genotype_links(mini_engine, genes, p0)
    (c,) = mini_engine.candidates_for("ORPHA:900001")
    seiz = (genes.gene("SEIZ1"), genes.gene("SEIZ2"))
    unlinked = links.unlinked.copy()
    unlinked[c] = False
    monkeypatch.setattr(links, "unlinked", unlinked)
    monkeypatch.setattr(links, "contiguous", {c: seiz})
    monkeypatch.setattr(links, "unscored_by_cand", {c: [(g, "contiguous gene") for g in seiz]})
    patient = mini_engine.patient(SEIZURES)
    head = HEAD.replace("##FORMAT", '##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n'
                        "##FORMAT") + "p\n"

    def orpha(end: int) -> dict:
        p = tmp_path / f"del-{end}.vcf"
        p.write_text(head + "\t".join(["chr3", "900", ".", "N", "<DEL>", "50", "PASS",
                                       f"END={end}", "GT", "0/1"]) + "\n")
        d = diagnose_with_variants(mini_engine, patient, prepare_variants(p, genes), genes,
                                   top=10, params=p0)
        return next(x for x in genomic_to_dict(d)["diseases"] if x["id"] == "ORPHA:900001")

    both = orpha(7100)  # SEIZ1 and SEIZ2 deleted
    assert both["gene_link"] == "contiguous_gene_deletion"
    assert "one deletion takes 2 of its 2 genes (SEIZ1, SEIZ2)" in both["genotype_evidence"]
    assert both["genotype_score"] > 1 and both["variants"][0]["alt"] == "<DEL>"
    one = orpha(3100)  # SEIZ1 only: a single gene of the syndrome says nothing of it
    assert one["gene_link"] is None and "single variants are not scored" in one[
        "genotype_evidence"]
    assert one["genotype_score"] < both["genotype_score"]


def test_a_structural_allele_is_weighed_against_the_structural_background(genes, params):
    # NOVEL1 (chr4:1000-3000): one heterozygous exon deletion against one frameshift
    dele = annotate_builtin([sv("chr4", 1050, "<DEL>", 1600)], genes)[0]
    fs = annotate_builtin([var("chr4", 1200, "AT", "A")], genes)[0]
    g = genes.gene("NOVEL1")
    ev_del = score_genes(dele, 0, genes, params, Sex.UNKNOWN, None)[g]
    ev_fs = score_genes(fs, 0, genes, params, Sex.UNKNOWN, None)[g]
    assert params.sv_background_per_gene > 0
    assert ev_del.llr(Moi.AD) > ev_fs.llr(Moi.AD) + 1
    assert f"/ {params.sv_background_per_gene:.3g}" in ev_del.why(Moi.AD)
    flat = dataclasses.replace(params, sv_background_per_gene=0.0)
    assert score_genes(dele, 0, genes, flat, Sex.UNKNOWN, None)[g].llr(Moi.AD) < ev_del.llr(
        Moi.AD)


def test_many_structural_calls_raise_the_structural_background(genes, params):
    from raredx.genotype._scoring import calibrate, calibration_note

    # the fixture has a dozen genes with exons: one deletion of one gene is a share of 1/12
    one = annotate_builtin([sv("chr3", 900, "<DEL>", 2600)], genes)[0]
    high = dataclasses.replace(params, sv_background_per_gene=0.5)
    assert calibrate(high, one, 0, genes) is high
    used = calibrate(params, one, 0, genes)
    n = int((genes.exon_kb > 0).sum())
    assert used.sv_background_per_gene == pytest.approx(float(f"{1 / n:.2g}"))
    # deletions over every gene of the fixture
    many = annotate_builtin([sv(c, 1, "<DEL>", 300000) for c in ("chr2", "chr3", "chr4",
                                                                 "chr15", "chrX")], genes)[0]
    assert calibrate(params, many, 0, genes).sv_background_per_gene > used.sv_background_per_gene
    note = calibration_note(params, used)
    assert note["structural_calls_per_gene"] == used.sv_background_per_gene
