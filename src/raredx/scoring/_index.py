"""The per-release phenotype index: diseases pooled into candidate entities and their profiles.

An *entity* is what the differential ranks. Each OMIM disease is one entity that pools the
annotations of the Orphanet entries mapped to it exactly (product1 "E" relation); an Orphanet or
DECIPHER entry with no exactly mapped OMIM disease is an entity of its own. The entity's profile
``M[e, t]`` is the probability that a patient with the disease shows term *t* or one of its
descendants: the largest annotated frequency among the descendants (max-propagation up the DAG).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from raredx.knowledge import PHENOTYPIC_ABNORMALITY, KnowledgeBase
from raredx.scoring._names import name_terms as terms_of_name
from raredx.scoring._names import phrase_index


@dataclass
class PhenotypeIndex:
    entity_ids: list[str]
    entity_labels: list[str]
    entity_members: list[tuple[int, ...]]  # disease indices pooled in the entity
    disease_entities: list[tuple[int, ...]]  # disease index -> entities it belongs to
    profile: sp.csc_matrix  # E x T, max-propagated frequency
    negated: sp.csc_matrix  # E x T, 1 where the entity is annotated NOT to have the term
    term_count: np.ndarray  # T, number of entities whose profile has the term
    phenotypic: np.ndarray  # T bool, descendant of Phenotypic abnormality
    default_frequency: float
    prior: tuple[float, float] = (1.0, 1.0)
    # entity -> terms named in its diseases' names or stated in their Orphanet definitions, with
    # their frequency: knowledge that no case report supplies
    name_terms: list[dict[int, float]] | None = None
    # the name_terms that come from an Orphanet definition: term -> "orphanet-definition" (the
    # disease's own) or "orphanet-group-definition" (a broader group's)
    definition_sources: list[dict[int, str]] | None = None
    related: list[tuple[int, ...]] | None = None  # entity -> related diseases it borrows from
    related_weight: float = 0.0
    noisy_or: bool = False
    zero_not: float = 0.0  # pooled "0 of m" counts with m >= this are NOT annotations (0: off)
    # entity -> the other entities of its named series ("Spermatogenic failure 89" and the other
    # "Spermatogenic failure N"); an entity with no annotation of its own borrows their mean
    # profile times series_weight. own_empty: entities with no annotation of their own.
    series: list[tuple[int, ...]] | None = None
    series_weight: float = 0.0
    own_empty: np.ndarray | None = None

    @property
    def n_entities(self) -> int:
        return len(self.entity_ids)


def _entities(kb: KnowledgeBase) -> tuple[list[str], list[str], list[tuple[int, ...]]]:
    ids, labels, members = [], [], []
    idx = {d.id: i for i, d in enumerate(kb.diseases)}
    absorbed: set[int] = set()
    for i, d in enumerate(kb.diseases):
        if d.id.startswith("OMIM:"):
            mem = [i]
            for o in kb.equivalents.get(d.id, ()):
                j = idx.get(o)
                if j is not None and o.startswith("ORPHA:"):
                    mem.append(j)
                    absorbed.add(j)
            ids.append(d.id)
            labels.append(d.label)
            members.append(tuple(mem))
    for i, d in enumerate(kb.diseases):
        if not d.id.startswith("OMIM:") and i not in absorbed:
            ids.append(d.id)
            labels.append(d.label)
            members.append((i,))
    return ids, labels, members


def _orphanet_ids(kb: KnowledgeBase, members: tuple[int, ...]) -> set[str]:
    """The Orphanet ids of an entity: its Orphanet members and their exact equivalents'."""
    out: set[str] = set()
    for d in members:
        did = kb.diseases[d].id
        out.update(o for o in (did, *kb.equivalents.get(did, ())) if o.startswith("ORPHA:"))
    return out


def _related(kb: KnowledgeBase, ids: list[str], members: list[tuple[int, ...]]):
    """For each entity, the diseases it borrows a discounted profile from: the broader Orphanet
    groups of its OMIM disease (BTNT mappings) and the diseases of the same gene(s)."""
    out: list[tuple[int, ...]] = []
    for eid, mem in zip(ids, members):
        rel: set[int] = set()
        for did in (kb.diseases[d].id for d in mem):
            for r in (*kb.broader.get(did, ()), *kb.allelic.get(did, ())):
                j = kb.disease_index(r)
                if j is not None and j not in mem:
                    rel.add(j)
        out.append(tuple(sorted(rel)))
    return out


# "Spermatogenic failure 89", "Deafness, autosomal recessive 1A", "Microcephaly 31, primary,
# autosomal recessive", "Charcot-Marie-Tooth disease, axonal, type 2CC", "Ehlers-Danlos syndrome,
# type VII": the series' name, then a number (and qualifiers)
_NUMBERED = re.compile(
    r"^(.*?\S)[\s,]+(?:type\s+)?(?:\d+[a-z]{0,3}|[ivx]+[a-z]{0,3})(?:(?:,|\s+with\s).*)?$")
# "Spondyloepimetaphyseal dysplasia, Li-Shao-Li type": a named type of a series
_TYPED = re.compile(r"^(.*?\S),\s+[^,]+\stype$")
# "Neurodevelopmental disorder with microcephaly, absent speech, and hypotonia"
_WITH = re.compile(r"^(.*?\S),?\s+(?:with|plus)\s.+$")


def _normal(label: str) -> str:
    return re.sub(r"\s*\([^()]*\)$", "", label.strip()).lower()  # "... 2 (fixture)", "... (?)"


def series_name(label: str) -> str | None:
    """The series a disease's name places it in (lower case), or None."""
    name = _normal(label)
    for pattern in (_NUMBERED, _TYPED, _WITH):
        m = pattern.match(name)
        if m:
            return m.group(1).rstrip(" ,")
    return None


def _series(kb: KnowledgeBase, members: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """For each entity, the other entities of its series: those whose diseases' names share a
    series name with its, and the series' unnumbered founder ("Birt-Hogg-Dube syndrome" and
    "Birt-Hogg-Dube syndrome 2" are one series)."""
    by_name: dict[str, set[int]] = {}
    by_label: dict[str, set[int]] = {}
    names_of: list[set[str]] = []
    for e, mem in enumerate(members):
        names = {n for d in mem if (n := series_name(kb.diseases[d].label))}
        names_of.append(names)
        for n in names:
            by_name.setdefault(n, set()).add(e)
        for d in mem:
            by_label.setdefault(_normal(kb.diseases[d].label), set()).add(e)
    for name, ents in by_label.items():  # the founder belongs to its numbered series too
        if name in by_name:
            for e in ents:
                names_of[e].add(name)
    return [tuple(sorted(set().union(*(by_name[n] | by_label.get(n, set()) for n in names)) - {e}))
            if names else () for e, names in enumerate(names_of)]


def own_empty(kb: KnowledgeBase, members: list[tuple[int, ...]],
              rows_by_disease: dict[int, np.ndarray]) -> np.ndarray:
    """Entities with no (non-NOT) annotation row of their own among ``rows_by_disease``."""
    neg = kb.annotations.negated
    out = np.ones(len(members), dtype=bool)
    for e, mem in enumerate(members):
        for d in mem:
            rows = rows_by_disease.get(d)
            if rows is not None and len(rows) and not neg[rows].all():
                out[e] = False
                break
    return out


def series_profiles(profile: sp.csr_matrix, targets: list[int], series: list[tuple[int, ...]],
                    empty: np.ndarray, weight: float) -> sp.csr_matrix:
    """Rows (one per ``targets`` entity, in order) of ``weight`` x the mean profile of the
    entity's series siblings that have annotations of their own (``empty`` False)."""
    r_idx, c_idx, vals = [], [], []
    for i, e in enumerate(targets):
        sib = [s for s in series[e] if not empty[s]]
        if not sib:
            continue
        r_idx.extend([i] * len(sib))
        c_idx.extend(sib)
        vals.extend([1.0 / len(sib)] * len(sib))
    avg = sp.csr_matrix((np.array(vals, dtype=np.float64), (r_idx, c_idx)),
                        shape=(len(targets), profile.shape[0]))
    mean = (avg @ profile).tocsr()
    mean.data *= weight
    return mean.astype(np.float32)


def kept_rows(rows_of: Callable[[set[int]], dict[int, np.ndarray]], left_out: np.ndarray | None
              ) -> Callable[[set[int]], dict[int, np.ndarray]]:
    """``rows_of`` (disease indices -> their annotation rows) with the ``left_out`` rows removed."""
    if left_out is None or not len(left_out):
        return rows_of
    return lambda diseases: {d: np.setdiff1d(r, left_out) for d, r in rows_of(diseases).items()}


def series_borrowing(
    kb: KnowledgeBase, index: PhenotypeIndex, e: int,
    kept_rows: Callable[[set[int]], dict[int, np.ndarray]],
) -> tuple[tuple[int, ...], dict[int, float], np.ndarray]:
    """What entity ``e`` borrows from its named series (see :func:`build_index`) when
    ``kept_rows`` (disease indices -> their annotation rows still in use) is all there is: the
    sibling entities it borrows from, the borrowed profile (term -> frequency, closed over
    ancestors, as the scorer's) and the siblings' rows. Nothing when ``e`` has annotations of
    its own or the index borrows no series."""
    none: tuple[tuple[int, ...], dict[int, float], np.ndarray] = ((), {}, np.zeros(0, np.int64))
    if not index.series or index.series_weight <= 0 or not index.series[e]:
        return none
    members = index.entity_members
    if not own_empty(kb, [members[e]], kept_rows(set(members[e])))[0]:
        return none
    sibs = list(index.series[e])
    rbd = kept_rows({d for s in sibs for d in members[s]})
    empty = own_empty(kb, [members[s] for s in sibs], rbd)
    used = [s for s, em in zip(sibs, empty) if not em]
    if not used:
        return none
    prof, _ = entity_profiles(
        kb, [members[s] for s in used], rbd, index.default_frequency, len(kb.ontology),
        index.prior, [index.name_terms[s] for s in used] if index.name_terms else None,
        None, 0.0, index.noisy_or, index.zero_not,
    )
    mean = series_profiles(prof, [0], [tuple(range(len(used)))], np.zeros(len(used), dtype=bool),
                           index.series_weight)
    rows = [r for s in used for d in members[s] if (r := rbd.get(d)) is not None]
    return (tuple(used), dict(zip(mean.indices.tolist(), mean.data.tolist())),
            np.unique(np.concatenate(rows)) if rows else none[2])


def entity_profiles(
    kb: KnowledgeBase,
    members: list[tuple[int, ...]],
    rows_by_disease: dict[int, np.ndarray],
    default_frequency: float,
    n_terms: int,
    prior: tuple[float, float] = (1.0, 1.0),
    extra: list[dict[int, float]] | None = None,
    related: list[tuple[int, ...]] | None = None,
    related_weight: float = 0.0,
    noisy_or: bool = False,
    zero_not: float = 0.0,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Profiles (max-propagated frequencies) and NOT-annotations for the given entities.

    ``rows_by_disease`` gives the annotation rows to use for each disease: the same function
    builds the full index and, in leave-publication-out, the few profiles that lose rows.
    """
    ann = kb.annotations
    onto = kb.ontology
    p_indptr, p_idx, p_val = [0], [], []
    n_indptr, n_idx = [0], []
    for k, mem in enumerate(members):
        freqs, neg = term_frequencies(
            ann, (r for d in mem for r in rows_by_disease.get(d, ())), default_frequency, prior,
            zero_not,
        )
        n_own = len(freqs)
        if extra is not None:
            for t, f in extra[k].items():
                if freqs.get(t, -1.0) < f:
                    freqs[t] = f
        # a disease with no phenotype annotation of its own (never annotated, or all left out)
        # is described by its related diseases (broader Orphanet groups, same gene), discounted
        if related is not None and related_weight > 0 and related[k] and n_own == 0:
            rel, _ = term_frequencies(
                ann, (r for d in related[k] for r in rows_by_disease.get(d, ())),
                default_frequency, prior, zero_not,
            )
            for t, f in rel.items():
                if freqs.get(t, -1.0) < f * related_weight:
                    freqs[t] = f * related_weight
        prof: dict[int, float] = {}
        if noisy_or:  # P(some annotated descendant shows) = 1 - prod(1 - f)
            miss: dict[int, float] = {}
            for t, f in freqs.items():
                for a in onto.ancestors(t).tolist():
                    miss[a] = miss.get(a, 1.0) * (1.0 - min(f, 0.999))
            prof = {a: 1.0 - m for a, m in miss.items()}
        else:
            for t, f in freqs.items():
                for a in onto.ancestors(t).tolist():
                    if prof.get(a, -1.0) < f:
                        prof[a] = f
        keys = sorted(prof)
        p_idx.extend(keys)
        p_val.extend(prof[k] for k in keys)
        p_indptr.append(len(p_idx))
        n_idx.extend(sorted(neg))
        n_indptr.append(len(n_idx))
    shape = (len(members), n_terms)
    profile = sp.csr_matrix(
        (np.array(p_val, dtype=np.float32), np.array(p_idx, dtype=np.int32), np.array(p_indptr)),
        shape=shape,
    )
    negated = sp.csr_matrix(
        (np.ones(len(n_idx), dtype=np.float32), np.array(n_idx, dtype=np.int32), np.array(n_indptr)),
        shape=shape,
    )
    return profile, negated


def term_frequencies(
    ann, rows, default_frequency: float, prior: tuple[float, float], zero_not: float = 0.0
) -> tuple[dict[int, float], set[int]]:
    """Pooled frequency of every term annotated in ``rows``, and the NOT-annotated terms.

    With ``zero_not`` > 0, a term whose only evidence is counts pooling to "0 of m" patients with
    m >= ``zero_not`` (e.g. 0/44) is a NOT annotation: the publications looked and found none."""
    pooled: dict[int, list[float]] = {}  # term -> [sum n, sum m, sum class freq, n class, n none]
    neg: set[int] = set()
    for r in rows:
        t = int(ann.term[r])
        if ann.negated[r]:
            neg.add(t)
            continue
        acc = pooled.setdefault(t, [0.0, 0.0, 0.0, 0.0, 0.0])
        if ann.den[r] == ann.den[r]:
            acc[0] += ann.num[r]
            acc[1] += ann.den[r]
        elif ann.freq[r] == ann.freq[r]:
            acc[2] += ann.freq[r]
            acc[3] += 1
        else:
            acc[4] += 1
    if zero_not > 0:
        for t, acc in list(pooled.items()):
            if acc[0] == 0 and acc[1] >= zero_not and acc[3] == 0 and acc[4] == 0:
                del pooled[t]
                neg.add(t)
    return {t: pooled_frequency(acc, default_frequency, prior) for t, acc in pooled.items()}, neg


def pooled_frequency(acc: list[float], default: float, prior: tuple[float, float]) -> float:
    """One frequency from pooled evidence ``[sum n, sum m, sum class midpoints, n class, n none]``.

    Counts "n/m" from all publications are pooled with a Beta(a, b) prior (so 1/1 is not 100%);
    frequency classes are averaged; with both, the two are averaged; with neither, ``default``.
    """
    parts = []
    if acc[1] > 0:
        a, b = prior
        parts.append((acc[0] + a) / (acc[1] + a + b))
    if acc[3] > 0:
        parts.append(acc[2] / acc[3])
    if not parts:
        return default
    return sum(parts) / len(parts)


def rows_by_disease(kb: KnowledgeBase, exclude_rows: np.ndarray | None = None) -> dict[int, np.ndarray]:
    ann = kb.annotations
    keep = np.ones(len(ann), dtype=bool)
    if exclude_rows is not None and len(exclude_rows):
        keep[exclude_rows] = False
    rows = np.nonzero(keep)[0]
    order = np.argsort(ann.disease[rows], kind="stable")
    rows = rows[order]
    ds = ann.disease[rows]
    bounds = np.flatnonzero(np.diff(ds)) + 1
    out: dict[int, np.ndarray] = {}
    for chunk in np.split(rows, bounds):
        if len(chunk):
            out[int(ann.disease[chunk[0]])] = chunk
    return out


def build_index(
    kb: KnowledgeBase,
    default_frequency: float,
    prior: tuple[float, float] = (1.0, 1.0),
    name_frequency: float = 0.0,
    related_weight: float = 0.0,
    noisy_or: bool = False,
    zero_not: float = 0.0,
    definition_terms: dict[str, tuple[tuple[int, bool], ...]] | None = None,
    definition_frequency: float = 0.0,
    group_definition_frequency: float = 0.0,
    orphanet_names: bool = False,
    hedged_definition_frequency: float | None = None,
    variable_name_frequency: float | None = None,
    series_weight: float = 0.0,
) -> PhenotypeIndex:
    """The phenotype index of ``kb``. ``definition_terms`` (ORPHA id -> terms its Orphanet
    definition states) describe, at ``definition_frequency`` (``hedged_definition_frequency`` for
    a term stated only as a feature of some patients), every entity that is or pools that
    Orphanet entry or whose OMIM disease maps to it exactly, and at
    ``group_definition_frequency`` the OMIM diseases narrower than it (its subtypes, product1
    BTNT); like the terms named in a disease's name they are knowledge no case report supplies,
    so leave-publication-out keeps them."""
    ids, labels, members = _entities(kb)
    if variable_name_frequency is None:
        variable_name_frequency = name_frequency
    related = _related(kb, ids, members) if related_weight > 0 else None
    series = _series(kb, members) if series_weight > 0 else None
    name_terms: list[dict[int, float]] = [{} for _ in members]
    if name_frequency > 0:
        phrases = phrase_index(kb)
        for e, mem in enumerate(members):
            names = [kb.diseases[d].label for d in mem]
            if orphanet_names:  # Orphanet's names (label, synonyms) of the exact equivalents
                for o in sorted(_orphanet_ids(kb, mem)):
                    names.extend((kb.orphanet_labels.get(o, ""), *kb.orphanet_synonyms.get(o, ())))
            for name in names:
                present, variable = terms_of_name(name, phrases, kb)
                for t in variable:  # "with or without X"
                    if name_terms[e].get(t, -1.0) < variable_name_frequency:
                        name_terms[e][t] = variable_name_frequency
                for t in present:
                    name_terms[e][t] = name_frequency
    from_definition: list[dict[int, str]] = [{} for _ in members]
    if definition_terms and (definition_frequency > 0 or group_definition_frequency > 0):
        for e, mem in enumerate(members):
            orpha = _orphanet_ids(kb, mem)
            groups = {g for d in mem for g in kb.broader.get(kb.diseases[d].id, ())}
            for source, ids_, freq in (("orphanet-definition", orpha, definition_frequency),
                                       ("orphanet-group-definition", groups - orpha,
                                        group_definition_frequency)):
                if freq <= 0:
                    continue
                for o in sorted(ids_):
                    for t, hedged in definition_terms.get(o, ()):
                        f = freq
                        if hedged and hedged_definition_frequency is not None:
                            f = min(freq, hedged_definition_frequency)
                        if name_terms[e].get(t, -1.0) < f:
                            name_terms[e][t] = f
                            from_definition[e][t] = source
    d2e: list[list[int]] = [[] for _ in kb.diseases]
    for e, mem in enumerate(members):
        for d in set(mem) | set(related[e] if related else ()):
            d2e[d].append(e)
    n_terms = len(kb.ontology)
    rbd = rows_by_disease(kb)
    profile, negated = entity_profiles(
        kb, members, rbd, default_frequency, n_terms, prior, name_terms,
        related, related_weight, noisy_or, zero_not,
    )
    empty = None
    if series is not None:
        empty = own_empty(kb, members, rbd)
        targets = [e for e in range(len(members)) if empty[e] and series[e]]
        borrowed = series_profiles(profile, targets, series, empty, series_weight)
        lift = sp.csr_matrix((borrowed.data, borrowed.indices, borrowed.indptr),
                             shape=borrowed.shape)
        rows = sp.csr_matrix((np.ones(len(targets)), (targets, range(len(targets)))),
                             shape=(len(members), len(targets)))
        profile = profile.maximum((rows @ lift).astype(np.float32)).tocsr()
        for e in targets:  # a sibling that loses rows under leave-publication-out changes e
            for s in series[e]:
                if not empty[s]:
                    for d in members[s]:
                        d2e[d].append(e)
    term_count = np.asarray((profile > 0).sum(axis=0)).ravel().astype(np.float64)
    return PhenotypeIndex(
        entity_ids=ids,
        entity_labels=labels,
        entity_members=members,
        disease_entities=[tuple(sorted(set(x))) for x in d2e],
        profile=profile.tocsc(),
        negated=negated.tocsc(),
        term_count=term_count,
        phenotypic=kb.ontology.descendants_mask(PHENOTYPIC_ABNORMALITY),
        default_frequency=default_frequency,
        prior=prior,
        name_terms=name_terms,
        definition_sources=from_definition,
        related=related,
        related_weight=related_weight,
        noisy_or=noisy_or,
        zero_not=zero_not,
        series=series,
        series_weight=series_weight,
        own_empty=empty,
    )
