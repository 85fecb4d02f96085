"""Benchmark cases: phenopackets with a known diagnosis, read once from a directory or a zip.

The *benchmark* reads the answer (``interpretations[].diagnosis.disease.id``, else
``diseases[].term.id``); the patient is built by :func:`raredx.io.patient_from_phenopacket`,
which never looks at it. Every file that cannot be used becomes a :class:`CaseFailure`.
"""

from __future__ import annotations

import contextlib
import json
import random
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raredx.errors import InputError
from raredx.io import patient_from_phenopacket
from raredx.knowledge import Ontology
from raredx.model import Patient

__all__ = ["Case", "CaseFailure", "CaseSet", "load_cases", "truth_of"]


@dataclass(frozen=True, slots=True)
class Case:
    """One benchmark case: where it came from, the patient, and the true disease id(s)."""

    source: str  # file path, or ``archive.zip:member``
    patient: Patient
    truth: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CaseFailure:
    """A file that could not be used as a case, and why."""

    source: str
    message: str


@dataclass(frozen=True, slots=True)
class CaseSet:
    """The cases read from one path, the files that failed, and how the subset was drawn."""

    path: str
    cases: tuple[Case, ...]
    failures: tuple[CaseFailure, ...]
    n_files: int  # phenopacket files found (before --sample/--limit)
    selection: str  # e.g. "all", "random sample of 500 (seed 1)", "first 10"


def truth_of(data: Any) -> tuple[str, ...]:
    """The diagnosed disease ids of a phenopacket (interpretations first, then diseases).

    >>> truth_of({"interpretations": [{"diagnosis": {"disease": {"id": "OMIM:154700"}}}]})
    ('OMIM:154700',)
    >>> truth_of({"diseases": [{"term": {"id": "ORPHA:558"}}]})
    ('ORPHA:558',)
    """
    if not isinstance(data, dict):
        return ()
    out: dict[str, None] = {}
    for itp in data.get("interpretations") or []:
        if not isinstance(itp, dict):
            continue
        dis = (itp.get("diagnosis") or {}).get("disease") if isinstance(
            itp.get("diagnosis"), dict) else None
        if isinstance(dis, dict) and isinstance(dis.get("id"), str) and dis["id"].strip():
            out[dis["id"].strip()] = None
    if not out:
        for d in data.get("diseases") or []:
            term = d.get("term") if isinstance(d, dict) else None
            if (isinstance(term, dict) and isinstance(term.get("id"), str)
                    and term["id"].strip() and not d.get("excluded", False)):
                out[term["id"].strip()] = None
    return tuple(out)


@contextlib.contextmanager
def _members(path: Path) -> Iterator[tuple[list[str], Callable[[str], bytes]]]:
    """The phenopacket file names under ``path`` (sorted) and a reader ``name -> bytes``."""
    if path.is_dir():
        files = sorted(str(p) for p in path.rglob("*.json") if p.is_file())
        yield files, lambda name: Path(name).read_bytes()
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = sorted(
                n for n in zf.namelist()
                if n.lower().endswith(".json") and not n.endswith("/")
                and not Path(n).name.startswith("._")  # macOS resource forks
            )
            prefix = len(str(path)) + 1
            yield [f"{path}:{n}" for n in names], lambda name: zf.read(name[prefix:])
    elif path.is_file():
        yield [str(path)], lambda name: Path(name).read_bytes()
    else:
        raise FileNotFoundError(f"{path}: no such directory, zip archive or file")


def _relative(path: Path, name: str) -> str:
    """A file's name as ``select`` sees it: zip member, or path relative to the directory."""
    root = str(path)
    if name.startswith(root + ":"):
        return name[len(root) + 1:]
    if path.is_dir():
        return Path(name).relative_to(path).as_posix()
    return Path(name).name


def _select(names: list[str], limit: int | None, sample: int | None,
            seed: int) -> tuple[list[str], str]:
    how = "all"
    if sample is not None and sample < len(names):
        names = sorted(random.Random(seed).sample(names, sample))
        how = f"random sample of {sample} (seed {seed})"
    if limit is not None and limit < len(names):
        names = names[:limit]
        how = f"first {limit}" if how == "all" else f"{how}, first {limit}"
    return names, how


def _read(source: str, raw: bytes, ontology: Ontology) -> Case | CaseFailure:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return CaseFailure(source, f"not UTF-8 text: {exc.reason}")
    except json.JSONDecodeError as exc:
        return CaseFailure(
            source, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
    truth = truth_of(data)
    try:
        patient = patient_from_phenopacket(data, ontology, source)
    except InputError as exc:
        msg = str(exc)
        if msg.startswith(f"{source}: "):
            msg = msg[len(source) + 2:]
        return CaseFailure(source, msg)
    if not truth:
        return CaseFailure(
            source, "no known diagnosis (neither interpretations[].diagnosis.disease.id nor "
            "diseases[].term.id): cannot be benchmarked")
    return Case(source, patient, truth)


def _iter_cases(names: list[str], read: Callable[[str], bytes], ontology: Ontology) -> Iterator[Case | CaseFailure]:
    for name in names:
        try:
            raw = read(name)
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            yield CaseFailure(name, f"cannot read file: {exc}")
            continue
        yield _read(name, raw, ontology)


def load_cases(
    path: Path | str,
    ontology: Ontology,
    *,
    limit: int | None = None,
    sample: int | None = None,
    seed: int = 0,
    select: Callable[[str], bool] | None = None,
) -> CaseSet:
    """Read every phenopacket (``*.json``) under a directory (recursively), in a zip, or one file.

    ``select(name)`` first keeps the files it accepts, ``name`` being the member name in a zip
    (``"GENE/phenopackets/x.json"``) or the path relative to a directory (e.g. to benchmark
    one cohort-level split). ``sample`` then draws a reproducible random subset (by ``seed``)
    of the sorted file names before anything is parsed; ``limit`` keeps the first ``limit``.
    ``n_files`` counts the files before any of these. Raises ``FileNotFoundError`` when ``path``
    is neither a directory, a zip nor a file.
    """
    path = Path(path)
    cases: list[Case] = []
    failures: list[CaseFailure] = []
    with _members(path) as (names, read):
        n_files = len(names)
        if select is not None:
            names = [n for n in names if select(_relative(path, n))]
        chosen, how = _select(names, limit, sample, seed)
        if select is not None:
            how = f"{len(names)} selected, {how}" if how != "all" else f"{len(names)} selected"
        for item in _iter_cases(chosen, read, ontology):
            if isinstance(item, Case):
                cases.append(item)
            else:
                failures.append(item)
    return CaseSet(str(path), tuple(cases), tuple(failures), n_files, how)
