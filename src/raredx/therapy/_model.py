"""Value types of the therapy layer: alterations, biomarker specifications, approvals, findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class AltKind(enum.Enum):
    """What kind of molecular event an alteration (or a biomarker atom) is."""

    PROTEIN = "protein change"  # substitution, nonsense, frameshift, in-frame indel at a codon
    CODON = "any change at a codon"  # biomarker only: R132X
    MUTATION = "any mutation in the gene"  # gene-level
    ITD = "internal tandem duplication"
    TKD = "tyrosine kinase domain mutation"
    FUSION = "fusion"
    REARRANGEMENT = "rearrangement"
    AMPLIFICATION = "amplification"
    DELETION = "gene deletion"
    EXON_DELETION = "exon deletion"
    EXON_INSERTION = "exon insertion"
    EXON_SKIPPING = "exon skipping event"
    EXON_SKIP_AMENABLE = "amenable to exon skipping"  # biomarker only: DMD exon 51 skip
    NONSENSE = "nonsense mutation"  # biomarker only: any premature stop in the gene
    EXPRESSION = "protein expression"
    SIGNATURE = "genomic signature"  # MSI-H, dMMR, TMB-H
    REPEAT_EXPANSION = "repeat expansion"
    ANY = "no biomarker required"


class Zygosity(enum.Enum):
    UNKNOWN = "unknown"
    HETEROZYGOUS = "heterozygous"
    BIALLELIC = "biallelic"  # homozygous, compound heterozygous or hemizygous


@dataclass(frozen=True, slots=True)
class Alteration:
    """One molecular alteration in canonical form.

    ``gene`` is an HGNC symbol (``partner`` the second gene of a fusion, ``None`` if unknown);
    for protein changes ``ref``/``pos``/``alt`` use one-letter amino acids, ``*`` for stop,
    ``fs`` for frameshift, ``del``/``ins``/``dup``/``delins`` for in-frame indels, ``=`` for
    synonymous; for exon events ``pos``/``end`` are the first and last exon.
    """

    gene: str
    kind: AltKind
    ref: str = ""
    pos: int = 0
    alt: str = ""
    end: int = 0
    partner: str | None = None
    value: str = ""  # expression value (positive/negative), signature name, variant text
    zygosity: Zygosity = Zygosity.UNKNOWN

    @property
    def label(self) -> str:
        k = self.kind
        if k is AltKind.PROTEIN:
            if self.alt == "fs":
                return f"{self.gene} {self.ref}{self.pos}{self.value or 'fs'}"
            if self.alt in ("del", "ins", "dup", "delins"):
                return f"{self.gene} {self.ref}{self.pos}{self.value or self.alt}"
            return f"{self.gene} {self.ref}{self.pos}{self.alt}"
        if k is AltKind.CODON:
            return f"{self.gene} {self.ref}{self.pos}X"
        if k is AltKind.FUSION:
            return f"{self.gene}::{self.partner} fusion" if self.partner else f"{self.gene} fusion"
        if k in (AltKind.EXON_DELETION, AltKind.EXON_INSERTION, AltKind.EXON_SKIPPING):
            ex = f"exon {self.pos}" if self.end in (0, self.pos) else f"exons {self.pos}-{self.end}"
            word = {AltKind.EXON_DELETION: "deletion", AltKind.EXON_INSERTION: "insertion",
                    AltKind.EXON_SKIPPING: "skipping"}[k]
            return f"{self.gene} {ex} {word}"
        if k is AltKind.EXON_SKIP_AMENABLE:
            return f"{self.gene} amenable to exon {self.pos} skipping"
        if k is AltKind.EXPRESSION:
            return f"{self.gene} {self.value}"
        if k is AltKind.SIGNATURE:
            return self.value
        if k is AltKind.ANY:
            return "none required"
        return f"{self.gene} {k.value}"

    def __str__(self) -> str:
        z = "" if self.zygosity is Zygosity.UNKNOWN else f" ({self.zygosity.value})"
        return self.label + z


@dataclass(frozen=True, slots=True)
class Atom:
    """One condition of a biomarker specification (optionally negated, optionally biallelic)."""

    alteration: Alteration
    negated: bool = False
    biallelic: bool = False

    def __str__(self) -> str:
        return ("not " if self.negated else "") + self.alteration.label + (" x2" if self.biallelic else "")


@dataclass(frozen=True, slots=True)
class BiomarkerSpec:
    """A biomarker requirement: OR over clauses, each clause an AND of atoms."""

    text: str
    clauses: tuple[tuple[Atom, ...], ...]

    @property
    def required(self) -> bool:
        return not (len(self.clauses) == 1 and self.clauses[0][0].alteration.kind is AltKind.ANY)

    def __str__(self) -> str:
        return self.text


class Agency(enum.Enum):
    FDA = "FDA"
    EMA = "EMA"
    HEALTH_CANADA = "Health Canada"
    GUIDELINE = "guideline"
    TRIAL = "trial"
    CIVIC = "CIViC"
    OTHER = "other"


class Status(enum.Enum):
    APPROVED = "approved"
    ACCELERATED = "accelerated"  # accelerated / conditional approval
    WITHDRAWN = "withdrawn"
    EVIDENCE = "evidence"  # guideline or trial evidence, not an approval

    @property
    def is_approval(self) -> bool:
        return self in (Status.APPROVED, Status.ACCELERATED)


@dataclass(frozen=True, slots=True)
class Indication:
    """Where an approval applies: OncoTree codes (``SOLID`` = any solid tumour) minus exclusions,
    or disease ids (OMIM/ORPHA)."""

    cancer_codes: tuple[str, ...] = ()  # the type and its descendants
    excluded_codes: tuple[str, ...] = ()
    disease_ids: tuple[str, ...] = ()
    exact_codes: tuple[str, ...] = ()  # the type itself only (label names no subtype beyond it)

    @property
    def all_codes(self) -> tuple[str, ...]:
        return self.cancer_codes + self.exact_codes


@dataclass(frozen=True, slots=True)
class Approval:
    """One fact: a therapy approved (or with evidence) for a biomarker in an indication."""

    id: str
    agency: Agency
    date: str
    status: Status
    therapy: tuple[str, ...]  # the named (targeted) agents
    partners: tuple[str, ...]  # combination partners (backbone chemotherapy etc.)
    brand: str
    modality: str
    indication: Indication
    condition: str  # indication text
    biomarker: BiomarkerSpec
    line: str
    population: str
    source: str  # URL or citation
    note: str = ""
    origin: str = "raredx"  # raredx | moalmanac | civic

    @property
    def therapy_label(self) -> str:
        t = " + ".join(self.therapy)
        return f"{t} (with {' + '.join(self.partners)})" if self.partners else t


class Tier(enum.IntEnum):
    """Evidence tiers, best first."""

    APPROVED_HERE = 1  # approved for this biomarker in this indication
    APPROVED_ELSEWHERE = 2  # approved for this biomarker in another indication
    EVIDENCE_ONLY = 3  # guideline or trial evidence only

    @property
    def text(self) -> str:
        return {
            1: "approved for this biomarker in this indication",
            2: "approved for this biomarker in another indication",
            3: "guideline or trial evidence only",
        }[int(self)]


class Certainty(enum.IntEnum):
    """How firmly the patient's alterations meet the biomarker requirement (best first)."""

    EXACT = 1  # the alteration is, or is a member of, the required biomarker
    GENE_LEVEL = 2  # the requirement is gene-level; the variant must be pathogenic/susceptible
    POSSIBLE = 3  # the input is less specific than the requirement (e.g. "FLT3 mutation" vs ITD)
    PARTIAL = 4  # e.g. one allele found where two are required
    NOT_REQUIRED = 5  # the approval needs no biomarker


@dataclass(frozen=True, slots=True)
class Finding:
    """One therapy option for the query, with why it matched."""

    tier: Tier
    approval: Approval
    certainty: Certainty
    matched: tuple[str, ...]  # the patient's alterations that met the requirement
    explanation: str
    indication_relation: str  # "this indication", "other indication: ...", "more specific: ..."


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem with the user's input (the query goes on without it)."""

    where: str
    message: str
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        s = f"{self.where}: {self.message}"
        return s + (f" (did you mean: {', '.join(self.suggestions)}?)" if self.suggestions else "")


@dataclass(frozen=True, slots=True)
class CancerType:
    code: str
    name: str
    parent: str
    solid: bool
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TreatmentReport:
    """The answer to one `raredx treat` query."""

    cancer: CancerType | None
    alterations: tuple[Alteration, ...]
    findings: tuple[Finding, ...]
    problems: tuple[Problem, ...]
    summary: str
    versions: dict[str, str] = field(default_factory=dict)

    def tier(self, t: Tier) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.tier is t)


class Eligibility(enum.Enum):
    ELIGIBLE = "eligible (variant meets the label requirement)"
    GENE_LEVEL = "eligible if the variant is pathogenic (gene-level requirement)"
    NOT_ELIGIBLE = "not eligible (variant does not meet the requirement)"
    UNKNOWN = "genotype needed to decide eligibility"
    PARTIAL = "one qualifying allele found; two required"
    NOT_REQUIRED = "no genotype requirement"


@dataclass(frozen=True, slots=True)
class DiseaseTreatment:
    """A treatment for a (candidate) disease, with this patient's eligibility."""

    disease_id: str
    approval: Approval
    eligibility: Eligibility
    explanation: str
