"""Variants, genotypes and pedigrees as our own value types (no VCF knowledge here).

A :class:`Variant` is one ALT allele of one VCF record (multi-allelic records are split), on
GRCh38, with the genotypes of every sample and whatever annotation came with it or was added by
the built-in annotator. Everything is frozen: annotation returns new objects.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "AnnotationSource", "Genotype", "PedSex", "Pedigree", "PedigreeMember",
    "Variant", "VariantAnnotation", "VariantEffect", "Zygosity", "structural_alt",
]


def structural_alt(alt: str) -> str | None:
    """``"<DEL>"`` or ``"<DUP>"`` for the VCF symbolic ALT alleles raredx analyses as a
    deletion or duplication of a span (``<DEL>``, ``<DEL:ME:ALU>``, ``<CN0>``, ``<CN1>``;
    ``<DUP>``, ``<DUP:TANDEM>``, ``<CN3>`` and more copies), ``None`` for the others (``<INV>``,
    ``<INS>``, ``<CNV>`` without a copy number, breakends), which are reported as skipped."""
    if alt.startswith("<DEL") or alt in ("<CN0>", "<CN1>"):
        return "<DEL>"
    if alt.startswith("<DUP"):
        return "<DUP>"
    if alt.startswith("<CN") and alt.endswith(">") and alt[3:-1].isdigit() and int(alt[3:-1]) > 2:
        return "<DUP>"
    return None


class Zygosity(enum.Enum):
    """How many copies of the ALT allele a sample carries."""

    HETEROZYGOUS = "heterozygous"
    HOMOZYGOUS = "homozygous"
    HEMIZYGOUS = "hemizygous"  # one ALT allele and no other allele (male X/Y, haploid calls)
    REFERENCE = "reference"  # called, no ALT allele (of this record's allele)
    NO_CALL = "no-call"

    @property
    def carries(self) -> bool:
        return self in (Zygosity.HETEROZYGOUS, Zygosity.HOMOZYGOUS, Zygosity.HEMIZYGOUS)


@dataclass(frozen=True, slots=True)
class Genotype:
    """One sample's call at one ALT allele; ``quality`` is GQ when the VCF gives it."""

    sample: str
    zygosity: Zygosity
    quality: float | None = None


class AnnotationSource(enum.Enum):
    """Where a variant's gene and consequence came from."""

    VEP = "VEP CSQ"
    SNPEFF = "SnpEff ANN"
    BUILTIN = "raredx built-in gene models (MANE Select exons, GENCODE genes)"


class VariantEffect(enum.Enum):
    """Consequence of a variant on a transcript (Sequence Ontology terms, most severe first).

    ``CODING_UNKNOWN`` is what the built-in annotator says of an exonic SNV or MNV: without a
    reference genome and CDS coordinates it cannot tell missense from synonymous (or coding
    from UTR bases of a MANE exon).
    """

    TRANSCRIPT_ABLATION = "transcript_ablation"
    EXON_LOSS = "exon_loss_variant"  # a deletion of some of the transcript's exons
    FRAMESHIFT = "frameshift_variant"
    STOP_GAINED = "stop_gained"
    SPLICE_ACCEPTOR = "splice_acceptor_variant"
    SPLICE_DONOR = "splice_donor_variant"
    START_LOST = "start_lost"
    STOP_LOST = "stop_lost"
    INFRAME_INDEL = "inframe_indel"
    # a duplication of some exons inside the gene (may shift the reading frame)
    FEATURE_ELONGATION = "feature_elongation"
    TRANSCRIPT_AMPLIFICATION = "transcript_amplification"  # the whole gene duplicated
    MISSENSE = "missense_variant"
    PROTEIN_ALTERING = "protein_altering_variant"
    CODING_UNKNOWN = "coding_sequence_variant"
    SPLICE_REGION = "splice_region_variant"
    SYNONYMOUS = "synonymous_variant"
    UTR_5 = "5_prime_UTR_variant"
    UTR_3 = "3_prime_UTR_variant"
    NON_CODING_EXON = "non_coding_transcript_exon_variant"
    INTRONIC = "intron_variant"
    UPSTREAM_DOWNSTREAM = "upstream_or_downstream_gene_variant"
    INTERGENIC = "intergenic_variant"
    OTHER = "other"

    @property
    def severity(self) -> int:
        """0 for the most severe; used to pick a variant's main consequence."""
        return _SEVERITY[self]


_SEVERITY = {e: i for i, e in enumerate(VariantEffect)}


@dataclass(frozen=True, slots=True)
class VariantAnnotation:
    """The variant's effect on one gene (one transcript), from one annotation source."""

    gene_symbol: str
    effect: VariantEffect
    source: AnnotationSource
    gene_id: str | None = None  # HGNC:… when known
    transcript: str | None = None
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    note: str | None = None  # e.g. "length not a multiple of 3: likely frameshift"


@dataclass(frozen=True, slots=True)
class Variant:
    """One ALT allele of a VCF record, on GRCh38 (``chrom`` always ``chr``-prefixed).

    ``frequency`` is a population allele frequency (gnomAD and friends) when the input carried
    one; ``scores`` holds pathogenicity predictions it carried (CADD, REVEL, SpliceAI,
    AlphaMissense). ``line`` is the record's line in the input file; ``lifted_from`` the
    original GRCh37 position when the record was lifted over.

    A structural allele (a deletion or duplication given as ``<DEL>`` / ``<DUP>``: see
    :func:`structural_alt`) has ``alt`` that symbol, ``ref`` the padding base at ``pos`` and
    ``end`` its last affected base (VCF ``END``); ``end`` is ``None`` for sequence alleles.
    """

    chrom: str
    pos: int
    ref: str
    alt: str
    genotypes: tuple[Genotype, ...]
    quality: float | None = None
    filters: tuple[str, ...] = ()  # empty: PASS (or no filter applied)
    in_dbsnp: bool = False
    frequency: float | None = None
    scores: tuple[tuple[str, float], ...] = ()
    annotations: tuple[VariantAnnotation, ...] = ()
    line: int = 0
    lifted_from: str | None = None
    end: int | None = None

    @property
    def key(self) -> str:
        if self.end is not None:
            return f"{self.chrom}-{self.pos}-{self.ref}-{self.alt}-{self.end}"
        return f"{self.chrom}-{self.pos}-{self.ref}-{self.alt}"

    @property
    def structural(self) -> bool:
        """A deletion or duplication given by its span (``<DEL>``, ``<DUP>``)."""
        return self.end is not None

    @property
    def sv_length(self) -> int:
        """The number of bases a structural allele deletes or duplicates (0 otherwise)."""
        return self.end - self.pos if self.end is not None else 0

    @property
    def passed(self) -> bool:
        return not self.filters

    def score(self, name: str) -> float | None:
        for k, v in self.scores:
            if k == name:
                return v
        return None


class PedSex(enum.Enum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PedigreeMember:
    """One line of a PED file. ``father``/``mother`` are ``None`` when not in the family."""

    family: str
    id: str
    father: str | None
    mother: str | None
    sex: PedSex
    affected: bool | None  # None: unknown


@dataclass(frozen=True, slots=True)
class Pedigree:
    members: tuple[PedigreeMember, ...]

    def member(self, sample: str) -> PedigreeMember | None:
        for m in self.members:
            if m.id == sample:
                return m
        return None

    @property
    def affected(self) -> tuple[PedigreeMember, ...]:
        return tuple(m for m in self.members if m.affected)
