"""Typo-tolerant HPO term search for autocompletion (labels and synonyms, per release).

Every label and synonym is normalised (lower case, letters and digits) and cut into padded
character trigrams; an inverted index maps each trigram to the names holding it. A query's
trigrams are counted against it in one vectorised pass; a name's score is the share of the
query's trigrams it holds (typos cost a few trigrams, not the match), with bonuses for a whole
word or a word prefix, and a preference for labels over synonyms and for shorter names. The last
query word is not padded at its end so that a word being typed matches as a prefix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_HP_ID = re.compile(r"^\s*hp[:_ ]?(\d{1,7})\s*$", re.IGNORECASE)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def _trigrams(text: str, open_end: bool = False) -> list[str]:
    grams: list[str] = []
    words = text.split()
    for k, w in enumerate(words):
        padded = f" {w}" if open_end and k == len(words) - 1 else f" {w} "
        if len(padded) < 3:
            padded = padded + " "
        grams.extend(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


@dataclass(frozen=True)
class TermHit:
    id: str
    label: str
    matched: str | None  # the synonym that matched, when it was not the label
    score: float


class TermSearch:
    """Search index over one ontology's phenotype terms (built once per release)."""

    def __init__(self, entries: list[tuple[str, str, str, bool]]) -> None:
        # entries: (term id, term label, name, is_label)
        self._term = [e[0] for e in entries]
        self._label = [e[1] for e in entries]
        self._name = [e[2] for e in entries]
        self._is_label = np.array([e[3] for e in entries], dtype=bool)
        self._norm = [normalise(e[2]) for e in entries]
        self._len = np.array([max(1, len(n)) for n in self._norm], dtype=np.float64)
        postings: dict[str, list[int]] = {}
        for i, n in enumerate(self._norm):
            for g in set(_trigrams(n)):
                postings.setdefault(g, []).append(i)
        self._postings = {g: np.array(v, dtype=np.int32) for g, v in postings.items()}
        self._labels_by_id = {e[0]: e[1] for e in entries if e[3]}

    @classmethod
    def from_ontology(cls, ontology, root: str) -> TermSearch:  # type: ignore[no-untyped-def]
        r = ontology.index(root)
        entries: list[tuple[str, str, str, bool]] = []
        for i, t in enumerate(ontology.terms):
            if i == r or not ontology.is_descendant_of(i, r):
                continue
            entries.append((t.id, t.label, t.label, True))
            seen = {normalise(t.label)}
            for s in t.synonyms:
                if normalise(s) not in seen:
                    seen.add(normalise(s))
                    entries.append((t.id, t.label, s, False))
        return cls(entries)

    def __len__(self) -> int:
        return len(self._labels_by_id)

    def search(self, query: str, limit: int = 10) -> list[TermHit]:
        m = _HP_ID.match(query)
        if m:
            tid = f"HP:{int(m.group(1)):07d}"
            lab = self._labels_by_id.get(tid)
            return [TermHit(tid, lab, None, 1.0)] if lab else []
        q = normalise(query)
        if len(q) < 2:
            return []
        grams = _trigrams(q, open_end=True)
        hits = [self._postings[g] for g in grams if g in self._postings]
        if not hits:
            return []
        counts = np.bincount(np.concatenate(hits), minlength=len(self._norm)).astype(np.float64)
        cand = np.nonzero(counts >= max(1.0, 0.45 * len(grams)))[0]
        if len(cand) == 0:
            return []
        score = counts[cand] / len(grams)
        # prefer names about as long as the query, labels, whole-word and prefix matches
        score -= 0.002 * np.abs(self._len[cand] - len(q)) / 10
        score += 0.05 * self._is_label[cand]
        words = q.split()
        bonus = np.zeros(len(cand))
        for k, i in enumerate(cand.tolist()):
            n = self._norm[i]
            if n == q:
                bonus[k] += 1.0
            elif n.startswith(q):
                bonus[k] += 0.5
            elif all(any(w2.startswith(w) for w2 in n.split()) for w in words):
                bonus[k] += 0.3
        score += bonus
        order = np.argsort(-score, kind="stable")
        out: list[TermHit] = []
        seen: set[str] = set()
        for k in order.tolist():
            i = int(cand[k])
            tid = self._term[i]
            if tid in seen:
                continue
            seen.add(tid)
            out.append(TermHit(tid, self._label[i], None if self._is_label[i] else self._name[i],
                               round(float(score[k]), 3)))
            if len(out) >= limit:
                break
        return out
