from __future__ import annotations

import enum
from dataclasses import dataclass, field

from raredx.knowledge import KnowledgeVersions
from raredx.model import InputIssue


class MatchKind(enum.Enum):
    """How one of the patient's terms relates to a candidate disease's annotations."""

    EXACT = "exact"  # the patient's term is annotated
    PATIENT_MORE_GENERAL = "patient-more-general"  # annotated with a descendant of the term
    PATIENT_MORE_SPECIFIC = "patient-more-specific"  # annotated with an ancestor of the term
    RELATED = "related"  # annotated with a relative of the term (they share a close ancestor)
    UNEXPLAINED = "unexplained"  # no annotation relates to the term
    NEGATED = "negated"  # the disease is annotated NOT to have the term
    # for excluded (absent) terms
    CONTRADICTED = "contradicted"  # the disease is annotated with the term (or a descendant)
    CONSISTENT_ABSENCE = "consistent-absence"  # the disease does not have the term


class AnnotationSource(enum.Enum):
    """Where the annotation that a piece of evidence cites comes from."""

    ANNOTATION = "annotation"  # the release's phenotype annotations of the disease
    DISEASE_NAME = "disease-name"  # a term named in the disease's name ("Optic atrophy 12")
    ORPHANET_DEFINITION = "orphanet-definition"  # stated in Orphanet's definition of the disease
    # stated in Orphanet's definition of a broader group the disease belongs to
    ORPHANET_GROUP_DEFINITION = "orphanet-group-definition"
    RELATED_DISEASE = "related-disease"  # borrowed: broader groups, same-gene diseases, series


class ProtocolKind(enum.Enum):
    AS_IS = "as-is"
    LEAVE_PUBLICATION_OUT = "leave-publication-out"


@dataclass(frozen=True, slots=True)
class TermEvidence:
    """One query term weighed against one candidate. ``log10_lr`` > 0 speaks for the candidate."""

    term: str
    term_label: str
    excluded: bool
    kind: MatchKind
    annotation: str | None
    annotation_label: str | None
    frequency: float | None
    log10_lr: float
    via: str | None = None  # the shared ancestor, for RELATED matches
    # patients reported with the annotated term, pooled over the publications used ("n of m"),
    # when the annotations give counts; ``frequency`` is the model's estimate from them
    observed: tuple[int, int] | None = None
    # where the annotation comes from (None when the evidence cites no annotation)
    source: AnnotationSource | None = None


class CourseAspect(enum.Enum):
    ONSET = "onset"
    SEX = "sex"
    INHERITANCE = "inheritance"
    PRIOR = "prior"  # a prior on the candidate itself (e.g. a broad Orphanet group)
    PROFILE = "profile"  # where the candidate's phenotype profile comes from, when not its own
    UNREPORTED = "unreported"  # the candidate's frequent features the patient's record lacks


@dataclass(frozen=True, slots=True)
class CourseEvidence:
    aspect: CourseAspect
    message: str
    log10_lr: float


@dataclass(frozen=True, slots=True)
class Candidate:
    """One disease of the differential. ``score`` is the log10 likelihood ratio of all evidence
    (the ranking key); ``probability`` the calibrated posterior over all candidates."""

    rank: int
    disease_id: str
    label: str
    score: float
    probability: float
    equivalent_ids: tuple[str, ...] = ()
    evidence: tuple[TermEvidence, ...] = ()
    course: tuple[CourseEvidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The result of ranking one patient: best candidate first, with the knowledge used."""

    patient_id: str
    candidates: tuple[Candidate, ...]
    knowledge: KnowledgeVersions
    protocol: ProtocolKind = ProtocolKind.AS_IS
    left_out_annotations: int = 0
    n_candidates: int = 0
    present: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    issues: tuple[InputIssue, ...] = field(default=())
