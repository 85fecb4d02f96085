from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


class Aspect(enum.Enum):
    PHENOTYPE = "P"
    INHERITANCE = "I"
    CLINICAL_COURSE = "C"
    MODIFIER = "M"


class Disease(NamedTuple):
    """A disease entry of the knowledge release (OMIM, ORPHA or DECIPHER); a named tuple,
    cheap to unpickle."""

    id: str
    label: str
    xrefs: tuple[str, ...] = ()


@dataclass
class AnnotationTable:
    """Disease–phenotype annotations (the P aspect of phenotype.hpoa) as parallel arrays.

    Row *r*: disease ``disease[r]`` (index into ``diseases``), term ``term[r]`` (index into the
    ontology), ``freq[r]`` in [0, 1] or NaN when unknown, ``negated[r]`` for NOT annotations,
    ``refs[r]`` the references it cites (PMID:…, OMIM:…, ORPHA:…).
    """

    disease: np.ndarray
    term: np.ndarray
    freq: np.ndarray
    negated: np.ndarray
    refs: list[tuple[str, ...]]
    # for "n/m" frequencies, the counts (NaN otherwise): pooled across publications when scoring
    num: np.ndarray = field(default_factory=lambda: np.zeros(0))
    den: np.ndarray = field(default_factory=lambda: np.zeros(0))
    _by_ref: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.disease)

    def rows_citing(self, references: set[str] | frozenset[str]) -> np.ndarray:
        """Row indices of annotations that cite any of ``references`` (e.g. ``PMID:123``)."""
        if not self._by_ref:
            tmp: dict[str, list[int]] = {}
            for r, rs in enumerate(self.refs):
                for ref in rs:
                    tmp.setdefault(ref, []).append(r)
            self._by_ref = {k: np.array(v, dtype=np.int64) for k, v in tmp.items()}
        parts = [self._by_ref[x] for x in references if x in self._by_ref]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts))


@dataclass(frozen=True, slots=True)
class DiseaseCourse:
    """Onset, inheritance and sex restriction of one disease, pooled from HPO and Orphanet."""

    onsets: frozenset[str] = frozenset()  # HPO onset term ids
    inheritance: frozenset[str] = frozenset()  # HPO inheritance term ids
    sexes: frozenset[str] = frozenset()  # "male"/"female" when a feature is restricted
