"""Exact ranks and explanations on the hand-written mini release (tests/fixtures/mini_release).

The fixture's diseases are designed so each expectation follows from the annotations alone:
A = OMIM:154700 (arachnodactyly, ectopia lentis, aortic root aneurysm, scoliosis 90%, myopia),
B = OMIM:600001 (lens subluxation, aortic root aneurysm, arachnodactyly 1/4, joint hypermobility),
every disease cites two PMIDs (so a literature-size prior treats them alike) and no disease name
contains a term label (so no annotation is derived from a name),
C = OMIM:600002 (all three annotations cite PMID:3000003), OMIM:100100 and OMIM:100200 are
annotated identically, ORPHA:900001 is annotated NOT to have seizures.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from raredx.model import TermId
from raredx.ranking import CourseAspect, MatchKind, ProtocolKind

EXPLAINED = {MatchKind.EXACT, MatchKind.PATIENT_MORE_GENERAL, MatchKind.PATIENT_MORE_SPECIFIC,
             MatchKind.RELATED}
MARFAN_LIKE = ["HP:0001166", "HP:0001083", "HP:0002616"]


def rank_of(d, disease_id):
    return next(c.rank for c in d.candidates if c.disease_id == disease_id)


def candidate(d, disease_id):
    return next(c for c in d.candidates if c.disease_id == disease_id)


def evidence(c, term):
    return next(e for e in c.evidence if e.term == term)


def test_exact_match_ranks_first_with_its_explanation(mini_engine):
    d = mini_engine.diagnose(mini_engine.patient(MARFAN_LIKE), top=10)
    assert d.n_candidates == 7 and len(d.candidates) == 7
    assert d.candidates[0].disease_id == "OMIM:154700"
    assert [c.rank for c in d.candidates] == list(range(1, 8))
    assert [c.score for c in d.candidates] == sorted((c.score for c in d.candidates), reverse=True)
    a = d.candidates[0]
    b = candidate(d, "OMIM:600001")
    assert evidence(a, "HP:0001166").kind is MatchKind.EXACT
    assert evidence(a, "HP:0001166").frequency > 0.8  # "Very frequent"
    # A annotates arachnodactyly "Very frequent", B only 1/4: A's evidence must weigh more
    # (whether B's is shown as the exact 1/4 or a better related match is the model's choice)
    assert evidence(a, "HP:0001166").log10_lr > evidence(b, "HP:0001166").log10_lr
    assert evidence(a, "HP:0002616").kind is MatchKind.EXACT
    el = evidence(a, "HP:0001083")
    assert el.kind is MatchKind.EXACT and el.annotation == "HP:0001083"
    # B explains ectopia lentis through its more specific annotation, lens subluxation (2/4)
    b_el = evidence(b, "HP:0001083")
    assert b_el.kind is MatchKind.PATIENT_MORE_GENERAL and b_el.annotation == "HP:0001132"
    # B's arachnodactyly is annotated (1/4): shown as the exact match, not a related one
    assert evidence(b, "HP:0001166").kind is MatchKind.EXACT
    assert d.knowledge.hpo == "2099-01-01" and d.knowledge.annotations == "2099-01-01"
    assert d.protocol is ProtocolKind.AS_IS


def test_excluded_feature_annotated_to_a_speaks_against_it(mini_engine):
    before = mini_engine.diagnose(mini_engine.patient(MARFAN_LIKE))
    after = mini_engine.diagnose(mini_engine.patient(MARFAN_LIKE, ["HP:0002650"]))
    a_before, a_after = candidate(before, "OMIM:154700"), candidate(after, "OMIM:154700")
    scoliosis = evidence(a_after, "HP:0002650")
    assert scoliosis.excluded and scoliosis.kind is MatchKind.CONTRADICTED
    assert scoliosis.annotation == "HP:0002650" and scoliosis.log10_lr < 0
    assert a_after.score < a_before.score
    b = evidence(candidate(after, "OMIM:600001"), "HP:0002650")
    assert b.kind is MatchKind.CONSISTENT_ABSENCE and b.log10_lr >= 0


def test_excluded_feature_pushes_a_below_b_when_exclusions_weigh_fully(
    mini_release, tmp_path, raredx_cache
):
    """With excluded terms at full weight (the packaged weights damp them: see the model file)
    and a flat prior on counts, scoliosis, annotated "Very frequent" to A and absent from B, moves A below B."""
    from importlib import resources

    from raredx.engine import EngineConfig, build_engine

    model = json.loads(resources.files("raredx").joinpath("data/phenotype_model.json")
                       .read_text())
    model["parameters"]["excluded_weight"] = 1.0
    # B's annotations are n/4 counts: with a flat Beta(1, 1) prior they stay comparable to A's
    # class frequencies (the packaged prior shrinks small counts hard; this test is about exclusions)
    model["parameters"].update(prior_a=1.0, prior_b=1.0)
    weights = tmp_path / "weights.json"
    weights.write_text(json.dumps(model))
    engine = build_engine(EngineConfig(mini_release, weights), log=lambda _m: None)
    before = engine.diagnose(engine.patient(MARFAN_LIKE))
    after = engine.diagnose(engine.patient(MARFAN_LIKE, ["HP:0002650"]))
    assert rank_of(before, "OMIM:154700") == 1
    assert rank_of(before, "OMIM:154700") < rank_of(before, "OMIM:600001")
    assert rank_of(after, "OMIM:154700") > rank_of(after, "OMIM:600001")


@pytest.fixture(scope="module")
def flat_prior_engine(mini_release, tmp_path_factory, raredx_cache):
    """The mini release with a flat Beta(1, 1) prior on counts: C's "1/1" annotations then
    make it the clear as-is winner (the packaged prior shrinks one-patient counts hard)."""
    from importlib import resources

    from raredx.engine import EngineConfig, build_engine

    model = json.loads(resources.files("raredx").joinpath("data/phenotype_model.json")
                       .read_text())
    model["parameters"].update(prior_a=1.0, prior_b=1.0)
    weights = tmp_path_factory.mktemp("flat") / "weights.json"
    weights.write_text(json.dumps(model))
    return build_engine(EngineConfig(mini_release, weights), log=lambda _m: None)


def test_leave_publication_out_removes_the_cases_own_annotations(flat_prior_engine):
    mini_engine = flat_prior_engine
    patient = replace(mini_engine.patient(["HP:0001083", "HP:0001634"]),
                      publications=("PMID:3000003",))
    as_is = mini_engine.diagnose(patient)
    lpo = mini_engine.diagnose(patient, leave_publication_out=True)
    assert as_is.candidates[0].disease_id == "OMIM:600002"
    assert lpo.protocol is ProtocolKind.LEAVE_PUBLICATION_OUT
    # C's three phenotype rows and one row of OMIM:300001 cite PMID:3000003
    assert lpo.left_out_annotations == 4
    assert rank_of(lpo, "OMIM:600002") == 7
    c = candidate(lpo, "OMIM:600002")
    assert all(e.annotation is None or e.kind is MatchKind.CONSISTENT_ABSENCE
               for e in c.evidence), c.evidence
    # without a PMID of the case, leave-publication-out changes nothing
    plain = mini_engine.patient(["HP:0001083", "HP:0001634"])
    same = mini_engine.diagnose(plain, leave_publication_out=True)
    assert [c.disease_id for c in same.candidates] == [c.disease_id for c in as_is.candidates]
    assert same.left_out_annotations == 0


def test_ties_are_broken_by_the_smaller_id(mini_engine):
    d = mini_engine.diagnose(mini_engine.patient(["HP:0001250"]))
    first, second = d.candidates[:2]
    assert (first.disease_id, second.disease_id) == ("OMIM:100100", "OMIM:100200")
    assert first.score == second.score and first.probability == second.probability


def test_not_annotation_speaks_against_the_disease(mini_engine):
    d = mini_engine.diagnose(mini_engine.patient(["HP:0001250"]))
    assert d.candidates[-1].disease_id == "ORPHA:900001"
    seizure = evidence(d.candidates[-1], "HP:0001250")
    assert seizure.kind is MatchKind.NEGATED and seizure.annotation == "HP:0001250"
    assert seizure.log10_lr < 0


def test_obsolete_and_alternative_ids_are_mapped_with_a_warning(mini_engine):
    p = mini_engine.patient(["HP:0009999", "HP:0001166"], ["HP:0000665"])
    assert p.present == (TermId("HP:0001083"), TermId("HP:0001166"))
    assert p.excluded == ()
    d = mini_engine.diagnose(p)
    text = " | ".join(i.message for i in d.issues)
    assert "HP:0009999 is an obsolete id; used HP:0001083 (Ectopia lentis) instead" in text
    assert "HP:0000665 is an alternative id" in text


def test_top_and_probabilities(mini_engine):
    d = mini_engine.diagnose(mini_engine.patient(MARFAN_LIKE), top=3)
    assert len(d.candidates) == 3 and d.n_candidates == 7
    probs = [c.probability for c in d.candidates]
    assert probs == sorted(probs, reverse=True)
    assert 0 < sum(probs) <= 1 + 1e-9
    full = mini_engine.diagnose(mini_engine.patient(MARFAN_LIKE), top=100)
    assert sum(c.probability for c in full.candidates) == pytest.approx(1.0)


def test_a_term_met_only_through_the_roots_is_unexplained(mini_engine):
    # A (OMIM:154700) has no nervous-system annotation: seizures relate to it only through
    # "Phenotypic abnormality"/"All", which the explanation does not count as a match
    d = mini_engine.diagnose(mini_engine.patient(MARFAN_LIKE + ["HP:0001250"]), top=10)
    seizure = evidence(candidate(d, "OMIM:154700"), "HP:0001250")
    assert seizure.kind is MatchKind.UNEXPLAINED and seizure.annotation is None
    assert seizure.log10_lr < 0


def test_course_explains_onset_with_both_sides(mini_engine):
    p = replace(mini_engine.patient(["HP:0001263"]), onset=TermId("HP:0011463"))
    d = mini_engine.diagnose(p)
    onset = [x for x in candidate(d, "ORPHA:900001").course if x.aspect.value == "onset"]
    assert len(onset) == 1 and onset[0].log10_lr > 0
    assert onset[0].message.startswith("onset childhood (HP:0011463) fits")
    assert onset[0].message.endswith("(childhood)")
    # a disease with no annotated onset gets no onset evidence at all
    assert not [x for x in candidate(d, "OMIM:100100").course if x.aspect.value == "onset"]


def test_borrowed_profile_names_the_related_diseases(mini_release, raredx_cache):
    from raredx.engine import EngineConfig, build_engine

    engine = build_engine(EngineConfig(mini_release), log=lambda _m: None)  # own copy to edit
    idx = engine._index
    c = engine.candidates_for("OMIM:600002")[0]
    b = engine.knowledge.disease_index("OMIM:600001")
    idx.related = [(b,) if e == c else () for e in range(idx.n_entities)]
    idx.related_weight = 0.5
    patient = replace(engine.patient(["HP:0001083"]), publications=("PMID:3000003",))
    as_is = candidate(engine.diagnose(patient), "OMIM:600002")
    assert not [x for x in as_is.course if x.aspect.value == "profile"]  # its own rows remain
    lpo = candidate(engine.diagnose(patient, leave_publication_out=True), "OMIM:600002")
    prof = [x for x in lpo.course if x.aspect.value == "profile"]
    assert len(prof) == 1 and prof[0].log10_lr == 0
    assert "left out" in prof[0].message
    assert "OMIM:600001 Lens-aortic syndrome type B (fixture)" in prof[0].message


def test_partial_order_is_the_prefix_of_the_full_order(mini_engine):
    import numpy as np

    rng = np.random.default_rng(0)
    n = len(mini_engine.candidate_ids)
    for _ in range(50):
        total = rng.integers(0, 3, n).astype(float)  # many ties
        full = mini_engine.order(total)
        for top in range(0, n + 2):
            assert mini_engine.order(total, top).tolist() == full[:top].tolist()
        # ranks without sorting agree with the full order, ties included
        pos = np.empty(n, dtype=np.int64)
        pos[full] = np.arange(1, n + 1)
        assert mini_engine.ranks(total, range(n)).tolist() == pos.tolist()


def unreported(c):
    return next((x for x in c.course if x.aspect is CourseAspect.UNREPORTED), None)


def test_frequent_features_the_record_lacks_weigh_against_the_candidate(mini_engine):
    c_rate = mini_engine._scorer.params.unreported
    assert c_rate > 0
    d = mini_engine.diagnose(mini_engine.patient(MARFAN_LIKE), top=10)
    a = candidate(d, "OMIM:154700")
    ev = unreported(a)
    # A's leaves the record lacks: scoliosis (very frequent) before myopia (no frequency)
    assert ev is not None and ev.message.startswith("2 annotated features")
    assert ev.message.index("Scoliosis") < ev.message.index("Myopia")
    feats = mini_engine._scorer.unreported_features(
        mini_engine.candidates_for("OMIM:154700")[0],
        mini_engine.score(mini_engine.patient(MARFAN_LIKE)))
    rate = mini_engine._scorer.unreported_rate(len(MARFAN_LIKE))
    assert ev.log10_lr == pytest.approx(-rate / math.log(10) * sum(f for _, f in feats))
    # reporting a more general term that covers scoliosis takes it off the list (without
    # arachnodactyly, which would make the general term redundant: see the next test)
    eye_heart = ["HP:0001083", "HP:0002616"]
    ev1 = unreported(candidate(mini_engine.diagnose(mini_engine.patient(eye_heart), top=10),
                               "OMIM:154700"))
    general = mini_engine.diagnose(mini_engine.patient([*eye_heart, "HP:0033127"]), top=10)
    ev2 = unreported(candidate(general, "OMIM:154700"))
    assert ev1 is not None and "Scoliosis" in ev1.message
    assert ev2 is not None and "Scoliosis" not in ev2.message and "Myopia" in ev2.message
    # a candidate whose every leaf is reported has no such evidence
    full = mini_engine.diagnose(mini_engine.patient([*MARFAN_LIKE, "HP:0002650", "HP:0000545"]))
    assert unreported(candidate(full, "OMIM:154700")) is None


def test_excluding_a_feature_never_scores_better_than_not_mentioning_it(mini_engine):
    # scores are relative (each ratio is normalised over all candidates), so compare a candidate
    # annotated with the feature against one that is not (OMIM:100100, epileptic encephalopathy)
    other = mini_engine.candidates_for("OMIM:100100")[0]
    for disease, term in (("OMIM:154700", "HP:0002650"), ("OMIM:154700", "HP:0000545"),
                          ("OMIM:600001", "HP:0001382")):
        e = mini_engine.candidates_for(disease)[0]
        silent = mini_engine.score(mini_engine.patient(MARFAN_LIKE)).total
        excluded = mini_engine.score(mini_engine.patient(MARFAN_LIKE, [term])).total
        assert excluded[e] - excluded[other] < silent[e] - silent[other], (disease, term)


def test_left_out_features_are_not_counted_as_unreported(mini_engine):
    # A's scoliosis row cites PMID:1000002: left out, it is neither evidence nor "unreported"
    patient = replace(mini_engine.patient(MARFAN_LIKE), publications=("PMID:1000002",))
    as_is = unreported(candidate(mini_engine.diagnose(patient), "OMIM:154700"))
    lpo_d = mini_engine.diagnose(patient, leave_publication_out=True)
    lpo = unreported(candidate(lpo_d, "OMIM:154700"))
    assert as_is is not None and "Scoliosis" in as_is.message
    assert lpo is not None and "Scoliosis" not in lpo.message and "Myopia" in lpo.message
    assert lpo.log10_lr > as_is.log10_lr
    e = mini_engine.candidates_for("OMIM:154700")[0]
    scores = mini_engine.score(patient, leave_publication_out=True)
    assert lpo.log10_lr == pytest.approx(float(scores.unreported_llr[e]))


def test_a_present_term_implied_by_a_more_specific_one_is_counted_once(mini_engine):
    # "Abnormality of the musculoskeletal system" adds nothing to arachnodactyly
    p = mini_engine.patient([*MARFAN_LIKE, "HP:0033127"])
    assert [t.value for t in p.present] == MARFAN_LIKE
    assert any("HP:0033127" in i.message and "counted once" in i.message for i in p.issues)
    same = mini_engine.score(mini_engine.patient(MARFAN_LIKE)).total
    assert mini_engine.score(p).total.tolist() == same.tolist()


def test_a_disease_left_without_annotations_borrows_its_named_series(
        mini_release, raredx_cache, tmp_path):
    from importlib import resources

    from raredx.engine import EngineConfig, build_engine
    from raredx.ranking import AnnotationSource

    model = json.loads(resources.files("raredx").joinpath("data/phenotype_model.json").read_text())
    engines = {}
    for w in (0.0, 1.0):
        model["parameters"]["series_weight"] = w
        path = tmp_path / f"series{w}.json"
        path.write_text(json.dumps(model))
        engines[w] = build_engine(EngineConfig(mini_release, path), log=lambda _m: None)
    on, off = engines[1.0], engines[0.0]
    # "Epileptic encephalopathy type 1" and "... type 2" (fixture) are one named series,
    # annotated identically; the case's publications are all of type 1's
    patient = replace(on.patient(["HP:0001250", "HP:0001263"]),
                      publications=("PMID:5000005", "PMID:5000006"))
    one, two = on.candidates_for("OMIM:100100")[0], on.candidates_for("OMIM:100200")[0]
    as_is = on.score(patient).total
    assert as_is[one] == pytest.approx(as_is[two])  # its own annotations: nothing borrowed
    assert as_is[one] == pytest.approx(off.score(patient).total[one])
    lpo_off = off.score(patient, leave_publication_out=True).total
    lpo_on = on.score(patient, leave_publication_out=True).total
    assert lpo_off[one] < lpo_off[two]  # left with nothing
    assert lpo_on[one] == pytest.approx(lpo_on[two])  # type 2's profile, as the series' mean
    d = on.diagnose(patient, leave_publication_out=True, top=10)
    c = candidate(d, "OMIM:100100")
    seizure = evidence(c, "HP:0001250")
    assert seizure.source is AnnotationSource.RELATED_DISEASE
    assert seizure.frequency == pytest.approx(evidence(candidate(d, "OMIM:100200"),
                                                       "HP:0001250").frequency)
    prof = [x for x in c.course if x.aspect is CourseAspect.PROFILE]
    assert len(prof) == 1 and "left out" in prof[0].message
    assert "OMIM:100200 Epileptic encephalopathy type 2 (fixture)" in prof[0].message
    assert not [x for x in candidate(on.diagnose(patient, top=10), "OMIM:100100").course
                if x.aspect is CourseAspect.PROFILE]


def test_questions_see_the_borrowed_series_profile(mini_release, raredx_cache, tmp_path):
    from importlib import resources

    import numpy as np

    from raredx.engine import EngineConfig, build_engine
    from raredx.questions._model import CandidateFeatures

    model = json.loads(resources.files("raredx").joinpath("data/phenotype_model.json").read_text())
    model["parameters"]["series_weight"] = 1.0
    path = tmp_path / "series.json"
    path.write_text(json.dumps(model))
    eng = build_engine(EngineConfig(mini_release, path), log=lambda _m: None)
    kb = eng.knowledge
    feats = CandidateFeatures.build(kb, eng.candidate_ids, eng.candidates_for,
                                    eng.descriptive_terms, eng.borrowed_terms)
    one, two = eng.candidates_for("OMIM:100100")[0], eng.candidates_for("OMIM:100200")[0]
    left = eng.left_out_rows(replace(eng.patient(["HP:0001250"]),
                                     publications=("PMID:5000005", "PMID:5000006")))
    terms, p = feats.probabilities(kb, [one, two], left)
    seizure = terms.index(kb.ontology.index("HP:0001250"))
    # type 1 has lost every annotation: it shows seizures as type 2, its series, does
    assert p[seizure, 0] == pytest.approx(p[seizure, 1]) and p[seizure, 0] > 0.5
    without = CandidateFeatures.build(kb, eng.candidate_ids, eng.candidates_for,
                                      eng.descriptive_terms)
    terms0, p0 = without.probabilities(kb, [one, two], left)
    assert p0[terms0.index(kb.ontology.index("HP:0001250")), 0] < 0.1
    assert np.all(np.isfinite(p))
