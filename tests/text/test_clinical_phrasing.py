"""Phrasings of clinical case descriptions: stacked modifiers and coordinations sharing a head,
modifiers after a focusing adverb, findings said to be normal, "absence of" as a negation, and
patients and relatives in one sentence."""

from __future__ import annotations

import pytest

from raredx.io import read_obo
from raredx.text import Extractor, build_text_index, stem


def ids(extractor, text: str) -> set[tuple[str, str]]:
    ex = extractor.extract(text)
    for m in ex.mentions:
        assert text[m.start:m.end] == m.text
    return {(m.id, m.text) for m in ex.mentions}


# -- stacked modifiers and coordinations ---------------------------------------------------


def test_stacked_modifiers_of_several_words_share_the_head(extractor):
    assert ids(extractor, "low-set posteriorly rotated ears") == {
        ("HP:0000358", "posteriorly rotated ears"),
        ("HP:0000369", "low-set posteriorly rotated ears")}


def test_a_conjunct_may_replace_a_two_word_modifier(extractor):
    # "small" replaces "low-set" after a comma ...
    assert ids(extractor, "small, low-set ears") == {
        ("HP:0000369", "low-set ears"), ("HP:0008551", "small, low-set ears")}
    # ... but a stacked word without a conjunction replaces as many words as it has: in
    # "small posteriorly rotated ears" "small" may modify the whole phrase
    assert ids(extractor, "small posteriorly rotated ears") == {
        ("HP:0000358", "posteriorly rotated ears")}


def test_coordination_runs_across_a_mention_without_the_head(extractor):
    # "posteriorly rotated" names Posteriorly rotated ears by itself: "low-set" reaches "ears"
    assert ids(extractor, "low-set, posteriorly rotated, cupped ears") == {
        ("HP:0000378", "cupped ears"), ("HP:0000358", "posteriorly rotated"),
        ("HP:0000369", "low-set, posteriorly rotated, cupped ears")}
    # ... not across a mention of something else
    assert ("HP:0000369", "low-set, microcephaly, cupped ears") not in ids(
        extractor, "low-set, microcephaly, cupped ears")


def test_a_conjunct_of_several_words_shares_the_head(extractor):
    assert ids(extractor, "Contractures of the elbows and Achilles tendons were noted.") == {
        ("HP:0034391", "Contractures of the elbows"),
        ("HP:0001771", "Contractures of the elbows and Achilles tendons")}


def test_coordinated_modifiers_and_latin_plurals(extractor):
    got = ids(extractor, "proximal and distal muscle weakness")
    assert ("HP:0002460", "distal muscle weakness") in got
    assert ("HP:0003701", "proximal and distal muscle weakness") in got
    assert stem("halluces") == stem("hallux")
    assert stem("calyces") == stem("calyx")
    got = ids(extractor, "hypoplastic thumbs and halluces")
    assert got == {("HP:0009778", "hypoplastic thumbs"),
                   ("HP:0010109", "hypoplastic thumbs and halluces")}


def test_a_range_of_grades_shares_the_head(extractor):
    assert ids(extractor, "hypoplastic to absent thumbs") == {
        ("HP:0009777", "absent thumbs"), ("HP:0009778", "hypoplastic to absent thumbs")}
    # "to" joins grades only ("mild to moderate"), not any two words
    assert ids(extractor, "palmar to plantar pits") == {("HP:0010612", "plantar pits")}


def test_degree_adverbs_inside_a_phrase(extractor):
    assert ids(extractor, "Creatine kinase was markedly elevated.") == {
        ("HP:0003236", "Creatine kinase was markedly elevated")}
    assert ids(extractor, "The kidneys were mildly enlarged.") == {
        ("HP:0000105", "kidneys were mildly enlarged")}
    # not at either end of a mention: "Renal enlargement is relatively rare"
    assert ids(extractor, "Renal enlargement is relatively rare.") == {
        ("HP:0000105", "Renal enlargement")}


def test_a_name_with_a_conjunction_needs_one_in_the_text(extractor):
    # "Motor and developmental delay" (GDD) and "Motor developmental delay" (Motor delay) have
    # the same words: the text decides
    assert ids(extractor, "motor developmental delay") == {
        ("HP:0001270", "motor developmental delay")}
    assert ids(extractor, "Her motor development was severely delayed.") == {
        ("HP:0001270", "motor development was severely delayed")}
    assert ids(extractor, "motor and developmental delay") == {
        ("HP:0001263", "motor and developmental delay")}


# -- a modifier after a focusing adverb ----------------------------------------------------


def test_modifier_after_predominantly_mainly(extractor):
    assert ("HP:0003701", "muscle weakness, predominantly proximal") in ids(
        extractor, "muscle weakness, predominantly proximal")
    text = "progressive muscle weakness since adolescence, predominantly proximal, and"
    span = text[:text.index(", and")]
    assert ("HP:0009073", span) in ids(extractor, text)
    assert ("HP:0008936", "Hypotonia since birth, mainly axial") in ids(
        extractor, "Hypotonia since birth, mainly axial.")
    # "more" only as "more X than": not in "one or more"
    assert ("HP:0003701", "muscle weakness, more proximal") in ids(
        extractor, "muscle weakness, more proximal than distal")
    assert {t for t, _ in ids(extractor, "muscle weakness in one or more proximal")} == {
        "HP:0001324"}
    # never across a sentence
    assert {t for t, _ in ids(extractor, "Muscle weakness. Mainly proximal")} == {"HP:0001324"}


# -- growth measurements as SD or centiles -------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("microcephaly (head circumference -3 SD)", {
        ("HP:0000252", "microcephaly"), ("HP:0000252", "head circumference -3 SD")}),
    ("OFC 42 cm (−2.5 SD)", {("HP:0000252", "OFC 42 cm (−2.5 SD")}),
    ("His height was 150 cm (z-score -2.1).", {
        ("HP:0004322", "height was 150 cm (z-score -2.1")}),
    ("height below the 3rd percentile", {("HP:0004322", "height below the 3rd percentile")}),
    ("height 2 SD above the mean", set()),  # no Tall stature in the fixture
    ("height -1.5 SD; height at the 2nd percentile; head circumference 48 cm", set()),
    ("palpebral fissure length -2.5 SD; length of the thumb -3 SD", set()),
])
def test_growth_measurements(extractor, text, expected):
    assert ids(extractor, text) == expected


def test_a_relatives_measurement_is_a_family_feature(extractor):
    (m,) = extractor.extract("His mother's height is -2.5 SD.").mentions
    assert m.id == "HP:0004322" and m.family


# -- biopsy wordings -----------------------------------------------------------------------


def test_variability_without_increased_and_biopsy_verbs(extractor):
    assert ids(extractor, "fibre size variability") == {
        ("HP:0003557", "fibre size variability")}
    # a quantity that HPO names both increased and decreased is not abnormal by itself
    assert ids(extractor, "heart rate variability") == set()
    assert ("HP:0003560", "Muscle biopsy revealed dystrophic changes") in ids(
        extractor, "Muscle biopsy revealed dystrophic changes.")


# -- "absence of X" ------------------------------------------------------------------------


def test_absence_of_a_feature_is_a_negation(extractor):
    ex = extractor.extract("Absence of seizures. Ataxia was absent.")
    assert [(m.id, m.text, m.excluded) for m in ex.mentions] == [
        ("HP:0001250", "seizures", True), ("HP:0001251", "Ataxia", True)]
    ex = extractor.extract("Seizures were absent.")
    assert [(m.id, m.excluded) for m in ex.mentions] == [("HP:0001250", True)]
    # the adjective first names the seizure type; "radius" alone is no term
    got = ids(extractor, "Absence seizures; absence of the radius.")
    assert ("HP:0002121", "Absence seizures") in got
    assert ("HP:0003974", "absence of the radius") in got


# -- findings said to be normal ------------------------------------------------------------


@pytest.fixture(scope="module")
def with_normal(text_index):
    return Extractor(text_index, normal_findings=True)


def test_normal_findings_are_off_by_default(extractor):
    assert extractor.extract("Hearing was normal; normal intelligence.").mentions == ()


@pytest.mark.parametrize("text, expected", [
    ("Hearing was normal.", [("HP:0000364", "Hearing was normal")]),
    ("He has normal hearing.", [("HP:0000364", "normal hearing")]),
    ("normal intelligence", [("HP:0001249", "normal intelligence")]),  # "X disability"
    ("normal hearing and intelligence", [("HP:0000364", "normal hearing"),
                                         ("HP:0001249", "normal hearing and intelligence")]),
    ("Hearing and intelligence were normal.", [
        ("HP:0000364", "Hearing and intelligence were normal"),
        ("HP:0001249", "intelligence were normal")]),
    ("Hearing was within normal limits.", [("HP:0000364", "Hearing was within normal limits")]),
])
def test_normal_findings_are_excluded_abnormalities(with_normal, text, expected):
    ex = with_normal.extract(text)
    assert [(m.id, m.text) for m in ex.mentions] == expected
    assert all(m.excluded and not m.uncertain for m in ex.mentions)
    assert set(ex.excluded()) == {t for t, _ in expected} and ex.present() == []


@pytest.mark.parametrize("text", [
    "Hearing was not normal.",
    "low-normal intelligence",
    "louder than normal hearing",
    "normal hearing thresholds",  # the words must end their phrase
    "normal pregnancy",  # no "Abnormal pregnancy" in the fixture
])
def test_what_is_not_a_normal_finding(with_normal, text):
    assert [m.id for m in with_normal.extract(text).mentions] == []


def test_normal_finding_of_a_relative_is_not_the_patients(with_normal):
    (m,) = with_normal.extract("Her mother has normal hearing.").mentions
    assert m.family and with_normal.extract("Her mother has normal hearing.").excluded() == []


# -- negation, uncertainty and family in clinical sentences --------------------------------


@pytest.mark.parametrize("text, mention", [
    ("Seizures: absent.", "Seizures"),
    ("Seizures: none.", "Seizures"),
    ("Ataxia: no; hypotonia: yes.", "Ataxia"),
    ("Hypotonia was not evident.", "Hypotonia"),
    ("Seizures have not been observed since age 3.", "Seizures"),
    ("Ataxia was not reported.", "Ataxia"),
    ("No ptosis or scoliosis.", "scoliosis"),
    ("Denies hearing loss.", "hearing loss"),
    ("There was no microcephaly.", "microcephaly"),
    ("He does not have cataracts.", "cataracts"),
    ("Scoliosis was excluded.", "Scoliosis"),
    ("Negative for seizures.", "seizures"),
    ("Ataxia was not observed.", "Ataxia"),
])
def test_negated_in_clinical_sentences(find, text, mention):
    m = find(text)[mention]
    assert (m.excluded, m.uncertain, m.family) == (True, False, False)


def test_negative_is_a_negation_only_after_a_colon(find):
    assert find("Ataxia: negative.")["Ataxia"].excluded
    assert not find("Renal enlargement is caused by gram-negative bacteria.")[
        "Renal enlargement"].excluded


@pytest.mark.parametrize("text, mention", [
    ("Scoliosis was not confirmed.", "Scoliosis"),
    ("Possible autism is being evaluated.", "autism"),
])
def test_uncertain_in_clinical_sentences(find, text, mention):
    assert find(text)[mention].uncertain


def test_relatives_features_in_one_sentence(extractor):
    ex = extractor.extract(
        "His mother has epilepsy and his maternal uncle had intellectual disability.")
    assert [(m.text, m.family) for m in ex.mentions] == [
        ("epilepsy", True), ("intellectual disability", True)]


def test_a_feature_that_resolved_was_present(extractor):
    assert extractor.extract("Seizures resolved by age 5.").present() == ["HP:0001250"]
    assert extractor.extract("Resolution of hypotonia by age 2.").present() == ["HP:0001252"]


@pytest.mark.parametrize("text", [
    "Both the patient and her sister had cataracts.",
    "She, like her sister, has cataracts.",
    "He and his older brother have cataracts.",
    "The proband, as well as his father, has cataracts.",
])
def test_patient_with_a_relative_has_the_feature(extractor, text):
    assert extractor.extract(text).present() == ["HP:0000518"]


@pytest.mark.parametrize("text", [
    "The father, who is also affected, has cataracts.",
    "His mother, who has cataracts, brought him to the clinic.",
])
def test_family_scope_runs_across_a_relative_clause(extractor, text):
    ex = extractor.extract(text)
    assert [m.family for m in ex.mentions] == [True] and ex.present() == []


def test_relative_alone_still_a_family_feature(extractor):
    assert extractor.extract("Her sister had cataracts but the proband did not.").present() == []


# -- the lead's two notes on the real HPO --------------------------------------------------

NOTE_1 = (
    "On examination he had microcephaly (head circumference -3 SD), short stature, hypertelorism, "
    "a broad nasal bridge, low-set posteriorly rotated ears and bilateral 5th finger "
    "clinodactyly. There was no hepatosplenomegaly. Hearing was normal. He does not have "
    "cataracts. His mother has epilepsy and his maternal uncle had intellectual disability. "
    "Possible autism spectrum disorder is being evaluated.")
NOTE_2 = (
    "She presented with progressive muscle weakness since adolescence, predominantly proximal, "
    "with elevated creatine kinase. Muscle biopsy revealed dystrophic changes with fiber size "
    "variability. No ptosis or ophthalmoplegia. Denies dysphagia. Contractures of the elbows "
    "and Achilles tendons were noted.")


@pytest.fixture(scope="module")
def real_extractor(shared_data):
    return Extractor(build_text_index(read_obo(shared_data / "hpo-2026-06-06" / "hp.obo.gz")),
                     normal_findings=True)


@pytest.mark.integration
def test_lead_note_1(real_extractor):
    ex = real_extractor.extract(NOTE_1)
    assert set(ex.present()) == {
        "HP:0000252", "HP:0004322", "HP:0000316", "HP:0000431", "HP:0000369", "HP:0000358",
        "HP:0004209"}
    assert set(ex.excluded()) == {"HP:0001433", "HP:0000364", "HP:0000518"}
    family = {m.id for m in ex.mentions if m.family}
    assert family == {"HP:0001250", "HP:0001249"}
    assert {m.id for m in ex.mentions if m.uncertain} == {"HP:0000729"}


@pytest.mark.integration
def test_lead_note_2(real_extractor):
    ex = real_extractor.extract(NOTE_2)
    assert {"HP:0009073", "HP:0003236", "HP:0003560", "HP:0003557", "HP:0034391",
            "HP:0001771"} <= set(ex.present())
    assert set(ex.excluded()) == {"HP:0000508", "HP:0000602", "HP:0002015"}
