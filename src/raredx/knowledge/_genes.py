"""Gene knowledge: gene models on GRCh38, HGNC identities and gene→disease links.

Held as numpy arrays per chromosome (for fast position look-ups) and small dictionaries. Parsing
lives in :mod:`raredx.io._genes`; the parsed object is picklable and cached per release.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["RNA_GENE_NOTE", "SMALL_RNA_BIOTYPES", "GeneInfo", "GeneKnowledge", "IntervalTable"]

# GENCODE biotypes of the small nuclear RNA genes loaded besides the protein-coding ones when
# the gene file links them to a disease (RNU4-2: ReNU syndrome; RNU4ATAC: MOPD1; RMRP:
# cartilage-hair hypoplasia; SNORD118: leukoencephalopathy with calcifications and cysts;
# MIR96, MIR184, MIR204 ...): single-exon genes whose exonic variants are the disease's cause
SMALL_RNA_BIOTYPES = ("snRNA", "snoRNA", "scaRNA", "miRNA", "ribozyme", "misc_RNA")
# the note of a variant in the exon of such a gene (it weighs as an RNA gene variant)
RNA_GENE_NOTE = "exon of a small RNA gene linked to a disease"


@dataclass(frozen=True, slots=True)
class GeneInfo:
    symbol: str
    hgnc_id: str | None = None
    name: str = ""
    chrom: str = ""
    strand: int = 0  # +1 / -1 / 0 unknown
    biotype: str = ""


@dataclass
class IntervalTable:
    """Half-open intervals ``[start, end)`` (0-based) on one chromosome, sorted by start.

    ``gene`` indexes :attr:`GeneKnowledge.genes`; ``number``/``count`` are the exon's number in
    its transcript and the transcript's exon count (0 for gene intervals).
    """

    start: np.ndarray
    end: np.ndarray
    gene: np.ndarray
    number: np.ndarray
    count: np.ndarray
    max_len: int
    cummax_end: np.ndarray  # running maximum of ``end`` (monotone: bounds the search)

    def overlapping(self, lo: int, hi: int) -> np.ndarray:
        """Row indices of the intervals overlapping ``[lo, hi)``."""
        a = int(np.searchsorted(self.cummax_end, lo, side="right"))
        b = int(np.searchsorted(self.start, hi, side="left"))
        if a >= b:
            return np.zeros(0, dtype=np.int64)
        rows = np.arange(a, b)
        return rows[self.end[a:b] > lo]


@dataclass
class GeneKnowledge:
    """Genes, their MANE Select exons and GENCODE intervals, and their diseases (HPO)."""

    genes: list[GeneInfo]
    exons: dict[str, IntervalTable]
    intervals: dict[str, IntervalTable]
    exon_kb: np.ndarray  # per gene: total length of its MANE Select exons in kb (0 if none)
    gene_diseases: dict[int, tuple[str, ...]]
    disease_genes: dict[str, tuple[int, ...]]
    # (gene, disease) -> HPO inheritance term ids the gene annotation file gives for the pair
    pair_inheritance: dict[tuple[int, str], frozenset[str]]
    gene_terms: dict[int, tuple[str, ...]]
    # (gene, disease) links that the gene file marks as inferred (``link_source`` column of the
    # file raredx derives for HPO 2025-11-24: raredx.io._hpo3), not stated by HPO
    inferred_links: frozenset[tuple[int, str]] = frozenset()
    # the HPO release the gene-disease links come from (known by the gene file's checksum)
    links_release: str = "unrecognised-gene-file"
    versions: dict[str, str] = field(default_factory=dict)  # file name -> sha256 / version
    _by_symbol: dict[str, int] = field(default_factory=dict, repr=False)
    _aliases: dict[str, int] = field(default_factory=dict, repr=False)
    _by_hgnc: dict[str, int] = field(default_factory=dict, repr=False)

    def index_symbols(self, aliases: dict[str, int]) -> None:
        self._by_symbol = {g.symbol: i for i, g in enumerate(self.genes)}
        self._by_hgnc = {g.hgnc_id: i for i, g in enumerate(self.genes) if g.hgnc_id}
        self._aliases = aliases

    def gene(self, name: str) -> int | None:
        """Index of a gene by approved symbol, HGNC id, or (when unambiguous) alias/previous
        symbol."""
        if name.startswith("HGNC:"):
            return self._by_hgnc.get(name)
        i = self._by_symbol.get(name)
        return i if i is not None else self._aliases.get(name)
