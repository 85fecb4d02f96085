from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from raredx.knowledge._annotations import AnnotationTable, Disease, DiseaseCourse
from raredx.knowledge._ontology import Ontology

CACHE_FORMAT = 13  # bump when a cached structure changes shape or how it is computed


@dataclass(frozen=True, slots=True)
class KnowledgeVersions:
    """Which knowledge a result was computed with (carried by every result)."""

    hpo: str
    annotations: str
    orphanet: str = ""
    sha256: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "hpo": self.hpo,
            "annotations": self.annotations,
            "orphanet": self.orphanet,
            "files_sha256": dict(self.sha256),
        }


@dataclass
class KnowledgeBase:
    """Everything the engine knows, parsed from one release. Picklable; cached per release."""

    versions: KnowledgeVersions
    ontology: Ontology
    diseases: list[Disease]
    annotations: AnnotationTable
    course: dict[str, DiseaseCourse]
    # disease id -> equivalent ids (OMIM <-> ORPHA exact mappings, both directions)
    equivalents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # ORPHA id -> cross-references (ICD-10:…, ICD-11:…, MONDO:…, OMIM:…)
    orphanet_xrefs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    orphanet_labels: dict[str, str] = field(default_factory=dict)
    orphanet_synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ORPHA -> names
    # ORPHA id -> Orphanet's textual definition (product1 "Definition" section), plain text
    orphanet_definitions: dict[str, str] = field(default_factory=dict)
    # OMIM id -> broader Orphanet entries (groups such as "Retinitis pigmentosa")
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # disease id -> other diseases of the same gene(s) (allelic), when a gene file is given
    allelic: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _disease_index: dict[str, int] = field(default_factory=dict, repr=False)

    def disease_index(self, disease_id: str) -> int | None:
        if not self._disease_index:
            self._disease_index = {d.id: i for i, d in enumerate(self.diseases)}
        return self._disease_index.get(disease_id)

    def disease_label(self, disease_id: str) -> str:
        """The disease's name in this release ("" for an id it does not know)."""
        i = self.disease_index(disease_id)
        return self.diseases[i].label if i is not None else ""


def cache_root() -> Path:
    """Where per-release indexes are cached: ``$RAREDX_CACHE`` or the user's cache directory."""
    env = os.environ.get("RAREDX_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "raredx"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cached(key: str, name: str, build: Callable[[], Any]) -> Any:
    """Return the object cached under ``key/name``, building and storing it on a miss.

    ``key`` identifies the release (checksums of its files); a corrupt cache entry is rebuilt.
    """
    path = cache_root() / key / f"{name}.v{CACHE_FORMAT}.pkl"
    if path.exists():
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except Exception:  # corrupt or from an incompatible version: rebuild
            pass
    obj = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with open(tmp, "wb") as f:
        pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return obj
