"""What to examine next, on the hand-written mini release (tests/fixtures/mini_release)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from raredx.cli import app
from raredx.model import TermId
from raredx.questions import Answer, QuestionEngine, answer, information_gain, log_score_gain
from raredx.questions._model import BACKGROUND, NEGATED

SEIZURE, GDD, ID = "HP:0001250", "HP:0001263", "HP:0001249"


@pytest.fixture(scope="module")
def qe(mini_engine):
    return QuestionEngine(mini_engine)


def test_information_gain_is_zero_for_a_feature_everyone_shares():
    prior = np.array([0.2, 0.3, 0.5])
    gain = information_gain(prior, np.array([[0.7, 0.7, 0.7], [0.9, 0.9, 0.05]]))
    assert gain[0] == pytest.approx(0.0, abs=1e-12)
    assert gain[1] > 0.5


def test_information_gain_counts_absent_answers_by_their_weight():
    prior = np.array([0.5, 0.5])
    p = np.array([[0.5, 0.0]])
    full, none = information_gain(prior, p, 1.0)[0], information_gain(prior, p, 0.0)[0]
    assert full > none > 0


def test_feature_probabilities_follow_annotations(qe, mini_engine):
    kb = mini_engine.knowledge
    cands = [mini_engine.candidates_for(d)[0] for d in ("OMIM:100100", "ORPHA:900001")]
    feats, p = qe.features.probabilities(kb, cands)
    row = feats.index(kb.ontology.index(SEIZURE))
    assert p[row, 0] > 0.85  # very frequent in type 1
    assert p[row, 1] == NEGATED  # NOT annotated in the non-epileptic syndrome
    gdd = feats.index(kb.ontology.index(GDD))
    parent = feats.index(kb.ontology.index("HP:0000707"))  # nervous system, above both
    assert (p[parent] >= p[gdd]).all()


def test_left_out_annotations_fall_back_to_background(qe, mini_engine):
    kb = mini_engine.knowledge
    e = mini_engine.candidates_for("OMIM:100100")[0]
    rows = kb.annotations.rows_citing({"PMID:5000005"})  # the seizure annotation of type 1
    feats, p = qe.features.probabilities(kb, [e], rows)
    assert kb.ontology.index(SEIZURE) not in feats or p[
        feats.index(kb.ontology.index(SEIZURE)), 0] == pytest.approx(BACKGROUND)


def test_best_question_separates_the_leading_candidates(qe, mini_engine):
    patient = mini_engine.patient([GDD])
    lead = [mini_engine.candidate_ids[e] for e in
            mini_engine.order(mini_engine.score(patient).total)[:3]]
    assert set(lead) == {"OMIM:100100", "OMIM:100200", "ORPHA:900001"}
    qs = qe.suggest(patient, n=3, top_candidates=3)
    assert qs and qs[0].term_id in (SEIZURE, ID)
    top = qs[0]
    favour = {c.disease_id for c in top.if_present} | {c.disease_id for c in top.if_absent}
    assert "ORPHA:900001" in favour
    assert all(q.information_gain >= qs[-1].information_gain for q in qs)


def test_known_features_are_not_asked(qe, mini_engine):
    patient = mini_engine.patient([GDD], [SEIZURE])
    asked = {q.term_id for q in qe.suggest(patient, n=50)}
    o = mini_engine.knowledge.ontology
    above_gdd = {o.ids[a] for a in o.ancestors(o.index(GDD))}
    assert not asked & above_gdd
    assert SEIZURE not in asked
    again = {q.term_id for q in qe.suggest(patient, n=50, asked=frozenset({ID}))}
    assert ID not in again


def test_answering_updates_the_patient(mini_engine):
    p = mini_engine.patient([GDD])
    p1 = answer(p, SEIZURE, Answer.PRESENT)
    assert TermId(SEIZURE) in p1.present
    p2 = answer(p1, SEIZURE, Answer.ABSENT)
    assert TermId(SEIZURE) in p2.excluded and TermId(SEIZURE) not in p2.present
    assert answer(p, SEIZURE, Answer.UNKNOWN) == p


def test_answer_moves_the_differential(qe, mini_engine):
    base = mini_engine.patient([GDD])
    after = answer(base, SEIZURE, Answer.ABSENT)
    first = mini_engine.diagnose(after, top=1).candidates[0].disease_id
    assert first == "ORPHA:900001"


def test_cli_next_json(mini_release):
    res = CliRunner().invoke(app, ["next", "--present", GDD, "-n", "2", "-f", "json",
                                   "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert len(out["questions"]) == 2 and out["present"] == [GDD]
    q = out["questions"][0]
    assert {"id", "label", "information_gain_bits", "how", "needs_test",
            "supports_if_present", "supports_if_absent"} <= set(q)


def test_cli_next_interactive_updates(mini_release):
    res = CliRunner().invoke(app, ["next", "--present", GDD, "--interactive", "--top", "3",
                                   "--data-dir", str(mini_release)], input="a\nq\n")
    assert res.exit_code == 0, res.output
    assert res.output.count("Differential diagnosis") == 2


def test_cli_next_needs_exactly_one_source(mini_release):
    res = CliRunner().invoke(app, ["next", "--data-dir", str(mini_release)])
    assert res.exit_code == 2


@pytest.mark.integration
def test_question_kind_roots_are_current_terms(shared_data):
    from importlib import resources

    from raredx.io import read_obo

    ontology = read_obo(shared_data / "hpo-2026-06-06" / "hp.obo.gz")
    raw = json.loads(resources.files("raredx").joinpath("data/question_kinds.json")
                     .read_text("utf-8"))
    for tid, _how, kind in raw["kinds"]:
        assert ontology.resolve(tid)[1] == "current", tid
        assert kind in ("test", "examination")


def test_engine_rescoring_gives_the_expected_entropy_drop_of_the_engine_posterior(mini_engine):
    from raredx.questions._model import BACKGROUND as BG
    from raredx.questions._suggest import _entropy

    qe = QuestionEngine(mini_engine, rescore=5, answerability=0.0, objective="entropy")
    patient = mini_engine.patient([GDD])
    qs = qe.suggest(patient, n=3, top_candidates=3)
    assert qs and all(a.information_gain >= b.information_gain for a, b in zip(qs, qs[1:]))
    top = qs[0]
    eng = mini_engine
    # the posteriors at the engine's temperature for each record's length, as `diagnose` shows
    full = eng.probabilities(eng.score(patient).total, len(patient.present))
    h0 = float(_entropy(full))
    order = eng.order(eng.score(patient).total)[:3]
    mass = float(full[order].sum())
    pp = mass * top.p_present + (1 - mass) * BG
    yes = qe.answer(patient, top.term_id, Answer.PRESENT)
    no = qe.answer(patient, top.term_id, Answer.ABSENT)
    hp = float(_entropy(eng.probabilities(eng.score(yes).total, len(yes.present))))
    hn = float(_entropy(eng.probabilities(eng.score(no).total, len(no.present))))
    assert top.information_gain == pytest.approx(pp * (h0 - hp) + (1 - pp) * (h0 - hn), rel=1e-6)


def test_report_counts_grow_towards_the_root(mini_engine):
    qe = QuestionEngine(mini_engine, answerability=0.5)
    o = mini_engine.knowledge.ontology
    counts = qe._reported
    assert counts[o.index("HP:0000707")] >= counts[o.index(SEIZURE)] > 1


def test_log_score_gain_is_the_information_gain_under_the_bayes_update():
    rng = np.random.default_rng(3)
    prior = rng.dirichlet(np.ones(6))
    p = rng.uniform(0.01, 0.99, size=6)
    pos = prior * p / (prior * p).sum()
    neg = prior * (1 - p) / (prior * (1 - p)).sum()
    assert log_score_gain(prior, p, pos, neg) == pytest.approx(
        float(information_gain(prior, p[None, :])[0]), rel=1e-9)
    # each answer's part is P(answer) x KL(posterior || prior), so with absent answers not
    # counted what is left is the present answer's part
    kl = float((pos * np.log2(pos / prior)).sum())
    assert log_score_gain(prior, p, pos, neg, 0.0) == pytest.approx(
        float((prior * p).sum()) * kl, rel=1e-9)


def test_log_score_gain_counts_an_update_towards_the_wrong_candidates_against_it():
    prior = np.array([0.25, 0.25, 0.5])
    p = np.array([0.9, 0.9, 0.05])  # the first two predict the feature, the third does not
    bayes_pos = prior * p / (prior * p).sum()
    bayes_neg = prior * (1 - p) / (prior * (1 - p)).sum()
    # an updater that, told "present", moves mass to the candidate that does not predict it:
    # its entropy drops all the same, but the truth's expected log probability falls
    wrong_pos = np.array([0.05, 0.05, 0.9])
    assert (np.sum(-wrong_pos * np.log2(wrong_pos)) < np.sum(-prior * np.log2(prior)))
    right = log_score_gain(prior, p, bayes_pos, bayes_neg)
    wrong = log_score_gain(prior, p, wrong_pos, bayes_neg)
    assert right > 0 > wrong


def test_engine_rescoring_with_the_log_score_objective(mini_engine):
    from raredx.questions._model import BACKGROUND as BG

    qe = QuestionEngine(mini_engine, rescore=5, answerability=0.0, objective="log_score")
    patient = mini_engine.patient([GDD])
    qs = qe.suggest(patient, n=3, top_candidates=3)
    assert qs and all(a.information_gain >= b.information_gain for a, b in zip(qs, qs[1:]))
    eng = mini_engine
    total = eng.score(patient).total
    full = eng.probabilities(total, len(patient.present))
    order = eng.order(total)[:3]
    feats, p = qe.features.probabilities(eng.knowledge, order.tolist())
    for q in qs:
        like = np.full(len(full), BG)
        like[order] = p[feats.index(eng.knowledge.ontology.index(q.term_id))]
        yes = qe.answer(patient, q.term_id, Answer.PRESENT)
        no = qe.answer(patient, q.term_id, Answer.ABSENT)
        pos = eng.probabilities(eng.score(yes).total, len(yes.present))
        neg = eng.probabilities(eng.score(no).total, len(no.present))
        assert q.information_gain == pytest.approx(
            log_score_gain(full, like, pos, neg, qe.absent_weight), rel=1e-6, abs=1e-12)


def test_unknown_objective_is_refused(mini_engine):
    with pytest.raises(ValueError, match="objective"):
        QuestionEngine(mini_engine, objective="accuracy")


EYE, LENTIS, SUBLUX = "HP:0000478", "HP:0001083", "HP:0001132"  # each below the one before


def test_a_present_answer_supersedes_the_terms_it_implies(mini_engine):
    o = mini_engine.knowledge.ontology
    p = mini_engine.patient([EYE, GDD])
    plain = answer(p, LENTIS, Answer.PRESENT)  # without the ontology: appended only
    assert [t.value for t in plain.present] == [EYE, GDD, LENTIS]
    p1 = answer(p, LENTIS, Answer.PRESENT, o)
    assert [t.value for t in p1.present] == [GDD, LENTIS]
    # the specific answer is scored once, as if the record had said it from the start
    assert mini_engine.score(p1).total == pytest.approx(
        mini_engine.score(mini_engine.patient([GDD, LENTIS])).total)
    assert not np.allclose(mini_engine.score(plain).total, mini_engine.score(p1).total)
    # a present answer contradicts an exclusion at or above it; the latest answer wins
    p2 = answer(mini_engine.patient([GDD], [EYE, SEIZURE]), LENTIS, Answer.PRESENT, o)
    assert [t.value for t in p2.excluded] == [SEIZURE]
    qe = QuestionEngine(mini_engine, rescore=0)
    assert qe.answer(p, LENTIS, Answer.PRESENT) == p1


def test_an_absent_answer_supersedes_the_exclusions_below_it(mini_engine):
    o = mini_engine.knowledge.ontology
    p = mini_engine.patient([SUBLUX, GDD], [SEIZURE])
    p1 = answer(p, LENTIS, Answer.ABSENT, o)
    assert [t.value for t in p1.present] == [GDD]  # lens subluxation contradicted
    assert [t.value for t in p1.excluded] == [SEIZURE, LENTIS]
    p2 = answer(mini_engine.patient([GDD], [SUBLUX]), EYE, Answer.ABSENT, o)
    assert [t.value for t in p2.excluded] == [EYE]
    assert answer(p, EYE, Answer.UNKNOWN, o) == p


def test_descriptive_terms_count_like_annotations(mini_engine):
    """A term that describes a candidate without a publication (its name, Orphanet's
    definition) enters the question model as the engine's profile has it."""
    from raredx.questions import CandidateFeatures

    kb, eng = mini_engine.knowledge, mini_engine
    o = kb.ontology
    e = eng.candidates_for("OMIM:600002")[0]  # annotated with lens, valve, pectus; not seizures
    seizure = o.index(SEIZURE)
    plain = CandidateFeatures.build(kb, eng.candidate_ids, eng.candidates_for)
    extra = CandidateFeatures.build(kb, eng.candidate_ids, eng.candidates_for,
                                    lambda c: {seizure: 0.9} if c == e else {})
    feats, p = plain.probabilities(kb, [e])
    assert seizure not in feats
    feats, p = extra.probabilities(kb, [e])
    assert p[feats.index(seizure), 0] == pytest.approx(1 - (1 - BACKGROUND) * 0.1)
    # the annotated features are unchanged
    lens = o.index("HP:0001083")
    assert p[feats.index(lens), 0] == pytest.approx(
        plain.probabilities(kb, [e])[1][plain.probabilities(kb, [e])[0].index(lens), 0])
