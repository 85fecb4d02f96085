"""Built-in variant annotation from gene models (MANE Select exons, GENCODE gene intervals).

What it can and cannot say, without a reference genome or CDS coordinates:
- exonic SNV/MNV → ``coding_sequence_variant`` (effect unknown: missense, synonymous, stop and
  UTR bases of a MANE exon cannot be told apart);
- exonic indel → ``frameshift_variant`` when its length change is not a multiple of 3, else
  ``inframe_indel`` (both "likely": the exon may be UTR there);
- 1–2 intronic bases from an internal exon boundary → splice donor/acceptor (by strand);
  3–8 intronic bases → ``splice_region_variant``;
- inside a protein-coding gene otherwise → ``intron_variant``; elsewhere ``intergenic_variant``.
UTRs are not distinguished (the MANE exon file carries no CDS coordinates).
"""

from __future__ import annotations

from dataclasses import replace

from raredx.knowledge import GeneKnowledge
from raredx.model import AnnotationSource, Variant, VariantAnnotation, VariantEffect

__all__ = ["annotate_builtin", "attach_gene_ids"]

_SPLICE_SITE = 2
_SPLICE_REGION = 8


def _span(v: Variant) -> tuple[int, int, int]:
    """0-based half-open span of the bases a variant touches, and its length change."""
    r, a, p = v.ref, v.alt, v.pos
    while len(r) > 1 and len(a) > 1 and r[-1] == a[-1]:
        r, a = r[:-1], a[:-1]
    while len(r) > 1 and len(a) > 1 and r[0] == a[0]:
        r, a, p = r[1:], a[1:], p + 1
    change = len(a) - len(r)
    if len(r) == 1 and len(a) > 1 and r[0] == a[0]:  # insertion after base p
        return p - 1, p + 1, change
    if len(a) == 1 and len(r) > 1 and r[0] == a[0]:  # deletion of bases p+1 .. p+len(r)-1
        return p, p + len(r) - 1, change
    return p - 1, p - 1 + len(r), change


def _exon_effect(genes: GeneKnowledge, chrom: str, lo: int, hi: int, change: int
                 ) -> dict[int, tuple[VariantEffect, str | None]]:
    table = genes.exons.get(chrom)
    out: dict[int, tuple[VariantEffect, str | None]] = {}
    if table is None:
        return out
    for row in table.overlapping(lo - _SPLICE_REGION, hi + _SPLICE_REGION).tolist():
        s, e = int(table.start[row]), int(table.end[row])
        g = int(table.gene[row])
        num, count = int(table.number[row]), int(table.count[row])
        strand = genes.genes[g].strand or 1
        if hi > s and lo < e:
            if change == 0:
                eff, note = VariantEffect.CODING_UNKNOWN, "exonic; effect unknown (no reference genome)"
            elif change % 3:
                eff, note = VariantEffect.FRAMESHIFT, "exonic indel, length not a multiple of 3"
            else:
                eff, note = VariantEffect.INFRAME_INDEL, "exonic indel, length a multiple of 3"
        else:
            if hi <= s:  # left of the exon (genomic)
                d = s - hi + 1
                boundary = "acceptor" if strand > 0 else "donor"
            else:
                d = lo - e + 1
                boundary = "donor" if strand > 0 else "acceptor"
            first, last = num == 1, num == count
            if (boundary == "acceptor" and first) or (boundary == "donor" and last):
                continue  # transcript end, not a splice site
            if d <= _SPLICE_SITE:
                eff = (VariantEffect.SPLICE_DONOR if boundary == "donor"
                       else VariantEffect.SPLICE_ACCEPTOR)
            else:
                eff = VariantEffect.SPLICE_REGION
            note = f"{d} bp from the exon {num} {boundary} site"
        old = out.get(g)
        if old is None or eff.severity < old[0].severity:
            out[g] = (eff, note)
    return out


def annotate_builtin(variants: list[Variant], genes: GeneKnowledge) -> tuple[list[Variant], int]:
    """Annotate every variant with the built-in gene models; returns the variants and how many
    fell in no protein-coding gene (intergenic)."""
    out = []
    intergenic = 0
    src = AnnotationSource.BUILTIN
    for v in variants:
        lo, hi, change = _span(v)
        effects = _exon_effect(genes, v.chrom, lo, hi, change)
        anns = []
        for g, (eff, note) in effects.items():
            gi = genes.genes[g]
            anns.append(VariantAnnotation(gi.symbol, eff, src, gene_id=gi.hgnc_id, note=note))
        table = genes.intervals.get(v.chrom)
        if table is not None:
            for row in table.overlapping(lo, hi).tolist():
                g = int(table.gene[row])
                if g in effects:
                    continue
                gi = genes.genes[g]
                effects[g] = (VariantEffect.INTRONIC, None)
                anns.append(VariantAnnotation(gi.symbol, VariantEffect.INTRONIC, src,
                                              gene_id=gi.hgnc_id))
        if not anns:
            intergenic += 1
        out.append(replace(v, annotations=tuple(anns)))
    return out, intergenic


def attach_gene_ids(variants: list[Variant], genes: GeneKnowledge) -> list[Variant]:
    """Fill in HGNC ids (and approved symbols) of VEP/SnpEff annotations from HGNC."""
    out = []
    for v in variants:
        anns = []
        changed = False
        for a in v.annotations:
            g = genes.gene(a.gene_id) if a.gene_id else None
            if g is None:
                g = genes.gene(a.gene_symbol)
            if g is not None and (a.gene_id != genes.genes[g].hgnc_id
                                  or a.gene_symbol != genes.genes[g].symbol):
                a = replace(a, gene_id=genes.genes[g].hgnc_id, gene_symbol=genes.genes[g].symbol)
                changed = True
            anns.append(a)
        out.append(replace(v, annotations=tuple(anns)) if changed else v)
    return out

