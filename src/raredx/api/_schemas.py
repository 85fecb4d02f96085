"""Request and response schemas of the HTTP API (kept apart from the domain types)."""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from raredx.ranking import CourseEvidence, Diagnosis, TermEvidence
from raredx.therapy import treatments_as_dicts

SexIn = Literal["female", "male", "other", "unknown"]
EXPLAIN_TOP = 5  # candidates explained by POST /api/diagnose unless asked otherwise


def _utc(t: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were stored in UTC, so say so."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PatientIn(_In):
    """A patient as observed (present) and absent (excluded) HPO terms, with age and sex."""

    present: list[str] = Field(default_factory=list, max_length=500,
                               description="HPO ids of observed features, e.g. HP:0001250")
    excluded: list[str] = Field(default_factory=list, max_length=500,
                                description="HPO ids of features checked and found absent")
    sex: SexIn = "unknown"
    age_years: float | None = Field(None, ge=0, le=130, description="Age in years")


class DiagnoseIn(_In):
    """Either ``patient`` (terms) or ``phenopacket`` (a GA4GH phenopacket v2 JSON object)."""

    patient: PatientIn | None = None
    phenopacket: dict[str, Any] | None = None
    release: str | None = Field(None, description="Knowledge release name (default: the default)")
    top: int = Field(20, ge=1, le=200, description="How many candidates to return")
    explain_top: int | None = Field(EXPLAIN_TOP, ge=0, le=200, description=(
        f"How many of the best candidates carry their explanation (`evidence`, `course`); "
        f"default {EXPLAIN_TOP}, `null`: all returned, 0: none (ranking only). Explanations are "
        "most of a response's cost; `POST /api/explain` explains any candidate afterwards"))


class ExplainIn(_In):
    """The patient as for diagnose, and the candidates (disease ids) to explain."""

    patient: PatientIn | None = None
    phenopacket: dict[str, Any] | None = None
    release: str | None = None
    candidates: list[str] = Field(..., min_length=1, max_length=50, description=(
        "Disease ids as `POST /api/diagnose` returns them (`disease_id`), or any id a "
        "candidate pools (e.g. an ORPHA id of an OMIM candidate)"))


class QuestionsIn(_In):
    """The patient as for diagnose, and the features already asked and answered "unknown"."""

    patient: PatientIn | None = None
    phenopacket: dict[str, Any] | None = None
    release: str | None = None
    n: int = Field(5, ge=1, le=20, description="How many suggestions")
    asked: list[str] = Field(default_factory=list, max_length=500, description=(
        "HPO ids already asked and answered \"unknown\" (not suggested again)"))


class AnswerIn(_In):
    """A patient (terms) and the answer to one suggested question."""

    patient: PatientIn
    release: str | None = None
    term: str = Field(..., description="The HPO id asked about")
    reply: Literal["present", "absent", "unknown"]


class AnsweredOut(BaseModel):
    """The patient's features after the answer: a present answer replaces the present terms
    above it and drops exclusions at or above it; an absent answer replaces the exclusions below
    it and drops present terms at or below it (the latest answer wins)."""

    present: list[str]
    excluded: list[str]


class CaseIn(_In):
    title: str = Field("", max_length=200)
    notes: str = Field("", max_length=20_000)
    patient: PatientIn | None = None
    phenopacket: dict[str, Any] | None = None
    release: str | None = None


class CaseUpdate(_In):
    version: int = Field(..., description="The case version this edit is based on (409 if stale)")
    title: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=20_000)
    patient: PatientIn | None = None


class AnalyseIn(_In):
    release: str | None = None


class LoginIn(_In):
    username: str = Field(..., min_length=1, max_length=100)
    password: str = Field(..., min_length=1, max_length=500)


class IssueOut(BaseModel):
    level: str
    where: str
    message: str


class EvidenceOut(BaseModel):
    term: str
    term_label: str
    excluded: bool
    kind: str
    annotation: str | None
    annotation_label: str | None
    frequency: float | None
    log10_lr: float
    via: str | None = None
    observed: list[int] | None = None  # reported patients [n, m] behind the frequency
    # where the annotation comes from: annotation, disease-name, orphanet-definition,
    # related-disease (None when the evidence cites no annotation)
    source: str | None = None


class QuestionCandidateOut(BaseModel):
    id: str
    label: str
    probability: float
    p_present: float


class QuestionOut(BaseModel):
    id: str
    label: str
    information_gain_bits: float
    p_present: float
    how: str
    needs_test: bool
    kind: Literal["exam", "test"]
    supports_if_present: list[QuestionCandidateOut]
    supports_if_absent: list[QuestionCandidateOut]


class QuestionsOut(BaseModel):
    release: str
    knowledge: dict[str, Any]
    present: list[str]
    excluded: list[str]
    questions: list[QuestionOut]


class CourseOut(BaseModel):
    aspect: str
    message: str
    log10_lr: float


class CandidateOut(BaseModel):
    rank: int
    disease_id: str
    label: str
    score: float
    probability: float
    equivalent_ids: list[str]
    evidence: list[EvidenceOut]
    course: list[CourseOut]
    # approved disease- or variant-specific treatments (the project's therapy table)
    treatments: list[dict[str, str]] = []
    # with a VCF: the candidate's gene, the split of the score and the supporting variants
    phenotype_log10_lr: float | None = None
    genotype_log10_lr: float | None = None
    gene: str | None = None
    # where the gene-disease link comes from: "hpo_gene_file", "hpo3_inferred" (read from HPO
    # 2025-11-24's term sets), "name" (the disease's name names the gene), "definition", or
    # "unknown_gene_hypothesis" (the disease has no known gene; the gene with the best-fitting
    # variants is shown as its possible unknown gene)
    gene_link: str | None = None
    mode_of_inheritance: str | None = None
    genotype_explanation: str | None = None
    variants: list[dict[str, Any]] = []
    # with a VCF: score = phenotype_weight × phenotype_log10_lr + genotype_log10_lr (the
    # genotype model's weight on the phenotype LR; see DiagnosisOut.score_rule)
    phenotype_weight: float | None = None


class DiagnosisOut(BaseModel):
    release: str
    knowledge: dict[str, Any]
    engine_version: str
    n_candidates: int
    present: list[dict[str, str]]
    excluded: list[dict[str, str]]
    sex: str
    age_years: float | None
    issues: list[IssueOut]
    candidates: list[CandidateOut]
    # with a VCF: gene knowledge versions, genotype model, VCF summary and the ranked genes
    genotype: dict[str, Any] | None = None
    # with a VCF: how each candidate's score is made from its phenotype and genotype parts
    score_rule: str | None = None
    # how many of the best candidates carry their explanation (null: all of them), and, when
    # some do not, how to get theirs
    explained: int | None = None
    more_explanations: str | None = None


class ExplainedCandidateOut(BaseModel):
    requested: str  # the id asked for
    disease_id: str  # the candidate that is, or pools, it
    label: str
    rank: int
    score: float
    probability: float
    evidence: list[EvidenceOut]
    course: list[CourseOut]


class ExplainOut(BaseModel):
    release: str
    knowledge: dict[str, Any]
    n_candidates: int
    present: list[dict[str, str]]
    excluded: list[dict[str, str]]
    candidates: list[ExplainedCandidateOut]


class AnalysisOut(BaseModel):
    id: str
    case_id: str
    case_version: int
    release: str
    knowledge: dict[str, Any]
    engine_version: str
    created_at: UtcDatetime
    result: DiagnosisOut


class AnalysisSummary(BaseModel):
    id: str
    case_version: int
    release: str
    knowledge: dict[str, Any]
    created_at: UtcDatetime
    top: list[dict[str, Any]]


class CaseOut(BaseModel):
    id: str
    title: str
    notes: str
    owner: str
    team: str | None
    version: int
    patient: dict[str, Any]
    created_at: UtcDatetime
    updated_at: UtcDatetime
    analyses: list[AnalysisSummary]


class CaseListItem(BaseModel):
    id: str
    title: str
    owner: str
    version: int
    updated_at: UtcDatetime
    n_analyses: int


class DiffRow(BaseModel):
    disease_id: str
    label: str
    rank_before: int | None
    rank_after: int | None
    probability_before: float | None
    probability_after: float | None
    change: Literal["new", "dropped", "up", "down", "same"]


class DiffOut(BaseModel):
    before: AnalysisSummary
    after: AnalysisSummary
    rows: list[DiffRow]


class TermOut(BaseModel):
    id: str
    label: str
    matched_synonym: str | None
    score: float


class AnnotationOut(BaseModel):
    term: str
    label: str
    frequency: float | None
    negated: bool
    references: list[str]


class DiseaseOut(BaseModel):
    id: str
    label: str
    release: str
    knowledge: dict[str, Any]
    cross_references: dict[str, list[str]]
    equivalent_ids: list[str]
    onsets: list[dict[str, str]]
    inheritance: list[dict[str, str]]
    annotations: list[AnnotationOut]
    genes: list[dict[str, Any]] = []
    treatments: list[dict[str, str]] = []


class UserOut(BaseModel):
    name: str
    team: str | None


def _num(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(x)


@functools.lru_cache(maxsize=65536)
def _treatments(disease_id: str, equivalents: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    """Approved treatments of a candidate: the therapy table is fixed for the process, so each
    answer is computed once (a scan of the table costs about 0.15 ms per candidate)."""
    return tuple(treatments_as_dicts(disease_id, equivalents))


def evidence_dicts(evidence: tuple[TermEvidence, ...]) -> list[dict[str, Any]]:
    return [
        {"term": e.term, "term_label": e.term_label, "excluded": e.excluded,
         "kind": e.kind.value, "annotation": e.annotation,
         "annotation_label": e.annotation_label, "frequency": _num(e.frequency),
         "log10_lr": float(e.log10_lr), "via": e.via,
         "observed": list(e.observed) if e.observed else None,
         "source": e.source.value if e.source is not None else None}
        for e in evidence
    ]


def course_dicts(course: tuple[CourseEvidence, ...]) -> list[dict[str, Any]]:
    return [{"aspect": x.aspect.value, "message": x.message, "log10_lr": float(x.log10_lr)}
            for x in course]


def more_explanations(explained: int, n: int) -> str | None:
    """How to get the explanations a response leaves out (``None`` when it has them all)."""
    if explained >= n:
        return None
    return (f"Candidates ranked {explained + 1}-{n} come without evidence and course: "
            "POST /api/explain with the same patient and their disease_id values in "
            "`candidates` explains them (or ask for more with `explain_top`).")


def diagnosis_dict(d: Diagnosis, release: str, engine_version: str, ontology_label,  # type: ignore[no-untyped-def]
                   sex: str, age_years: float | None, explained: int | None = None
                   ) -> dict[str, Any]:
    """The JSON document of :class:`DiagnosisOut`, built from plain dicts (the hot path of
    ``POST /api/diagnose``: no model construction and re-validation; a test checks that it is
    exactly what the model gives)."""
    cands = []
    for c in d.candidates:
        cands.append({
            "rank": c.rank, "disease_id": c.disease_id, "label": c.label,
            "score": float(c.score), "probability": float(c.probability),
            "equivalent_ids": list(c.equivalent_ids),
            "evidence": evidence_dicts(c.evidence),
            "course": course_dicts(c.course),
            "treatments": [dict(t) for t in _treatments(c.disease_id, tuple(c.equivalent_ids))],
            "phenotype_log10_lr": None, "genotype_log10_lr": None, "gene": None, "gene_link": None,
            "mode_of_inheritance": None, "genotype_explanation": None, "variants": [],
            "phenotype_weight": None,
        })
    return {
        "release": release,
        "knowledge": d.knowledge.as_dict(),
        "engine_version": engine_version,
        "n_candidates": d.n_candidates,
        "present": [{"id": t, "label": ontology_label(t)} for t in d.present],
        "excluded": [{"id": t, "label": ontology_label(t)} for t in d.excluded],
        "sex": sex,
        "age_years": None if age_years is None else float(age_years),
        "issues": [{"level": i.level.value, "where": i.where, "message": i.message}
                   for i in d.issues],
        "candidates": cands,
        "genotype": None,
        "score_rule": None,
        "explained": None if explained is None else min(explained, len(cands)),
        "more_explanations": None if explained is None else more_explanations(explained,
                                                                              len(cands)),
    }


def diagnosis_out(d: Diagnosis, release: str, engine_version: str, ontology_label,  # type: ignore[no-untyped-def]
                  sex: str, age_years: float | None, explained: int | None = None
                  ) -> DiagnosisOut:
    return DiagnosisOut.model_validate(diagnosis_dict(d, release, engine_version,
                                                      ontology_label, sex, age_years, explained))
