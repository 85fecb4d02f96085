"""Structural variants of phenopacket-store cases located from their labels (benchmark code),
on the hand-written gene fixture (tests/fixtures/genes_mini: LENSB chr2:10000-20000, exons
10100-10300, 12000-12200, 15000-15300)."""

from __future__ import annotations

from pathlib import Path

import pytest

from raredx.benchmark._structural import structural_span
from raredx.benchmark._vcf import causal_variants
from raredx.io import load_genes
from raredx.io._spike import Background, SpikeVariant, spike_lines
from raredx.io._vcf import parse_vcf
from raredx.model import Zygosity

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "genes_mini"


@pytest.fixture(scope="module")
def genes(raredx_cache):
    return load_genes(FIX, log=lambda m: None)


def vd(label, symbol="LENSB", st="chromosome_structure_variation", zyg="heterozygous"):
    return {"label": label, "geneContext": {"symbol": symbol},
            "structuralType": {"label": st}, "allelicState": {"label": zyg}}


@pytest.mark.parametrize("label, want, how", [
    ("DEL ex 2-3", ("chr2", 11900, 15400, "<DEL>"), "exons"),
    ("deletion of exons 1 through 2", ("chr2", 10000, 12300, "<DEL>"), "exons"),
    ("dup(Ex2)", ("chr2", 11900, 12300, "<DUP>"), "exons"),
    ("Total_LENSB_gene_deletion", ("chr2", 9000, 21000, "<DEL>"), "whole gene"),
    ("arr{hg38}2p25.3(10,500-11,500)x1", ("chr2", 10499, 11500, "<DEL>"), "array (GRCh38)"),
    ("arr[hg38] 2p25.3(10500-30000)x3", ("chr2", 10499, 30000, "<DUP>"), "array (GRCh38)"),
    ("NC_000002.12:g.10500_11500del", ("chr2", 10499, 11500, "<DEL>"), "HGVS (GRCh38)"),
    ("del hg38; Chr2:10,500-11,500", ("chr2", 10499, 11500, "<DEL>"), "coordinates (GRCh38)"),
    ("deletion breakpoints in intron 1 and 2", ("chr2", 11900, 12300, "<DEL>"), "introns"),
    ("DEL 3", ("chr2", 14900, 15400, "<DEL>"), "exons"),
    ("Full deletion", ("chr2", 9000, 21000, "<DEL>"), "whole gene"),
    ("deletion of all 3 exons", ("chr2", 9000, 21000, "<DEL>"), "whole gene"),
    ("NC_000002_12_g_10500_11500del", ("chr2", 10499, 11500, "<DEL>"), "HGVS (GRCh38)"),
    ("NC_000002.12:g.(?_10500)_(11500_?)del", ("chr2", 10499, 11500, "<DEL>"),
     "HGVS (GRCh38)"),
    ("6.5 Mb deletion (10,500-11,500 Mb;GRCh38)", ("chr2", 10499, 11500, "<DEL>"),
     "span (GRCh38)"),
])
def test_labels_that_locate_the_event(genes, label, want, how):
    assert structural_span(vd(label), genes, None) == (want, how)


@pytest.mark.parametrize("label, why", [
    ("1.5 Mb deletion", "label not understood"),
    ("inversion of 2p", "neither a deletion nor a duplication"),
    ("arr 2p25.3(10,500-11,500)x1", "coordinates without an assembly"),
    ("NC_000002.11:g.10500_11500del", "GRCh37 coordinates and no lift-over chain"),
    ("DEL ex 4-6", "exons 4-6 of LENSB, whose MANE transcript has 3"),
    ("DEL 866 kb", "label not understood"),
])
def test_labels_that_do_not_locate_it_say_why(genes, label, why):
    span, reason = structural_span(vd(label), genes, None)
    assert span is None and reason.startswith(why)


def test_grch37_coordinates_are_lifted(genes):
    def lift(c, p):
        return c, p + 1000, "+"

    assert structural_span(vd("NC_000002.11:g.10500_11500del"), genes, lift) == (
        ("chr2", 11499, 12500, "<DEL>"), "HGVS (GRCh37)")


def test_a_structural_spike_is_written_with_its_span_and_read_back(genes):
    data = {"interpretations": [{"diagnosis": {"genomicInterpretations": [
        {"variantInterpretation": {"variationDescriptor": vd("DEL ex 2-3")}}]}}]}
    assert causal_variants(data)[2] == ["a causal variant without vcfRecord"]
    spikes, gene_ids, problems = causal_variants(
        data, lambda d: structural_span(d, genes, None))
    assert spikes == [SpikeVariant("chr2", 11900, "N", "<DEL>", Zygosity.HETEROZYGOUS, 15400)]
    assert gene_ids == ["LENSB"] and not problems
    header = ["##fileformat=VCFv4.2", "##reference=GRCh38",
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tp"]
    donor = ("chr1", "100", ".", "A", "G", "50", "PASS", "DP=30", "GT", "0/1")
    bg = Background(header, [donor], [True], 0, 0)
    lines, _ = spike_lines(bg, spikes, "seed", merge=False)
    assert lines == ["chr2\t11900\t.\tN\t<DEL>\t50\tPASS\tDP=30;SVTYPE=DEL;END=15400\tGT\t0/1"]
    (v,) = parse_vcf(iter(header + lines), "spiked").variants
    assert (v.pos, v.alt, v.end) == (11900, "<DEL>", 15400)
