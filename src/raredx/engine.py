"""The facade: one object that ranks patients, wired from a configuration by one function.

>>> # engine = build_engine(EngineConfig(data_dir=Path("hpo-2026-06-06")))
>>> # diagnosis = engine.diagnose(patient, top=10)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from raredx.io import load_knowledge, patient_from_phenopacket, read_phenopacket, resolve_terms
from raredx.knowledge import KnowledgeBase, cached
from raredx.model import Age, Patient, Sex, TermId
from raredx.ranking import (
    Candidate,
    CourseAspect,
    CourseEvidence,
    Diagnosis,
    ProtocolKind,
    TermEvidence,
)
from raredx.ranking._explain import Explainer
from raredx.scoring import (
    BIN_NAMES,
    PhenotypeParams,
    PhenotypeScorer,
    PhenotypeScores,
    build_index,
    definition_terms,
    extractor_version,
    leaf_tables,
)

__all__ = ["Engine", "EngineConfig", "build_engine"]


@dataclass(frozen=True)
class EngineConfig:
    """Where the knowledge is and which model weights to use (``None``: the defaults)."""

    data_dir: Path | None = None
    weights: Path | None = None


class Engine:
    """Ranks every candidate disease for a patient. Thread-safe for concurrent ``diagnose``."""

    def __init__(self, kb: KnowledgeBase, scorer: PhenotypeScorer) -> None:
        self.knowledge = kb
        self._scorer = scorer
        self._index = scorer.index
        self._entity_of: dict[str, list[int]] = {}
        for e, eid in enumerate(self._index.entity_ids):
            self._entity_of.setdefault(eid, []).append(e)
            for d in self._index.entity_members[e]:
                did = kb.diseases[d].id
                if did != eid:
                    self._entity_of.setdefault(did, []).append(e)
        self._order_key = np.argsort(np.argsort(np.array(self._index.entity_ids)))
        prm = scorer.params
        self._explainer = Explainer(kb, self._index, prm.specificity_exponent,
                                    prm.frequency_exponent, scorer.rows_of)

    # -- input -------------------------------------------------------------------------------
    def read_phenopacket(self, path: Path) -> Patient:
        """Read a phenopacket (raises :class:`raredx.errors.InputError` if unusable)."""
        return read_phenopacket(path, self.knowledge.ontology)

    def patient_from_phenopacket(self, data: object, where: str) -> Patient:
        """A patient from an already parsed phenopacket JSON object (e.g. an API request)."""
        return patient_from_phenopacket(data, self.knowledge.ontology, where)

    def patient(
        self,
        present: list[str],
        excluded: list[str] = (),  # type: ignore[assignment]
        sex: Sex = Sex.UNKNOWN,
        age_years: float | None = None,
        onset: str | None = None,
        patient_id: str = "patient",
        where: str = "command line",
        locations: list[str] | None = None,
    ) -> Patient:
        """Build a patient from term ids, validating them (issues are kept on the patient).
        ``locations``, parallel to ``present + excluded``, says where each id was given
        (``--present item 2``); warnings name it."""
        raw = [(t, False) for t in present] + [(t, True) for t in excluded]
        p, x, issues = resolve_terms(self.knowledge.ontology, raw, where, locations)
        return Patient(
            id=patient_id, present=p, excluded=x, sex=sex,
            age=Age(age_years) if age_years is not None else None,
            onset=TermId(onset) if onset else None, issues=tuple(issues),
        )

    # -- ranking -----------------------------------------------------------------------------
    @property
    def candidate_ids(self) -> list[str]:
        return self._index.entity_ids

    @property
    def candidate_labels(self) -> list[str]:
        """The candidates' names, aligned with :attr:`candidate_ids`."""
        return self._index.entity_labels

    def descriptive_terms(self, candidate: int) -> dict[int, float]:
        """Terms (ontology indices -> frequency) that describe a candidate without citing a case
        report: named in its diseases' names, stated in Orphanet's definitions. They stay under
        leave-publication-out."""
        terms = self._index.name_terms
        return terms[candidate] if terms else {}

    def borrowed_terms(self, candidate: int, left_out: np.ndarray | None = None
                       ) -> dict[int, float]:
        """Terms (ontology indices -> frequency, closed over ancestors) a candidate with no
        annotation of its own (never annotated, or all ``left_out``) borrows from its named
        series, as its profile has them; empty for the others."""
        return self._scorer.series_terms(candidate, left_out)

    def candidates_for(self, disease_id: str) -> list[int]:
        """Indices of the candidates that are, or pool, ``disease_id``."""
        return self._entity_of.get(disease_id, [])

    def left_out_rows(self, patient: Patient) -> np.ndarray:
        refs = {p if p.upper().startswith("PMID:") else f"PMID:{p}" for p in patient.publications}
        return self.knowledge.annotations.rows_citing(refs)

    def score(self, patient: Patient, leave_publication_out: bool = False) -> PhenotypeScores:
        """Per-term evidence for every candidate (the fast path the benchmark uses)."""
        rows = self.left_out_rows(patient) if leave_publication_out else None
        return self._scorer.score(patient, rows)

    def order(self, total: np.ndarray, top: int | None = None) -> np.ndarray:
        """Candidate indices best first. Ties: the smaller candidate id first (documented rule).
        With ``top``, only the first ``top`` (the rest is not sorted: much faster)."""
        if top is None or top >= len(total):
            return np.lexsort((self._order_key, -total))
        if top <= 0:
            return np.zeros(0, dtype=np.int64)
        kth = np.partition(total, len(total) - top)[len(total) - top]
        cand = np.flatnonzero(total >= kth)  # every candidate tied with the last one included
        return cand[np.lexsort((self._order_key[cand], -total[cand]))][:top]

    def ranks(self, total: np.ndarray, candidates) -> np.ndarray:
        """1-based ranks of ``candidates`` in :meth:`order` (same tie rule), without sorting:
        what a benchmark needs for the truth's rank."""
        c = np.asarray(candidates, dtype=np.int64)
        t = total[c][:, None]
        key = self._order_key[c][:, None]
        above = (total[None, :] > t) | ((total[None, :] == t) & (self._order_key[None, :] < key))
        return above.sum(axis=1) + 1

    def probabilities(self, total: np.ndarray, n_terms: int | None = None,
                      temperature_factor: float = 1.0) -> np.ndarray:
        """Posterior probabilities of the candidates: a softmax of the scores whose temperature
        grows with the number of present terms ``n_terms`` (long records sum many correlated
        log likelihood ratios and would otherwise be over-confident; see the phenotype model),
        times ``temperature_factor`` (scores that are not the phenotype's alone, e.g. with a
        VCF, calibrate at another temperature)."""
        t = self._scorer.params.temperature_for(n_terms) * temperature_factor
        z = total * np.log(10.0) / t
        z = z - z.max()
        p = np.exp(z)
        return p / p.sum()

    def diagnose(
        self,
        patient: Patient,
        top: int = 10,
        leave_publication_out: bool = False,
        explain_top: int | None = None,
    ) -> Diagnosis:
        scores = self.score(patient, leave_publication_out)
        total = scores.total
        order = self.order(total, top)
        prob = self.probabilities(total, len(patient.present))
        kb = self.knowledge
        n_explain = top if explain_top is None else min(explain_top, top)
        ranked = order[:top].tolist()
        explained = self._explain(patient, scores, ranked[:max(0, n_explain)])
        cands = []
        for r, e in enumerate(ranked):
            ev: tuple[TermEvidence, ...] = ()
            course: tuple[CourseEvidence, ...] = ()
            if r < len(explained):
                ev, course = explained[r]
            eid = self._index.entity_ids[e]
            members = tuple(kb.diseases[d].id for d in self._index.entity_members[e])
            cands.append(Candidate(
                rank=r + 1, disease_id=eid, label=self._index.entity_labels[e],
                score=float(total[e]), probability=float(prob[e]),
                equivalent_ids=tuple(m for m in members if m != eid), evidence=ev, course=course,
            ))
        return Diagnosis(
            patient_id=patient.id,
            candidates=tuple(cands),
            knowledge=kb.versions,
            protocol=ProtocolKind.LEAVE_PUBLICATION_OUT if leave_publication_out else ProtocolKind.AS_IS,
            left_out_annotations=0 if scores.left_out is None else len(scores.left_out),
            n_candidates=len(total),
            present=tuple(t.value for t in patient.present),
            excluded=tuple(t.value for t in patient.excluded),
            issues=tuple(patient.issues),
        )

    def explain(
        self,
        patient: Patient,
        candidates: list[int],
        leave_publication_out: bool = False,
        scores: PhenotypeScores | None = None,
    ) -> list[tuple[tuple[TermEvidence, ...], tuple[CourseEvidence, ...]]]:
        """The phenotype evidence and course evidence of the given candidate indices (as in
        :meth:`diagnose`), e.g. for candidates another ranking put first. Pass ``scores`` from
        :meth:`score` to avoid scoring again (they must be this patient's, same protocol)."""
        if scores is None:
            scores = self.score(patient, leave_publication_out)
        return self._explain(patient, scores, [int(e) for e in candidates])

    def prepare_explanations(self) -> None:
        """Compute every candidate's explanation profile now instead of on first use (a
        server's start-up: about 3 s and 60 MB with the default release; see
        :meth:`raredx.ranking._explain.Explainer.preload`)."""
        self._explainer.preload()

    def _explain(self, patient: Patient, scores: PhenotypeScores, candidates: list[int]
                 ) -> list[tuple[tuple[TermEvidence, ...], tuple[CourseEvidence, ...]]]:
        evidence = self._explainer.explain(scores, candidates)
        return [(ev, self._course(patient, scores, e)) for ev, e in zip(evidence, candidates)]

    def _course(self, patient: Patient, scores: PhenotypeScores, e: int
                ) -> tuple[CourseEvidence, ...]:
        sc, kb = self._scorer, self.knowledge
        out = []
        if scores.onset_llr[e] != 0:
            mine = sorted(sc.patient_onset_bins(patient))
            if mine:
                said = (f"onset {' or '.join(BIN_NAMES[b] for b in mine)} "
                        f"({patient.onset.value})")  # type: ignore[union-attr]
            else:
                said = f"age {patient.age.years:g} years"  # type: ignore[union-attr]
            theirs = ", ".join(BIN_NAMES[b] for b in sorted(sc.entity_onset_bins(e)))
            verdict = "fits" if scores.onset_llr[e] > 0 else "does not fit"
            out.append(CourseEvidence(CourseAspect.ONSET, f"{said} {verdict} the disease's "
                                      f"annotated onset ({theirs})", float(scores.onset_llr[e])))
        if scores.sex_llr[e] != 0:
            out.append(CourseEvidence(CourseAspect.SEX, "X-linked recessive disease in a female",
                                      float(scores.sex_llr[e])))
        if sc.is_group(e) and scores.prior_llr[e] != 0:
            out.append(CourseEvidence(
                CourseAspect.PRIOR, "Orphanet group broader than an annotated OMIM disease: "
                "ranked after the specific disease when both fit", float(scores.prior_llr[e])))
        u = scores.unreported_llr  # 0.0 when the model has no unreported term
        lacking = float(u[e]) if isinstance(u, np.ndarray) else 0.0
        if lacking < 0:
            feats = sc.unreported_features(e, scores)
            onto = kb.ontology
            named = ", ".join(f"{onto.label(onto.ids[t])} ({f:.0%})" for t, f in feats[:5])
            more = f" and {len(feats) - 5} more" if len(feats) > 5 else ""
            out.append(CourseEvidence(
                CourseAspect.UNREPORTED, f"{len(feats)} annotated features of the disease are "
                f"not reported: {named}{more}", lacking))
        why = ("all its own annotations cite the case's publications and were left out"
               if scores.left_out is not None and len(scores.left_out) else
               "it has no phenotype annotation of its own")
        borrowed = sc.borrowed_from(e, scores.left_out)
        if borrowed:
            named = _listed([f"{kb.diseases[d].id} {kb.diseases[d].label}" for d in borrowed])
            out.append(CourseEvidence(
                CourseAspect.PROFILE, f"{why}; its profile is borrowed, discounted, from related "
                f"diseases (broader Orphanet groups, same gene): {named}", 0.0))
        series = sc.borrowed_series(e, scores.left_out)
        if series:
            idx = self._index
            named = _listed([f"{idx.entity_ids[s]} {idx.entity_labels[s]}" for s in series])
            out.append(CourseEvidence(
                CourseAspect.PROFILE, f"{why}; it is described by the mean profile of the "
                f"{len(series)} other diseases of its named series: {named}", 0.0))
        return tuple(out)


def _listed(names: list[str], shown: int = 3) -> str:
    """The first ``shown`` names, '; '-separated, and how many more there are."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return "; ".join(names[:shown]) + more


def build_engine(config: EngineConfig = EngineConfig(), log: Callable[[str], None] = print) -> Engine:
    """Load the knowledge release (cached) and its phenotype index (cached), wire the engine."""
    kb = load_knowledge(config.data_dir, log)
    params = PhenotypeParams.load(config.weights)
    key = getattr(kb, "cache_key", "nocache")
    prior = (params.prior_a, params.prior_b)
    name = (f"phenotype-index-f{params.default_frequency:g}-a{prior[0]:g}-b{prior[1]:g}"
            f"-n{params.name_frequency:g}-r{params.related_weight:g}-o{params.noisy_or:g}"
            f"-z{params.zero_count_not:g}-on{params.orphanet_names:g}"
            f"-nv{params.variable_name_frequency:g}")
    if params.series_weight > 0:
        name += f"-s{params.series_weight:g}"
    uses_definitions = params.definition_frequency > 0 or params.group_definition_frequency > 0
    if uses_definitions:  # the terms depend on the text extractor's version too
        version = extractor_version()
        name += (f"-d{params.definition_frequency:g}-g{params.group_definition_frequency:g}"
                 f"-h{params.hedged_definition_frequency:g}-{version}")

    def build():
        definitions = (cached(key, f"definition-terms-{version}", lambda: definition_terms(kb))
                       if uses_definitions else None)
        return build_index(
            kb, params.default_frequency, prior, params.name_frequency, params.related_weight,
            bool(params.noisy_or), params.zero_count_not, definitions,
            params.definition_frequency, params.group_definition_frequency,
            bool(params.orphanet_names),
            (params.hedged_definition_frequency if params.hedged_definition_frequency >= 0
             else None),
            (params.variable_name_frequency if params.variable_name_frequency >= 0 else None),
            params.series_weight,
        )

    index = cached(key, name, build)
    leaves = (cached(key, f"{name}-leaves", lambda: leaf_tables(kb, index))
              if params.unreported > 0 else None)
    return Engine(kb, PhenotypeScorer(kb, index, params, leaves))
