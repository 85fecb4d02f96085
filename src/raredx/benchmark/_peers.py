"""Peer rankings computed on the engine's own knowledge release, for a fair comparison.

Both peers rank the raw diseases of the release (OMIM, ORPHA and DECIPHER entries separately,
no pooling) and see the same leave-publication-out removal as the engine: the annotation rows
citing one of the case's PMIDs are dropped, the affected diseases' term sets and the term
counts (hence the information content) are recomputed for that case.

* **Phenomizer-style** (Köhler et al. 2009): Resnik similarity with
  IC(t) = -ln(fraction of annotated diseases annotated with t or a descendant); the score of a
  disease is the average over the patient's *observed* terms of the best match
  max_{a ancestor of q, disease has a} IC(a) (query → disease best-match average; excluded
  terms are ignored).
* **Hypergeometric enrichment**: the universe is the phenotypic-abnormality branch below
  *Phenotypic abnormality* (HP:0000118, which every disease and patient has, is left out); the
  patient's observed terms and every disease's annotated terms are closed under their ancestors;
  a disease scores -ln P(X ≥ k) with X hypergeometric (universe M, disease terms K, patient
  terms n), k the shared terms.

Ties are broken like the engine's: the smaller disease id first.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.special import gammaln

from raredx.knowledge import PHENOTYPIC_ABNORMALITY, KnowledgeBase
from raredx.model import Patient

__all__ = ["Peer", "PeerScorer", "PeerScores"]


class Peer(enum.Enum):
    PHENOMIZER = "phenomizer"
    HYPERGEOMETRIC = "hypergeometric"

    @property
    def title(self) -> str:
        return {"phenomizer": "Phenomizer-style (Resnik BMA)",
                "hypergeometric": "Hypergeometric enrichment"}[self.value]


@dataclass(frozen=True)
class PeerScores:
    """Scores of every disease (higher is better) and the removal they were computed under."""

    scores: np.ndarray  # float64, one per kb.diseases entry
    removed_rows: int


class PeerScorer:
    """Vectorised peers over a sparse disease × term matrix (terms closed under ancestors)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        ont = kb.ontology
        ann = kb.annotations
        n_terms = len(ont)
        n_dis = len(kb.diseases)
        self.kb = kb
        self.n_diseases = n_dis
        pa = ont.index(PHENOTYPIC_ABNORMALITY)
        in_pa = np.zeros(n_terms, dtype=bool)
        anc_rows: list[np.ndarray] = []
        anc_cols: list[np.ndarray] = []
        self._anc: list[np.ndarray] = []
        for t in range(n_terms):
            a = ont.ancestors(t)
            anc_rows.append(np.full(len(a), t, dtype=np.int32))
            anc_cols.append(a)
        for t in range(n_terms):
            in_pa[t] = ont.is_descendant_of(t, pa)
        self.in_pa = in_pa
        rows = np.concatenate(anc_rows)
        cols = np.concatenate(anc_cols).astype(np.int32)
        keep = in_pa[cols]
        # ancestor closure restricted to the phenotypic-abnormality branch (HP:0000118 included)
        self._closure = sparse.csr_matrix(
            (np.ones(int(keep.sum()), dtype=np.float32), (rows[keep], cols[keep])),
            shape=(n_terms, n_terms),
        )
        self._pa = pa
        # usable annotation rows: positive, on a phenotypic abnormality
        ok = ~np.asarray(ann.negated, dtype=bool) & in_pa[ann.term]
        self._usable = ok
        dis = np.asarray(ann.disease, dtype=np.int64)
        order = np.argsort(dis, kind="stable")
        self._rows_sorted = order
        self._row_start = np.searchsorted(dis[order], np.arange(n_dis + 1))
        direct = sparse.csr_matrix(
            (np.ones(int(ok.sum()), dtype=np.float32), (dis[ok], ann.term[ok])),
            shape=(n_dis, n_terms),
        )
        prop = (direct @ self._closure).tocsr()
        prop.data[:] = 1.0
        prop.sum_duplicates()
        self._csr = prop
        csc = prop.tocsc()
        self._col_ptr = csc.indptr
        self._col_idx = csc.indices
        self.counts = np.diff(csc.indptr).astype(np.int64)  # diseases per term (propagated)
        # for terms most diseases have, the diseases that lack them (cheaper to touch)
        everyone = np.arange(n_dis)
        self._complement: dict[int, np.ndarray] = {
            int(t): np.setdiff1d(everyone, csc.indices[csc.indptr[t]:csc.indptr[t + 1]])
            for t in np.flatnonzero(self.counts > n_dis // 2)
        }
        self._memo: tuple[bytes, Any] | None = None
        self.n_annotated = int((np.diff(prop.indptr) > 0).sum())
        self.ic = self._ic(self.counts, self.n_annotated)
        self._row_len = np.diff(prop.indptr).astype(np.int64)
        self._row_len_noroot = self._row_len - (self._col_mask(pa) if self.counts[pa] else 0)
        # universe of the hypergeometric test: the branch below HP:0000118
        self.universe = int(in_pa.sum()) - 1
        self._log_factorial = gammaln(np.arange(self.universe + 2, dtype=np.float64) + 1.0)
        ids = np.array([d.id for d in kb.diseases])
        self._id_key = np.argsort(np.argsort(ids, kind="stable"), kind="stable")
        self._index = {d.id: i for i, d in enumerate(kb.diseases)}

    # -- structure ------------------------------------------------------------------------
    def _col_mask(self, t: int) -> np.ndarray:
        m = np.zeros(self.n_diseases, dtype=np.int64)
        m[self._col_idx[self._col_ptr[t]:self._col_ptr[t + 1]]] = 1
        return m

    @staticmethod
    def _ic(counts: np.ndarray, n: int) -> np.ndarray:
        ic = np.zeros(len(counts), dtype=np.float64)
        nz = counts > 0
        if n > 0:
            ic[nz] = -np.log(counts[nz] / n)
        return ic

    def _query_terms(self, patient: Patient) -> list[int]:
        ont = self.kb.ontology
        out = []
        for t in patient.present:
            i = ont.get_index(t.value)
            if i is not None and self.in_pa[i]:
                out.append(i)
        return out

    def _closure_of(self, terms: np.ndarray) -> np.ndarray:
        """Sorted ancestor closure (phenotypic-abnormality branch) of ``terms``."""
        if len(terms) == 0:
            return np.zeros(0, dtype=np.int32)
        sub = self._closure[terms]
        return np.unique(sub.indices)

    def disease_index(self, disease_id: str) -> int | None:
        return self._index.get(disease_id)

    # -- leave-publication-out ----------------------------------------------------------------
    def _removal(
        self, removed: np.ndarray | None
    ) -> tuple[np.ndarray, dict[int, np.ndarray], np.ndarray, int]:
        """Affected diseases, their new term sets, and the adjusted term counts / denominator.

        The last answer is kept, so both peers scoring one case share the work.
        """
        if removed is None or len(removed) == 0:
            return np.zeros(0, dtype=np.int64), {}, self.counts, self.n_annotated
        key = np.asarray(removed, dtype=np.int64).tobytes()
        if self._memo is not None and self._memo[0] == key:
            return self._memo[1]  # type: ignore[no-any-return]
        out = self._compute_removal(removed)
        self._memo = (key, out)
        return out

    def _compute_removal(
        self, removed: np.ndarray
    ) -> tuple[np.ndarray, dict[int, np.ndarray], np.ndarray, int]:
        ann = self.kb.annotations
        gone = np.zeros(len(ann), dtype=bool)
        gone[removed] = True
        affected = np.unique(np.asarray(ann.disease)[removed])
        counts = self.counts.copy()
        n_ann = self.n_annotated
        new_sets: dict[int, np.ndarray] = {}
        for d in affected.tolist():
            rows = self._rows_sorted[self._row_start[d]:self._row_start[d + 1]]
            rows = rows[self._usable[rows] & ~gone[rows]]
            old = self._csr.indices[self._csr.indptr[d]:self._csr.indptr[d + 1]]
            new = self._closure_of(np.asarray(self.kb.annotations.term)[rows])
            counts[old] -= 1
            counts[new] += 1
            if len(old) and not len(new):
                n_ann -= 1
            new_sets[d] = new
        return affected, new_sets, counts, n_ann

    # -- the two peers --------------------------------------------------------------------------
    def score(self, peer: Peer, patient: Patient, removed: np.ndarray | None = None) -> PeerScores:
        """Scores of every disease for ``patient``; ``removed``: annotation rows left out."""
        _affected, new_sets, counts, n_ann = self._removal(removed)
        q = self._query_terms(patient)
        if peer is Peer.PHENOMIZER:
            s = self._resnik_bma(q, new_sets, counts, n_ann)
        else:
            s = self._hypergeometric(q, new_sets)
        return PeerScores(s, 0 if removed is None else len(removed))

    def _resnik_bma(self, q: list[int], new_sets: dict[int, np.ndarray], counts: np.ndarray,
                    n_ann: int) -> np.ndarray:
        ic = self.ic if counts is self.counts else self._ic(counts, n_ann)
        total = np.zeros(self.n_diseases, dtype=np.float64)
        if not q:
            return total
        best = np.zeros(self.n_diseases, dtype=np.float64)
        ptr, idx = self._col_ptr, self._col_idx
        for t in q:
            anc = self.kb.ontology.ancestors(t)
            anc = anc[self.in_pa[anc] & (self.counts[anc] > 0)]
            best[:] = 0.0
            # ascending IC: the last assignment to a disease is its best match
            for a in anc[np.argsort(ic[anc], kind="stable")].tolist():
                v = ic[a]
                if v <= 0.0:  # best starts at 0: a zero IC changes nothing
                    continue
                comp = self._complement.get(a)
                if comp is None:
                    best[idx[ptr[a]:ptr[a + 1]]] = v
                else:  # most diseases have ``a``: fill, then restore those that do not
                    keep = best[comp]
                    best.fill(v)
                    best[comp] = keep
            for d, terms in new_sets.items():
                shared = np.intersect1d(anc, terms, assume_unique=True)
                best[d] = float(ic[shared].max()) if len(shared) else 0.0
            total += best
        return total / len(q)

    def _hypergeometric(self, q: list[int], new_sets: dict[int, np.ndarray]) -> np.ndarray:
        out = np.zeros(self.n_diseases, dtype=np.float64)
        closure = self._closure_of(np.array(q, dtype=np.int64))
        closure = closure[closure != self._pa]
        n = len(closure)
        if n == 0:
            return out
        ptr, idx = self._col_ptr, self._col_idx
        parts = [idx[ptr[a]:ptr[a + 1]] for a in closure.tolist()]
        k = np.bincount(np.concatenate(parts), minlength=self.n_diseases) if parts else \
            np.zeros(self.n_diseases, dtype=np.int64)
        big_k = self._row_len_noroot.copy()
        if new_sets:
            qmask = np.zeros(len(self.in_pa), dtype=bool)
            qmask[closure] = True
            for d, terms in new_sets.items():
                terms = terms[terms != self._pa]
                k[d] = int(qmask[terms].sum())
                big_k[d] = len(terms)
        hit = np.flatnonzero(k > 0)
        if len(hit):
            out[hit] = -self._log_sf(k[hit], big_k[hit], n)
        return out

    def _log_sf(self, k: np.ndarray, big_k: np.ndarray, n: int) -> np.ndarray:
        """ln P(X >= k) for X ~ Hypergeometric(universe M, successes K, draws n), exactly.

        One table per distinct K: ln pmf over x = 0..n from log-factorials, then a reversed
        cumulative log-sum-exp (no underflow in the far tail).
        """
        m = self.universe
        lf = self._log_factorial
        ks, inv = np.unique(big_k, return_inverse=True)
        x = np.arange(n + 1)[None, :]
        kk = ks[:, None]
        valid = (x <= kk) & (n - x <= m - kk)
        a = np.where(valid, kk - x, 0)
        b = np.where(valid, m - kk - n + x, 0)
        xx = np.where(valid, x, 0)
        nx = np.where(valid, n - x, 0)
        logpmf = (lf[kk] - lf[xx] - lf[a]) + (lf[m - kk] - lf[nx] - lf[b]) - (
            lf[m] - lf[n] - lf[m - n])
        logpmf = np.where(valid, logpmf, -np.inf)
        with np.errstate(invalid="ignore"):
            log_sf = np.logaddexp.accumulate(logpmf[:, ::-1], axis=1)[:, ::-1]
        return np.minimum(log_sf[inv, np.minimum(k, n)], 0.0)

    # -- ranks --------------------------------------------------------------------------------
    def rank_of(self, scores: np.ndarray, disease: int) -> int:
        """1-based rank of ``disease`` (higher score first; ties: the smaller id first)."""
        s = scores[disease]
        better = int(np.count_nonzero(scores > s))
        tied = int(np.count_nonzero((scores == s) & (self._id_key < self._id_key[disease])))
        return better + tied + 1

    def rank_bounds(self, scores: np.ndarray, disease: int) -> tuple[int, int]:
        """Best and worst rank ``disease`` could have if its ties were broken either way."""
        s = scores[disease]
        return int(np.count_nonzero(scores > s)) + 1, int(np.count_nonzero(scores >= s))

    def top(self, scores: np.ndarray) -> int:
        """The first disease of :meth:`order` (without sorting everything)."""
        best = np.flatnonzero(scores == scores.max())
        return int(best[np.argmin(self._id_key[best])])

    def order(self, scores: np.ndarray) -> np.ndarray:
        """Disease indices best first (same tie rule as :meth:`rank_of`)."""
        return np.lexsort((self._id_key, -scores))
