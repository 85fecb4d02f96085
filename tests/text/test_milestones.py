"""Milestones stated as ages, abilities absent or lost, IQ and creatine kinase values
(``raredx.text._milestones``, ``raredx.text._values``), on the hand-written ontology and, for two
realistic notes, on the real HPO."""

from __future__ import annotations

import re

import pytest

from raredx.io import read_obo
from raredx.text import Extractor, build_text_index
from raredx.text._milestones import AGE, MILESTONES, age_in_months
from raredx.text._values import iq_term

WALK, WALK_SUPPORT, SIT, STAND = "HP:0031936", "HP:0033257", "HP:0025336", "HP:0025335"
HEAD, SPEECH, ABSENT_SPEECH, LOST_SPEECH = "HP:0002421", "HP:0000750", "HP:0001344", "HP:0002371"
CANNOT_WALK, LOST_WALKING = "HP:0002540", "HP:0002505"
ID, MILD, MODERATE, SEVERE, PROFOUND, BORDERLINE = (
    "HP:0001249", "HP:0001256", "HP:0002342", "HP:0010864", "HP:0002187", "HP:0006889")
CK = "HP:0003236"


def found(extractor, text: str) -> list[tuple[str, str, str]]:
    """(id, text, status) of each mention; offsets checked against the text."""
    out = []
    for m in extractor.extract(text).mentions:
        assert text[m.start:m.end] == m.text
        status = ("family" if m.family else "uncertain" if m.uncertain
                  else "excluded" if m.excluded else "present")
        out.append((m.id, m.text, status))
    return out


@pytest.mark.parametrize("text, expected", [
    ("He walked at 30 months.", (WALK, "walked at 30 months")),
    ("She sat unsupported at 14 months.", (SIT, "sat unsupported at 14 months")),
    ("First words at 3 years.", (SPEECH, "First words at 3 years")),
    ("Independent walking was achieved at age 4.", (WALK, "walking was achieved at age 4")),
    ("He did not walk until 3 years of age.", (WALK, "did not walk until 3 years of age")),
    ("She walked independently at 2 years and 6 months.",
     (WALK, "walked independently at 2 years and 6 months")),
    ("He began to walk at the age of 3 years.", (WALK, "began to walk at the age of 3 years")),
    ("The boy walked at two and a half years.", (WALK, "walked at two and a half years")),
    ("He spoke his first words at 2 years.", (SPEECH, "spoke his first words at 2 years")),
    ("She stood at 20 months.", (STAND, "stood at 20 months")),
    ("He walked with support at 2 years.", (WALK_SUPPORT, "walked with support at 2 years")),
    ("Head control was achieved at 8 months.", (HEAD, "Head control was achieved at 8 months")),
    ("He was not walking at 2 years.", (WALK, "was not walking at 2 years")),
    ("At 2 years, he could not walk.", (WALK, "At 2 years, he could not walk")),
    ("No words at 24 months.", (SPEECH, "No words at 24 months")),
    ("He spoke in two-word sentences at 4 years.", (SPEECH, "two-word sentences at 4 years")),
    ("Age at walking: 30 months.", (WALK, "Age at walking: 30 months")),
    ("Independent walking is achieved at 2-3 years.",
     (WALK, "walking is achieved at 2-3 years")),  # a range: its lowest age
    ("The age of independent sitting was 14 months.",
     (SIT, "age of independent sitting was 14 months")),
])
def test_milestones_beyond_the_normal_window_are_delays(extractor, text, expected):
    assert found(extractor, text) == [(*expected, "present")]


@pytest.mark.parametrize("text", [
    "He walked at 12 months.",
    "She sat without support at 9 months.",
    "First words at 12 months.",
    "He walked at 18 months.",  # between the normal window and the conservative limit
    "He walked at 15-20 months.",  # a range across the limit
    "She sat at 10 months.",
    "He was not walking at 12 months.",  # not yet, but still within the window
    "He walked by 15 months.",
    "He was walking by 3 years.",  # "by": at or before, says nothing about a delay
    "She walked until 3 years of age.",  # then stopped: not a first milestone
    "He walked on tiptoes at 3 years.",  # not when walking began
    "His speech at 3 years was unclear.",
])
def test_normal_or_undecided_ages_give_nothing(extractor, text):
    assert found(extractor, text) == []


def test_normal_ages_are_excluded_delays_with_normal_findings(text_index):
    ex = Extractor(text_index, normal_findings=True)
    assert found(ex, "He sat at 8 months and walked at 13 months.") == [
        (SIT, "sat at 8 months", "excluded"), (WALK, "walked at 13 months", "excluded")]
    assert found(ex, "He walked at 30 months.") == [(WALK, "walked at 30 months", "present")]
    assert found(ex, "He walked at 12-15 months.") == [
        (WALK, "walked at 12-15 months", "excluded")]


def test_a_normal_iq_is_an_excluded_intellectual_disability_with_normal_findings(text_index):
    ex = Extractor(text_index, normal_findings=True)
    assert found(ex, "Her IQ was 105.") == [(ID, "IQ was 105", "excluded")]


def test_a_normal_milestone_does_not_negate_the_next(extractor):
    # "without" of "sat without support" is part of that statement, not a negation of walking
    assert found(extractor, "She sat without support at 9 months and walked at 3 years.") == [
        (WALK, "walked at 3 years", "present")]


def test_several_milestones_in_one_sentence(extractor):
    assert found(extractor, "He sat at 11 months, stood at 20 months and walked at 2.5 years.") == [
        (SIT, "sat at 11 months", "present"), (STAND, "stood at 20 months", "present"),
        (WALK, "walked at 2.5 years", "present")]


def test_relatives_milestones_are_family_features(extractor):
    assert found(extractor, "His brother walked at 3 years.") == [
        (WALK, "walked at 3 years", "family")]
    assert found(extractor, "Her sister has no words.") == [
        (ABSENT_SPEECH, "has no words", "family")]


def test_a_negated_delay_is_excluded_and_never_walked_is_present(extractor):
    assert found(extractor, "There was no delay in walking.") == [
        (WALK, "delay in walking", "excluded")]
    assert found(extractor, "He never walked.") == [(CANNOT_WALK, "never walked", "present")]
    assert found(extractor, "He did not walk until 3 years.") == [
        (WALK, "did not walk until 3 years", "present")]


@pytest.mark.parametrize("text, expected", [
    ("He has no words.", (ABSENT_SPEECH, "has no words")),
    ("She does not speak.", (ABSENT_SPEECH, "does not speak")),
    ("He never learned to talk.", (ABSENT_SPEECH, "never learned to talk")),
    ("She is unable to walk.", (CANNOT_WALK, "unable to walk")),
    ("He cannot walk at all.", (CANNOT_WALK, "cannot walk")),
    ("She is wheelchair-bound.", (CANNOT_WALK, "wheelchair-bound")),
    ("She never learned to sit or walk.", (CANNOT_WALK, "never learned to sit or walk")),
    ("He is unable to sit, stand or walk.", (CANNOT_WALK, "unable to sit, stand or walk")),
    ("He has never achieved independent walking.",
     (CANNOT_WALK, "has never achieved independent walking")),
    ("He became wheelchair-bound at 12 years.", (LOST_WALKING, "became wheelchair-bound")),
    ("She lost the ability to walk.", (LOST_WALKING, "lost the ability to walk")),
    ("Patients become wheelchair dependent.", (LOST_WALKING, "become wheelchair dependent")),
    ("He had lost speech.", (LOST_SPEECH, "lost speech")),
    ("He has only a few words.", (SPEECH, "only a few words")),
    ("She speaks in single words.", (SPEECH, "speaks in single words")),
    ("She is non-verbal.", (ABSENT_SPEECH, "non-verbal")),  # HPO's synonym "Nonverbal"
    ("He has no speech and communicates with gestures.", (ABSENT_SPEECH, "has no speech")),
    ("He has no speech and does not respond to his name.", (ABSENT_SPEECH, "has no speech")),
    ("He has no head control.", (HEAD, "no head control")),
    ("She is unable to hold her head up.", (HEAD, "unable to hold her head up")),
    ("He had 2-word phrases at 4 years.", (SPEECH, "2-word phrases at 4 years")),
])
def test_abilities_absent_or_lost(extractor, text, expected):
    assert found(extractor, text) == [(*expected, "present")]


@pytest.mark.parametrize("text", [
    "He cannot walk long distances.",  # exercise intolerance, not inability to walk
    "He is unable to walk without support.",  # walks with support
    "She does not speak English.",
    "No speech therapy was needed.",
    "There was no speech or language delay.",
    "No speech, language or hearing concerns were raised.",  # "no" negates a list
    "He cannot sit.",  # HPO has no inability to sit; without an age, no delay either
    "She said a few words.",
])
def test_what_is_not_an_absent_ability(extractor, text):
    assert found(extractor, text) == []


def test_no_speech_delay_is_a_negated_delay_not_absent_speech(extractor):
    assert found(extractor, "No speech delay was noted.") == [
        (SPEECH, "speech delay", "excluded")]


@pytest.mark.parametrize("text, expected", [
    ("IQ of 45.", (MODERATE, "IQ of 45")),
    ("His full-scale IQ was 62.", (MILD, "full-scale IQ was 62")),
    ("Full scale IQ (FSIQ) of 30.", (SEVERE, "Full scale IQ (FSIQ) of 30")),
    ("IQ 15.", (PROFOUND, "IQ 15")),
    ("IQ score of 78.", (BORDERLINE, "IQ score of 78")),
    ("IQ was estimated at 40-45.", (MODERATE, "IQ was estimated at 40-45")),
    ("IQ < 50.", (ID, "IQ < 50")),
    ("Serum CK was 12,450 IU/L.", (CK, "Serum CK was 12,450 IU/L")),
    ("Creatine kinase 5,000 U/L.", (CK, "Creatine kinase 5,000 U/L")),
    ("CK was 10 times the upper limit of normal.",
     (CK, "CK was 10 times the upper limit of normal")),
    ("Serum CK 5x ULN.", (CK, "Serum CK 5x ULN")),
])
def test_values(extractor, text, expected):
    assert found(extractor, text) == [(*expected, "present")]


@pytest.mark.parametrize("text", [
    "Verbal IQ of 60.",  # a subscale
    "IQ of 100.",  # normal (reported only with normal findings)
    "CK 250 U/L.",  # within some assays' ranges
    "CK 5.000 U/L.",  # read as written
    "CK 0.8 times the upper limit of normal.",
    "IQ between 60 and 75.",
])
def test_values_that_name_nothing(extractor, text):
    assert found(extractor, text) == []


def test_iq_bands_follow_hpos_definitions():
    assert [iq_term(v, None, False) for v in (19, 20, 34, 35, 49, 50, 69, 70, 84)] == [
        (PROFOUND, False), (SEVERE, False), (SEVERE, False), (MODERATE, False),
        (MODERATE, False), (MILD, False), (MILD, False), (BORDERLINE, False),
        (BORDERLINE, False)]
    assert iq_term(85, None, False) == (ID, True)
    assert iq_term(40, 60, False) == (ID, False)  # two bands, both below 70
    assert iq_term(60, 75, False) is None


def test_a_relatives_iq_is_a_family_feature(extractor):
    assert found(extractor, "His brother's IQ was 50.") == [(MILD, "IQ was 50", "family")]


def test_ages_in_months():
    pattern = re.compile(AGE, re.IGNORECASE)
    for text, months in [("30 months", 30), ("3 years", 36), ("2.5 years", 30),
                         ("two and a half years", 30), ("2 years and 6 months", 30),
                         ("age 4", 48), ("the age of 18 months", 18), ("3 yrs", 36),
                         ("18 mo", 18), ("3-year", 36)]:
        m = pattern.fullmatch(text)
        assert m is not None, text
        assert age_in_months(m) == months, text


def test_limits_are_past_the_normal_windows():
    # WHO Motor Development Study (2006): 99th centiles 9.2 (sitting alone), 17.6 (walking alone)
    assert MILESTONES["sit"].normal_by <= 9.2 < MILESTONES["sit"].delayed_after
    assert MILESTONES["walk"].normal_by <= 17.6 < MILESTONES["walk"].delayed_after
    for stone in MILESTONES.values():
        assert stone.normal_by < stone.delayed_after


def test_offsets_in_a_longer_note_with_a_base(extractor):
    text = "Pregnancy was uneventful.\n\nHe sat at 14 months and walked at 3 years. IQ of 45."
    got = found(extractor, text)
    assert got == [(SIT, "sat at 14 months", "present"), (WALK, "walked at 3 years", "present"),
                   (MODERATE, "IQ of 45", "present")]


# -- realistic notes on the real HPO --------------------------------------------------------

NOTE = (
    "The proband is a 7-year-old boy. He sat unsupported at 14 months and walked independently "
    "at 3 years; first words were spoken at 30 months and he now speaks in single words. Full "
    "scale IQ was 45. His younger sister walked at 12 months. There was no history of "
    "regression.")
NOTE_2 = (
    "A 12-year-old girl with a progressive myopathy. She became wheelchair-bound at 10 years. "
    "Serum creatine kinase was 8,500 U/L. Her brother has never walked.")


@pytest.fixture(scope="module")
def real_extractor(shared_data):
    return Extractor(build_text_index(read_obo(shared_data / "hpo-2026-06-06" / "hp.obo.gz")))


@pytest.mark.integration
def test_case_description_on_the_real_hpo(real_extractor):
    ex = real_extractor.extract(NOTE)
    assert {"HP:0025336", "HP:0031936", "HP:0000750", "HP:0002342"} <= set(ex.present())
    assert not any(m.family for m in ex.mentions)  # the sister walked in time: nothing
    ex = real_extractor.extract(NOTE_2)
    assert {"HP:0002505", "HP:0003236"} <= set(ex.present())
    assert [(m.id, m.text) for m in ex.mentions if m.family] == [
        ("HP:0002540", "has never walked")]
