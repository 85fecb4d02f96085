"""What to examine next: the features whose answer would most change the differential.

For the engine's posterior ``pi`` over its leading candidates and a feature f with
``p_e = P(f present | e)`` (:mod:`raredx.questions._model`), the expected information gain is
``H(pi) - P(+) H(pi | +) - P(-) H(pi | -)`` with ``pi(e | +) ~ pi_e p_e`` and
``pi(e | -) ~ pi_e (1 - p_e)``; "unknown" answers carry no information. Features already known
(present, excluded, above a present term or below an excluded one) are not asked.

That model ranks every askable feature cheaply; the leading :data:`RESCORE` of them are then
ranked again by the *engine's own* update: the patient is scored with the feature added as
present and as excluded (``engine.score``), giving the engine's posteriors ``pi+`` and ``pi-``
over all candidates. The ``log_score`` objective is the expected gain in the log probability
the engine gives the true disease, the truth drawn from the engine's posterior ``pi`` and its
answer from the model's ``p_e``:

    sum_e pi_e [p_e log2(pi+_e / pi_e) + w (1 - p_e) log2(pi-_e / pi_e)]

(``w`` the weight of an "absent" answer). When the engine's update is the Bayes update with
``p_e`` this *is* the information gain; when it is not (the engine also re-weighs the
candidates' unreported features, and a present answer lengthens the record), an answer that
would move the posterior towards candidates that do not predict it counts against the
question instead of for it, as a mere drop of entropy would. ``entropy`` (session 2, the
default in ``question_model.json``: ``log_score`` did not do better on the tuning samples): the
expected entropy drop of the engine's posterior, ``P(+) (H - H+) + w P(-) (H - H-)``. Either
way a feature the scorer barely uses gains little, whatever the model predicts.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from raredx.knowledge import Ontology
from raredx.model import Patient, TermId
from raredx.questions._model import BACKGROUND, CandidateFeatures

if TYPE_CHECKING:
    from raredx.engine import Engine

TOP_CANDIDATES = 50  # the posterior is taken over this many leading candidates
RESCORE = 8  # leading features re-ranked by the engine's own update (0: model only)
SEPARATES = 3  # candidates listed on each side of a question
OBJECTIVES = ("log_score", "entropy")  # how the engine's update is scored (see above)


class Answer(enum.Enum):
    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CandidateOdds:
    disease_id: str
    label: str
    probability: float  # current posterior (over the leading candidates)
    p_present: float  # P(feature present | this candidate)


@dataclass(frozen=True, slots=True)
class Question:
    """One suggested feature: how much it would tell, how it is checked, whom it separates."""

    term_id: str
    label: str
    information_gain: float  # bits, expected
    p_present: float  # predicted probability that the patient has it
    how: str  # e.g. "echocardiography", "physical examination or history"
    needs_test: bool
    if_present: tuple[CandidateOdds, ...]  # leading candidates that predict it
    if_absent: tuple[CandidateOdds, ...]  # leading candidates that predict its absence

    def as_dict(self) -> dict:
        def odds(c: CandidateOdds) -> dict:
            return {"id": c.disease_id, "label": c.label, "probability": round(c.probability, 4),
                    "p_present": round(c.p_present, 3)}

        return {
            "id": self.term_id, "label": self.label,
            "information_gain_bits": round(self.information_gain, 4),
            "p_present": round(self.p_present, 3), "how": self.how, "needs_test": self.needs_test,
            "supports_if_present": [odds(c) for c in self.if_present],
            "supports_if_absent": [odds(c) for c in self.if_absent],
        }


def _entropy(p: np.ndarray, axis: int = -1) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        lp = np.where(p > 0, np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return -(p * lp).sum(axis=axis)


def information_gain(
    prior: np.ndarray, p_present: np.ndarray, absent_weight: float = 1.0
) -> np.ndarray:
    """Expected entropy reduction (bits) of ``prior`` (K) for each row of ``p_present`` (F x K).

    ``absent_weight`` (0..1) is the chance that an absent feature is actually answered "absent"
    (rather than "unknown") relative to a present one being answered "present".

    >>> float(information_gain(np.array([.5, .5]), np.array([[1., 0.]]))[0])
    1.0
    >>> float(information_gain(np.array([.5, .5]), np.array([[.3, .3]]))[0])
    0.0
    """
    joint_pos = p_present * prior  # F x K
    joint_neg = (1.0 - p_present) * prior
    pp = joint_pos.sum(axis=1)
    pn = joint_neg.sum(axis=1)
    post_pos = joint_pos / np.where(pp > 0, pp, 1.0)[:, None]
    post_neg = joint_neg / np.where(pn > 0, pn, 1.0)[:, None]
    h = _entropy(prior)
    return pp * (h - _entropy(post_pos, 1)) + absent_weight * pn * (h - _entropy(post_neg, 1))


def log_score_gain(
    prior: np.ndarray, p_present: np.ndarray, post_present: np.ndarray,
    post_absent: np.ndarray, absent_weight: float = 1.0,
) -> float:
    """Expected gain (bits) in the log probability of the true candidate when the truth is drawn
    from ``prior`` (K) and answers "present" with probability ``p_present`` (K), the posterior
    becoming ``post_present`` or ``post_absent`` (K each, from any updater); absent answers count
    ``absent_weight``. With the Bayes update of ``prior`` by ``p_present`` each answer's part is
    P(answer) times KL(posterior || prior), and with ``absent_weight`` 1 the sum is
    :func:`information_gain`; an update that favours candidates unlikely to give the answer
    scores lower, possibly below zero.

    >>> pr, p = np.array([.5, .5]), np.array([1., 0.])
    >>> round(log_score_gain(pr, p, np.array([1., 0.]), np.array([0., 1.])), 6)
    1.0
    >>> log_score_gain(pr, p, np.array([.1, .9]), np.array([.9, .1])) < 0
    True
    """
    tiny = np.finfo(float).tiny
    lp0 = np.log2(np.maximum(prior, tiny))
    d_pos = np.log2(np.maximum(post_present, tiny)) - lp0
    d_neg = np.log2(np.maximum(post_absent, tiny)) - lp0
    return float((prior * (p_present * d_pos
                           + absent_weight * (1.0 - p_present) * d_neg)).sum())


class _Kinds:
    def __init__(self, engine: Engine) -> None:
        raw = json.loads(resources.files("raredx").joinpath("data/question_kinds.json")
                         .read_text("utf-8"))
        o = engine.knowledge.ontology
        self.roots = [(o.index(t), how, kind == "test") for t, how, kind in raw["kinds"]
                      if t in o]
        self.default = (raw["default"][0], raw["default"][1] == "test")
        self._o = o

    def of(self, i: int) -> tuple[str, bool]:
        for r, how, test in self.roots:
            if self._o.is_descendant_of(i, r):
                return how, test
        return self.default


class QuestionEngine:
    """Suggests the next features to check for a patient, on top of an :class:`Engine`."""

    def __init__(self, engine: Engine, absent_weight: float | None = None,
                 annotated_only: bool | None = None, rescore: int | None = None,
                 answerability: float | None = None, objective: str | None = None,
                 supersede: bool | None = None) -> None:
        self.engine = engine
        params = json.loads(resources.files("raredx").joinpath("data/question_model.json")
                            .read_text("utf-8"))["parameters"]
        self.objective = params.get("objective", "entropy") if objective is None else objective
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective: {self.objective!r} is not one of {OBJECTIVES}")
        self.supersede = (bool(params.get("answers_supersede", True)) if supersede is None
                          else supersede)
        self.absent_weight = params["absent_weight"] if absent_weight is None else absent_weight
        self.annotated_only = (params.get("annotated_only", False) if annotated_only is None
                               else annotated_only)
        self.rescore = params.get("rescore", RESCORE) if rescore is None else rescore
        self.answerability = float(params.get("answerability_exponent", 0.0)
                                   if answerability is None else answerability)
        self._reported = self._report_counts() if self.answerability else None
        kb = engine.knowledge
        self.features = CandidateFeatures.build(kb, engine.candidate_ids, engine.candidates_for,
                                                engine.descriptive_terms, engine.borrowed_terms)
        self.kinds = _Kinds(engine)
        self._labels: dict[str, str] = {}

    def _report_counts(self) -> np.ndarray:
        """Per ontology term: annotation rows (not NOT) at or below it, plus one. How often a
        feature, or a more specific one, is reported at all: the proxy for how likely a
        question about it is to get an answer rather than "unknown"."""
        kb = self.engine.knowledge
        o = kb.ontology
        ann = kb.annotations
        terms = ann.term[~np.asarray(ann.negated, dtype=bool)]
        direct = np.bincount(terms, minlength=len(o))
        out = np.ones(len(o))
        for t in np.flatnonzero(direct).tolist():
            out[o.ancestors(t)] += direct[t]
        return out

    def label(self, candidate_id: str) -> str:
        if not self._labels:
            kb = self.engine.knowledge
            self._labels = {d.id: d.label for d in kb.diseases}
        return self._labels.get(candidate_id, candidate_id)

    def known(self, patient: Patient) -> set[int]:
        """Ontology indices whose answer follows from the patient's terms."""
        o = self.engine.knowledge.ontology
        out: set[int] = set()
        for t in patient.present:
            i = o.get_index(t.value)
            if i is not None:
                out.update(o.ancestors(i).tolist())
        excl = [o.get_index(t.value) for t in patient.excluded]
        excl_set = {i for i in excl if i is not None}
        self._excluded_roots = excl_set
        return out | excl_set

    def candidate_pool(
        self, patient: Patient, leave_publication_out: bool = False,
        top_candidates: int = TOP_CANDIDATES, asked: frozenset[str] = frozenset(),
    ) -> tuple[np.ndarray, np.ndarray, list[int], np.ndarray]:
        """Leading candidates, their renormalised posterior, askable features (not known and not
        in ``asked``) and P(feature | candidate) (features x candidates)."""
        eng = self.engine
        total = eng.score(patient, leave_publication_out).total
        order = eng.order(total)[:top_candidates]
        prob = eng.probabilities(total, len(patient.present))[order]
        prior = prob / prob.sum()
        left = eng.left_out_rows(patient) if leave_publication_out else None
        feats, p = self.features.probabilities(eng.knowledge, order.tolist(), left,
                                               self.annotated_only)
        known = self.known(patient)
        o = eng.knowledge.ontology
        keep = []
        for k, f in enumerate(feats):
            if f in known or o.ids[f] in asked:
                continue
            if self._excluded_roots and any(a in self._excluded_roots
                                            for a in o.ancestors(f).tolist()):
                continue
            keep.append(k)
        return order, prior, [feats[k] for k in keep], p[keep]

    def suggest(
        self, patient: Patient, n: int = 5, leave_publication_out: bool = False,
        top_candidates: int = TOP_CANDIDATES, asked: frozenset[str] = frozenset(),
    ) -> list[Question]:
        """The ``n`` features with the largest expected information gain, best first (ties: the
        smaller term id). ``asked``: term ids already asked (e.g. answered "unknown")."""
        order, prior, feats, p = self.candidate_pool(patient, leave_publication_out,
                                                     top_candidates, asked)
        if not feats:
            return []
        gain = information_gain(prior, p, self.absent_weight)
        if self._reported is not None:
            gain = gain * self._reported[feats] ** self.answerability
        ids = self.engine.knowledge.ontology.ids
        rank = sorted(range(len(feats)), key=lambda k: (-round(float(gain[k]), 9), ids[feats[k]]))
        if self.rescore > 0:
            # the leading features by the model, and as many of the terms the leading
            # candidates are annotated with (specific ones, which a grouping term would hide)
            eng = self.engine
            left = eng.left_out_rows(patient) if leave_publication_out else None
            direct = set(self.features.direct_terms(eng.knowledge, order.tolist(), left).tolist())
            half = max(self.rescore, n)
            head = list(dict.fromkeys(rank[:half] + [k for k in rank if feats[k] in direct][:half]))
            engine_gain = self._engine_gain(patient, leave_publication_out, order, prior,
                                             feats, p, head)
            for k, g in zip(head, engine_gain):
                gain[k] = g
            head.sort(key=lambda k: (-round(float(gain[k]), 9), ids[feats[k]]))
            rank = head
        return [self._question(order, prior, feats[k], p[k], float(gain[k])) for k in rank[:n]]

    def _engine_gain(
        self, patient: Patient, leave_publication_out: bool, order: np.ndarray,
        prior: np.ndarray, feats: list[int], p: np.ndarray, rows: list[int],
    ) -> list[float]:
        """The gain (bits) of each feature ``feats[k]`` (``k`` in ``rows``) under the engine's
        own update for a present and an absent answer (see the module docstring)."""
        eng = self.engine
        ids = eng.knowledge.ontology.ids
        full = eng.probabilities(eng.score(patient, leave_publication_out).total,
                                 len(patient.present))
        h0 = float(_entropy(full))
        top_mass = float(full[order].sum())
        out = []
        for k in rows:
            tid = ids[feats[k]]
            answered = [self.answer(patient, tid, reply)
                        for reply in (Answer.PRESENT, Answer.ABSENT)]
            posts = [eng.probabilities(eng.score(a, leave_publication_out).total, len(a.present))
                     for a in answered]
            if self.objective == "log_score":
                # P(present | candidate): the model for the leading candidates, background else
                like = np.full(len(full), BACKGROUND)
                like[order] = p[k]
                g = log_score_gain(full, like, posts[0], posts[1], self.absent_weight)
            else:
                # P(present): the model over the leading candidates, background elsewhere
                pp = top_mass * float((prior * p[k]).sum()) + (1.0 - top_mass) * BACKGROUND
                hs = [float(_entropy(post)) for post in posts]
                g = pp * (h0 - hs[0]) + self.absent_weight * (1.0 - pp) * (h0 - hs[1])
            if self._reported is not None:
                g *= float(self._reported[feats[k]]) ** self.answerability
            out.append(g)
        return out

    def answer(self, patient: Patient, term_id: str, reply: Answer) -> Patient:
        """:func:`answer` with this engine's ontology, so that answers supersede what they imply
        (``answers_supersede`` in the question model; off: answers are only appended)."""
        return answer(patient, term_id, reply,
                      self.engine.knowledge.ontology if self.supersede else None)

    def _question(self, order, prior, f: int, p_row: np.ndarray, gain: float) -> Question:
        o = self.engine.knowledge.ontology
        cids = self.engine.candidate_ids
        lead = np.argsort(-prior, kind="stable")[: max(10, 2 * SEPARATES)]

        def odds(j: int) -> CandidateOdds:
            cid = cids[int(order[j])]
            return CandidateOdds(cid, self.label(cid), float(prior[j]), float(p_row[j]))

        pos = [j for j in sorted(lead.tolist(), key=lambda j: -p_row[j] * prior[j])
               if p_row[j] >= 0.5][:SEPARATES]
        neg = [j for j in sorted(lead.tolist(), key=lambda j: -(1 - p_row[j]) * prior[j])
               if p_row[j] < 0.2][:SEPARATES]
        how, test = self.kinds.of(f)
        return Question(
            term_id=o.ids[f], label=o.terms[f].label, information_gain=gain,
            p_present=float((prior * p_row).sum()), how=how, needs_test=test,
            if_present=tuple(odds(j) for j in pos), if_absent=tuple(odds(j) for j in neg),
        )


def answer(patient: Patient, term_id: str, reply: Answer,
           ontology: Ontology | None = None) -> Patient:
    """The patient with one more answered feature (``UNKNOWN`` changes nothing).

    With the ``ontology``, the answer also supersedes what it makes redundant or contradicts:
    a present feature replaces the present terms above it (a more specific answer says all they
    said; the scorer counts every term it is given, so keeping them would count one finding
    twice) and drops the excluded terms at or above it; an absent feature replaces the excluded
    terms below it and drops the present terms at or below it (the latest answer wins).
    """
    t = TermId(term_id)
    if reply is Answer.UNKNOWN:
        return patient
    if ontology is None or term_id not in ontology:
        if reply is Answer.PRESENT and t not in patient.present:
            return replace(patient, present=(*patient.present, t),
                           excluded=tuple(x for x in patient.excluded if x != t))
        if reply is Answer.ABSENT and t not in patient.excluded:
            return replace(patient, excluded=(*patient.excluded, t),
                           present=tuple(x for x in patient.present if x != t))
        return patient
    i = ontology.index(term_id)

    def above(x: TermId) -> bool:  # x is t or an ancestor of t
        j = ontology.get_index(x.value)
        return j is not None and ontology.is_descendant_of(i, j)

    def below(x: TermId) -> bool:  # x is t or a descendant of t
        j = ontology.get_index(x.value)
        return j is not None and ontology.is_descendant_of(j, i)

    if reply is Answer.PRESENT:
        keep = tuple(x for x in patient.present if not above(x))
        return replace(patient, present=(*keep, t),
                       excluded=tuple(x for x in patient.excluded if not above(x)))
    keep = tuple(x for x in patient.excluded if not below(x))
    return replace(patient, excluded=(*keep, t),
                   present=tuple(x for x in patient.present if not below(x)))
