"""GA4GH Phenopacket v2 (JSON) → :class:`raredx.model.Patient`.

Only ``id``, ``subject`` (sex, age), ``phenotypicFeatures`` (type, excluded, onset) and
``metaData.externalReferences`` (PMIDs, for leave-publication-out) are read. The
``interpretations`` and ``diseases`` blocks hold the answer and are never looked at here.

Problems are reported in two ways (see :mod:`raredx.errors`): a file that cannot be used at all
raises :class:`~raredx.errors.InputError` naming the file and the problem (the exception's
``reason`` attribute is a short, stable category for batch summaries); anything that only costs
part of the input (a skipped term, a mapped obsolete id, an unknown sex) becomes an
:class:`~raredx.model.InputIssue` warning carried by the patient.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from raredx.errors import InputError
from raredx.io._terms import resolve_terms
from raredx.knowledge import ONSET_ROOT, Ontology
from raredx.model import Age, InputIssue, IssueLevel, Patient, Sex, TermId

_ISO = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:\d+(?:\.\d+)?[HMS])+)?$"  # a time part (PT5H) is allowed; it adds nothing in years
)
MAX_AGE_YEARS = 150  # an older age is a typo (P200Y), not read
_SEX = {"FEMALE": Sex.FEMALE, "MALE": Sex.MALE, "OTHER_SEX": Sex.OTHER, "UNKNOWN_SEX": Sex.UNKNOWN}

# HPO onset terms, earliest first, and the age (years) at which each class ends
_ONSET_ORDER = [
    ("HP:0030674", -0.01),  # Antenatal onset
    ("HP:0003577", 0.0),  # Congenital onset
    ("HP:0003623", 28 / 365.25),  # Neonatal onset
    ("HP:0003593", 1.0),  # Infantile onset
    ("HP:0011463", 5.0),  # Childhood onset
    ("HP:0003621", 16.0),  # Juvenile onset
    ("HP:0003581", float("inf")),  # Adult onset
]
_ONSET_RANK = {t: k for k, (t, _) in enumerate(_ONSET_ORDER)}

# reasons (InputError.reason) used for batch summaries
NOT_UTF8 = "not UTF-8 text"
EMPTY = "empty file"
MALFORMED_JSON = "malformed JSON"
NOT_A_PHENOPACKET = "not a phenopacket"
NO_OBSERVED_FEATURE = "no usable observed phenotypic feature"
UNREADABLE = "cannot read file"


def input_error(reason: str, detail: str, where: str, issues: tuple = ()) -> InputError:
    """An :class:`InputError` whose message starts with ``reason`` (kept as ``exc.reason``)."""
    exc = InputError(f"{reason}: {detail}" if detail else reason, where, issues)
    exc.reason = reason  # type: ignore[attr-defined]
    return exc


def parse_iso8601_age(text: str) -> float | None:
    """``"P6Y3M"`` → 6.25 (years); ``None`` when unparseable.

    >>> parse_iso8601_age("P1Y6M")
    1.5
    >>> parse_iso8601_age("twelve") is None
    True
    >>> parse_iso8601_age("P3Yjunk") is None
    True
    """
    m = _ISO.match(text.strip()) if isinstance(text, str) and text else None
    if not m or m.group(0) == "P":
        return None
    y, mo, w, d = (float(g) if g else 0.0 for g in m.groups())
    return y + mo / 12 + w * 7 / 365.25 + d / 365.25


def _years_of(block: Any, ontology: Ontology | None = None) -> float | None:
    """Years from a phenopacket ``TimeElement``: ``age``, the start of an ``ageRange``, a
    ``gestationalAge`` (0: not born yet) or an HPO onset class (the class's lower bound)."""
    if not isinstance(block, dict):
        return None
    age = block.get("age")
    if isinstance(age, dict):
        return parse_iso8601_age(str(age.get("iso8601duration", "")))
    rng = block.get("ageRange")
    if isinstance(rng, dict) and isinstance(rng.get("start"), dict):
        return parse_iso8601_age(str(rng["start"].get("iso8601duration", "")))
    if isinstance(block.get("gestationalAge"), dict):
        return 0.0
    oc = block.get("ontologyClass")
    if ontology is not None and isinstance(oc, dict) and isinstance(oc.get("id"), str):
        cur, _ = ontology.resolve(oc["id"].strip())
        rank = _onset_rank(cur, ontology) if cur is not None else len(_ONSET_ORDER)
        if rank < len(_ONSET_ORDER):
            return 0.0 if rank <= 2 else max(0.0, _ONSET_ORDER[rank - 1][1])
    return None


def onset_term_for_age(years: float) -> str:
    """The HPO onset class of an age of onset in years (``0`` is congenital).

    >>> onset_term_for_age(0.5)
    'HP:0003593'
    """
    if years <= 0:
        return "HP:0003577"
    for term, end in _ONSET_ORDER[2:]:
        if years < end:
            return term
    return "HP:0003581"


def _onset_of(block: Any, ontology: Ontology, onset_root: int | None) -> str | None:
    """An HPO onset term id from a feature's ``onset`` TimeElement, or ``None``."""
    if not isinstance(block, dict):
        return None
    oc = block.get("ontologyClass")
    if isinstance(oc, dict) and isinstance(oc.get("id"), str):
        cur, _ = ontology.resolve(oc["id"].strip())
        if cur is not None and onset_root is not None and ontology.is_descendant_of(
            ontology.index(cur), onset_root
        ):
            return cur
        return None
    if "gestationalAge" in block:
        return "HP:0030674"
    years = _years_of(block)
    return onset_term_for_age(years) if years is not None else None


def _v2_onset(pf: dict) -> Any:
    """A feature's ``onset``, or its Phenopacket v1 equivalent (``classOfOnset``, an ontology
    class; ``ageOfOnset``, ``{"age": "P3Y"}``) in the v2 shape."""
    if "onset" in pf:
        return pf["onset"]
    if isinstance(pf.get("classOfOnset"), dict):
        return {"ontologyClass": pf["classOfOnset"]}
    age = pf.get("ageOfOnset")
    if isinstance(age, dict) and isinstance(age.get("age"), str):
        return {"age": {"iso8601duration": age["age"]}}
    return None


def _onset_rank(term: str, ontology: Ontology) -> int:
    if term in _ONSET_RANK:
        return _ONSET_RANK[term]
    i = ontology.get_index(term)
    if i is not None:  # a finer onset term: rank it like its nearest known ancestor
        ranks = [_ONSET_RANK[ontology.ids[a]] for a in ontology.ancestors(i).tolist()
                 if ontology.ids[a] in _ONSET_RANK]
        if ranks:
            return max(ranks)
    return len(_ONSET_ORDER)


def _top_level_kind(data: Any) -> str:
    if isinstance(data, list):
        return ("the top level is a JSON array, not an object (one phenopacket per file is "
                "expected)")
    if not isinstance(data, dict):
        return f"the top level is a JSON {type(data).__name__}, not an object"
    if "proband" in data:
        return "it is a GA4GH Family message (has `proband`); give the proband's phenopacket"
    if "members" in data:
        return "it is a GA4GH Cohort message (has `members`); give one phenopacket per member"
    return ("it has neither `subject` nor `phenotypicFeatures` (top-level keys: "
            + (", ".join(sorted(map(str, data))[:8]) or "none") + ")")


def patient_from_phenopacket(data: Any, ontology: Ontology, where: str) -> Patient:
    """Build a patient from a parsed phenopacket JSON object; raise InputError if unusable."""
    if not isinstance(data, dict) or ("phenotypicFeatures" not in data and "subject" not in data):
        raise input_error(NOT_A_PHENOPACKET, _top_level_kind(data), where)
    issues: list[InputIssue] = []

    def warn(loc: str, message: str) -> None:
        issues.append(InputIssue(IssueLevel.WARNING, f"{where}: {loc}" if loc else where, message))

    feats = data.get("phenotypicFeatures", [])
    if feats is None:
        feats = []
    if not isinstance(feats, list):
        raise input_error(NOT_A_PHENOPACKET, "`phenotypicFeatures` is not a list", where)
    raw: list[tuple[str, bool]] = []
    locations: list[str] = []
    onsets: list[str] = []
    onset_root = ontology.get_index(ONSET_ROOT)
    for k, pf in enumerate(feats):
        loc = f"phenotypicFeatures[{k}]"
        if not isinstance(pf, dict):
            warn(loc, "skipped: a phenotypic feature must be a JSON object")
            continue
        t = pf.get("type")
        if not isinstance(t, dict) or not isinstance(t.get("id"), str):
            warn(loc, "skipped: it has no `type.id` (an HPO term id)")
            continue
        excluded = pf.get("excluded")
        if excluded is None and isinstance(pf.get("negated"), bool):  # Phenopacket v1
            excluded = pf["negated"]
            if excluded:
                warn(loc, f"{t['id']}: `negated` is a Phenopacket v1 field; read as `excluded` "
                     "(absent)")
        if excluded is None:  # absent or null: the protobuf default, observed
            excluded = False
        if not isinstance(excluded, bool):
            warn(loc, f"skipped {t['id']}: `excluded` must be true or false, not {excluded!r}")
            continue
        raw.append((t["id"], excluded))
        locations.append(loc)
        if not excluded:
            on = _onset_of(_v2_onset(pf), ontology, onset_root)
            if on is not None:
                onsets.append(on)
    present, excluded_terms, term_issues = resolve_terms(ontology, raw, where, locations)
    issues.extend(term_issues)

    subject = data.get("subject")
    if subject is None:
        subject = {}
    if not isinstance(subject, dict):
        warn("subject", "ignored: `subject` must be a JSON object")
        subject = {}
    sex_text = subject.get("sex", "UNKNOWN_SEX")
    sex = _SEX.get(str(sex_text).upper()) if isinstance(sex_text, str) else None
    if sex is None:
        warn("subject.sex", f"unknown sex {sex_text!r} (expected FEMALE, MALE, OTHER_SEX or "
             "UNKNOWN_SEX); treated as unknown")
        sex = Sex.UNKNOWN
    age_field = "timeAtLastEncounter"
    if subject.get(age_field) is None and isinstance(subject.get("ageAtCollection"), dict):
        age_field = "ageAtCollection"  # Phenopacket v1: {"age": "P3Y"}
        v1_age = subject["ageAtCollection"].get("age")
        years = parse_iso8601_age(v1_age) if isinstance(v1_age, str) else None
        if years is not None:
            warn("subject.ageAtCollection", "a Phenopacket v1 field; read as the age at the last "
                 "encounter (v2: subject.timeAtLastEncounter)")
    else:
        years = _years_of(subject.get(age_field), ontology)
    if subject.get(age_field) is not None and years is None:
        warn(f"subject.{age_field}", "age not understood (expected an ISO 8601 duration "
             "such as P12Y3M); ignored")
    elif years is not None and years > MAX_AGE_YEARS:
        warn(f"subject.{age_field}", f"an age of {years:g} years is not plausible; ignored")
        years = None

    meta = data.get("metaData")
    refs = meta.get("externalReferences") if isinstance(meta, dict) else None
    pmids: list[str] = []
    if refs is not None and not isinstance(refs, list):
        warn("metaData.externalReferences", "ignored: not a list")
    for r in refs if isinstance(refs, list) else []:
        rid = r.get("id") if isinstance(r, dict) else None
        if isinstance(rid, str) and rid.strip().upper().startswith("PMID:"):
            pmids.append("PMID:" + rid.strip()[5:].strip())
    onset = min(onsets, key=lambda o: _onset_rank(o, ontology)) if onsets else None
    if onset is not None and onset not in ontology:
        onset = None

    pid = data.get("id") or subject.get("id") or where
    if not present:
        if not feats:
            detail = "the phenopacket lists no phenotypic features"
        elif excluded_terms and len(raw) == len(excluded_terms):
            detail = (f"all {len(excluded_terms)} listed features are excluded (absent); at least "
                      "one observed HPO term is needed")
        else:
            detail = (f"none of the {len(feats)} listed features is a usable observed HPO term "
                      "(see the warnings)")
        raise input_error(NO_OBSERVED_FEATURE, detail, where, tuple(issues))
    return Patient(
        id=str(pid), present=present, excluded=excluded_terms, sex=sex,
        age=Age(years) if years is not None else None,
        onset=TermId(onset) if onset else None,
        publications=tuple(dict.fromkeys(pmids)), issues=tuple(issues),
    )


def decode_json(content: bytes, where: str) -> Any:
    """Decode UTF-8 JSON bytes, raising :class:`InputError` with the line and column on errors."""
    if not content.strip():
        raise input_error(EMPTY, "expected a phenopacket JSON object", where)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = " (it looks gzip-compressed)" if content[:2] == b"\x1f\x8b" else ""
        raise input_error(
            NOT_UTF8,
            f"invalid byte 0x{content[exc.start]:02x} at byte offset {exc.start}{hint}; "
            "phenopacket JSON must be UTF-8 encoded",
            where,
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise input_error(
            MALFORMED_JSON, f"line {exc.lineno}, column {exc.colno}: {exc.msg}", where
        ) from None
    except RecursionError:
        raise input_error(MALFORMED_JSON, "nested too deeply", where) from None


def schema_issues(data: Any, where: str) -> list[InputIssue]:
    """Check ``data`` against the Phenopacket v2 protobuf schema (warnings; unknown fields are
    allowed). Costs a few milliseconds per case, so callers opt in."""
    from google.protobuf import json_format
    from phenopackets.schema.v2 import Phenopacket

    try:
        json_format.ParseDict(data, Phenopacket(), ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        msg = str(exc).rstrip(".")
        return [InputIssue(IssueLevel.WARNING, where,
                           f"does not match the Phenopacket v2 schema: {msg}")]
    except Exception as exc:  # protobuf raises a few other types on odd values
        return [InputIssue(IssueLevel.WARNING, where,
                           f"does not match the Phenopacket v2 schema: {exc}")]
    return []


def patient_from_bytes(
    content: bytes, ontology: Ontology, where: str, schema_check: bool = False
) -> Patient:
    """Read a phenopacket from raw file content (UTF-8 JSON) into a patient."""
    return patient_from_data(decode_json(content, where), ontology, where, schema_check)


def patient_from_data(
    data: Any, ontology: Ontology, where: str, schema_check: bool = False
) -> Patient:
    """:func:`patient_from_bytes` on an already decoded phenopacket (:func:`decode_json`)."""
    extra = schema_issues(data, where) if schema_check and isinstance(data, dict) else []
    try:
        patient = patient_from_phenopacket(data, ontology, where)
    except InputError as exc:
        if extra:
            exc.issues = tuple(extra) + tuple(exc.issues)
        raise
    if extra:
        from dataclasses import replace

        patient = replace(patient, issues=tuple(extra) + tuple(patient.issues))
    return patient


def read_phenopacket(path: Path, ontology: Ontology, schema_check: bool = False) -> Patient:
    """Read one phenopacket JSON file (raises :class:`InputError` naming the file if unusable)."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except IsADirectoryError:
        raise input_error(UNREADABLE, "it is a directory", str(path)) from None
    except OSError as exc:
        raise input_error(UNREADABLE, exc.strerror or str(exc), str(path)) from None
    return patient_from_bytes(content, ontology, str(path), schema_check)
