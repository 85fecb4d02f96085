"""How likely each candidate is to show a feature, from the disease annotations.

P(f | candidate) = 1 - (1 - b) * prod over the candidate's annotations t that are f or below f
of (1 - q_t), with q_t the annotated frequency (or :data:`UNKNOWN_FREQUENCY`) and b a background
rate for features a disease is not annotated with; a NOT annotation of f or of an ancestor of f
sets it to :data:`NEGATED`. A pooled candidate (OMIM + Orphanet) keeps the largest frequency.
Terms that describe a candidate without a publication (named in its names, stated in Orphanet's
definitions; the engine's ``descriptive_terms``) count like annotations, as in the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from raredx.knowledge import PHENOTYPIC_ABNORMALITY, KnowledgeBase

BACKGROUND = 0.03
UNKNOWN_FREQUENCY = 0.5
NEGATED = 0.01
MAX_P = 0.97


@dataclass
class CandidateFeatures:
    """Per candidate (engine candidate index): annotation rows, terms and frequencies."""

    rows: list[np.ndarray]  # annotation row indices of each candidate
    phenotypic: np.ndarray  # bool per ontology term: under Phenotypic abnormality (not the root)
    _cache: dict = field(default_factory=dict, repr=False)
    # per candidate, terms known without a publication (names, Orphanet definitions) -> frequency
    descriptive: Callable[[int], dict[int, float]] | None = None
    # per candidate and left-out rows, the profile it borrows from its named series (closed over
    # ancestors; empty when it has annotations of its own): the engine's ``borrowed_terms``
    borrowed: Callable[[int, np.ndarray | None], dict[int, float]] | None = None

    @classmethod
    def build(cls, kb: KnowledgeBase, candidate_ids: list[str], candidates_for,
              descriptive: Callable[[int], dict[int, float]] | None = None,
              borrowed: Callable[[int, np.ndarray | None], dict[int, float]] | None = None,
              ) -> CandidateFeatures:
        n = len(candidate_ids)
        per: list[list[int]] = [[] for _ in range(n)]
        ann = kb.annotations
        by_disease: dict[int, list[int]] = {}
        for r, d in enumerate(ann.disease.tolist()):
            by_disease.setdefault(d, []).append(r)
        for d, rows in by_disease.items():
            for e in candidates_for(kb.diseases[d].id):
                per[e].extend(rows)
        o = kb.ontology
        root = o.index(PHENOTYPIC_ABNORMALITY)
        phen = np.array([o.is_descendant_of(i, root) and i != root for i in range(len(o))])
        return cls([np.array(sorted(set(r)), dtype=np.int64) for r in per], phen,
                   descriptive=descriptive, borrowed=borrowed)

    def _profile(
        self, kb: KnowledgeBase, e: int, left_out: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], np.ndarray]:
        """Features at or above candidate ``e``'s annotations with their summed log(1 - q), and
        its NOT-annotated terms; cached by the annotation rows actually left out."""
        rows = self.rows[e]
        gone = () if left_out is None or not len(left_out) else tuple(
            np.intersect1d(rows, left_out, assume_unique=True).tolist())
        key = (e, gone)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        ann, o = kb.annotations, kb.ontology
        skip = set(gone)
        best: dict[int, float] = {}
        neg: set[int] = set()
        for r in rows.tolist():
            if r in skip:
                continue
            t = int(ann.term[r])
            if not self.phenotypic[t]:
                continue
            if ann.negated[r]:
                neg.add(t)
                continue
            q = float(ann.freq[r])
            q = UNKNOWN_FREQUENCY if q != q else min(q, MAX_P)
            if q > best.get(t, -1.0):
                best[t] = q
        if self.descriptive is not None:  # as the engine's profile: the larger frequency wins
            for t, q in self.descriptive(e).items():
                q = min(q, MAX_P)
                if self.phenotypic[t] and q > best.get(t, -1.0):
                    best[t] = q
        if self.borrowed is not None:
            # with no annotation left, the series' mean profile, as the engine has it; its
            # leaves only, since the sum below carries each term up to its ancestors
            lent = {t: q for t, q in self.borrowed(e, left_out).items() if self.phenotypic[t]}
            for t in o.most_specific(lent):
                if lent[t] > best.get(t, -1.0):
                    best[t] = min(lent[t], MAX_P)
        acc: dict[int, float] = {}
        for t, q in best.items():
            lq = float(np.log1p(-q))
            for a in o.ancestors(t).tolist():
                if self.phenotypic[a]:
                    acc[a] = acc.get(a, 0.0) + lq
        feats = np.fromiter(acc.keys(), dtype=np.int64, count=len(acc))
        vals = np.fromiter(acc.values(), dtype=float, count=len(acc))
        out = (feats, vals, tuple(sorted(neg)), np.array(sorted(best), dtype=np.int64))
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[key] = out
        return out

    def probabilities(
        self, kb: KnowledgeBase, candidates: list[int], left_out: np.ndarray | None = None,
        annotated_only: bool = False,
    ) -> tuple[list[int], np.ndarray]:
        """Features (ontology indices) and P(feature present | candidate), ``F x len(candidates)``.

        Features are every phenotypic term at or above a term annotated to one of the
        ``candidates`` (``annotated_only``: only terms annotated to one of them); annotation rows
        in ``left_out`` are ignored (leave-publication-out).
        """
        k = len(candidates)
        profiles = [self._profile(kb, e, left_out) for e in candidates]
        if not any(len(pr[0]) for pr in profiles):
            return [], np.zeros((0, k))
        all_f = np.concatenate([pr[0] for pr in profiles])
        cols = np.concatenate([np.full(len(pr[0]), j) for j, pr in enumerate(profiles)])
        vals = np.concatenate([pr[1] for pr in profiles])
        feats, inv = np.unique(all_f, return_inverse=True)
        lm = np.zeros((len(feats), k))
        np.add.at(lm, (inv, cols), vals)
        p = np.minimum(1.0 - (1.0 - BACKGROUND) * np.exp(lm), MAX_P)
        for j, (_, _, neg, _) in enumerate(profiles):
            for t in neg:  # NOT t: t and everything below it is (nearly) never present
                p[np.isin(feats, self._descendants(kb, t)), j] = NEGATED
        if annotated_only:  # only features some candidate is annotated with (no pure ancestors)
            direct = np.unique(np.concatenate([pr[3] for pr in profiles]))
            keep = np.isin(feats, direct)
            feats, p = feats[keep], p[keep]
        return feats.tolist(), p

    def direct_terms(
        self, kb: KnowledgeBase, candidates: list[int], left_out: np.ndarray | None = None
    ) -> np.ndarray:
        """Terms annotated (not NOT, not left out) to at least one of ``candidates``."""
        parts = [self._profile(kb, e, left_out)[3] for e in candidates]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def _descendants(self, kb: KnowledgeBase, t: int) -> np.ndarray:
        key = ("desc", t)
        hit = self._cache.get(key)
        if hit is None:
            o = kb.ontology
            seen = {t}
            stack = [t]
            while stack:
                for c in o.children(stack.pop()):
                    if c not in seen:
                        seen.add(c)
                        stack.append(c)
            hit = self._cache[key] = np.array(sorted(seen), dtype=np.int64)
        return hit
