from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

PHENOTYPIC_ABNORMALITY = "HP:0000118"
ONSET_ROOT = "HP:0003674"
INHERITANCE_ROOT = "HP:0000005"
FREQUENCY_ROOT = "HP:0040279"


class Term(NamedTuple):
    """An ontology term (a named tuple: ~20k of them are unpickled at every start)."""

    id: str
    label: str
    synonyms: tuple[str, ...] = ()
    definition: str = ""


@dataclass
class Ontology:
    """The HPO as arrays: term *i* has id ``ids[i]`` and parents ``parents[i]``.

    Obsolete terms are not nodes; ``replaced_by`` maps them (and ``alt_ids``) to current ids.
    Built by :func:`raredx.io.read_obo`; picklable, cached per release.
    """

    version: str
    ids: list[str]
    terms: list[Term]
    parents: list[tuple[int, ...]]
    alt_ids: dict[str, str] = field(default_factory=dict)
    replaced_by: dict[str, str] = field(default_factory=dict)
    obsolete: set[str] = field(default_factory=set)
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    # ancestors of term i (itself included, sorted): _anc_flat[_anc_ptr[i]:_anc_ptr[i + 1]]
    _anc_flat: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32), repr=False)
    _anc_ptr: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    _children: list[list[int]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if not self._index:
            self._index = {t: i for i, t in enumerate(self.ids)}
        if len(self._anc_ptr) == 0:
            anc = self._compute_ancestors()
            self._anc_ptr = np.concatenate([[0], np.cumsum([len(a) for a in anc])]).astype(np.int64)
            self._anc_flat = (np.concatenate(anc) if anc else np.zeros(0)).astype(np.int32)
        if not self._children:
            ch: list[list[int]] = [[] for _ in self.ids]
            for i, ps in enumerate(self.parents):
                for p in ps:
                    ch[p].append(i)
            self._children = ch

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, term_id: str) -> bool:
        return term_id in self._index

    def index(self, term_id: str) -> int:
        return self._index[term_id]

    def get_index(self, term_id: str) -> int | None:
        return self._index.get(term_id)

    def label(self, term_id: str) -> str:
        i = self._index.get(term_id)
        return self.terms[i].label if i is not None else term_id

    def resolve(self, term_id: str) -> tuple[str | None, str]:
        """Map an id to the current primary id. Returns ``(id or None, how)``.

        ``how`` is ``"current"``, ``"alternative"`` (an alt_id), ``"obsolete"`` (replaced) or
        ``"unknown"``/``"obsolete-no-replacement"`` (then the id is ``None``).
        """
        if term_id in self._index:
            return term_id, "current"
        if term_id in self.alt_ids:
            return self.alt_ids[term_id], "alternative"
        if term_id in self.replaced_by:
            return self.replaced_by[term_id], "obsolete"
        if term_id in self.obsolete:
            return None, "obsolete-no-replacement"
        return None, "unknown"

    def ancestors(self, i: int) -> np.ndarray:
        """Indices of the ancestors of term *i*, itself included (sorted)."""
        return self._anc_flat[self._anc_ptr[i] : self._anc_ptr[i + 1]]

    def descendants(self, i: int) -> np.ndarray:
        """Indices of the descendants of term *i*, itself included (sorted)."""
        inv = self.__dict__.get("_desc")
        if inv is None:  # the ancestor lists inverted once, on first use
            node = np.repeat(np.arange(len(self.ids), dtype=np.int32), np.diff(self._anc_ptr))
            order = np.lexsort((node, self._anc_flat))
            ptr = np.zeros(len(self.ids) + 1, dtype=np.int64)
            np.cumsum(np.bincount(self._anc_flat, minlength=len(self.ids)), out=ptr[1:])
            inv = self.__dict__["_desc"] = (node[order], ptr)
        flat, ptr = inv
        return flat[ptr[i] : ptr[i + 1]]

    def children(self, i: int) -> list[int]:
        return self._children[i]

    def is_descendant_of(self, i: int, ancestor: int) -> bool:
        a = self.ancestors(i)
        k = np.searchsorted(a, ancestor)
        return bool(k < len(a) and a[k] == ancestor)

    def most_specific(self, terms) -> set[int]:
        """The terms (indices) of ``terms`` that have no descendant among them."""
        found = set(terms)
        inner = {a for t in found for a in self.ancestors(t).tolist() if a != t}
        return found - inner

    def descendants_mask(self, root: str) -> np.ndarray:
        r = self._index[root]
        return np.array([self.is_descendant_of(i, r) for i in range(len(self.ids))], dtype=bool)

    def _compute_ancestors(self) -> list[np.ndarray]:
        n = len(self.ids)
        memo: list[np.ndarray | None] = [None] * n
        # iterative DFS post-order so deep hierarchies do not hit the recursion limit
        for start in range(n):
            if memo[start] is not None:
                continue
            stack = [(start, False)]
            while stack:
                node, done = stack.pop()
                if memo[node] is not None:
                    continue
                if done:
                    acc = {node}
                    for p in self.parents[node]:
                        acc.update(memo[p].tolist())  # type: ignore[union-attr]
                    memo[node] = np.array(sorted(acc), dtype=np.int32)
                else:
                    stack.append((node, True))
                    stack.extend((p, False) for p in self.parents[node] if memo[p] is None)
        return memo  # type: ignore[return-value]
