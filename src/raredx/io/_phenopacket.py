"""GA4GH Phenopacket v2 (JSON) → :class:`raredx.model.Patient`.

Only the subject, phenotypic features and metaData.externalReferences are read. The
``interpretations`` and ``diseases`` blocks are the answer and are never looked at here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from raredx.errors import InputError
from raredx.io._terms import resolve_terms
from raredx.knowledge import Ontology
from raredx.model import Age, InputIssue, IssueLevel, Patient, Sex, TermId

_ISO = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?")
_SEX = {"FEMALE": Sex.FEMALE, "MALE": Sex.MALE, "OTHER_SEX": Sex.OTHER, "UNKNOWN_SEX": Sex.UNKNOWN}


def parse_iso8601_age(text: str) -> float | None:
    """``"P6Y3M"`` → 6.25 (years); ``None`` when unparseable.

    >>> parse_iso8601_age("P1Y6M")
    1.5
    """
    m = _ISO.match(text.strip()) if text else None
    if not m or not any(m.groups()):
        return None
    y, mo, w, d = (float(g) if g else 0.0 for g in m.groups())
    return y + mo / 12 + w * 7 / 365.25 + d / 365.25


def _age_of(block: Any) -> float | None:
    if isinstance(block, dict):
        age = block.get("age")
        if isinstance(age, dict):
            return parse_iso8601_age(str(age.get("iso8601duration", "")))
    return None


def patient_from_phenopacket(data: Any, ontology: Ontology, where: str) -> Patient:
    """Build a patient from a parsed phenopacket JSON object; raise InputError if unusable."""
    if not isinstance(data, dict):
        raise InputError("not a phenopacket (the top level is not a JSON object)", where)
    if "phenotypicFeatures" not in data and "subject" not in data:
        raise InputError(
            "not a phenopacket: it has neither `subject` nor `phenotypicFeatures`", where
        )
    issues: list[InputIssue] = []
    raw: list[tuple[str, bool]] = []
    onsets: list[str] = []
    feats = data.get("phenotypicFeatures", [])
    if not isinstance(feats, list):
        raise InputError("`phenotypicFeatures` is not a list", where)
    for k, pf in enumerate(feats):
        loc = f"{where}: phenotypicFeatures[{k}]"
        t = pf.get("type") if isinstance(pf, dict) else None
        if not isinstance(t, dict) or not isinstance(t.get("id"), str):
            issues.append(InputIssue(IssueLevel.WARNING, loc, "skipped: no `type.id`"))
            continue
        raw.append((t["id"], bool(pf.get("excluded", False))))
        on = pf.get("onset")
        if isinstance(on, dict) and not pf.get("excluded", False):
            oc = on.get("ontologyClass")
            if isinstance(oc, dict) and isinstance(oc.get("id"), str):
                onsets.append(oc["id"])
    present, excluded, term_issues = resolve_terms(ontology, raw, where)
    issues.extend(term_issues)
    subject = data.get("subject") or {}
    sex = _SEX.get(str(subject.get("sex", "UNKNOWN_SEX")), Sex.UNKNOWN)
    years = _age_of(subject.get("timeAtLastEncounter"))
    refs = (data.get("metaData") or {}).get("externalReferences") or []
    pmids = tuple(
        r["id"].strip() for r in refs
        if isinstance(r, dict) and str(r.get("id", "")).upper().startswith("PMID:")
    )
    onset = None
    for o in onsets:
        if o in ontology:
            onset = TermId(o)
            break
    pid = str(data.get("id") or subject.get("id") or where)
    if not present:
        raise InputError(
            "no usable observed phenotypic feature (at least one present HPO term is needed)",
            where, tuple(issues),
        )
    return Patient(
        id=pid, present=present, excluded=excluded, sex=sex,
        age=Age(years) if years is not None else None, onset=onset,
        publications=pmids, issues=tuple(issues),
    )


def read_phenopacket(path: Path, ontology: Ontology) -> Patient:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", str(path)) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", str(path)
        ) from exc
    return patient_from_phenopacket(data, ontology, str(path))
