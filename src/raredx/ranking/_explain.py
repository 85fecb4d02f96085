"""Explanations as data: which annotation each query term met, how, and what it weighed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from raredx.knowledge import PHENOTYPIC_ABNORMALITY, KnowledgeBase
from raredx.ranking._results import MatchKind, TermEvidence
from raredx.scoring import PhenotypeIndex, PhenotypeScores, term_frequencies


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


def entity_annotations(
    kb: KnowledgeBase, index: PhenotypeIndex, e: int, left_out: np.ndarray | None,
    rows_of: Callable[[set[int]], dict[int, np.ndarray]] | None = None,
    own: np.ndarray | None = None,
) -> tuple[dict[int, float], set[int]]:
    """The pooled annotated terms (term -> frequency) and NOT-terms of entity ``e``.

    ``rows_of`` maps disease indices to their annotation rows (the scorer's index); without it
    the whole table is searched. ``own``: the entity's own rows, if the caller has them."""
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
    for t, f in (index.name_terms[e] if index.name_terms else {}).items():
        if out.get(t, -1.0) < f:
            out[t] = f
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


def _best_below(closure: tuple[np.ndarray, np.ndarray, np.ndarray], needed: np.ndarray
                ) -> dict[int, tuple[float, int]]:
    """The entries of ``closure`` (see :func:`_closure`) for the ``needed`` terms."""
    anc, fs, ts = closure
    if not len(anc) or not len(needed):
        return {}
    i = np.searchsorted(anc, needed)
    i[i >= len(anc)] = 0
    hit = anc[i] == needed
    return {int(a): (float(fs[j]), int(ts[j])) for a, j in zip(needed[hit], i[hit])}


def explain(
    kb: KnowledgeBase,
    index: PhenotypeIndex,
    scores: PhenotypeScores,
    e: int,
    left_out: np.ndarray | None,
    specificity_exponent: float,
    counts: np.ndarray,
    frequency_exponent: float = 1.0,
    rows_of: Callable[[set[int]], dict[int, np.ndarray]] | None = None,
    cache: dict[int, tuple] | None = None,
) -> tuple[TermEvidence, ...]:
    """The evidence of candidate ``e``. ``cache`` (owned by the caller, one per index) keeps the
    pooled annotations of candidates scored without left-out rows, which depend on them alone."""
    onto = kb.ontology
    roots = {i for i in (onto.get_index("HP:0000001"), onto.get_index(PHENOTYPIC_ABNORMALITY))
             if i is not None}
    def compute(lo: np.ndarray | None):
        own = _rows(kb, set(index.entity_members[e]), lo, rows_of)
        annotated, negated = entity_annotations(kb, index, e, lo, rows_of, own)
        return annotated, negated, _closure(onto, annotated), _observed(kb, own)

    if cache is not None and (left_out is None or not len(left_out)):
        hit = cache.get(e)
        if hit is None:
            hit = compute(None)
            cache[e] = hit
            if len(cache) > 2048:  # oldest first out
                try:
                    cache.pop(next(iter(cache)), None)
                except (RuntimeError, StopIteration):  # another thread changed it meanwhile
                    pass
    else:
        hit = compute(left_out)
    annotated, negated, closure, observed = hit
    needed = np.unique(np.concatenate(
        [onto.ancestors(int(q)) for q in scores.present] + [scores.excluded.astype(np.int32)]))
    best_below = _best_below(closure, needed)
    out: list[TermEvidence] = []
    for k, q in enumerate(scores.present.tolist()):
        llr = float(scores.present_llr[k, e])
        qid = onto.ids[q]
        anc = onto.ancestors(q).tolist()
        neg_hit = next((a for a in anc if a in negated), None)
        if neg_hit is not None:
            out.append(TermEvidence(qid, onto.terms[q].label, False, MatchKind.NEGATED,
                                    onto.ids[neg_hit], onto.terms[neg_hit].label, 0.0, llr))
            continue
        # the term itself or a descendant annotated: that is the match to show, even when the
        # model's maximum came through an ancestor; otherwise the closest ancestor below the
        # roots, weighed as the model weighs it
        best = None
        if q in best_below:
            f, t = best_below[q]
            best = (1.0, q, t, f)
        else:
            for a in anc:
                if a not in best_below or a in roots:
                    continue
                f, t = best_below[a]
                g = ((counts[q] + 1) / (counts[a] + 1)) ** specificity_exponent
                if best is None or f**frequency_exponent * g > best[0]:
                    best = (f**frequency_exponent * g, a, t, f)
        if best is None or best[0] <= 0:
            out.append(TermEvidence(qid, onto.terms[q].label, False, MatchKind.UNEXPLAINED,
                                    None, None, None, llr))
            continue
        _, a, t, f = best
        if a == q:
            kind = MatchKind.EXACT if t == q else MatchKind.PATIENT_MORE_GENERAL
            via = None
        elif t == a:
            kind, via = MatchKind.PATIENT_MORE_SPECIFIC, None
        else:
            kind, via = MatchKind.RELATED, onto.ids[a]
        out.append(TermEvidence(qid, onto.terms[q].label, False, kind, onto.ids[t],
                                onto.terms[t].label, f, llr, via, observed.get(t)))
    for k, x in enumerate(scores.excluded.tolist()):
        llr = float(scores.excluded_llr[k, e])
        xid = onto.ids[x]
        hit = best_below.get(x)
        if hit is not None:
            f, t = hit
            out.append(TermEvidence(xid, onto.terms[x].label, True, MatchKind.CONTRADICTED,
                                    onto.ids[t], onto.terms[t].label, f, llr, None,
                                    observed.get(t)))
        else:
            out.append(TermEvidence(xid, onto.terms[x].label, True, MatchKind.CONSISTENT_ABSENCE,
                                    None, None, None, llr))
    return tuple(out)
