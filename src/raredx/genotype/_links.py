"""Which gene→disease links a single small variant can speak for.

HPO's gene file lists every gene Orphanet or OMIM associates with a disease, not only the genes
whose point mutations cause it. Two kinds of association are not Mendelian causation by a
single-nucleotide or small indel variant, and scoring them as such lets any rare variant in the
gene borrow the disease's whole phenotype profile:

- **susceptibility**: the disease is inherited as a multifactorial trait (HPO ``HP:0001426``)
  with no Mendelian mode given for it or for the pair, or its label says "susceptibility"
  (HLA-B → Behçet disease, spondyloarthropathy);
- **contiguous gene**: the gene is one of at least ``contiguous_gene_count`` genes of the same
  disease lying within ``contiguous_gene_window_bp`` of each other on a nuclear chromosome — a
  deletion syndrome whose region the gene sits in (TBL2 → Williams syndrome, the 22q11.2 and
  Wolf-Hirschhorn regions, AZF deletions of chromosome Y).

Such links are kept for display but not scored: a disease whose only links are of these kinds is
treated like a disease with no known gene.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from raredx.knowledge import GeneKnowledge

__all__ = ["MENDELIAN_TERMS", "gene_starts", "unscored_links"]

MULTIFACTORIAL = "HP:0001426"
# HPO inheritance terms that name a Mendelian mode (dominant, recessive, X, Y, mitochondrial)
MENDELIAN_TERMS = frozenset({"HP:0000006", "HP:0000007", "HP:0001417", "HP:0001419",
                             "HP:0001423", "HP:0001427", "HP:0032113", "HP:0001450"})


def gene_starts(genes: GeneKnowledge) -> dict[int, tuple[str, int]]:
    """Each gene's chromosome and first base (GENCODE interval, else MANE exons; 0-based)."""
    out: dict[int, tuple[str, int]] = {}
    for table in (genes.intervals, genes.exons):
        for chrom, t in table.items():
            order = np.argsort(t.start, kind="stable")
            for g, s in zip(t.gene[order].tolist(), t.start[order].tolist()):
                if g not in out:
                    out[g] = (chrom, s)
    return out


def unscored_links(kb: Any, genes: GeneKnowledge, params: Any) -> dict[tuple[int, str], str]:
    """``{(gene, disease id): reason}`` for the links single variants cannot speak for
    (module docstring); reasons are ``"susceptibility"`` and ``"contiguous gene"``."""
    out: dict[tuple[int, str], str] = {}
    k = int(params.contiguous_gene_count)
    window = float(params.contiguous_gene_window_bp)
    starts = gene_starts(genes) if k > 1 and window > 0 else {}
    for d, gs in genes.disease_genes.items():
        course = kb.course.get(d)
        inh = set(course.inheritance) if course is not None else set()
        if params.skip_susceptibility_links:
            susceptible = "susceptibility" in kb.disease_label(d).lower()
            for g in gs:
                terms = inh | set(genes.pair_inheritance.get((g, d), ()))
                if susceptible or (MULTIFACTORIAL in terms and not terms & MENDELIAN_TERMS):
                    out[(g, d)] = "susceptibility"
        if starts and len(gs) >= k:
            placed = [(g, starts[g]) for g in gs if g in starts and starts[g][0] != "chrM"]
            for g, (chrom, pos) in placed:
                near = sum(1 for _, (c, p) in placed if c == chrom and abs(p - pos) < window)
                if near >= k:
                    out.setdefault((g, d), "contiguous gene")
    return out
