"""Cancer types: a small built-in OncoTree subset with synonyms, "is a" links and suggestions."""

from __future__ import annotations

import csv
import difflib
import io
import re
from importlib import resources

from raredx.therapy._model import CancerType

SOLID = "SOLID"


def _key(s: str) -> str:
    s = s.lower().replace("leukaemia", "leukemia").replace("tumour", "tumor")
    s = s.replace("'s", "s")
    return re.sub(r"[^a-z0-9+]+", " ", s).strip()


class CancerTypeError(ValueError):
    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        self.suggestions = suggestions
        super().__init__(message)


class OncoTree:
    """The built-in subset (``data/therapies/oncotree.tsv``)."""

    def __init__(self) -> None:
        text = resources.files("raredx.data").joinpath("therapies/oncotree.tsv").read_text("utf-8")
        rows = [r for r in csv.DictReader(
            io.StringIO("\n".join(l for l in text.splitlines() if not l.startswith("#"))),
            delimiter="\t")]
        self.types: dict[str, CancerType] = {}
        for r in rows:
            syn = tuple(s.strip() for s in (r["synonyms"] or "").split("|") if s.strip())
            self.types[r["code"]] = CancerType(r["code"], r["name"], r["parent"], r["solid"] == "1",
                                               syn)
        self._names: dict[str, str] = {}
        for t in self.types.values():
            for n in (t.code, t.name, *t.synonyms):
                n2 = re.sub(r"\s*\((?:NCIt|OncoTree)[^)]*\)", "", n)
                self._names.setdefault(_key(n2), t.code)

    def resolve(self, text: str) -> CancerType:
        """An OncoTree code, name or synonym -> the cancer type; raise with nearest names."""
        s = text.strip()
        if s.upper() in self.types and s.upper() not in ("TISSUE",):
            return self.types[s.upper()]
        if s.lower().startswith("oncotree:") and s[9:].upper() in self.types:
            return self.types[s[9:].upper()]
        k = _key(s)
        if k in self._names:
            return self.types[self._names[k]]
        close = difflib.get_close_matches(k, list(self._names), n=5, cutoff=0.6)
        words = set(k.split())
        if not close and words:
            close = [n for n in self._names if words & set(n.split()) - {"cancer", "tumor", "of",
                                                                         "the", "and", "nos"}][:5]
        sugg = tuple(dict.fromkeys(f"{self.types[self._names[c]].name} ({self._names[c]})"
                                   for c in close))
        raise CancerTypeError(f"unknown cancer type {text!r} (not an OncoTree code, name or "
                              "synonym in the built-in subset)", sugg)

    def ancestors(self, code: str) -> list[str]:
        out = []
        seen = set()
        c = self.types[code].parent if code in self.types else "."
        while c in self.types and c not in seen:
            out.append(c)
            seen.add(c)
            c = self.types[c].parent
        return out

    def is_a(self, code: str, other: str) -> bool:
        """``code`` equals or descends from ``other``; ``SOLID`` is any solid tumour."""
        if other == SOLID:
            return code in self.types and self.types[code].solid
        return code == other or other in self.ancestors(code)
