"""Importers for knowledge a user supplies: Molecular Oncology Almanac JSON and CIViC exports.

Nothing of either is bundled; they are read from the user's copy at run time and converted into
the same :class:`Approval` facts as the curated table (``origin`` says where each came from).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from raredx.errors import InputError
from raredx.therapy._knowledge import TherapyKnowledge
from raredx.therapy._model import Agency, Approval, Indication, Problem, Status
from raredx.therapy._oncotree import CancerTypeError
from raredx.therapy._parse import AlterationError, parse_spec

MOA_FILES = ("statements", "propositions", "biomarkers", "therapies", "therapy_groups",
             "diseases", "documents", "indications", "genes")
NCIT_TO_CODE = {"C182151": "DMG", "C3696": "SEGA", "C3467": "CTCL", "C3163": "CLLSLL",
                "C132146": "SOLID", "C9385": "RCC", "C135017": "NSCLC"}
_MARKERS = {"human epidermal growth factor receptor 2 (her2)": "ERBB2", "her2": "ERBB2",
            "cd117": "KIT", "cd20": "MS4A1", "cd30": "TNFRSF8", "cd19": "CD19", "cd22": "CD22",
            "cd33": "CD33"}


@dataclass
class MoaStatement:
    """One MOAlmanac statement, joined, with our reading of it."""

    id: int
    agency: str
    disease_code: str
    disease_name: str
    therapy: tuple[str, ...]
    biomarkers: tuple[dict[str, Any], ...]
    biomarker_texts: tuple[str, ...]  # our notation; "!" prefix = must be absent
    unsupported: tuple[str, ...]
    date: str | None
    url: str
    raw_cancer_type: str
    raw_biomarkers: str
    description: str
    extra: dict[str, Any] = field(default_factory=dict)
    indication_text: str = ""


def _load(d: Path, name: str) -> Any:
    p = d / f"{name}.json"
    if not p.exists():
        raise InputError(f"missing {name}.json", where=str(d))
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e}", where=str(p)) from e


def _ext(b: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value") for e in b.get("extensions", [])}


def moalmanac_biomarker_text(b: dict[str, Any], gene_names: dict[int, str]) -> str | None:
    """A MOAlmanac biomarker record -> our alteration notation (None if not supported)."""
    e = _ext(b)
    typ = e.get("biomarker_type", "")
    genes = [gene_names[g] for g in b.get("genes", []) or []]
    name = b.get("name", "")
    if typ in ("Somatic Variant", "Germline Variant"):
        if not genes:
            return None
        ann = (e.get("variant_annotation") or "").lower()
        if "itd" in ann or "internal tandem" in ann:
            return f"{genes[0]} ITD"
        pc = e.get("protein_change")
        if pc:
            return f"{genes[0]} {pc}"
        return f"{genes[0]} mutation"
    if typ == "Rearrangement":
        m = re.fullmatch(r"(\S+)::(\S+)", name)
        if m:
            a, c = m.group(1), m.group(2)
            if a == "v":
                return f"{c} fusion"
            if c == "v":
                return f"{a} fusion"
            return f"{a}::{c} fusion"
        if name.startswith("t(") and genes:
            return f"{genes[0]} rearrangement"
        if name.startswith("t(") and not genes:
            return name
        if genes:
            return f"{genes[0]} rearrangement"
        return None
    if typ == "Protein expression":
        marker = str(e.get("marker", "")).strip()
        val = str(e.get("value", "")).lower()
        if val not in ("positive", "negative"):
            return None
        sym = _MARKERS.get(marker.lower(), marker)
        if not re.fullmatch(r"[A-Za-z0-9-]+", sym):
            return None
        return f"{sym} {val}"
    if typ == "Copy Number" and genes:
        d = str(e.get("direction", "")).lower()
        return f"{genes[0]} amplification" if d.startswith("amp") else f"{genes[0]} deletion"
    if typ == "Microsatellite Stability":
        return "MSI-H" if "high" in name.lower() or "msi-h" in name.lower() else None
    if typ == "Mismatch Repair":
        return "dMMR" if "deficient" in str(e.get("status", "")).lower() else None
    if typ == "Tumor mutational burden":
        return "TMB-H"
    return None


def read_moalmanac_statements(directory: Path) -> list[MoaStatement]:
    """Join the normalised MOAlmanac JSON files into one record per statement."""
    d = Path(directory)
    tab = {n: _load(d, n) for n in MOA_FILES}
    dis = {x["id"]: x for x in tab["diseases"]}
    bio = {x["id"]: x for x in tab["biomarkers"]}
    th = {x["id"]: x for x in tab["therapies"]}
    tg = {x["id"]: x for x in tab["therapy_groups"]}
    prop = {x["id"]: x for x in tab["propositions"]}
    doc = {x["id"]: x for x in tab["documents"]}
    ind = {x["id"]: x for x in tab["indications"]}
    gene_names = {x["id"]: x["name"] for x in tab["genes"]}
    out = []
    for s in tab["statements"]:
        p = prop.get(s.get("proposition_id"))
        if p is None or p.get("predicate") != "predictSensitivityTo":
            continue
        dz = dis.get(p.get("conditionQualifier_id"), {})
        coding = dz.get("primary_coding_id", "")
        code = coding.split(":", 1)[1] if ":" in coding else coding
        if coding.startswith("ncit:"):
            code = NCIT_TO_CODE.get(code, coding)
        if p.get("therapy_id") is not None:
            names: tuple[str, ...] = (th[p["therapy_id"]]["name"],)
        else:
            names = tuple(th[t]["name"] for t in tg[p["therapy_group_id"]]["therapies"])
        bms = tuple(bio[b] for b in p.get("biomarkers", []))
        texts, unsupported = [], []
        for b in bms:
            t = moalmanac_biomarker_text(b, gene_names)
            if t is None:
                unsupported.append(b.get("name", "?"))
                continue
            texts.append(t if _ext(b).get("_present", True) else "!" + t)
        dc = doc.get((s.get("reportedIn") or [""])[0], {})
        i = ind.get(s.get("indication_id"), {})
        out.append(MoaStatement(
            id=s["id"], agency=dc.get("agent_id", ""), disease_code=code,
            disease_name=dz.get("name", ""), therapy=names, biomarkers=bms,
            biomarker_texts=tuple(texts), unsupported=tuple(unsupported),
            date=i.get("initial_approval_date"), url=i.get("initial_approval_url") or "",
            raw_cancer_type=i.get("raw_cancer_type") or "",
            raw_biomarkers=i.get("raw_biomarkers") or "",
            description=s.get("description") or "",
            extra={"gene_names": gene_names},
            indication_text=i.get("indication") or "",
        ))
    return out


_AGENCIES = {"fda": Agency.FDA, "ema": Agency.EMA, "hc": Agency.HEALTH_CANADA}


def read_moalmanac(directory: Path, knowledge: TherapyKnowledge
                   ) -> tuple[list[Approval], list[Problem]]:
    """MOAlmanac approvals as facts (``origin='moalmanac'``); unsupported biomarkers are reported."""
    facts: list[Approval] = []
    problems: list[Problem] = []
    for st in read_moalmanac_statements(directory):
        where = f"{directory}: statement {st.id}"
        if st.unsupported:
            problems.append(Problem(where, "biomarker not supported: " + ", ".join(st.unsupported)))
            continue
        if not st.biomarker_texts:
            continue
        try:
            spec = parse_spec(" & ".join(st.biomarker_texts), knowledge.genes)
        except AlterationError as e:
            problems.append(Problem(where, f"biomarker not understood: {e}"))
            continue
        codes = ("SOLID",) if st.disease_code == "SOLID" else (st.disease_code,)
        facts.append(Approval(
            id=f"moalmanac-{st.id}", agency=_AGENCIES.get(st.agency, Agency.OTHER),
            date=st.date or "", status=Status.APPROVED,
            therapy=tuple(t.lower() for t in st.therapy), partners=(), brand="",
            modality="", indication=Indication(codes), condition=st.raw_cancer_type,
            biomarker=spec, line="", population="", source=st.url,
            note="imported from MOAlmanac (check joined fields against the statement text)",
            origin="moalmanac"))
    return facts, problems


CIVIC_REQUIRED = ("molecular_profile", "disease", "therapies", "evidence_type",
                  "evidence_direction", "significance")


def read_civic(path: Path, knowledge: TherapyKnowledge) -> tuple[list[Approval], list[Problem]]:
    """A CIViC evidence export (``ClinicalEvidenceSummaries.tsv``): predictive, supporting,
    sensitivity evidence becomes guideline/trial-level facts (CIViC records no approvals)."""
    p = Path(path)
    facts: list[Approval] = []
    problems: list[Problem] = []
    try:
        f = p.open(encoding="utf-8", newline="")
    except OSError as e:
        raise InputError(f"cannot read: {e}", where=str(p)) from e
    with f:
        reader = csv.DictReader(f, delimiter="\t")
        missing = [c for c in CIVIC_REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"not a CIViC evidence export: missing columns {', '.join(missing)}",
                             where=str(p))
        for n, row in enumerate(reader, 2):
            where = f"{p}: line {n}"
            if (row["evidence_type"].lower() != "predictive"
                    or row["evidence_direction"].lower() != "supports"
                    or not row["significance"].lower().startswith(("sensitivity", "response"))):
                continue
            if (row.get("evidence_status") or "accepted").lower() not in ("accepted", ""):
                continue
            therapies = tuple(t.strip().lower() for t in re.split(r",", row["therapies"] or "")
                              if t.strip())
            if not therapies:
                continue
            mp = re.sub(r"\s+AND\s+", " & ", row["molecular_profile"].strip())
            try:
                spec = parse_spec(mp, knowledge.genes)
            except AlterationError as e:
                problems.append(Problem(where, f"molecular profile {mp!r} not understood: {e}"))
                continue
            try:
                ct = knowledge.oncotree.resolve(row["disease"])
            except CancerTypeError as e:
                problems.append(Problem(where, f"disease {row['disease']!r}: {e}", e.suggestions))
                continue
            cite = row.get("citation") or ""
            cid = row.get("citation_id") or ""
            src = row.get("evidence_civic_url") or ""
            facts.append(Approval(
                id=f"civic-{row.get('evidence_id') or n}", agency=Agency.CIVIC,
                date=(row.get("last_review_date") or "")[:10], status=Status.EVIDENCE,
                therapy=therapies, partners=(), brand="", modality="",
                indication=Indication((ct.code,)), condition=row["disease"], biomarker=spec,
                line="", population="",
                source="; ".join(x for x in (cite, f"PMID:{cid}" if cid.isdigit() else cid, src)
                                 if x),
                note=f"CIViC evidence level {row.get('evidence_level', '?')}",
                origin="civic"))
    return facts, problems
