"""Term ids the user gave: short ids, labels and repeats are reported, never silently changed."""

from __future__ import annotations

from raredx.io import resolve_terms
from raredx.model import TermId


def msgs(issues) -> list[str]:
    return [i.message for i in issues]


def test_an_id_with_fewer_than_seven_digits_is_read_with_a_warning(mini_ontology):
    present, _, issues = resolve_terms(mini_ontology, [("HP:1166", False)], "cli")
    assert present == (TermId("HP:0001166"),)
    assert msgs(issues) == ["'HP:1166' has fewer than 7 digits; read as HP:0001166 "
                            "(Arachnodactyly); check that this is the term meant"]


def test_a_short_id_naming_no_term_is_skipped_naming_what_was_given(mini_ontology):
    present, _, issues = resolve_terms(
        mini_ontology, [("HP:12", False), ("HP:0001166", False)], "case.json",
        ["phenotypicFeatures[0]", "phenotypicFeatures[1]"])
    assert present == (TermId("HP:0001166"),)
    assert issues[0].where == "case.json: phenotypicFeatures[0]"
    assert issues[0].message.startswith("skipped 'HP:12' has fewer than 7 digits; read as "
                                        "HP:0000012, which is not a term of HPO")


def test_canonical_and_lower_case_ids_give_no_warning(mini_ontology):
    present, _, issues = resolve_terms(
        mini_ontology, [("HP:0001166", False), ("hp:0001250", False), ("0002650", False)], "x")
    assert len(present) == 3 and issues == []


def test_a_label_given_as_an_id_gets_a_hint(mini_ontology):
    _, _, issues = resolve_terms(
        mini_ontology, [("arachnodactyly", False), ("Big toes", False), ("HPO:0001250", False)],
        "cli")
    assert msgs(issues) == [
        "skipped 'arachnodactyly': not an HPO term id (expected HP:NNNNNNN); did you mean "
        "HP:0001166 (Arachnodactyly)?",
        "skipped 'Big toes': not an HPO term id (expected HP:NNNNNNN); term labels are not "
        "accepted, give the term's HPO id",
        "skipped 'HPO:0001250': not an HPO term id (expected HP:NNNNNNN)",
    ]


def test_a_repeated_term_is_counted_once_with_a_warning(mini_ontology):
    present, excluded, issues = resolve_terms(
        mini_ontology, [("HP:0001166", False), ("HP:0001166", False), ("HP:0002650", True),
                        ("HP:0002650", True), ("HP:0001166", False)], "case.json",
        ["a", "b", "c", "d", "e"])
    assert present == (TermId("HP:0001166"),) and excluded == (TermId("HP:0002650"),)
    assert [(i.where, i.message) for i in issues] == [  # one warning per term, with the count
        ("case.json: b", "HP:0001166 (Arachnodactyly) is given 3 times; counted once"),
        ("case.json: d", "HP:0002650 (Scoliosis) is given 2 times as excluded; counted once"),
    ]
