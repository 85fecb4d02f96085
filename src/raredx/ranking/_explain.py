"""Explanations as data: which annotation each query term met, how, and what it weighed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from raredx.knowledge import PHENOTYPIC_ABNORMALITY, KnowledgeBase
from raredx.ranking._results import AnnotationSource, MatchKind, TermEvidence
from raredx.scoring import (
    PhenotypeIndex,
    PhenotypeScores,
    kept_rows,
    series_borrowing,
    term_frequencies,
)


def _rows(kb: KnowledgeBase, diseases: set[int], left_out: np.ndarray | None,
          rows_of: Callable[[set[int]], dict[int, np.ndarray]] | None) -> np.ndarray:
    """Sorted annotation rows of ``diseases`` (via ``rows_of``, the scorer's index, or a search
    of the whole table), left-out rows removed."""
    ann = kb.annotations
    if rows_of is not None:
        parts = list(rows_of(diseases).values())
        r = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
    else:
        r = np.flatnonzero(np.isin(ann.disease, np.fromiter(diseases, dtype=ann.disease.dtype)))
    if left_out is not None and len(left_out):
        r = np.setdiff1d(r, left_out)
    return r


def _kept(kb: KnowledgeBase, left_out: np.ndarray | None,
          rows_of: Callable[[set[int]], dict[int, np.ndarray]] | None
          ) -> Callable[[set[int]], dict[int, np.ndarray]]:
    """Disease indices -> their annotation rows (``rows_of``, or a search of the whole table),
    ``left_out`` rows removed."""
    disease = kb.annotations.disease
    return kept_rows(rows_of or (lambda ds: {d: np.flatnonzero(disease == d) for d in ds}),
                     left_out)


def entity_annotations(
    kb: KnowledgeBase, index: PhenotypeIndex, e: int, left_out: np.ndarray | None,
    rows_of: Callable[[set[int]], dict[int, np.ndarray]] | None = None,
    own: np.ndarray | None = None,
    sources: dict[int, AnnotationSource] | None = None,
    series: dict[int, float] | None = None,
) -> tuple[dict[int, float], set[int]]:
    """The pooled annotated terms (term -> frequency) and NOT-terms of entity ``e``.

    ``rows_of`` maps disease indices to their annotation rows (the scorer's index); without it
    the whole table is searched. ``own``: the entity's own rows, if the caller has them.
    ``sources``, if given, receives the source of every term that is not the entity's own
    annotation (a related disease's, its name's, its Orphanet definition's)."""
    ann = kb.annotations
    if own is None:
        own = _rows(kb, set(index.entity_members[e]), left_out, rows_of)
    out, neg = term_frequencies(ann, own.tolist(), index.default_frequency, index.prior,
                                index.zero_not)
    # as in the profile: with no annotation of its own, the related diseases' (discounted)
    if not out and index.related and index.related_weight > 0 and index.related[e]:
        rel, _ = term_frequencies(ann, _rows(kb, set(index.related[e]), left_out, rows_of).tolist(),
                                  index.default_frequency, index.prior, index.zero_not)
        out = {t: f * index.related_weight for t, f in rel.items()}
        if sources is not None:
            sources.update(dict.fromkeys(out, AnnotationSource.RELATED_DISEASE))
    definition = index.definition_sources[e] if index.definition_sources else {}
    for t, f in (index.name_terms[e] if index.name_terms else {}).items():
        if out.get(t, -1.0) < f:
            out[t] = f
            if sources is not None:
                sources[t] = AnnotationSource(definition.get(t, "disease-name"))
    # with none of its own, its named series' mean profile too (``series``: if the caller has it)
    if series is None:
        series = series_borrowing(kb, index, e, _kept(kb, left_out, rows_of))[1]
    for t, f in series.items():
        if out.get(t, -1.0) < f:
            out[t] = f
            if sources is not None:
                sources[t] = AnnotationSource.RELATED_DISEASE
    return out, neg


def _observed(kb: KnowledgeBase, own: np.ndarray) -> dict[int, tuple[int, int]]:
    """Pooled "n of m" counts per annotated term among an entity's ``own`` rows (those that give
    counts)."""
    ann = kb.annotations
    if not len(ann.den) or not len(own):
        return {}
    r = own[~ann.negated[own] & ~np.isnan(ann.den[own])]
    out: dict[int, list[int]] = {}
    for t, n, m in zip(ann.term[r].tolist(), ann.num[r].tolist(), ann.den[r].tolist()):
        acc = out.setdefault(t, [0, 0])
        acc[0] += int(n)
        acc[1] += int(m)
    return {t: (n, m) for t, (n, m) in out.items()}


def _closure(onto, annotated: dict[int, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every term with annotated descendants (itself included), sorted: the best
    (frequency, annotated term). Ties: the term itself, then the smaller term index."""
    if not annotated:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0), empty
    ts = np.fromiter(annotated.keys(), dtype=np.int64, count=len(annotated))
    fs = np.fromiter(annotated.values(), dtype=np.float64, count=len(annotated))
    ptr, flat = onto._anc_ptr, onto._anc_flat
    starts, lens = ptr[ts], ptr[ts + 1] - ptr[ts]
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
    anc = flat[offsets + np.arange(int(lens.sum()))].astype(np.int64)
    owner_t, owner_f = np.repeat(ts, lens), np.repeat(fs, lens)
    order = np.lexsort((owner_t, owner_t != anc, -owner_f, anc))
    anc, owner_t, owner_f = anc[order], owner_t[order], owner_f[order]
    first = np.ones(len(anc), dtype=bool)
    first[1:] = anc[1:] != anc[:-1]
    return anc[first], owner_f[first], owner_t[first]


_EMPTY_I = np.zeros(0, dtype=np.int64)


def _member(a: np.ndarray, sorted_b: np.ndarray) -> np.ndarray:
    """``np.isin(a, sorted_b)`` for a sorted ``sorted_b`` (cheaper for the small arrays here)."""
    if not len(sorted_b):
        return np.zeros(a.shape, dtype=bool)
    i = np.searchsorted(sorted_b, a)
    i[i >= len(sorted_b)] = 0
    return sorted_b[i] == a


@dataclass(frozen=True, slots=True)
class CandidateProfile:
    """The static part of explaining one candidate (it depends on the candidate alone, not on
    the patient): computed once per candidate and kept by :class:`Explainer`."""

    negated: np.ndarray  # sorted term indices the candidate is annotated NOT to have
    anc: np.ndarray  # sorted: every term with annotated descendants (itself included)
    freq: np.ndarray  # its best annotated frequency (see :func:`_closure`)
    weight: np.ndarray  # freq ** frequency_exponent (as the model weighs it)
    term: np.ndarray  # the annotated term giving that frequency
    observed: dict[int, tuple[int, int]]  # "n of m" counts per annotated term
    rows: np.ndarray  # the annotation rows the profile was pooled from (own, or borrowed)
    sources: dict[int, AnnotationSource]  # annotated terms that are not the entity's own


class Explainer:
    """Explains candidates of one phenotype index, many at once.

    The per-candidate part (pooled annotations, their closure over ancestors, counts) is cached
    per candidate (at most ``cache_size``, oldest out first) and reused under leave-publication-
    out when none of its rows are left out. The per-patient part (the query terms' ancestors,
    specificity weights) is computed once per call, and matching is vectorised over the
    candidates and terms. The result is exactly that of the term-by-term rule written out in
    :meth:`explain`'s docstring (tests and a check on dev cases compare them)."""

    def __init__(
        self, kb: KnowledgeBase, index: PhenotypeIndex, specificity_exponent: float,
        frequency_exponent: float = 1.0,
        rows_of: Callable[[set[int]], dict[int, np.ndarray]] | None = None,
        cache_size: int = 4096,
    ) -> None:
        self.kb, self.index = kb, index
        self.specificity_exponent = specificity_exponent
        self.frequency_exponent = frequency_exponent
        self.rows_of = rows_of
        self.cache_size = cache_size
        onto = kb.ontology
        self._roots = np.array(sorted(i for i in (onto.get_index("HP:0000001"),
                                                 onto.get_index(PHENOTYPIC_ABNORMALITY))
                                      if i is not None), dtype=np.int64)
        self._cache: dict[int, CandidateProfile] = {}
        self._lock = threading.Lock()

    # -- the candidate's part ----------------------------------------------------------------
    def _compute(self, e: int, left_out: np.ndarray | None) -> CandidateProfile:
        kb, index, onto = self.kb, self.index, self.kb.ontology
        own = _rows(kb, set(index.entity_members[e]), left_out, self.rows_of)
        sources: dict[int, AnnotationSource] = {}
        _, series, series_rows = series_borrowing(kb, index, e, _kept(kb, left_out, self.rows_of))
        annotated, negated = entity_annotations(kb, index, e, left_out, self.rows_of, own,
                                                sources, series)
        rows = own
        if index.related and index.related_weight > 0 and index.related[e]:
            # the profile may be borrowed from related diseases (see entity_annotations): their
            # rows count as used too
            rows = np.union1d(own, _rows(kb, set(index.related[e]), left_out, self.rows_of))
        if len(series_rows):  # ... or from its named series: the siblings' rows count too
            rows = np.union1d(rows, series_rows)
        anc, freq, term = _closure(onto, annotated)
        fe = self.frequency_exponent
        weight = np.array([f**fe for f in freq.tolist()], dtype=np.float64)
        neg = np.array(sorted(negated), dtype=np.int32)
        i32 = np.int32  # term and row indices (half the memory when every profile is kept)
        return CandidateProfile(neg, anc.astype(i32), freq, weight, term.astype(i32),
                                _observed(kb, own), rows.astype(i32), sources)

    def profile(self, e: int, left_out: np.ndarray | None = None) -> CandidateProfile:
        """Candidate ``e``'s profile, without the ``left_out`` annotation rows."""
        hit = self._cache.get(e)
        if hit is None:
            hit = self._compute(e, None)
            with self._lock:
                self._cache[e] = hit
                while len(self._cache) > self.cache_size:  # oldest first out
                    self._cache.pop(next(iter(self._cache)))
        if left_out is not None and len(left_out) and len(hit.rows) and _member(
                hit.rows, np.unique(left_out)).any():
            return self._compute(e, left_out)
        return hit

    def preload(self) -> None:
        """Compute and keep every candidate's profile now (a server's start-up: about 3 s and
        60 MB for the 10,806 candidates of the default release), so that no request pays
        for a candidate seen for the first time."""
        n = self.index.n_entities
        self.cache_size = max(self.cache_size, n)
        for e in range(n):
            self.profile(e)

    # -- explaining --------------------------------------------------------------------------
    def explain(self, scores: PhenotypeScores, candidates: list[int]
                ) -> list[tuple[TermEvidence, ...]]:
        """The evidence of each of ``candidates`` (indices) for the patient of ``scores``.

        For a present term *q* and a candidate: NEGATED if the candidate is annotated NOT to
        have *q* or an ancestor (the first such ancestor, by index, is named); otherwise, if *q*
        or a descendant is annotated, that is the match (EXACT or PATIENT_MORE_GENERAL), even
        when the model's maximum came through an ancestor; otherwise the ancestor *a* of *q*
        below the roots with annotated descendants that maximises
        ``frequency ** frequency_exponent * ((n(q) + 1) / (n(a) + 1)) ** specificity_exponent``
        (the first by index among equals): PATIENT_MORE_SPECIFIC if *a* itself is annotated,
        else RELATED via *a*; UNEXPLAINED if there is none (or it weighs nothing). An excluded
        term is CONTRADICTED if it or a descendant is annotated, else CONSISTENT_ABSENCE. The
        annotation shown is the one with the best frequency (ties: the term itself, then the
        smaller index)."""
        onto = self.kb.ontology
        ids, terms = onto.ids, onto.terms
        present = scores.present.astype(np.int64)
        excluded = scores.excluded.astype(np.int64)
        C = len(candidates)
        if C == 0:
            return []
        profs = [self.profile(int(e), scores.left_out) for e in candidates]
        anc = [onto.ancestors(int(q)) for q in present.tolist()]
        lens = np.array([len(a) for a in anc], dtype=np.int64)
        flat = np.concatenate(anc).astype(np.int64) if anc else _EMPTY_I
        needed = np.unique(np.concatenate([flat, excluded]))
        U = len(needed)
        # per candidate: the closure entry (hit, frequency, weight, term) of each needed term,
        # all candidates in one search (keys: candidate slot * n_terms + term)
        T = len(ids)
        slot = np.arange(C, dtype=np.int64)[:, None] * T
        query = slot + needed[None, :]
        keys = np.concatenate([p.anc for p in profs]) + np.repeat(
            slot[:, 0], [len(p.anc) for p in profs])
        if len(keys):
            i = np.searchsorted(keys, query)
            i[i >= len(keys)] = 0
            hit = keys[i] == query
            freq = np.concatenate([p.freq for p in profs])[i]
            weight = np.concatenate([p.weight for p in profs])[i]
            term = np.concatenate([p.term for p in profs])[i]
        else:
            hit = np.zeros((C, U), dtype=bool)
            freq, weight, term = np.zeros((C, U)), np.zeros((C, U)), np.zeros((C, U), np.int64)
        nkeys = np.concatenate([p.negated for p in profs]) + np.repeat(
            slot[:, 0], [len(p.negated) for p in profs])
        neg = _member(query, nkeys)
        cand = np.asarray(candidates, dtype=np.int64)
        out: list[list[TermEvidence]] = [[] for _ in range(C)]
        if len(present):
            L = len(flat)
            pos = np.searchsorted(needed, flat)  # flat (q, ancestor) pairs -> needed
            pos_q = np.searchsorted(needed, present)
            starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
            counts = scores.counts
            g = (counts[np.repeat(present, lens)] + 1) / (counts[flat] + 1)
            se = self.specificity_exponent
            if se != 1.0:
                g = np.array([x**se for x in g.tolist()], dtype=np.float64)
            below_roots = ~_member(flat, self._roots)
            ar = np.arange(L)
            # the first negated ancestor of each term
            first_neg = np.minimum.reduceat(np.where(neg[:, pos], ar, L), starts, axis=1)
            # the best ancestor (first among equals), if the term itself matches nothing
            val = np.where(hit[:, pos] & below_roots, weight[:, pos] * g, -np.inf)
            best = np.maximum.reduceat(val, starts, axis=1)
            at = np.minimum.reduceat(np.where(val == np.repeat(best, lens, axis=1), ar, L),
                                     starts, axis=1)
            at_c = np.minimum(at, L - 1)
            via = flat[at_c]
            vpos = pos[at_c]
            rows = np.arange(C)[:, None]
            self_hit = hit[:, pos_q]
            a_freq, a_term = freq[rows, vpos], term[rows, vpos]
            q_freq, q_term = freq[:, pos_q], term[:, pos_q]
            llr = scores.present_llr[:, cand].T.tolist()
            qs = present.tolist()
            names = [(ids[q], terms[q].label) for q in qs]
            for c in range(C):
                p, ev = profs[c], out[c]
                fn, sh, bs, vi = first_neg[c].tolist(), self_hit[c].tolist(), best[c].tolist(), \
                    via[c].tolist()
                af, at_, qf, qt = a_freq[c].tolist(), a_term[c].tolist(), q_freq[c].tolist(), \
                    q_term[c].tolist()
                lrs = llr[c]
                for k, q in enumerate(qs):
                    (qid, qlabel), lr = names[k], lrs[k]
                    if fn[k] < L:
                        n = int(flat[fn[k]])
                        ev.append(TermEvidence(qid, qlabel, False, MatchKind.NEGATED, ids[n],
                                               terms[n].label, 0.0, lr,
                                               source=AnnotationSource.ANNOTATION))
                        continue
                    if sh[k]:
                        t, f = qt[k], qf[k]
                        kind = MatchKind.EXACT if t == q else MatchKind.PATIENT_MORE_GENERAL
                        v = None
                    elif bs[k] > 0:
                        a, t, f = vi[k], at_[k], af[k]
                        if t == a:
                            kind, v = MatchKind.PATIENT_MORE_SPECIFIC, None
                        else:
                            kind, v = MatchKind.RELATED, ids[a]
                    else:
                        ev.append(TermEvidence(qid, qlabel, False, MatchKind.UNEXPLAINED,
                                               None, None, None, lr))
                        continue
                    ev.append(TermEvidence(qid, qlabel, False, kind, ids[t], terms[t].label, f,
                                           lr, v, p.observed.get(t),
                                           p.sources.get(t, AnnotationSource.ANNOTATION)))
        if len(excluded):
            pos_x = np.searchsorted(needed, excluded)
            x_hit, x_freq, x_term = hit[:, pos_x].tolist(), freq[:, pos_x].tolist(), \
                term[:, pos_x].tolist()
            llr = scores.excluded_llr[:, cand].T.tolist()
            xs = excluded.tolist()
            for c in range(C):
                p, ev = profs[c], out[c]
                for k, x in enumerate(xs):
                    if x_hit[c][k]:
                        t = x_term[c][k]
                        ev.append(TermEvidence(ids[x], terms[x].label, True,
                                               MatchKind.CONTRADICTED, ids[t], terms[t].label,
                                               x_freq[c][k], llr[c][k], None, p.observed.get(t),
                                               p.sources.get(t, AnnotationSource.ANNOTATION)))
                    else:
                        ev.append(TermEvidence(ids[x], terms[x].label, True,
                                               MatchKind.CONSISTENT_ABSENCE, None, None, None,
                                               llr[c][k]))
        return [tuple(ev) for ev in out]
