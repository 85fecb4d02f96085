"""The per-release phenotype index: diseases pooled into candidate entities and their profiles.

An *entity* is what the differential ranks. Each OMIM disease is one entity that pools the
annotations of the Orphanet entries mapped to it exactly (product1 "E" relation); an Orphanet or
DECIPHER entry with no exactly mapped OMIM disease is an entity of its own. The entity's profile
``M[e, t]`` is the probability that a patient with the disease shows term *t* or one of its
descendants: the largest annotated frequency among the descendants (max-propagation up the DAG).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from raredx.knowledge import KnowledgeBase, PHENOTYPIC_ABNORMALITY


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


def entity_profiles(
    kb: KnowledgeBase,
    members: list[tuple[int, ...]],
    rows_by_disease: dict[int, np.ndarray],
    default_frequency: float,
    n_terms: int,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Profiles (max-propagated frequencies) and NOT-annotations for the given entities.

    ``rows_by_disease`` gives the annotation rows to use for each disease: the same function
    builds the full index and, in leave-publication-out, the few profiles that lose rows.
    """
    ann = kb.annotations
    onto = kb.ontology
    p_indptr, p_idx, p_val = [0], [], []
    n_indptr, n_idx = [0], []
    for mem in members:
        freqs: dict[int, list[float]] = {}
        neg: set[int] = set()
        for d in mem:
            for r in rows_by_disease.get(d, ()):
                t = int(ann.term[r])
                if ann.negated[r]:
                    neg.add(t)
                    continue
                freqs.setdefault(t, []).append(float(ann.freq[r]))
        prof: dict[int, float] = {}
        for t, fs in freqs.items():
            known = [f for f in fs if f == f]
            f = sum(known) / len(known) if known else default_frequency
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


def build_index(kb: KnowledgeBase, default_frequency: float) -> PhenotypeIndex:
    ids, labels, members = _entities(kb)
    d2e: list[list[int]] = [[] for _ in kb.diseases]
    for e, mem in enumerate(members):
        for d in mem:
            d2e[d].append(e)
    n_terms = len(kb.ontology)
    profile, negated = entity_profiles(kb, members, rows_by_disease(kb), default_frequency, n_terms)
    term_count = np.asarray((profile > 0).sum(axis=0)).ravel().astype(np.float64)
    return PhenotypeIndex(
        entity_ids=ids,
        entity_labels=labels,
        entity_members=members,
        disease_entities=[tuple(x) for x in d2e],
        profile=profile.tocsc(),
        negated=negated.tocsc(),
        term_count=term_count,
        phenotypic=kb.ontology.descendants_mask(PHENOTYPIC_ABNORMALITY),
        default_frequency=default_frequency,
    )
