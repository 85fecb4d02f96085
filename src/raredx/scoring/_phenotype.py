"""The phenotype scorer: a likelihood-ratio model over every candidate entity, vectorised.

For a present term *q* and entity *e*, the probability that a patient with *e* shows *q* is

    P(q | e) = max over ancestors a of q (q included) of  M[e, a] · (n(q) / n(a)) ** beta

where ``M[e, a]`` is the entity's max-propagated frequency of *a* (so an annotation of *q* or of
any descendant of *q* matches exactly, one of an ancestor matches with a specificity discount) and
``n(t)`` is how many entities have *t* in their profile. With a phenocopy/noise rate ``alpha`` and
the background ``P(q) = mean_e P(q | e)``:

    LR(q, e) = ((1 - alpha) · P(q | e) + alpha · P(q)) / P(q)

An excluded term *x* weighs ``(1 - (1 - alpha_x) · M[e, x]) / mean_e(...)``; an entity annotated
NOT to have *q* (or an ancestor of it) gets ``negated_factor``. Each of the entity's most specific
annotated features (profile leaves) that the patient's record does not report, not even through
an ancestor or descendant of a reported term, counts against it: a feature the patient has is
recorded at rate *c* (``unreported``), so the missing features weigh
``exp(-c · sum of M[e, t])``. Onset and sex add their own ratios.
The score is the sum of log10 ratios; see :mod:`raredx.ranking` for probabilities.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from raredx.knowledge import KnowledgeBase
from raredx.model import Patient, Sex
from raredx.scoring._index import (
    PhenotypeIndex,
    entity_profiles,
    kept_rows,
    own_empty,
    series_borrowing,
    series_profiles,
)


@dataclass(frozen=True, slots=True)
class PhenotypeParams:
    default_frequency: float = 0.5
    prior_a: float = 1.0
    prior_b: float = 1.0
    frequency_exponent: float = 1.0
    name_frequency: float = 0.0
    # frequency of a term a name says only some patients have ("with or without X"; < 0: as
    # name_frequency)
    variable_name_frequency: float = -1.0
    definition_frequency: float = 0.0  # frequency of terms stated in Orphanet's definition (0: off)
    group_definition_frequency: float = 0.0  # ... in the definition of a broader Orphanet group
    hedged_definition_frequency: float = -1.0  # ... stated of some patients only (< 0: as others)
    orphanet_names: float = 0.0  # 1: terms named in Orphanet's labels and synonyms count too
    related_weight: float = 0.0
    # an entity with no annotation of its own borrows its named series' mean profile, times this
    series_weight: float = 0.0
    group_prior: float = 0.0  # log10 prior of Orphanet groups broader than annotated OMIM diseases
    zero_count_not: float = 0.0  # "0 of m" counts with m >= this are NOT annotations (0: off)
    noisy_or: float = 0.0  # 1: an ancestor's probability is the noisy-OR of its descendants'
    completeness: float = 0.0
    unreported: float = 0.0  # rate at which a feature the patient has is recorded; 0: off
    unreported_scale: float = 0.0  # k: the rate is unreported * n / (n + k), n reported terms
    publication_prior: float = 0.0
    size_penalty: float = 0.0
    noise: float = 0.05
    specificity_exponent: float = 1.0
    excluded_weight: float = 1.0
    excluded_noise: float = 0.05
    negated_factor: float = 0.05
    onset_weight: float = 1.0
    sex_xlr_female_lr: float = 0.3
    temperature: float = 1.0
    # the temperature grows with the record's length n: T = temperature * (n / reference) ** exp
    temperature_length_exponent: float = 0.0
    temperature_reference_terms: float = 8.0

    def temperature_for(self, n_terms: int | None) -> float:
        """The softmax temperature for a record of ``n_terms`` reported (present) terms; the
        plain ``temperature`` when the length is not known."""
        if n_terms is None or self.temperature_length_exponent == 0.0:
            return self.temperature
        n = max(1, n_terms)
        return self.temperature * (n / self.temperature_reference_terms) ** (
            self.temperature_length_exponent)

    @classmethod
    def load(cls, path: Path | None = None) -> PhenotypeParams:
        """Read the parameters from a weights file (the packaged one by default)."""
        if path is None:
            text = resources.files("raredx").joinpath("data/phenotype_model.json").read_text()
        else:
            text = Path(path).read_text()
        params = json.loads(text)["parameters"]
        names = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in params.items() if k in names})


# coarse onset bins: 0 antenatal/congenital/neonatal, 1 infantile, 2 childhood, 3 juvenile, 4 adult
ONSET_BINS = {
    "HP:0030674": (0,),  # antenatal
    "HP:0003577": (0,),  # congenital
    "HP:0003623": (0,),  # neonatal
    "HP:0003593": (1,),  # infantile
    "HP:0011463": (2,),  # childhood
    "HP:0003621": (3,),  # juvenile
    "HP:0003581": (4,),  # adult
    "HP:0410280": (1, 2, 3),  # pediatric
}
N_BINS = 5
BIN_NAMES = ("antenatal/congenital/neonatal", "infantile", "childhood", "juvenile", "adult")
X_LINKED_RECESSIVE = "HP:0001419"
X_LINKED_DOMINANT = "HP:0001423"
X_LINKED = "HP:0001417"


def onset_bins(kb: KnowledgeBase, term_ids, anchors: dict | None = None) -> set[int]:
    onto = kb.ontology
    out: set[int] = set()
    if anchors is None:
        anchors = {onto.get_index(k): v for k, v in ONSET_BINS.items() if k in onto}
    for t in term_ids:
        i = onto.get_index(t)
        if i is None:
            continue
        for a in onto.ancestors(i).tolist():
            if a in anchors:
                out.update(anchors[a])
                break
    return out


def age_bin(years: float) -> int:
    if years < 28 / 365.25:
        return 0
    if years < 1:
        return 1
    if years < 5:
        return 2
    if years < 16:
        return 3
    return 4


@dataclass
class PhenotypeScores:
    """Per-term log10 likelihood ratios of one patient against every entity."""

    present: np.ndarray  # term indices (ontology)
    excluded: np.ndarray
    present_llr: np.ndarray  # len(present) x E
    excluded_llr: np.ndarray  # len(excluded) x E
    onset_llr: np.ndarray  # E
    sex_llr: np.ndarray  # E
    prior_llr: np.ndarray  # E, log10 prior odds relative to the mean
    counts: np.ndarray  # T, term counts used (adjusted for left-out annotations)
    left_out: np.ndarray | None = None  # annotation rows left out
    unreported_llr: np.ndarray | float = 0.0  # E, features of the entity the record lacks
    covered: np.ndarray | None = None  # T bool: reported terms, their ancestors and descendants
    # leave-publication-out: the leaves of the profiles that lost rows (entities, E' x T)
    leaves_left: tuple[np.ndarray, sp.csr_matrix] | None = None

    @property
    def total(self) -> np.ndarray:
        return (
            self.present_llr.sum(axis=0)
            + self.excluded_llr.sum(axis=0)
            + self.onset_llr
            + self.sex_llr
            + self.prior_llr
            + self.unreported_llr
        )


# the leaves of every entity's profile: frequencies (rows), the same by term (columns), row sums
LeafTables = tuple[sp.csr_matrix, sp.csc_matrix, np.ndarray]


def parent_matrix(ontology) -> sp.csr_matrix:  # type: ignore[no-untyped-def]
    """T x T, 1 where the column term is a parent of the row term."""
    ch = [c for c, ps in enumerate(ontology.parents) for _ in ps]
    pa = [p for ps in ontology.parents for p in ps]
    T = len(ontology)
    return sp.csr_matrix((np.ones(len(ch)), (ch, pa)), shape=(T, T))


def leaf_frequencies(profile: sp.spmatrix, parent_of: sp.csr_matrix,
                     phenotypic: np.ndarray) -> sp.csr_matrix:
    """Frequencies at each row's leaves: phenotypic profile terms with no child in it."""
    P = sp.csr_matrix(profile)
    B = (P > 0).astype(np.float64)
    has_child = (B @ parent_of) > 0
    L = sp.csr_matrix(P.multiply(B - B.multiply(has_child)).multiply(
        phenotypic[None, :].astype(np.float64)))
    L.eliminate_zeros()
    return L


def leaf_tables(kb: KnowledgeBase, index: PhenotypeIndex) -> LeafTables:
    """The leaves of every entity's whole profile (what the unreported-feature penalty reads;
    cached beside the index by :func:`raredx.engine.build_engine`)."""
    L = leaf_frequencies(index.profile, parent_matrix(kb.ontology), index.phenotypic)
    return L, L.tocsc(), np.asarray(L.sum(axis=1)).ravel()


class PhenotypeScorer:
    """Scores a patient's terms against every entity of a :class:`PhenotypeIndex`."""

    CACHE_TERMS = 3000  # memoised per-term evidence vectors (as-is protocol), ~0.1 MB each

    def __init__(self, kb: KnowledgeBase, index: PhenotypeIndex, params: PhenotypeParams,
                 leaves: LeafTables | None = None) -> None:
        """``leaves``: :func:`leaf_tables` of this index, when cached (else built on first use)."""
        self.kb = kb
        self.index = index
        self.params = params
        self._entity_onsets = self._onsets()
        self._onset_matrix = np.zeros((index.n_entities, N_BINS), dtype=bool)
        for e, bins in enumerate(self._entity_onsets):
            self._onset_matrix[e, list(bins)] = True
        self._onset_known = self._onset_matrix.any(axis=1)
        self._xlr = self._x_linked_recessive()
        self._rows: tuple[np.ndarray, np.ndarray] | None = None
        self._cache: OrderedDict = OrderedDict()
        self._onset_cache: dict = {}  # (onset bins | age bin) -> onset log10 LR vector
        self._lock = threading.Lock()
        self._profile_size = np.diff(index.profile.tocsr().indptr).astype(np.float64)
        narrower_of = {o for m, os in kb.broader.items() if kb.disease_index(m) is not None
                       for o in os}
        self._is_group = np.array([eid in narrower_of for eid in index.entity_ids])
        self._leaf_base = np.zeros(0)
        self._leaf_f: sp.csr_matrix | None = None  # built on first use (unreported > 0)
        self._leaf_fc: sp.csc_matrix = sp.csc_matrix((0, 0))
        self._parent_of: sp.csr_matrix | None = None
        self._profile_rows: sp.csr_matrix | None = None  # the index's profile by rows, lazily
        if leaves is not None:
            self._leaf_f, self._leaf_fc, self._leaf_base = leaves
        self._n_pubs = (
            self._publication_counts(None) if params.publication_prior else np.zeros(0)
        )
        # frequencies raised to the model's exponent once; very common columns kept dense,
        # where a contiguous maximum beats scattered indexing
        fe = params.frequency_exponent
        self._powered = index.profile.copy()
        self._powered.data = self._powered.data.astype(np.float64) ** fe
        nnz = np.diff(self._powered.indptr)
        self._dense: dict[int, np.ndarray] = {}
        for a in np.flatnonzero(nnz > index.n_entities // 8).tolist():
            col = np.zeros(index.n_entities)
            s, t = self._powered.indptr[a], self._powered.indptr[a + 1]
            col[self._powered.indices[s:t]] = self._powered.data[s:t]
            self._dense[a] = col

    def rows_of(self, diseases: set[int]) -> dict[int, np.ndarray]:
        """Annotation rows of each disease index (all rows; callers remove left-out ones)."""
        return self._rows_for(diseases)

    def _rows_for(self, diseases: set[int]) -> dict[int, np.ndarray]:
        if self._rows is None:  # annotation rows sorted by disease (a few look-ups per call)
            order = np.argsort(self.kb.annotations.disease, kind="stable")
            self._rows = (order, self.kb.annotations.disease[order])
        order, by = self._rows
        return {d: order[np.searchsorted(by, d, "left"):np.searchsorted(by, d, "right")]
                for d in diseases}

    # -- course ------------------------------------------------------------------------------
    def _onsets(self) -> list[frozenset[int]]:
        onto = self.kb.ontology
        anchors = {onto.get_index(k): v for k, v in ONSET_BINS.items() if k in onto}
        out = []
        for mem in self.index.entity_members:
            terms: set[str] = set()
            for d in mem:
                c = self.kb.course.get(self.kb.diseases[d].id)
                if c:
                    terms |= c.onsets
            out.append(frozenset(onset_bins(self.kb, terms, anchors)))
        return out

    def _x_linked_recessive(self) -> np.ndarray:
        out = np.zeros(self.index.n_entities, dtype=bool)
        for e, mem in enumerate(self.index.entity_members):
            inh: set[str] = set()
            for d in mem:
                c = self.kb.course.get(self.kb.diseases[d].id)
                if c:
                    inh |= c.inheritance
            if inh and inh <= {X_LINKED_RECESSIVE, X_LINKED}:
                out[e] = True
        return out

    def _onset_llr(self, patient: Patient) -> np.ndarray:
        E = self.index.n_entities
        w = self.params.onset_weight
        pbins = onset_bins(self.kb, [patient.onset.value]) if patient.onset else set()
        known = self._onset_known
        if w == 0 or (not pbins and patient.age is None) or not known.any():
            return np.zeros(E)
        # it depends on the onset bins (else the age bin) only: a handful of vectors, memoised
        key = ("onset", frozenset(pbins)) if pbins else (
            "age", age_bin(patient.age.years))  # type: ignore[union-attr]
        hit = self._onset_cache.get(key)
        if hit is None:
            hit = self._onset_vector(pbins, key[1] if not pbins else None)
            hit.setflags(write=False)
            self._onset_cache[key] = hit
        return hit

    def _onset_vector(self, pbins: set[int], ab) -> np.ndarray:
        E = self.index.n_entities
        w = self.params.onset_weight
        known = self._onset_known
        B = self._onset_matrix  # E x N_BINS bool
        if pbins:
            pb = np.zeros(N_BINS, dtype=bool)
            pb[list(pbins)] = True
            hit = B[:, pb].sum(axis=1) / len(pbins)
            near_bins = np.zeros(N_BINS, dtype=bool)
            for b in pbins:
                near_bins[[x for x in (b - 1, b + 1) if 0 <= x < N_BINS]] = True
            near = (B & near_bins).any(axis=1)
            p = 0.8 * hit + 0.1 * near + 0.1 / N_BINS
        else:  # only the age: the disease must have started by now
            p = np.where(B[:, : ab + 1].any(axis=1), 1.0, 0.15)
        bg = p[known].mean()
        out = np.zeros(E)
        out[known] = w * np.log10(p[known] / bg)
        return out

    def _publication_counts(self, left_out: np.ndarray | None, ents=None) -> np.ndarray:
        """Distinct publications (PMIDs) cited by each entity's annotations."""
        ann = self.kb.annotations
        keep = np.ones(len(ann), dtype=bool)
        if left_out is not None:
            keep[left_out] = False
        ents = range(self.index.n_entities) if ents is None else ents
        out = np.zeros(len(ents))
        rows = self._rows_for({d for e in ents for d in self.index.entity_members[e]})
        for k, e in enumerate(ents):
            pubs = {ref for d in self.index.entity_members[e] for r in rows[d].tolist() if keep[r]
                    for ref in ann.refs[r] if ref.startswith("PMID:")}
            out[k] = len(pubs)
        return out

    def prior_llr(self, left_out: np.ndarray | None, ov) -> np.ndarray:
        """A prior from how much literature describes each disease (log10 of 1 + #PMIDs)."""
        w = self.params.publication_prior
        if w == 0:
            return np.zeros(self.index.n_entities)
        n = self._n_pubs
        if ov is not None:
            n = n.copy()
            n[ov[0]] = self._publication_counts(left_out, ov[0].tolist())
        out = w * np.log10(1.0 + n)
        return out - out.mean()

    # -- facts the explanations state -------------------------------------------------------
    def entity_onset_bins(self, e: int) -> frozenset[int]:
        """Coarse onset bins (indices into :data:`BIN_NAMES`) annotated for entity ``e``."""
        return self._entity_onsets[e]

    def patient_onset_bins(self, patient: Patient) -> set[int]:
        """The patient's onset bins (from the onset term, else none)."""
        return onset_bins(self.kb, [patient.onset.value]) if patient.onset else set()

    def is_group(self, e: int) -> bool:
        """Whether ``e`` is an Orphanet group broader than an annotated OMIM disease."""
        return bool(self._is_group[e])

    def borrowed_from(self, e: int, left_out: np.ndarray | None) -> tuple[int, ...]:
        """The related diseases whose profiles entity ``e`` borrows (its own annotations are
        none, or all left out); empty when it has its own."""
        related = self.index.related[e] if self.index.related else ()
        if not related or self.index.related_weight == 0:
            return ()
        members = self.index.entity_members[e]
        rows = kept_rows(self._rows_for, left_out)(set(members))
        return tuple(related) if own_empty(self.kb, [members], rows)[0] else ()

    def _series(self, e: int, left_out: np.ndarray | None
                ) -> tuple[tuple[int, ...], dict[int, float]]:
        used, terms, _ = series_borrowing(self.kb, self.index, e,
                                          kept_rows(self._rows_for, left_out))
        return used, terms

    def borrowed_series(self, e: int, left_out: np.ndarray | None) -> tuple[int, ...]:
        """The series siblings (entity indices) whose mean profile entity ``e`` borrows (its own
        annotations are none, or all left out); empty when it has its own."""
        return self._series(e, left_out)[0]

    def series_terms(self, e: int, left_out: np.ndarray | None) -> dict[int, float]:
        """The profile entity ``e`` borrows from its series (term -> frequency), if any."""
        return self._series(e, left_out)[1]

    def _sex_llr(self, patient: Patient) -> np.ndarray:
        out = np.zeros(self.index.n_entities)
        if patient.sex is Sex.FEMALE:
            out[self._xlr] = np.log10(self.params.sex_xlr_female_lr)
        return out

    # -- features the record lacks ---------------------------------------------------------
    def _leaves(self, profile: sp.spmatrix) -> sp.csr_matrix:
        """Frequencies at each row's leaves: phenotypic profile terms with no child in it."""
        if self._parent_of is None:
            self._parent_of = parent_matrix(self.kb.ontology)
        return leaf_frequencies(profile, self._parent_of, self.index.phenotypic)

    def _ensure_leaves(self) -> None:
        with self._lock:
            if self._leaf_f is None:
                self._leaf_f, self._leaf_fc, self._leaf_base = leaf_tables(self.kb, self.index)

    def unreported_rate(self, n_present: int) -> float:
        """The rate at which a feature the patient has is recorded, for a record of
        ``n_present`` reported terms (a short record says less about what is missing)."""
        c, k = self.params.unreported, self.params.unreported_scale
        return c * n_present / (n_present + k) if k > 0 else c

    def covered(self, present: np.ndarray) -> np.ndarray:
        """Terms the record reports: its present terms, their ancestors and descendants.
        Excluded terms are not covered: an excluded feature weighs its exclusion on top of
        being absent from the record, so excluding never scores better than saying nothing."""
        onto = self.kb.ontology
        out = np.zeros(len(onto), dtype=bool)
        for q in present.tolist():
            out[onto.ancestors(q)] = True
            out[onto.descendants(q)] = True
        return out

    def _unreported_llr(self, covered: np.ndarray, n_present: int, ov
                        ) -> tuple[np.ndarray, tuple[np.ndarray, sp.csr_matrix] | None]:
        # each feature the patient has is recorded at rate c (Poisson), so a candidate's
        # features missing from the record weigh exp(-c * sum of their frequencies)
        self._ensure_leaves()
        L = self._leaf_fc
        cols = np.flatnonzero(covered)
        start, n = L.indptr[cols], np.diff(L.indptr)[cols]  # the covered columns' entries
        at = np.repeat(start - np.concatenate([[0], np.cumsum(n)[:-1]]), n) + np.arange(n.sum())
        missing = self._leaf_base - np.bincount(L.indices[at], weights=L.data[at],
                                                minlength=self.index.n_entities)
        left = None
        if ov is not None:
            lo = self._leaves(ov[1])
            missing[ov[0]] = np.asarray(lo.sum(axis=1)).ravel() - lo @ covered.astype(np.float64)
            left = (ov[0], lo)
        return -self.unreported_rate(n_present) / np.log(10.0) * missing, left

    def unreported_features(self, e: int, scores: PhenotypeScores) -> list[tuple[int, float]]:
        """The entity's leaf features the record lacks, as (term index, frequency), most
        frequent first: what :attr:`PhenotypeScores.unreported_llr` counts against ``e``."""
        if self.params.unreported == 0 or scores.covered is None:
            return []
        if scores.leaves_left is not None:
            ents, lo = scores.leaves_left
            hit = np.flatnonzero(ents == e)
            if len(hit):
                return _uncovered(lo, int(hit[0]), scores.covered)
        self._ensure_leaves()
        return _uncovered(self._leaf_f, e, scores.covered)  # type: ignore[arg-type]

    # -- phenotype ---------------------------------------------------------------------------
    def _overrides(self, left_out: np.ndarray):
        """Profiles of the entities that lose annotations when ``left_out`` rows are removed."""
        ann = self.kb.annotations
        diseases = np.unique(ann.disease[left_out])
        ents = sorted({e for d in diseases.tolist() for e in self.index.disease_entities[d]})
        if not ents:
            return None
        members = [self.index.entity_members[e] for e in ents]
        needed = {d for m in members for d in m}
        if self.index.related:
            needed |= {d for e in ents for d in self.index.related[e]}
        keep = np.ones(len(ann), dtype=bool)
        keep[left_out] = False
        rbd = {}
        for d, rows in self._rows_for(needed).items():
            rbd[d] = rows[keep[rows]]
        prof, neg = entity_profiles(
            self.kb, members, rbd, self.index.default_frequency, len(self.kb.ontology),
            self.index.prior,
            [self.index.name_terms[e] for e in ents] if self.index.name_terms else None,
            [self.index.related[e] for e in ents] if self.index.related else None,
            self.index.related_weight,
            self.index.noisy_or,
            self.index.zero_not,
        )
        series = self.index.series
        if series is not None and self.index.own_empty is not None:
            prof = self._series_override(ents, members, rbd, prof)
        return np.array(ents, dtype=np.int64), prof.tocsc(), neg.tocsc()

    def _series_override(self, ents: list[int], members, rbd, prof: sp.csr_matrix) -> sp.csr_matrix:
        """The left-out profiles ``prof`` of ``ents`` with their series borrowing redone: the
        entities left with no annotation of their own borrow their series siblings' mean
        profile, the siblings that lost rows counted with their left-out profiles."""
        idx = self.index
        assert idx.series is not None and idx.own_empty is not None
        empty_now = own_empty(self.kb, members, rbd)
        targets = [k for k, e in enumerate(ents) if empty_now[k] and idx.series[e]]
        if not targets:
            return prof
        if self._profile_rows is None:
            self._profile_rows = idx.profile.tocsr()
        full = self._profile_rows
        pos = {e: k for k, e in enumerate(ents)}
        empty = idx.own_empty.copy()
        empty[ents] = empty_now
        # siblings' rows: the left-out ones for entities in ents, the index's for the others
        sib = sorted({s for k in targets for s in idx.series[ents[k]] if not empty[s]})
        rows = sp.vstack([prof[pos[s]] if s in pos else full[s] for s in sib]).tocsr() if sib \
            else sp.csr_matrix((0, prof.shape[1]), dtype=np.float32)
        local = {s: i for i, s in enumerate(sib)}
        series = [tuple(local[s] for s in idx.series[ents[k]] if s in local) for k in targets]
        borrowed = series_profiles(rows, list(range(len(targets))), series,
                                   np.zeros(len(sib), dtype=bool), idx.series_weight)
        lift = sp.csr_matrix((np.ones(len(targets)), (targets, range(len(targets)))),
                             shape=(len(ents), len(targets)))
        return prof.maximum((lift @ borrowed).astype(np.float32)).tocsr()


    def _memo(self, key, compute, *args) -> np.ndarray:
        """Per-term evidence of the as-is protocol depends on the term alone: memoised (LRU)."""
        key = (key, self.params)
        hit = self._cache.get(key)
        if hit is None:
            hit = compute(*args)
            hit.setflags(write=False)
            with self._lock:
                self._cache[key] = hit
                if len(self._cache) > self.CACHE_TERMS:
                    self._cache.popitem(last=False)
        return hit

    def _present_llr(self, q: int, counts: np.ndarray, ov, noise: np.ndarray) -> np.ndarray:
        onto = self.kb.ontology
        prm = self.params
        E = self.index.n_entities
        fe = prm.frequency_exponent
        powered, neg = self._powered, self.index.negated
        P = np.zeros(E)
        Pov = np.zeros(len(ov[0])) if ov is not None else None
        isneg = np.zeros(E, dtype=bool)
        nq = counts[q] + 1.0
        for a in onto.ancestors(q).tolist():
            g = (nq / (counts[a] + 1.0)) ** prm.specificity_exponent if a != q else 1.0
            dense = self._dense.get(a)
            if dense is not None:
                np.maximum(P, dense * g, out=P)
            else:
                rows, vals = column(powered, a)
                if len(rows):
                    _max_into(P, rows, vals * g)
            nrows, _ = column(neg, a)
            if len(nrows):
                isneg[nrows] = True
            if ov is not None:
                orows, ovals = column(ov[1], a)
                if len(orows):
                    _max_into(Pov, orows, ovals**fe * g)  # type: ignore[arg-type]
        if ov is not None:
            ents = ov[0]
            P[ents] = Pov
            isneg[ents] = False
            for a in onto.ancestors(q).tolist():
                nrows, _ = column(ov[2], a)
                isneg[ents[nrows]] = True
        bg = P.mean()
        if bg <= 0:  # no entity relates to the term at all: it cannot discriminate
            return np.zeros(E)
        lr = ((1 - noise) * P + noise * bg) / bg
        lr[isneg] = prm.negated_factor
        return np.log10(lr)

    def _excluded_llr(self, x: int, ov) -> np.ndarray:
        prm = self.params
        E = self.index.n_entities
        prof = self.index.profile
        P = np.zeros(E)
        rows, vals = column(prof, x)
        P[rows] = vals
        if ov is not None:
            orows, ovals = column(ov[1], x)
            P[ov[0]] = 0.0
            P[ov[0][orows]] = ovals
        absent = 1.0 - (1.0 - prm.excluded_noise) * P
        bg = absent.mean()
        return prm.excluded_weight * np.log10(absent / bg)

    def score(self, patient: Patient, left_out_rows: np.ndarray | None = None) -> PhenotypeScores:
        onto = self.kb.ontology
        idx = self.index
        prm = self.params
        E = idx.n_entities
        present = np.array([onto.index(t.value) for t in patient.present], dtype=np.int64)
        excluded = np.array([onto.index(t.value) for t in patient.excluded], dtype=np.int64)
        ov = None
        if left_out_rows is not None and len(left_out_rows):
            ov = self._overrides(left_out_rows)
        prof = idx.profile
        counts = idx.term_count
        if ov is not None:
            ents, oprof, _ = ov
            cols = np.unique(
                np.concatenate([onto.ancestors(int(q)) for q in present] + [excluded, present])
            ).astype(np.int64)
            old = np.asarray((prof[ents][:, cols] > 0).sum(axis=0)).ravel()
            new = np.asarray((oprof[:, cols] > 0).sum(axis=0)).ravel()
            counts = counts.copy()
            counts[cols] += new - old

        # how completely each entity is described: sparse profiles explain less, so a term they
        # do not explain weighs less against them (an empty profile is neutral)
        size = self._profile_size
        if ov is not None:
            size = size.copy()
            size[ov[0]] = np.diff(ov[1].tocsr().indptr)
        if prm.completeness > 0:
            noise = prm.noise + (1 - prm.noise) * prm.completeness / (prm.completeness + size)
        else:
            noise = np.full(E, prm.noise)
        present_llr = np.zeros((len(present), E))
        for k, q in enumerate(present.tolist()):
            if ov is None:
                present_llr[k] = self._memo(("p", q), self._present_llr, q, counts, None, noise)
            else:
                present_llr[k] = self._present_llr(q, counts, ov, noise)
        excluded_llr = np.zeros((len(excluded), E))
        for k, x in enumerate(excluded.tolist()):
            if ov is None:
                excluded_llr[k] = self._memo(("x", x), self._excluded_llr, x, None)
            else:
                excluded_llr[k] = self._excluded_llr(x, ov)

        covered = None
        unreported: np.ndarray | float = 0.0
        leaves_left = None
        if prm.unreported > 0:
            covered = self.covered(present)
            unreported, leaves_left = self._unreported_llr(covered, len(present), ov)
        return PhenotypeScores(
            present=present,
            excluded=excluded,
            present_llr=present_llr,
            excluded_llr=excluded_llr,
            onset_llr=self._onset_llr(patient),
            sex_llr=self._sex_llr(patient),
            prior_llr=self.prior_llr(left_out_rows, ov) + prm.group_prior * self._is_group
            - prm.size_penalty * (np.log10(1.0 + size) - np.log10(1.0 + size).mean()),
            counts=counts,
            left_out=left_out_rows,
            unreported_llr=unreported,
            covered=covered,
            leaves_left=leaves_left,
        )


def _uncovered(leaves: sp.csr_matrix, row: int, covered: np.ndarray) -> list[tuple[int, float]]:
    s, t = leaves.indptr[row], leaves.indptr[row + 1]
    idx, f = leaves.indices[s:t], leaves.data[s:t]
    keep = ~covered[idx]
    idx, f = idx[keep], f[keep].astype(np.float64)
    o = np.lexsort((idx, -f))  # most frequent first, then by term index
    return list(zip(idx[o].tolist(), f[o].tolist()))


def column(m: sp.csc_matrix, a: int) -> tuple[np.ndarray, np.ndarray]:
    s, t = m.indptr[a], m.indptr[a + 1]
    return m.indices[s:t], m.data[s:t]


def _max_into(P: np.ndarray, rows: np.ndarray, vals: np.ndarray) -> None:
    # rows of one sparse column are unique, so a gather/compare/scatter is exact
    cur = P[rows]
    P[rows] = np.where(vals > cur, vals, cur)
