from __future__ import annotations

import enum
from dataclasses import dataclass, field

from raredx.model._ids import TermId


class Sex(enum.Enum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class IssueLevel(enum.Enum):
    """How serious an input problem is. ERROR means the record was not used."""

    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class InputIssue:
    """A problem found in the user's input: where it is, what it is, how to fix it."""

    level: IssueLevel
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level.value}: {self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Age:
    """An age in years (fractional); ``None`` fields mean unknown."""

    years: float

    @property
    def is_adult(self) -> bool:
        return self.years >= 16.0


@dataclass(frozen=True, slots=True)
class Patient:
    """What the engine needs to know about a patient, and nothing about file formats.

    ``present`` and ``excluded`` hold HPO terms already validated against the knowledge release
    (see :func:`raredx.engine.Engine.prepare`). ``publications`` are the PMIDs of the case report
    the patient comes from (used only by the leave-publication-out protocol).
    """

    id: str
    present: tuple[TermId, ...] = ()
    excluded: tuple[TermId, ...] = ()
    sex: Sex = Sex.UNKNOWN
    age: Age | None = None
    onset: TermId | None = None
    publications: tuple[str, ...] = ()
    issues: tuple = field(default=(), compare=False)
