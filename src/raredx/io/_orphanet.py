"""Readers for Orphanet product1 (cross-references) and product9 (onset, inheritance)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from raredx.io._files import open_binary

# Orphanet age-of-onset classes -> HPO onset terms
ORPHA_ONSET_TO_HPO = {
    "Antenatal": "HP:0030674",
    "Neonatal": "HP:0003623",
    "Infancy": "HP:0003593",
    "Childhood": "HP:0011463",
    "Adolescent": "HP:0003621",
    "Adult": "HP:0003581",
    "Elderly": "HP:0003584",
}
ORPHA_INHERITANCE_TO_HPO = {
    "Autosomal dominant": "HP:0000006",
    "Autosomal recessive": "HP:0000007",
    "X-linked recessive": "HP:0001419",
    "X-linked dominant": "HP:0001423",
    "Mitochondrial inheritance": "HP:0001427",
    "Y-linked": "HP:0001450",
    "Multigenic/multifactorial": "HP:0001426",
    "Semi-dominant": "HP:0032113",
}


@dataclass
class OrphanetContent:
    version: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    xrefs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    omim_exact: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ORPHA -> OMIM (E)
    omim_narrower: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ORPHA -> OMIM (BTNT)
    onsets: dict[str, frozenset[str]] = field(default_factory=dict)
    inheritance: dict[str, frozenset[str]] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)  # ORPHA -> plain-text definition
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ORPHA -> synonyms


_TAG = re.compile(r"<[^>]+>")


def _plain(text: str) -> str:
    """A definition as plain text: Orphanet marks Latin names up as ``<i>genu valgum</i>``."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _version(root_attrib: dict[str, str]) -> str:
    return root_attrib.get("version", "") or root_attrib.get("date", "")


def read_product1(path: Path, into: OrphanetContent) -> None:
    with open_binary(path) as f:
        ctx = ET.iterparse(f, events=("start", "end"))
        for ev, el in ctx:
            if ev == "start":
                if el.tag == "JDBOR" and not into.version:
                    into.version = el.attrib.get("date", "")
                continue
            if el.tag != "Disorder":
                continue
            code = el.findtext("OrphaCode")
            if not code:
                el.clear()
                continue
            oid = f"ORPHA:{code}"
            into.labels[oid] = el.findtext("Name") or oid
            syn = tuple(s.text.strip() for s in el.iterfind("SynonymList/Synonym")
                        if s.text and s.text.strip())
            if syn:
                into.synonyms[oid] = syn
            xrefs: list[str] = []
            exact: list[str] = []
            narrower: list[str] = []
            for xr in el.iterfind("ExternalReferenceList/ExternalReference"):
                src = (xr.findtext("Source") or "").strip()
                ref = (xr.findtext("Reference") or "").strip()
                if not src or not ref:
                    continue
                rel = xr.findtext("DisorderMappingRelation/Name") or ""
                xrefs.append(f"{src}:{ref}")
                if src == "OMIM" and rel.startswith("E "):
                    exact.append(f"OMIM:{ref}")
                elif src == "OMIM" and rel.startswith("BTNT"):
                    narrower.append(f"OMIM:{ref}")
            into.xrefs[oid] = tuple(xrefs)
            for ts in el.iterfind("SummaryInformationList/SummaryInformation/TextSectionList/TextSection"):
                if (ts.findtext("TextSectionType/Name") or "").strip() == "Definition":
                    text = _plain(ts.findtext("Contents") or "")
                    if text:
                        into.definitions[oid] = text
            if exact:
                into.omim_exact[oid] = tuple(exact)
            if narrower:
                into.omim_narrower[oid] = tuple(narrower)
            el.clear()


def read_product9(path: Path, into: OrphanetContent) -> None:
    with open_binary(path) as f:
        for _ev, el in ET.iterparse(f, events=("end",)):
            if el.tag != "Disorder":
                continue
            code = el.findtext("OrphaCode")
            if code:
                oid = f"ORPHA:{code}"
                ons = {
                    ORPHA_ONSET_TO_HPO[n]
                    for n in (x.text for x in el.iterfind("AverageAgeOfOnsetList/AverageAgeOfOnset/Name"))
                    if n in ORPHA_ONSET_TO_HPO
                }
                inh = {
                    ORPHA_INHERITANCE_TO_HPO[n]
                    for n in (x.text for x in el.iterfind("TypeOfInheritanceList/TypeOfInheritance/Name"))
                    if n in ORPHA_INHERITANCE_TO_HPO
                }
                into.onsets[oid] = frozenset(ons)
                into.inheritance[oid] = frozenset(inh)
            el.clear()
