from __future__ import annotations

import re
from dataclasses import dataclass

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*):([A-Za-z0-9_.-]+)$")
_HP = re.compile(r"^HP:\d{7}$")


@dataclass(frozen=True, order=True, slots=True)
class _Curie:
    """An identifier in CURIE form (``PREFIX:ID``), validated on construction."""

    value: str

    def __post_init__(self) -> None:
        if not _CURIE.match(self.value):
            raise ValueError(f"not a CURIE (PREFIX:ID): {self.value!r}")

    @property
    def prefix(self) -> str:
        return self.value.split(":", 1)[0]

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, order=True, slots=True)
class TermId(_Curie):
    """An ontology term identifier in CURIE form, e.g. ``HP:0001166``.

    >>> TermId("HP:0001166").prefix
    'HP'
    """


@dataclass(frozen=True, order=True, slots=True)
class DiseaseId(_Curie):
    """A disease identifier: ``OMIM:154700``, ``ORPHA:558``, ``DECIPHER:1``."""


def parse_term_id(text: str) -> TermId:
    """Parse an HPO id leniently (``HP:0001166``, ``hp_0001166``, ``0001166``).

    >>> parse_term_id("hp_0001166").value
    'HP:0001166'
    """
    s = text.strip()
    m = re.match(r"^(?:hp[:_])?(\d{1,7})$", s, flags=re.IGNORECASE)
    if m:
        return TermId(f"HP:{int(m.group(1)):07d}")
    if not _HP.match(s):
        raise ValueError(f"not an HPO term id (expected HP:NNNNNNN): {text!r}")
    return TermId(s)
