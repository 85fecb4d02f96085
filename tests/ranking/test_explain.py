"""The vectorised explainer against the rule written out term by term, on the mini release.

``_by_the_rule`` restates :meth:`raredx.ranking._explain.Explainer.explain`'s documented rule
one term and one candidate at a time (the way the explanations were first computed); every
patient below must give exactly the same evidence, in both protocols. One patient's evidence is
also pinned as a table, so a change of the rule itself shows up here too.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from raredx.knowledge import PHENOTYPIC_ABNORMALITY
from raredx.ranking import AnnotationSource, MatchKind, TermEvidence
from raredx.ranking._explain import Explainer, _observed, _rows, entity_annotations

TERMS = ["HP:0001166", "HP:0001083", "HP:0002616", "HP:0002650", "HP:0001250", "HP:0001263",
         "HP:0001132", "HP:0001634", "HP:0001382", "HP:0000545", "HP:0001249", "HP:0000767"]


def _by_the_rule(engine, scores, e: int) -> tuple[TermEvidence, ...]:
    kb, index, onto = engine.knowledge, engine._index, engine.knowledge.ontology
    prm = engine._scorer.params
    own = _rows(kb, set(index.entity_members[e]), scores.left_out, engine._scorer.rows_of)
    sources: dict[int, AnnotationSource] = {}
    annotated, negated = entity_annotations(kb, index, e, scores.left_out,
                                            engine._scorer.rows_of, own, sources)
    observed = _observed(kb, own)
    roots = {onto.index("HP:0000001"), onto.index(PHENOTYPIC_ABNORMALITY)}

    def best_below(a: int) -> tuple[float, int] | None:
        """The best annotation at or below ``a``: frequency first, then ``a`` itself, then the
        smaller term index."""
        hits = [(f, t) for t, f in annotated.items() if a in onto.ancestors(t).tolist()]
        if not hits:
            return None
        f, t = min(hits, key=lambda h: (-h[0], h[1] != a, h[1]))
        return f, t

    counts = scores.counts
    out = []
    for k, q in enumerate(scores.present.tolist()):
        llr = float(scores.present_llr[k, e])
        qid, qlabel = onto.ids[q], onto.terms[q].label
        anc = onto.ancestors(q).tolist()
        n = next((a for a in anc if a in negated), None)
        if n is not None:
            out.append(TermEvidence(qid, qlabel, False, MatchKind.NEGATED, onto.ids[n],
                                    onto.terms[n].label, 0.0, llr,
                                    source=AnnotationSource.ANNOTATION))
            continue
        best = None
        if best_below(q) is not None:
            f, t = best_below(q)
            best = (1.0, q, t, f)
        else:
            for a in anc:
                hit = best_below(a)
                if hit is None or a in roots:
                    continue
                f, t = hit
                w = f**prm.frequency_exponent * ((counts[q] + 1) / (counts[a] + 1)) \
                    ** prm.specificity_exponent
                if best is None or w > best[0]:
                    best = (w, a, t, f)
        if best is None or best[0] <= 0:
            out.append(TermEvidence(qid, qlabel, False, MatchKind.UNEXPLAINED, None, None, None,
                                    llr))
            continue
        _, a, t, f = best
        if a == q:
            kind, via = (MatchKind.EXACT if t == q else MatchKind.PATIENT_MORE_GENERAL), None
        elif t == a:
            kind, via = MatchKind.PATIENT_MORE_SPECIFIC, None
        else:
            kind, via = MatchKind.RELATED, onto.ids[a]
        out.append(TermEvidence(qid, qlabel, False, kind, onto.ids[t], onto.terms[t].label, f,
                                llr, via, observed.get(t),
                                sources.get(t, AnnotationSource.ANNOTATION)))
    for k, x in enumerate(scores.excluded.tolist()):
        llr = float(scores.excluded_llr[k, e])
        hit = best_below(x)
        if hit is not None:
            f, t = hit
            out.append(TermEvidence(onto.ids[x], onto.terms[x].label, True,
                                    MatchKind.CONTRADICTED, onto.ids[t], onto.terms[t].label, f,
                                    llr, None, observed.get(t),
                                    sources.get(t, AnnotationSource.ANNOTATION)))
        else:
            out.append(TermEvidence(onto.ids[x], onto.terms[x].label, True,
                                    MatchKind.CONSISTENT_ABSENCE, None, None, None, llr))
    return tuple(out)


def _patients(engine):
    for n in (1, 2, 3):
        for terms in itertools.combinations(TERMS, n):
            yield engine.patient(list(terms[1:]) or list(terms), list(terms[:1]) if n > 1 else [])
    yield engine.patient(TERMS)


def test_every_candidate_is_explained_as_the_rule_says(mini_engine):
    n = 0
    for p in _patients(mini_engine):
        for lpo, pubs in ((False, ()), (True, ("PMID:3000003",)), (True, ("PMID:1000002",))):
            p = replace(p, publications=pubs)
            scores = mini_engine.score(p, lpo)
            cands = list(range(len(mini_engine.candidate_ids)))
            got = [ev for ev, _course in mini_engine.explain(p, cands, lpo, scores=scores)]
            assert got == [_by_the_rule(mini_engine, scores, e) for e in cands], (p, lpo, pubs)
            n += 1
    assert n > 600


def test_one_patients_evidence_pinned(mini_engine):
    p = mini_engine.patient(["HP:0001083", "HP:0001250", "HP:0001382"], ["HP:0002650"])
    d = mini_engine.diagnose(p, top=10)
    table = {(c.disease_id, e.term): (e.kind.value, e.annotation, e.via, e.observed)
             for c in d.candidates for e in c.evidence}
    assert table[("OMIM:154700", "HP:0001083")] == ("exact", "HP:0001083", None, (7, 10))
    assert table[("OMIM:154700", "HP:0001250")] == ("unexplained", None, None, None)
    assert table[("OMIM:154700", "HP:0002650")][:2] == ("contradicted", "HP:0002650")
    assert table[("OMIM:600001", "HP:0001083")] == ("patient-more-general", "HP:0001132", None,
                                                    (2, 4))
    assert table[("OMIM:600001", "HP:0001382")] == ("exact", "HP:0001382", None, None)
    assert table[("OMIM:600001", "HP:0002650")] == ("consistent-absence", None, None, None)
    assert table[("ORPHA:900001", "HP:0001250")] == ("negated", "HP:0001250", None, None)
    assert table[("OMIM:100100", "HP:0001250")] == ("exact", "HP:0001250", None, None)
    # every candidate explains every term, present terms first, in the patient's order
    for c in d.candidates:
        assert [e.term for e in c.evidence] == ["HP:0001083", "HP:0001250", "HP:0001382",
                                                "HP:0002650"]
        assert [e.excluded for e in c.evidence] == [False, False, False, True]


def test_left_out_rows_give_a_fresh_profile_only_where_they_touch(mini_engine):
    ex = Explainer(mini_engine.knowledge, mini_engine._index, 1.0, 1.0,
                   mini_engine._scorer.rows_of)
    c = mini_engine.candidates_for("OMIM:600002")[0]
    a = mini_engine.candidates_for("OMIM:154700")[0]
    left_out = mini_engine.left_out_rows(
        replace(mini_engine.patient(["HP:0001083"]), publications=("PMID:3000003",)))
    assert len(left_out)
    assert ex.profile(a, left_out) is ex.profile(a)  # untouched: the cached profile
    fresh = ex.profile(c, left_out)
    assert fresh is not ex.profile(c)
    assert not len(fresh.anc) and len(ex.profile(c).anc)  # all of C's rows cite the PMID


def test_the_profile_cache_is_bounded(mini_engine):
    ex = Explainer(mini_engine.knowledge, mini_engine._index, 1.0, 1.0, cache_size=2)
    for e in range(5):
        ex.profile(e)
    assert list(ex._cache) == [3, 4]
    assert np.array_equal(ex.profile(0).anc, ex._compute(0, None).anc)


def test_no_candidates_or_no_present_terms(mini_engine):
    assert mini_engine.explain(mini_engine.patient(["HP:0001083"]), []) == []
    scores = mini_engine.score(mini_engine.patient([], ["HP:0001083"]))
    got = mini_engine._explainer.explain(scores, [0, 1])
    assert [[e.excluded for e in ev] for ev in got] == [[True], [True]]
