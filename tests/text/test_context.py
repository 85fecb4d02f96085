"""Negation, uncertainty and family history (NegEx-style triggers and scopes)."""

from __future__ import annotations

import pytest


def status(find, text: str, mention: str) -> tuple[bool, bool, bool]:
    m = find(text)[mention]
    return m.excluded, m.uncertain, m.family


@pytest.mark.parametrize("text, mention", [
    ("No seizures.", "seizures"),
    ("He denies hearing loss.", "hearing loss"),
    ("Absence of scoliosis on X-ray.", "scoliosis"),
    ("Born without microcephaly.", "microcephaly"),
    ("Negative for seizures.", "seizures"),
    ("There was no evidence of ataxia.", "ataxia"),
    ("Seizures were absent.", "Seizures"),
    ("Hypotonia was ruled out.", "Hypotonia"),
    ("She does not have scoliosis.", "scoliosis"),
    ("He doesn't have hypotonia.", "hypotonia"),
])
def test_negated(find, text, mention):
    assert status(find, text, mention) == (True, False, False)


def test_negation_scope_covers_a_list(find):
    got = find("No seizures, ataxia or hypotonia.")
    assert [got[k].excluded for k in ("seizures", "ataxia", "hypotonia")] == [True] * 3


@pytest.mark.parametrize("text", [
    "No seizures but marked hypotonia.",
    "No seizures; hypotonia.",
    "No seizures. Hypotonia.",
    "No seizures, however hypotonia.",
    "No seizures\n\nHypotonia since birth.",
    "Not only seizures: hypotonia.",
])
def test_negation_scope_ends(find, text):
    assert find(text)["hypotonia" if "hypotonia" in text else "Hypotonia"].excluded is False


def test_pseudo_negation_is_not_negation(find):
    assert find("Not only seizures but also ataxia.")["seizures"].excluded is False


@pytest.mark.parametrize("text, mention", [
    ("Possible scoliosis.", "scoliosis"),
    ("Suspected ataxia.", "ataxia"),
    ("Scoliosis cannot be excluded.", "Scoliosis"),
    ("Hearing loss could not be ruled out.", "Hearing loss"),
    ("Rule out seizures.", "seizures"),
    ("Probable hypotonia on examination.", "hypotonia"),
])
def test_uncertain_is_not_present_nor_excluded(find, extractor, text, mention):
    excluded, uncertain, family = status(find, text, mention)
    assert uncertain and not excluded and not family
    ex = extractor.extract(text)
    assert ex.present() == [] and ex.excluded() == []


@pytest.mark.parametrize("text, mention", [
    ("His mother has short stature.", "short stature"),
    ("Family history of seizures.", "seizures"),
    ("There is a family history of hearing loss.", "hearing loss"),
    ("Seizures in his father.", "Seizures"),
    ("Her maternal aunt with scoliosis.", "scoliosis"),
])
def test_family_members_features_are_not_the_patients(find, extractor, text, mention):
    excluded, uncertain, family = status(find, text, mention)
    assert family
    assert extractor.extract(text).present() == []


def test_family_scope_ends_with_the_patient(find):
    got = find("His mother has short stature, and the patient has seizures.")
    assert got["short stature"].family and not got["seizures"].family


def test_reporting_relative_does_not_make_it_a_family_feature(find):
    assert find("The mother noticed seizures at 3 months.")["seizures"].family is False


def test_affirmed_after_negated_in_another_sentence(extractor):
    ex = extractor.extract("No hypotonia at birth. Hypotonia developed at 2 years.")
    assert ex.present() == ["HP:0001252"] and ex.excluded() == []
