"""Structural variants of phenopacket-store cases, as spans to spike into a background exome.

phenopacket-store describes a deletion or duplication by a free-text label and a gene, not by a
``vcfRecord``: "DEL ex 1-5", "deletion of exons 3-5", "Deletion 1q21.3 encompassing whole
POGZ-gene", "arr{hg38}9q34.11(128,609,213-128,613,675)x1",
"NC_000002.11:g.213900960_213921017dup". :func:`structural_span` reads the forms that locate
the event: array coordinates with their assembly, genomic HGVS on a RefSeq chromosome, exon
ranges of the gene (numbered as in its MANE Select transcript, which may differ from the
paper's), or the whole gene. Other labels ("telomeric 11q deletion", "inversion ...") are
reported with the reason. Benchmark code: it reads ``interpretations`` (the truth).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from raredx.io._vcf import _lifter
from raredx.knowledge import GeneKnowledge

__all__ = ["structural_reader", "structural_span"]

# RefSeq chromosome accessions: the version of each chromosome on GRCh37 (GRCh38 is one more)
_GRCH37_VERSION = {
    "1": 10, "2": 11, "3": 11, "4": 11, "5": 9, "6": 11, "7": 13, "8": 10, "9": 11, "10": 10,
    "11": 9, "12": 11, "13": 10, "14": 8, "15": 9, "16": 9, "17": 10, "18": 9, "19": 9,
    "20": 10, "21": 8, "22": 10, "X": 10, "Y": 9,
}
_ARRAY = re.compile(r"(?:arr\s*\{?\[?(?P<asm1>hg\d\d|GRCh3\d)\]?\}?\s*)?"
                    r"(?P<chrom>\d{1,2}|X|Y)[pq][\d.]*(?:[pq][\d.]*)?\s*"
                    r"\(\s*(?P<start>[\d,]+)\s*[-_–]\s*(?P<end>[\d,]+)\s*\)\s*x\s*(?P<cn>\d)",
                    re.IGNORECASE)
# genomic HGVS, also with "_" for its punctuation ("NC_000023_11_g_153595512_153635582del")
# and with uncertain outer breakpoints ("g.(?_32675848)_(32678300_?)del": the inner span)
_HGVS_G = re.compile(r"NC_0+(?P<chrom>\d+)[._](?P<version>\d+)[:_]g[._]"
                     r"(?:\(\?_)?(?P<start>\d+)\)?_\(?(?P<end>\d+)(?:_\?\))?"
                     r"(?P<kind>del|dup)", re.IGNORECASE)
# a span in parentheses with its assembly, on the gene's chromosome
# ("6.5 Mb deletion (215,588,712-222,145,072 Mb;GRCh37/hg19)")
_SPAN_ASSEMBLY = re.compile(r"\((?P<start>[\d,]{5,})\s*[-–]\s*(?P<end>[\d,]{5,})\s*(?:[kM]b)?"
                            r"\s*[;,]\s*(?P<asm>GRCh3\d|hg\d\d)", re.IGNORECASE)
# "breakpoints in intron 2 and 6": exons 3-6 are deleted
_INTRONS = re.compile(r"\bintrons?\s+(?P<a>\d+)\s*(?:and|-|to)\s*(?P<b>\d+)", re.IGNORECASE)
_EXONS = re.compile(r"\bex(?:on)?s?\.?\s*(?P<a>\d+)"
                    r"(?:\s*(?:-|–|to|through|_|and)\s*(?:ex(?:on)?s?\.?\s*)?(?P<b>\d+))?"
                    r"|\b(?:del|dup)\s+(?P<a2>\d+)(?:\s*-\s*(?P<b2>\d+))?\b"
                    r"(?![pq.,]|\s*(?:kb|mb|bp))",
                    re.IGNORECASE)
_CHROM_RANGE = re.compile(r"\bchr(?P<chrom>\d{1,2}|X|Y):\s*(?P<start>[\d,]+)\s*[-_–]\s*"
                          r"(?P<end>[\d,]+)\b", re.IGNORECASE)
_WHOLE = re.compile(r"\b(whole|entire|complete|full|total)\b[\w\s-]*\bgene\b|"
                    r"\bgene deletion\b|\bencompassing\b|^\s*(full|complete|total|whole)"
                    r"\s+(deletion|duplication)\s*$|\ball\s+(\d+\s+)?exons\b", re.IGNORECASE)


def _kind(label: str, structural_type: str) -> str | None:
    low = label.lower()
    dele = bool(re.search(r"del|loss|x1\b|x0\b|microdeletion", low))
    dup = bool(re.search(r"dup|gain|x3\b|x4\b|triplication", low))
    if dele == dup:
        st = structural_type.lower()
        dele, dup = "deletion" in st, "duplication" in st
    if dele and not dup:
        return "<DEL>"
    if dup and not dele:
        return "<DUP>"
    return None


def structural_span(vd: dict[str, Any], genes: GeneKnowledge,
                    lift: Callable[[str, int], tuple[str, int, str] | None] | None
                    ) -> tuple[tuple[str, int, int, str] | None, str]:
    """The GRCh38 span of a phenopacket's structural variation descriptor ``vd``: ``(chrom,
    pos, end, alt)`` with ``pos`` the padding base (VCF) and ``alt`` ``<DEL>``/``<DUP>``, and
    how it was read; or ``None`` and why not. ``lift`` lifts a GRCh37 position (``None``: no
    chain, GRCh37 labels are not read)."""
    label = str(vd.get("label") or "")
    st = str((vd.get("structuralType") or {}).get("label") or "")
    alt = _kind(label, st)
    if alt is None:
        return None, f"neither a deletion nor a duplication: {label!r}"
    m = _HGVS_G.search(label)
    if m:
        chrom = {"23": "X", "24": "Y"}.get(m["chrom"].lstrip("0"), m["chrom"].lstrip("0"))
        v37 = _GRCH37_VERSION.get(chrom)
        if v37 is None:
            return None, f"unknown RefSeq chromosome in {label!r}"
        asm = {v37: "GRCh37", v37 + 1: "GRCh38"}.get(int(m["version"]))
        alt = "<DEL>" if m["kind"].lower() == "del" else "<DUP>"
        return _located(chrom, int(m["start"]), int(m["end"]), asm, alt, lift, label, "HGVS")
    m = _ARRAY.search(label)
    if m:
        asm = _assembly((m["asm1"] or "") + " " + label)
        cn = int(m["cn"])
        alt = "<DEL>" if cn < 2 else "<DUP>" if cn > 2 else None
        if alt is None:
            return None, f"copy number 2 (no change) in {label!r}"
        return _located(m["chrom"].upper(), int(m["start"].replace(",", "")),
                        int(m["end"].replace(",", "")), asm, alt, lift, label, "array")
    m = _CHROM_RANGE.search(label)
    if m:
        asm = _assembly(label)
        return _located(m["chrom"].upper(), int(m["start"].replace(",", "")),
                        int(m["end"].replace(",", "")), asm, alt, lift, label, "coordinates")
    label = label.replace("_", " ")
    sym = str((vd.get("geneContext") or {}).get("symbol") or "")
    g = genes.gene(sym) if sym else None
    if g is None:
        return None, f"no coordinates and no known gene in {label!r}"
    chrom = genes.genes[g].chrom
    m = _SPAN_ASSEMBLY.search(label)
    if m and chrom:
        return _located(chrom.removeprefix("chr"), int(m["start"].replace(",", "")),
                        int(m["end"].replace(",", "")), _assembly(m["asm"]), alt, lift, label,
                        "span")
    m = _INTRONS.search(label)
    if m:
        a, b = sorted((int(m["a"]), int(m["b"])))
        return _exon_span(genes, g, chrom, sym, a + 1, b, alt, "introns")
    m = _EXONS.search(label)
    if m and not _WHOLE.search(label):
        a = int(m["a"] or m["a2"])
        b = int(m["b"] or m["b2"] or a)
        return _exon_span(genes, g, chrom, sym, min(a, b), max(a, b), alt, "exons")
    if _WHOLE.search(label) or re.fullmatch(rf"\s*(?:{re.escape(sym)}\s+)?(?:deletion|"
                                            rf"duplication)(?:\s+of\s+{re.escape(sym)})?\s*",
                                            label, re.IGNORECASE):
        iv = genes.intervals.get(chrom)
        rows = np.nonzero(iv.gene == g)[0] if iv is not None else np.zeros(0, dtype=int)
        if iv is None or not len(rows):
            return None, f"{sym} has no gene interval"
        lo, hi = int(iv.start[rows].min()), int(iv.end[rows].max())
        return (chrom, lo - 1000, hi + 1000, alt), "whole gene"
    return None, f"label not understood: {label!r}"


def structural_reader(genes: GeneKnowledge, liftover_chain: Path | None
                      ) -> Callable[[dict[str, Any]], tuple[tuple[str, int, int, str] | None, str]]:
    """:func:`structural_span` with its gene knowledge and lift-over (GRCh37 labels are read
    only with a chain), as :func:`raredx.benchmark._vcf.causal_variants` takes it."""
    lift = _lifter(Path(liftover_chain)).lift if liftover_chain else None
    return lambda vd: structural_span(vd, genes, lift)


def _exon_span(genes: GeneKnowledge, g: int, chrom: str, sym: str, a: int, b: int, alt: str,
               how: str) -> tuple[tuple[str, int, int, str] | None, str]:
    """Exons ``a``-``b`` of the gene's MANE transcript, from within the introns around them
    (100 bp: the breakpoints are not known)."""
    ex = genes.exons.get(chrom)
    rows = np.nonzero(ex.gene == g)[0] if ex is not None else np.zeros(0, dtype=int)
    if ex is None or not len(rows):
        return None, f"{sym} has no MANE exons"
    count = int(ex.count[rows[0]])
    if b > count or a > b:
        return None, f"exons {a}-{b} of {sym}, whose MANE transcript has {count}"
    sel = rows[(ex.number[rows] >= a) & (ex.number[rows] <= b)]
    lo, hi = int(ex.start[sel].min()), int(ex.end[sel].max())
    return (chrom, lo - 100, hi + 100, alt), how


def _assembly(text: str) -> str | None:
    """The assembly a label names (hg38/GRCh38, hg19/GRCh37), if any."""
    if re.search(r"hg38|grch38", text, re.IGNORECASE):
        return "GRCh38"
    return "GRCh37" if re.search(r"hg19|grch37", text, re.IGNORECASE) else None


def _located(chrom: str, start: int, end: int, asm: str | None, alt: str,
             lift: Callable[[str, int], tuple[str, int, str] | None] | None, label: str,
             how: str) -> tuple[tuple[str, int, int, str] | None, str]:
    if end < start:
        start, end = end, start
    if asm is None:
        return None, f"coordinates without an assembly in {label!r}"
    c = "chr" + chrom
    if asm == "GRCh37":
        if lift is None:
            return None, f"GRCh37 coordinates and no lift-over chain: {label!r}"
        a, b = lift(c, start), lift(c, end)
        if a is None or b is None or a[0] != b[0]:
            return None, f"no consistent lift-over of {label!r}"
        c, start, end = a[0], min(a[1], b[1]), max(a[1], b[1])
    return (c, start - 1, end, alt), f"{how} ({asm})"
