"""Turning API input into engine patients (with per-field errors) and results into JSON."""

from __future__ import annotations

from typing import Any

from raredx import __version__ as engine_version
from raredx.api._errors import ApiError
from raredx.api._releases import Release
from raredx.api._schemas import (
    CandidateOut,
    DiagnosisOut,
    IssueOut,
    PatientIn,
    course_dicts,
    diagnosis_dict,
    diagnosis_out,
    evidence_dicts,
)
from raredx.errors import InputError
from raredx.model import Patient, Sex

_SEX = {s.value: s for s in Sex}


def _field_errors(release: Release, ids: list[str], field: str) -> list[dict[str, str]]:
    errors = []
    for k, t in enumerate(ids):
        p = release.engine.patient([t], where=f"{field}[{k}]")
        if not p.present:
            why = "; ".join(i.message for i in p.issues) or f"{t!r} is not usable"
            errors.append({"field": f"{field}[{k}]", "message": why})
    return errors


def patient_from_terms(release: Release, pin: PatientIn, strict: bool = True,
                       patient_id: str = "patient") -> Patient:
    """Validate the terms; with ``strict`` any unknown or unusable term is a 422 naming it.

    One validation pass over all terms; only when it reports a problem are the terms checked
    one by one, to name the field of each."""
    p = release.engine.patient(pin.present, pin.excluded, sex=_SEX[pin.sex],
                               age_years=pin.age_years, patient_id=patient_id, where="patient")
    if strict and p.issues:
        errors = _field_errors(release, pin.present, "present") + _field_errors(
            release, pin.excluded, "excluded")
        if errors:
            summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
            raise ApiError(422, f"Some features cannot be used: {summary}", errors[0]["field"],
                           errors)
    if not p.present:
        raise ApiError(422, "At least one observed (present) feature is needed.",
                       "present", [{"field": "present",
                                    "message": "add at least one observed feature"}]
                       + [{"field": i.where, "message": i.message} for i in p.issues])
    return p


def patient_from_packet(release: Release, data: Any, where: str = "phenopacket") -> Patient:
    try:
        return release.engine.patient_from_phenopacket(data, where)
    except InputError as exc:
        errs = [{"field": "phenopacket", "message": str(exc)}] + [
            {"field": "phenopacket", "message": f"{i.where}: {i.message}"} for i in exc.issues
        ]
        raise ApiError(422, f"The phenopacket cannot be used: {exc}", "phenopacket", errs)


def patient_record(p: Patient, source: str) -> dict[str, Any]:
    """What a case stores about the patient (validated terms, no file formats)."""
    return {
        "present": [t.value for t in p.present],
        "excluded": [t.value for t in p.excluded],
        "sex": p.sex.value,
        "age_years": p.age.years if p.age else None,
        "source": source,
    }


def patient_in(record: dict[str, Any]) -> PatientIn:
    return PatientIn(present=record.get("present", []), excluded=record.get("excluded", []),
                     sex=record.get("sex", "unknown"), age_years=record.get("age_years"))


def diagnose(release: Release, p: Patient, top: int, explain_top: int | None = None) -> DiagnosisOut:
    """Rank and explain the best ``explain_top`` candidates (``None``: all returned)."""
    d = release.engine.diagnose(p, top=top, explain_top=explain_top)
    onto = release.engine.knowledge.ontology
    return diagnosis_out(d, release.name, engine_version, onto.label, p.sex.value,
                         p.age.years if p.age else None, explain_top)


def diagnose_dict(release: Release, p: Patient, top: int, explain_top: int | None = None
                  ) -> dict[str, Any]:
    """:func:`diagnose` as the plain JSON document (the fast path of the stateless endpoint)."""
    d = release.engine.diagnose(p, top=top, explain_top=explain_top)
    onto = release.engine.knowledge.ontology
    return diagnosis_dict(d, release.name, engine_version, onto.label, p.sex.value,
                          p.age.years if p.age else None, explain_top)


def explain(release: Release, p: Patient, ids: list[str]) -> dict[str, Any]:
    """The explanation of the candidates that are (or pool) the given disease ids, with their
    rank, score and probability, as :func:`diagnose_dict` gives them (the document of
    ``ExplainOut``). An unknown id is a 422 naming it."""
    engine = release.engine
    found: list[tuple[str, int]] = []
    errors = []
    for k, did in enumerate(ids):
        cands = engine.candidates_for(did.strip())
        if not cands:
            errors.append({"field": f"candidates[{k}]", "message": (
                f"{did!r} is not a candidate disease of this knowledge release ({release.name})")})
        found.extend((did, e) for e in cands)
    if errors:
        raise ApiError(422, "; ".join(e["message"] for e in errors), errors[0]["field"], errors)
    scores = engine.score(p)
    total = scores.total
    rank = dict(zip((e for _, e in found), engine.ranks(total, [e for _, e in found]).tolist()))
    prob = engine.probabilities(total, len(p.present))
    explained = engine.explain(p, [e for _, e in found], scores=scores)
    onto = engine.knowledge.ontology
    return {
        "release": release.name,
        "knowledge": engine.knowledge.versions.as_dict(),
        "n_candidates": len(total),
        "present": [{"id": t.value, "label": onto.label(t.value)} for t in p.present],
        "excluded": [{"id": t.value, "label": onto.label(t.value)} for t in p.excluded],
        "candidates": [{
            "requested": did, "disease_id": engine.candidate_ids[e],
            "label": engine.candidate_labels[e], "rank": rank[e],
            "score": float(total[e]), "probability": float(prob[e]),
            "evidence": evidence_dicts(ev), "course": course_dicts(course),
        } for (did, e), (ev, course) in zip(found, explained)],
    }


def ranking_diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows for every candidate in either ranking: ranks and probabilities before and after."""
    b = {c["disease_id"]: c for c in before["candidates"]}
    a = {c["disease_id"]: c for c in after["candidates"]}
    rows = []
    for did in list(dict.fromkeys([*a, *b])):
        cb, ca = b.get(did), a.get(did)
        rb, ra = (cb or {}).get("rank"), (ca or {}).get("rank")
        if rb is None:
            change = "new"
        elif ra is None:
            change = "dropped"
        else:
            change = "up" if ra < rb else "down" if ra > rb else "same"
        rows.append({
            "disease_id": did, "label": (ca or cb)["label"],  # type: ignore[index]
            "rank_before": rb, "rank_after": ra,
            "probability_before": (cb or {}).get("probability"),
            "probability_after": (ca or {}).get("probability"), "change": change,
        })
    rows.sort(key=lambda r: (r["rank_after"] or 10**9, r["rank_before"] or 10**9))
    return rows


def diagnose_with_vcf(release: Release, p: Patient, top: int, vcf_path, genes  # type: ignore[no-untyped-def]
                      ) -> DiagnosisOut:
    """Phenotype + genotype ranking; each candidate keeps its phenotype explanation when it is
    among the phenotype-only top candidates (explained there), plus its gene and variants."""
    from raredx.genotype import diagnose_with_variants, prepare_variants
    from raredx.genotype._output import genomic_to_dict

    vs = prepare_variants(vcf_path, genes)
    g = diagnose_with_variants(release.engine, p, vs, genes, top=top)
    gd = genomic_to_dict(g)
    pheno = diagnose(release, p, max(top, 50), explain_top=max(top, 50))
    by_id = {c.disease_id: c for c in pheno.candidates}
    cands = []
    for h, hd in zip(g.diseases, gd["diseases"]):
        base = by_id.get(h.disease_id)
        cands.append(CandidateOut(
            rank=h.rank, disease_id=h.disease_id, label=h.label or (base.label if base else ""),
            score=h.score, probability=h.probability,
            equivalent_ids=base.equivalent_ids if base else [],
            evidence=base.evidence if base else hd["evidence"],
            course=base.course if base else hd["course"],
            treatments=base.treatments if base else [],
            phenotype_log10_lr=h.phenotype_log10_lr, genotype_log10_lr=h.genotype_log10_lr,
            gene=h.gene, gene_link=hd.get("gene_link"), mode_of_inheritance=h.mode_of_inheritance,
            genotype_explanation=h.genotype_explanation, variants=hd["variants"],
            phenotype_weight=gd["phenotype_weight"]))
    out = pheno.model_copy(update={
        "candidates": cands,
        "issues": [IssueOut(level=i.level.value, where=i.where, message=i.message)
                   for i in g.issues],
        "genotype": {k: v for k, v in gd.items() if k not in ("diseases", "issues")},
        "score_rule": gd["score_rule"],
        "explained": None, "more_explanations": None,  # every candidate carries its evidence
    })
    return out
