"""Writers: a :class:`~raredx.ranking.Diagnosis` as JSON-ready dicts, JSONL, TSV and plain text.

The ranking layer keeps explanations as data (:class:`~raredx.ranking.TermEvidence`); every
textual form of them is made here. This module only reads attributes of the result objects
(it does not import :mod:`raredx.ranking` at run time), so the layers still import downwards.

One case as JSON::

    {"id": "case-1", "source": "cases/a.json",
     "diseases": [{"rank": 1, "id": "OMIM:154700", "label": "Marfan syndrome",
                   "score": 4.35, "probability": 0.08, "equivalent_ids": ["ORPHA:558"],
                   "evidence": [...], "course": [...]}, ...],
     "knowledge": {"hpo": ..., "annotations": ..., "orphanet": ..., "files_sha256": {...}},
     "protocol": "as-is", "left_out_annotations": 0, "n_candidates": 12840,
     "query": {"present": [...], "excluded": [...]}, "issues": [...]}

``score`` is the candidate's log10 likelihood ratio (the ranking key), ``probability`` its
posterior over all candidates; ``evidence`` and ``course`` are present for the candidates that
were explained (the top ones, see ``--explain-top``). A case that could not be ranked is
``{"id": null, "source": ..., "diseases": [], "error": {"reason": ..., "message": ...}}``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # type-only: io sits below ranking in the layer order
    from raredx.model import InputIssue
    from raredx.ranking import Candidate, CourseEvidence, Diagnosis, TermEvidence

__all__ = [
    "TSV_COLUMNS",
    "describe_course",
    "describe_evidence",
    "diagnosis_to_dict",
    "failure_to_dict",
    "format_frequency",
    "issue_to_dict",
    "tsv_rows",
    "write_json",
    "write_jsonl_record",
    "write_tsv",
]


def _num(x: float | None, digits: int = 6) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(f"{x:.{digits}g}")


def format_frequency(f: float | None) -> str:
    """``0.895`` → ``"90%"``; ``None`` → ``"frequency unknown"``.

    >>> format_frequency(0.025)
    '2.5%'
    """
    if f is None or (isinstance(f, float) and math.isnan(f)):
        return "frequency unknown"
    pct = 100.0 * f
    return f"{pct:.0f}%" if pct >= 10 or pct == 0 else f"{pct:.2g}%"


def issue_to_dict(issue: InputIssue) -> dict[str, str]:
    return {"level": issue.level.value, "where": issue.where, "message": issue.message}


def evidence_to_dict(ev: TermEvidence) -> dict[str, Any]:
    return {
        "term": ev.term,
        "term_label": ev.term_label,
        "excluded": ev.excluded,
        "kind": ev.kind.value,
        "annotation": ev.annotation,
        "annotation_label": ev.annotation_label,
        "frequency": _num(ev.frequency, 4),
        "via": ev.via,
        "observed": list(ev.observed) if ev.observed else None,
        "source": ev.source.value if ev.source is not None else None,
        "log10_lr": _num(ev.log10_lr, 4),
    }


def course_to_dict(c: CourseEvidence) -> dict[str, Any]:
    return {"aspect": c.aspect.value, "message": c.message, "log10_lr": _num(c.log10_lr, 4)}


def candidate_to_dict(c: Candidate, explain: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rank": c.rank,
        "id": c.disease_id,
        "label": c.label,
        "score": _num(c.score, 6),
        "probability": _num(c.probability, 6),
        "equivalent_ids": list(c.equivalent_ids),
    }
    if explain and (c.evidence or c.course):  # candidates past --explain-top carry none
        out["evidence"] = [evidence_to_dict(e) for e in c.evidence]
        out["course"] = [course_to_dict(e) for e in c.course]
    return out


def diagnosis_to_dict(
    d: Diagnosis, source: str | None = None, explain: bool = True
) -> dict[str, Any]:
    """One case as a JSON-ready dict, best candidate first (see the module docstring)."""
    out: dict[str, Any] = {"id": d.patient_id}
    if source is not None:
        out["source"] = source
    out["diseases"] = [candidate_to_dict(c, explain) for c in d.candidates]
    out["knowledge"] = d.knowledge.as_dict()
    out["protocol"] = d.protocol.value
    out["left_out_annotations"] = d.left_out_annotations
    out["n_candidates"] = d.n_candidates
    out["query"] = {"present": list(d.present), "excluded": list(d.excluded)}
    out["issues"] = [issue_to_dict(i) for i in d.issues]
    return out


def failure_to_dict(source: str, reason: str, message: str,
                    issues: Iterable[InputIssue] = ()) -> dict[str, Any]:
    """A case that could not be ranked, in the same shape (no diseases, an ``error``)."""
    return {
        "id": None,
        "source": source,
        "diseases": [],
        "error": {"reason": reason, "message": message},
        "issues": [issue_to_dict(i) for i in issues],
    }


def write_json(records: list[dict[str, Any]] | dict[str, Any], out: IO[str]) -> None:
    """One case as an object, several as an array; indented, UTF-8 kept readable."""
    json.dump(records, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_jsonl_record(record: dict[str, Any], out: IO[str]) -> None:
    out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


# -- text ------------------------------------------------------------------------------------
def _term(label: str | None, tid: str | None) -> str:
    return f"{label} ({tid})" if label else str(tid)


_SOURCE_NOTE = {
    "disease-name": "named in the disease's name",
    "orphanet-definition": "stated in Orphanet's definition",
    "orphanet-group-definition": "stated in Orphanet's definition of its group",
    "related-disease": "borrowed from a related disease",
}


def source_note(source: str | None) -> str:
    """Where an evidence item's annotation comes from, in words ("" for the disease's own
    phenotype annotations); ``source`` is an ``AnnotationSource`` value."""
    if source is None or source == "annotation":
        return ""
    return _SOURCE_NOTE.get(source, source)


def describe_evidence(ev: TermEvidence, label: Callable[[str], str] | None = None) -> str:
    """A one-line English explanation of one evidence item, without the weight.

    The kinds are those of :class:`raredx.ranking.MatchKind`; ``label`` (e.g.
    ``Ontology.label``) names the shared ancestor of a *related* match.
    """
    q = _term(ev.term_label, ev.term)
    a = _term(ev.annotation_label, ev.annotation)
    f = format_frequency(ev.frequency)
    if ev.observed:
        f += f"; {ev.observed[0]} of {ev.observed[1]} reported patients"
    note = source_note(ev.source.value if ev.source is not None else None)
    if note:
        f += "; " + note
    kind = ev.kind.value
    if kind == "exact":
        return f"{q}: annotated ({f})"
    if kind == "patient-more-general":
        return f"{q}: annotated with the more specific {a} ({f})"
    if kind == "patient-more-specific":
        return f"{q}: annotated with the more general {a} ({f})"
    if kind == "related":
        via = ev.via or "a common ancestor"
        if ev.via and label is not None and label(ev.via) != ev.via:
            via = f"{label(ev.via)} ({ev.via})"
        return f"{q}: related to the annotated {a} ({f}) via {via}"
    if kind == "unexplained":
        return f"{q}: not explained by the disease's annotations"
    if kind == "negated":
        return f"{q}: the disease is annotated NOT to show {a}"
    if kind == "contradicted":
        return f"{q} is absent, but the disease is annotated with {a} ({f})"
    if kind == "consistent-absence":
        return f"{q} is absent, consistent with the disease"
    return f"{q}: {kind}"


def describe_course(c: CourseEvidence) -> str:
    return f"{c.aspect.value}: {c.message}"


TSV_COLUMNS = [
    "case_id", "source", "rank", "disease_id", "label", "probability", "score",
    "equivalent_ids", "explained", "unexplained", "contradicted", "protocol", "hpo_version",
]
_EXPLAINED = {"exact", "patient-more-general", "patient-more-specific", "related"}


def _clean(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def tsv_rows(d: Diagnosis, source: str | None = None) -> list[list[str]]:
    """One row per candidate (see :data:`TSV_COLUMNS`); term lists are ``;``-separated ids."""
    rows = []
    for c in d.candidates:
        ev = c.evidence
        rows.append([
            _clean(d.patient_id), _clean(source or ""), str(c.rank), c.disease_id,
            _clean(c.label), f"{c.probability:.6g}", f"{c.score:.4f}",
            ";".join(c.equivalent_ids),
            ";".join(e.term for e in ev if not e.excluded and e.kind.value in _EXPLAINED),
            ";".join(e.term for e in ev if not e.excluded and e.kind.value not in _EXPLAINED),
            ";".join(e.term for e in ev if e.excluded and e.kind.value == "contradicted"),
            d.protocol.value, d.knowledge.hpo,
        ])
    return rows


def write_tsv(diagnoses: Iterable[tuple[Diagnosis, str | None]], out: IO[str],
              header: bool = True) -> None:
    if header:
        out.write("\t".join(TSV_COLUMNS) + "\n")
    for d, source in diagnoses:
        for row in tsv_rows(d, source):
            out.write("\t".join(row) + "\n")
