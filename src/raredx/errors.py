"""The one small exception tree of raredx.

Problems in a user's *input* are not exceptions: they are collected as
:class:`raredx.model.InputIssue` items and a policy decides whether to go on. Exceptions are for
real failures: knowledge that cannot be found or is corrupt, or an input that cannot be read at all.
"""

from __future__ import annotations

__all__ = ["RaredxError", "KnowledgeError", "InputError"]


class RaredxError(Exception):
    """Base class of every error raised by raredx."""


class KnowledgeError(RaredxError):
    """The knowledge release is missing, incomplete, corrupt or fails its checksum."""


class InputError(RaredxError):
    """An input cannot be used at all (unreadable file, not a phenopacket, no usable feature).

    ``where`` names the file (and field) the problem is in; ``issues`` lists every problem found.
    """

    def __init__(self, message: str, where: str = "", issues: tuple = ()) -> None:
        self.where = where
        self.issues = issues
        super().__init__(f"{where}: {message}" if where else message)
