"""Reader for HPO's phenotype.hpoa (disease annotations)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from raredx.errors import KnowledgeError
from raredx.io._files import open_text
from raredx.knowledge import AnnotationTable, Disease, DiseaseCourse, Ontology

# midpoints of HPO frequency classes
FREQUENCY_TERMS = {
    "HP:0040280": 1.0,  # Obligate
    "HP:0040281": 0.895,  # Very frequent 80-99%
    "HP:0040282": 0.545,  # Frequent 30-79%
    "HP:0040283": 0.17,  # Occasional 5-29%
    "HP:0040284": 0.025,  # Very rare 1-4%
    "HP:0040285": 0.0,  # Excluded 0%
}
_RATIO = re.compile(r"^(\d+)/(\d+)$")
_PCT = re.compile(r"^(\d+(?:\.\d+)?)%$")


def parse_frequency(text: str) -> float:
    """``"3/4"`` → 0.75, ``"45%"`` → 0.45, an HPO frequency term → its class midpoint, else NaN."""
    text = text.strip()
    if not text:
        return float("nan")
    if text in FREQUENCY_TERMS:
        return FREQUENCY_TERMS[text]
    m = _RATIO.match(text)
    if m:
        n, d = int(m.group(1)), int(m.group(2))
        return n / d if d else float("nan")
    m = _PCT.match(text)
    if m:
        return min(1.0, float(m.group(1)) / 100.0)
    return float("nan")


@dataclass
class HpoaContent:
    version: str
    diseases: list[Disease]
    table: AnnotationTable
    course: dict[str, DiseaseCourse]
    unknown_terms: int


def read_hpoa(path: Path, ontology: Ontology) -> HpoaContent:
    version = ""
    disease_rows: dict[str, int] = {}
    diseases: list[Disease] = []
    d_col: list[int] = []
    t_col: list[int] = []
    f_col: list[float] = []
    num_col: list[float] = []
    den_col: list[float] = []
    n_col: list[bool] = []
    refs: list[tuple[str, ...]] = []
    onsets: dict[str, set[str]] = {}
    inheritance: dict[str, set[str]] = {}
    sexes: dict[str, set[str]] = {}
    unknown = 0
    with open_text(path) as f:
        for line in f:
            if line.startswith("#"):
                if line.startswith("#version:"):
                    version = line.split(":", 1)[1].strip()
                continue
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "database_id" or len(cols) < 11:
                continue
            did, name, qual, hpo, ref, _ev, onset, freq, sex, _mod, aspect = cols[:11]
            if did not in disease_rows:
                disease_rows[did] = len(diseases)
                diseases.append(Disease(did, name))
            tid, _how = ontology.resolve(hpo)
            if tid is None:
                unknown += 1
                continue
            if aspect == "I":
                inheritance.setdefault(did, set()).add(tid)
                continue
            if aspect == "C":
                onsets.setdefault(did, set()).add(tid)
                continue
            if aspect != "P":
                continue
            if onset:
                onsets.setdefault(did, set())
            if sex:
                sexes.setdefault(did, set()).add(sex.strip().lower())
            d_col.append(disease_rows[did])
            t_col.append(ontology.index(tid))
            f_col.append(parse_frequency(freq))
            m = _RATIO.match(freq.strip())
            num_col.append(float(m.group(1)) if m else float("nan"))
            den_col.append(float(m.group(2)) if m else float("nan"))
            n_col.append(qual.strip() == "NOT")
            refs.append(tuple(r.strip() for r in ref.split(";") if r.strip()))
    if not d_col:
        why = (f"its {unknown} annotation line(s) name no term of hp.obo {ontology.version}"
               if unknown else "no annotation line (tab-separated, 12 columns)")
        raise KnowledgeError(f"{path}: {why}; not an HPO phenotype.hpoa file for this hp.obo")
    table = AnnotationTable(
        disease=np.array(d_col, dtype=np.int32),
        term=np.array(t_col, dtype=np.int32),
        freq=np.array(f_col, dtype=np.float64),
        negated=np.array(n_col, dtype=bool),
        refs=refs,
        num=np.array(num_col, dtype=np.float64),
        den=np.array(den_col, dtype=np.float64),
    )
    course = {
        d.id: DiseaseCourse(
            frozenset(onsets.get(d.id, ())),
            frozenset(inheritance.get(d.id, ())),
            frozenset(sexes.get(d.id, ())),
        )
        for d in diseases
    }
    return HpoaContent(version, diseases, table, course, unknown)
