"""Built-in variant annotation from gene models (MANE Select exons, GENCODE gene intervals).

What it can and cannot say, without a reference genome or CDS coordinates:
- exonic SNV/MNV → ``coding_sequence_variant`` (effect unknown: missense, synonymous, stop and
  UTR bases of a MANE exon cannot be told apart);
- exonic indel → ``frameshift_variant`` when its length change is not a multiple of 3, else
  ``inframe_indel`` (both "likely": the exon may be UTR there);
- 1–2 intronic bases from an internal exon boundary → splice donor/acceptor (by strand);
  3–8 intronic bases → ``splice_region_variant``;
- inside a protein-coding gene otherwise → ``intron_variant``; elsewhere ``intergenic_variant``;
- mitochondrial genes (no introns, not in MANE) are one exon each: a variant of a protein-coding
  one is exonic as above, one of a tRNA or rRNA gene ``non_coding_transcript_exon_variant``.
UTRs are not distinguished (the MANE exon file carries no CDS coordinates).

A structural allele (``<DEL>``/``<DUP>`` with its end) is annotated by the MANE exons it spans,
per gene: a deletion of every exon is ``transcript_ablation``, of some ``exon_loss_variant``; a
duplication of the whole gene is ``transcript_amplification``, of some exons with both
breakpoints inside the gene ``feature_elongation`` (a tandem copy may shift the frame), with one
breakpoint outside ``other``; a span that touches a gene but none of its exons is intronic.
The note says which exons ("exons 3-5 of 12").
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace

import numpy as np

from raredx.io._vcf import VariantKey
from raredx.knowledge import RNA_GENE_NOTE, SMALL_RNA_BIOTYPES, GeneKnowledge
from raredx.model import AnnotationSource, Variant, VariantAnnotation, VariantEffect

__all__ = ["annotate_builtin", "attach_gene_ids"]

_SPLICE_SITE = 2
_SPLICE_REGION = 8


# the biotypes of protein-coding genes (HGNC locus group; GENCODE gene type)
_CODING_BIOTYPES = ("protein-coding gene", "protein_coding")


def _span(v: Variant | tuple[str, int, str, str]) -> tuple[int, int, int]:
    """0-based half-open span of the bases a variant touches, and its length change."""
    if isinstance(v, tuple):
        _, p, r, a = v
    else:
        r, a, p = v.ref, v.alt, v.pos
    if len(r) == 1 and len(a) == 1:  # SNV (most variants): what the general path gives
        return p - 1, p, 0
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


def _candidates(table, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row ranges [a, b) of ``table`` that may overlap each [lo, hi) (vectorised)."""
    a = np.searchsorted(table.cummax_end, lo, side="right")
    b = np.searchsorted(table.start, hi, side="left")
    return a, b


def _overlapping(table, lo: int, hi: int) -> list[int]:  # type: ignore[no-untyped-def]
    """The rows of ``table`` that overlap [lo, hi)."""
    a, b = _candidates(table, np.array([lo]), np.array([hi]))
    rows = np.arange(a[0], b[0])
    return rows[(table.start[rows] < hi) & (table.end[rows] > lo)].tolist()


def _exon_effect(genes: GeneKnowledge, table, rows: range, lo: int, hi: int, change: int,
                 out: dict[int, tuple[VariantEffect, str | None]]) -> None:
    starts, ends = table.start_list, table.end_list
    for row in rows:
        s, e = starts[row], ends[row]
        if e <= lo - _SPLICE_REGION or s >= hi + _SPLICE_REGION:
            continue
        g = table.gene_list[row]
        num, count = table.number_list[row], table.count_list[row]
        strand = genes.genes[g].strand or 1
        if hi > s and lo < e:
            gi = genes.genes[g]
            if gi.chrom == "chrM" and gi.biotype not in _CODING_BIOTYPES:
                eff, note = VariantEffect.NON_CODING_EXON, "mitochondrial RNA gene (tRNA or rRNA)"
            elif gi.biotype in SMALL_RNA_BIOTYPES:
                eff, note = VariantEffect.NON_CODING_EXON, RNA_GENE_NOTE
            elif change == 0:
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


def _lists(table) -> None:
    if not hasattr(table, "start_list"):
        table.start_list = table.start.tolist()
        table.end_list = table.end.tolist()
        table.gene_list = table.gene.tolist()
        table.number_list = table.number.tolist()
        table.count_list = table.count.tolist()


def _with(v: Variant, anns: tuple[VariantAnnotation, ...]) -> Variant:
    return Variant(v.chrom, v.pos, v.ref, v.alt, v.genotypes, v.quality, v.filters, v.in_dbsnp,
                   v.frequency, v.scores, anns, v.line, v.lifted_from, v.end)


def _exon_range(nums: list[int]) -> str:
    nums = sorted(set(nums))
    if len(nums) == 1:
        return f"exon {nums[0]}"
    if nums[-1] - nums[0] + 1 == len(nums):
        return f"exons {nums[0]}-{nums[-1]}"
    return "exons " + ", ".join(map(str, nums))


def _size(n: int) -> str:
    return f"{n / 1e6:.3g} Mb" if n >= 1e6 else f"{n / 1e3:.3g} kb" if n >= 1e3 else f"{n} bp"


def structural_annotations(genes: GeneKnowledge, chrom: str, pos: int, alt: str, end: int
                           ) -> tuple[VariantAnnotation, ...]:
    """The built-in annotations of a deletion or duplication (``alt`` ``<DEL>``/``<DUP>``) of
    the bases ``pos+1 .. end`` (VCF: ``pos`` is the padding base), one per gene it touches."""
    lo, hi = pos, end  # 0-based half-open span of the affected bases
    dup = alt == "<DUP>"
    what = "duplication" if dup else "deletion"
    size = _size(hi - lo)
    src = AnnotationSource.BUILTIN
    hit: dict[int, list[int]] = {}
    count: dict[int, int] = {}
    ex = genes.exons.get(chrom)
    if ex is not None:
        for r in _overlapping(ex, lo, hi):
            g = int(ex.gene[r])
            hit.setdefault(g, []).append(int(ex.number[r]))
            count[g] = int(ex.count[r])
    inside: dict[int, bool] = {}  # gene -> both breakpoints inside its interval
    gt = genes.intervals.get(chrom)
    if gt is not None:
        for r in _overlapping(gt, lo, hi):
            g = int(gt.gene[r])
            inside[g] = inside.get(g, False) or bool(gt.start[r] <= lo and hi <= gt.end[r])
    out = []
    for g in sorted(set(hit) | set(inside)):
        gi = genes.genes[g]
        nums = hit.get(g)
        if not nums:
            eff, note = VariantEffect.INTRONIC, f"{size} {what} within an intron"
        else:
            whole = len(set(nums)) >= count[g]
            exons = f"{_exon_range(nums)} of {count[g]}"
            if not dup:
                eff = VariantEffect.TRANSCRIPT_ABLATION if whole else VariantEffect.EXON_LOSS
                note = (f"whole gene deleted ({size} deletion)" if whole
                        else f"{exons} deleted ({size} deletion)")
            elif whole and not inside.get(g, False):
                eff, note = (VariantEffect.TRANSCRIPT_AMPLIFICATION,
                             f"whole gene duplicated ({size} duplication)")
            elif inside.get(g, False):
                eff, note = (VariantEffect.FEATURE_ELONGATION,
                             f"{exons} duplicated inside the gene ({size}; a tandem copy may "
                             "shift the reading frame)")
            else:
                eff, note = (VariantEffect.OTHER,
                             f"{exons} duplicated with one breakpoint outside the gene (an "
                             f"intact copy remains; {size})")
        out.append(VariantAnnotation(gi.symbol, eff, src, gene_id=gi.hgnc_id, note=note))
    return tuple(out)


def builtin_annotations(keys: list[VariantKey], genes: GeneKnowledge
                        ) -> list[tuple[VariantAnnotation, ...]]:
    """Built-in annotations of (chrom, pos, ref, alt) keys (GRCh38, ``chr`` names), in order;
    an empty tuple for a variant in no protein-coding gene. A structural allele's key is
    (chrom, pos, ref, alt, end) (:func:`structural_annotations`).

    Candidate exons and gene intervals are found for all of a chromosome's variants at once
    (``searchsorted``); equal annotations (the same gene, effect and note: most exonic SNVs of a
    gene, every intronic variant of it) are one shared object, as are equal tuples of them."""
    out: list[tuple[VariantAnnotation, ...]] = [()] * len(keys)
    src = AnnotationSource.BUILTIN
    intronic = VariantEffect.INTRONIC
    by_chrom: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if len(k) > 4:  # a structural allele: (chrom, pos, ref, alt, end)
            out[i] = structural_annotations(genes, k[0], k[1], k[3], k[4])
            continue
        by_chrom.setdefault(k[0], []).append(i)
    # shared objects: annotations by (gene, note, effect) and intronic ones by gene; tuples of
    # them by their members' ids (enum members hash slowly, ids do not)
    exonic: dict[tuple[int, str | None, int], VariantAnnotation] = {}
    intronic_of: dict[int, VariantAnnotation] = {}
    tuples: dict[tuple[int, ...], tuple[VariantAnnotation, ...]] = {}
    only_intronic: dict[int, tuple[VariantAnnotation, ...]] = {}  # gene -> (its intronic,)
    info = genes.genes

    for chrom, idx in by_chrom.items():
        spans = [(k[1] - 1, k[1], 0) if len(k[2]) == 1 and len(k[3]) == 1 else _span(k)
                 for k in map(keys.__getitem__, idx)]
        ex = genes.exons.get(chrom)
        gt = genes.intervals.get(chrom)
        n = len(idx)
        if ex is not None or gt is not None:
            lo = np.fromiter((s[0] for s in spans), dtype=np.int64, count=n)
            hi = np.fromiter((s[1] for s in spans), dtype=np.int64, count=n)
        if ex is not None:
            _lists(ex)
            ea, eb = _candidates(ex, lo - _SPLICE_REGION, hi + _SPLICE_REGION)
            ea, eb = ea.tolist(), eb.tolist()
        else:
            ea = eb = [0] * n
        if gt is not None:
            _lists(gt)
            ga, gb = _candidates(gt, lo, hi)
            ga, gb = ga.tolist(), gb.tolist()
            g_end, g_start, g_gene = gt.end_list, gt.start_list, gt.gene_list
        else:
            ga = gb = [0] * n
        for i, (vlo, vhi, change), a0, b0, a1, b1 in zip(idx, spans, ea, eb, ga, gb):
            if b0 <= a0:
                if b1 <= a1:
                    continue
                if b1 == a1 + 1:  # no exon near, one gene interval (most intronic variants)
                    if g_end[a1] <= vlo or g_start[a1] >= vhi:
                        continue
                    g = g_gene[a1]
                    t = only_intronic.get(g)
                    if t is None:
                        a = intronic_of.get(g)
                        if a is None:
                            gi = info[g]
                            a = intronic_of[g] = VariantAnnotation(gi.symbol, intronic, src,
                                                                   gene_id=gi.hgnc_id)
                        t = only_intronic[g] = tuples.setdefault((id(a),), (a,))
                    out[i] = t
                    continue
            effects: dict[int, tuple[VariantEffect, str | None]] = {}
            anns: list[VariantAnnotation] = []
            if b0 > a0:
                _exon_effect(genes, ex, range(a0, b0), vlo, vhi, change, effects)
                for g, (eff, note) in effects.items():
                    key = (g, note, id(eff))
                    a = exonic.get(key)
                    if a is None:
                        gi = info[g]
                        a = exonic[key] = VariantAnnotation(gi.symbol, eff, src,
                                                            gene_id=gi.hgnc_id, note=note)
                    anns.append(a)
            for row in range(a1, b1):
                if g_end[row] <= vlo or g_start[row] >= vhi:
                    continue
                g = g_gene[row]
                if g in effects:
                    continue
                effects[g] = (intronic, None)
                a = intronic_of.get(g)
                if a is None:
                    gi = info[g]
                    a = intronic_of[g] = VariantAnnotation(gi.symbol, intronic, src,
                                                           gene_id=gi.hgnc_id)
                anns.append(a)
            if anns:
                tk = tuple(map(id, anns))
                t = tuples.get(tk)
                if t is None:
                    t = tuples[tk] = tuple(anns)
                out[i] = t
    return out


def annotate_builtin(variants: list[Variant], genes: GeneKnowledge) -> tuple[list[Variant], int]:
    """Annotate every variant with the built-in gene models; returns the variants and how many
    fell in no protein-coding gene (intergenic)."""
    anns = builtin_annotations([(v.chrom, v.pos, v.ref, v.alt) if v.end is None
                                else (v.chrom, v.pos, v.ref, v.alt, v.end) for v in variants],
                               genes)
    out = []
    intergenic = 0
    for v, a in zip(variants, anns):
        if not a:
            intergenic += 1
        out.append(_with(v, a) if (a or v.annotations) else v)
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



def _offsets(genes: GeneKnowledge, table) -> None:
    """Per exon row: offset (in transcript orientation) of the exon's first base from the
    transcript's 5' end, and the transcript's total exonic length (built once per table,
    vectorised: rows ordered by gene and exon number, lengths summed within each gene)."""
    if hasattr(table, "off5_list"):
        return
    _lists(table)
    n = len(table.gene_list)
    length = (table.end - table.start).astype(np.int64)
    order = np.lexsort((table.number, table.gene))  # by gene, then exon number
    g_sorted = table.gene[order]
    cum = np.cumsum(length[order])
    first = np.ones(n, dtype=bool)
    first[1:] = g_sorted[1:] != g_sorted[:-1]
    group = np.cumsum(first) - 1
    starts = np.nonzero(first)[0]
    before = (cum - length[order])[starts]  # cumulative length before each gene's first exon
    ends = np.append(starts[1:], n) - 1
    off5 = np.empty(n, dtype=np.int64)
    total = np.empty(n, dtype=np.int64)
    off5[order] = cum - length[order] - before[group]
    total[order] = (cum[ends] - before)[group]
    table.off5_list = off5.tolist()
    table.total_list = total.tolist()
    table.cummax_list = table.cummax_end.tolist()


def exon_position(genes: GeneKnowledge, chrom: str, pos: int, g: int
                  ) -> tuple[int, int, int, int] | None:
    """Where a base (1-based ``pos``) lies in gene ``g``'s MANE Select transcript: (exon
    number, exon count, bases from the transcript's 5' end, bases to its 3' end), or None when
    it is not in one of its exons."""
    table = genes.exons.get(chrom)
    if table is None:
        return None
    _offsets(genes, table)
    x = pos - 1
    strand = genes.genes[g].strand or 1
    # the rows overlapping [x, x + 1), as IntervalTable.overlapping finds them (on lists)
    ends = table.end_list
    for row in range(bisect_right(table.cummax_list, x), bisect_left(table.start_list, x + 1)):
        if ends[row] <= x or table.gene_list[row] != g:
            continue
        s, e = table.start_list[row], table.end_list[row]
        t5 = table.off5_list[row] + ((x - s) if strand > 0 else (e - 1 - x))
        return (table.number_list[row], table.count_list[row], t5,
                table.total_list[row] - 1 - t5)
    return None
