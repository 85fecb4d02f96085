"""Reading phenopackets: good input, and a clear message for every kind of bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from raredx.errors import InputError
from raredx.io import patient_from_phenopacket, read_phenopacket
from raredx.model import Sex, TermId


def phenopacket(features=None, **extra) -> dict:
    data = {
        "id": "case-1",
        "subject": {"id": "p1", "sex": "FEMALE",
                    "timeAtLastEncounter": {"age": {"iso8601duration": "P12Y6M"}}},
        "phenotypicFeatures": features if features is not None else [
            {"type": {"id": "HP:0001166", "label": "Arachnodactyly"}},
            {"type": {"id": "HP:0001083"}, "onset": {"age": {"iso8601duration": "P3Y"}}},
            {"type": {"id": "HP:0002650"}, "excluded": True},
        ],
        "metaData": {"externalReferences": [{"id": "PMID:1000001"}, {"id": "DOI:10.1/x"},
                                            {"id": "pmid: 2000002"}]},
    }
    data.update(extra)
    return data


def write(tmp_path: Path, content, name: str = "case.json") -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    elif isinstance(content, str):
        p.write_text(content, encoding="utf-8")
    else:
        p.write_text(json.dumps(content), encoding="utf-8")
    return p


def messages(patient_or_exc) -> list[str]:
    return [f"{i.where}: {i.message}" for i in patient_or_exc.issues]


def test_reads_subject_features_onset_and_pmids(tmp_path, mini_ontology):
    p = read_phenopacket(write(tmp_path, phenopacket()), mini_ontology)
    assert p.id == "case-1"
    assert p.present == (TermId("HP:0001166"), TermId("HP:0001083"))
    assert p.excluded == (TermId("HP:0002650"),)
    assert p.sex is Sex.FEMALE
    assert p.age is not None and p.age.years == pytest.approx(12.5)
    assert p.onset == TermId("HP:0011463")  # onset at 3 years: childhood onset
    assert p.publications == ("PMID:1000001", "PMID:2000002")
    assert p.issues == ()


def test_earliest_onset_wins(tmp_path, mini_ontology):
    feats = [
        {"type": {"id": "HP:0001166"}, "onset": {"ontologyClass": {"id": "HP:0003581"}}},
        {"type": {"id": "HP:0001083"}, "onset": {"ontologyClass": {"id": "HP:0003577"}}},
    ]
    p = read_phenopacket(write(tmp_path, phenopacket(feats)), mini_ontology)
    assert p.onset == TermId("HP:0003577")


def test_never_reads_interpretations_or_diseases(mini_ontology):
    class Guarded(dict):
        def __getitem__(self, key):
            assert key not in ("interpretations", "diseases"), key
            return super().__getitem__(key)

        def get(self, key, default=None):
            assert key not in ("interpretations", "diseases"), key
            return super().get(key, default)

    data = Guarded(phenopacket(interpretations="garbage", diseases=[{"term": 1}]))
    p = patient_from_phenopacket(data, mini_ontology, "guarded.json")
    assert len(p.present) == 2


def test_malformed_json_names_file_line_and_column(tmp_path, mini_ontology):
    path = write(tmp_path, '{\n  "id": "x",\n  "subject": {,\n}')
    with pytest.raises(InputError) as ei:
        read_phenopacket(path, mini_ontology)
    msg = str(ei.value)
    assert str(path) in msg and "malformed JSON" in msg and "line 3, column 15" in msg
    assert ei.value.reason == "malformed JSON"


def test_json_list_is_not_a_phenopacket(tmp_path, mini_ontology):
    path = write(tmp_path, [phenopacket()])
    with pytest.raises(InputError, match="not a phenopacket: the top level is a JSON array"):
        read_phenopacket(path, mini_ontology)


def test_object_without_subject_or_features_is_not_a_phenopacket(tmp_path, mini_ontology):
    path = write(tmp_path, {"resourceType": "Patient", "name": "x"})
    with pytest.raises(InputError) as ei:
        read_phenopacket(path, mini_ontology)
    assert "neither `subject` nor `phenotypicFeatures`" in str(ei.value)
    assert "name, resourceType" in str(ei.value)
    assert ei.value.reason == "not a phenopacket"


def test_family_message_is_recognised(tmp_path, mini_ontology):
    path = write(tmp_path, {"id": "fam", "proband": phenopacket()})
    with pytest.raises(InputError, match="Family message"):
        read_phenopacket(path, mini_ontology)


def test_features_must_be_a_list(tmp_path, mini_ontology):
    path = write(tmp_path, phenopacket({"type": {"id": "HP:0001166"}}))
    with pytest.raises(InputError, match="`phenotypicFeatures` is not a list"):
        read_phenopacket(path, mini_ontology)


def test_non_utf8_file(tmp_path, mini_ontology):
    text = json.dumps(phenopacket(subject={"id": "Jos\u00e9"}), ensure_ascii=False)
    path = write(tmp_path, text.encode("latin-1"))
    with pytest.raises(InputError) as ei:
        read_phenopacket(path, mini_ontology)
    assert str(path) in str(ei.value)
    assert "not UTF-8 text: invalid byte 0xe9" in str(ei.value)


def test_gzip_file_gets_a_hint(tmp_path, mini_ontology):
    path = write(tmp_path, gzip.compress(json.dumps(phenopacket()).encode()))
    with pytest.raises(InputError, match="gzip-compressed"):
        read_phenopacket(path, mini_ontology)


def test_utf8_bom_is_accepted(tmp_path, mini_ontology):
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps(phenopacket()).encode())
    assert read_phenopacket(path, mini_ontology).id == "case-1"


def test_empty_file(tmp_path, mini_ontology):
    with pytest.raises(InputError, match="empty file"):
        read_phenopacket(write(tmp_path, b"  \n"), mini_ontology)


def test_missing_file_and_directory(tmp_path, mini_ontology):
    with pytest.raises(InputError, match="cannot read file"):
        read_phenopacket(tmp_path / "nope.json", mini_ontology)
    with pytest.raises(InputError, match="it is a directory"):
        read_phenopacket(tmp_path, mini_ontology)


def test_unknown_obsolete_and_alternative_ids(tmp_path, mini_ontology):
    feats = [
        {"type": {"id": "HP:0009999"}},  # obsolete, replaced by HP:0001083
        {"type": {"id": "HP:0000665"}, "excluded": True},  # alt_id of HP:0001083 -> present wins
        {"type": {"id": "HP:1234567"}},  # unknown
        {"type": {"id": "HP:0009998"}},  # obsolete, no replacement
        {"type": {"id": "ORPHA:558"}},  # not an HPO id
        {"type": {"id": "HP:0001166"}},
    ]
    p = read_phenopacket(write(tmp_path, phenopacket(feats)), mini_ontology)
    assert p.present == (TermId("HP:0001083"), TermId("HP:0001166"))
    assert p.excluded == ()
    m = messages(p)
    assert any("phenotypicFeatures[0]: HP:0009999 is an obsolete id; used HP:0001083 "
               "(Ectopia lentis) instead" in x for x in m)
    assert any("phenotypicFeatures[1]: HP:0000665 is an alternative id" in x for x in m)
    assert any("phenotypicFeatures[2]: skipped HP:1234567: it is not a term of HPO 2099-01-01"
               in x for x in m)
    assert any("skipped HP:0009998: it is obsolete with no replacement" in x for x in m)
    assert any("skipped 'ORPHA:558': not an HPO term id" in x for x in m)
    assert any("given both present and excluded; kept as present" in x for x in m)
    assert all(str(tmp_path) in x for x in m)


def test_terms_outside_phenotypic_abnormality(tmp_path, mini_ontology):
    feats = [
        {"type": {"id": "HP:0003577"}},  # onset term
        {"type": {"id": "HP:0000006"}},  # mode of inheritance
        {"type": {"id": "HP:0000118"}},  # the branch root itself
        {"type": {"id": "HP:0040281"}},  # frequency term
        {"type": {"id": "HP:0001250"}},
    ]
    p = read_phenopacket(write(tmp_path, phenopacket(feats)), mini_ontology)
    assert p.present == (TermId("HP:0001250"),)
    m = " | ".join(messages(p))
    assert "HP:0003577 (Congenital onset): an onset term" in m
    assert "HP:0000006 (Autosomal dominant inheritance): a mode of inheritance" in m
    assert "HP:0000118 (Phenotypic abnormality): the root" in m
    assert "HP:0040281 (Very frequent): outside the Phenotypic abnormality branch" in m


def test_excluded_ancestor_of_present_term_is_dropped(tmp_path, mini_ontology):
    feats = [{"type": {"id": "HP:0001132"}},
             {"type": {"id": "HP:0000478"}, "excluded": True}]
    p = read_phenopacket(write(tmp_path, phenopacket(feats)), mini_ontology)
    assert p.excluded == ()
    assert any("implied by a present, more specific term" in x for x in messages(p))


def test_no_observed_feature(tmp_path, mini_ontology):
    only_excluded = [{"type": {"id": "HP:0001166"}, "excluded": True}]
    with pytest.raises(InputError) as ei:
        read_phenopacket(write(tmp_path, phenopacket(only_excluded)), mini_ontology)
    assert ei.value.reason == "no usable observed phenotypic feature"
    assert "all 1 listed features are excluded" in str(ei.value)

    with pytest.raises(InputError, match="lists no phenotypic features"):
        read_phenopacket(write(tmp_path, phenopacket([]), "b.json"), mini_ontology)

    unusable = [{"type": {"id": "HP:1234567"}}, {"type": {"id": "HP:0003577"}}]
    with pytest.raises(InputError) as ei:
        read_phenopacket(write(tmp_path, phenopacket(unusable), "c.json"), mini_ontology)
    assert "none of the 2 listed features is a usable observed HPO term" in str(ei.value)
    assert len(ei.value.issues) == 2  # the reasons travel with the error


def test_odd_fields_become_warnings(tmp_path, mini_ontology):
    feats = [
        "HP:0001166",
        {"type": "HP:0001166"},
        {"type": {"id": "hp:0000545"}, "excluded": None},  # null = observed; lenient id
        {"type": {"id": "HP:0001083"}, "excluded": "yes"},
        {"type": {"id": "HP:0001166"}},
    ]
    data = phenopacket(feats, subject={"sex": "MAN", "timeAtLastEncounter": {"age": "12"}})
    data["metaData"] = {"externalReferences": {"id": "PMID:1"}}
    p = read_phenopacket(write(tmp_path, data), mini_ontology)
    assert p.present == (TermId("HP:0000545"), TermId("HP:0001166"))
    assert p.sex is Sex.UNKNOWN and p.age is None and p.publications == ()
    m = " | ".join(messages(p))
    assert "phenotypicFeatures[0]: skipped: a phenotypic feature must be a JSON object" in m
    assert "phenotypicFeatures[1]: skipped: it has no `type.id`" in m
    assert "phenotypicFeatures[3]: skipped HP:0001083: `excluded` must be true or false" in m
    assert "subject.sex: unknown sex 'MAN'" in m
    assert "subject.timeAtLastEncounter: age not understood" in m
    assert "metaData.externalReferences: ignored: not a list" in m


def test_schema_check_reports_schema_errors_as_warnings(tmp_path, mini_ontology):
    data = phenopacket()
    data["metaData"]["created"] = "yesterday"
    path = write(tmp_path, data)
    assert read_phenopacket(path, mini_ontology).issues == ()
    p = read_phenopacket(path, mini_ontology, schema_check=True)
    assert len(p.present) == 2
    m = messages(p)
    assert len(m) == 1 and "does not match the Phenopacket v2 schema" in m[0]
    assert "metaData" in m[0] and str(path) in m[0]


@pytest.mark.parametrize(("time", "years"), [
    ({"age": {"iso8601duration": "P2Y6M"}}, 2.5),
    ({"ageRange": {"start": {"age": {"iso8601duration": "P20Y"}}}}, None),  # malformed range
    ({"ageRange": {"start": {"iso8601duration": "P20Y"}, "end": {"iso8601duration": "P30Y"}}},
     20.0),
    ({"gestationalAge": {"weeks": 19, "days": 0}}, 0.0),
    ({"ontologyClass": {"id": "HP:0003581", "label": "Adult onset"}}, 16.0),
    ({"ontologyClass": {"id": "HP:0011463", "label": "Childhood onset"}}, 1.0),
    ({"ontologyClass": {"id": "HP:0003577", "label": "Congenital onset"}}, 0.0),
])
def test_time_at_last_encounter_forms(tmp_path, mini_ontology, time, years):
    data = phenopacket(subject={"sex": "MALE", "timeAtLastEncounter": time})
    p = read_phenopacket(write(tmp_path, data), mini_ontology)
    if years is None:
        assert p.age is None and "age not understood" in " ".join(messages(p))
    else:
        assert p.age is not None and p.age.years == pytest.approx(years) and p.issues == ()


@pytest.mark.parametrize("age, problem", [
    ("P3Yjunk", "age not understood"),
    ("P-3Y", "age not understood"),
    ("P", "age not understood"),
    ("P200Y", "an age of 200 years is not plausible; ignored"),
])
def test_odd_ages_are_ignored_with_a_warning(tmp_path, mini_ontology, age, problem):
    data = phenopacket(subject={"timeAtLastEncounter": {"age": {"iso8601duration": age}}})
    p = read_phenopacket(write(tmp_path, data), mini_ontology)
    assert p.age is None
    assert [i.message for i in p.issues if i.where.endswith("subject.timeAtLastEncounter")][0] \
        .startswith(problem)


def test_an_age_in_hours_is_a_newborn(tmp_path, mini_ontology):
    data = phenopacket(subject={"timeAtLastEncounter": {"age": {"iso8601duration": "PT5H"}}})
    p = read_phenopacket(write(tmp_path, data), mini_ontology)
    assert p.age is not None and p.age.years == 0 and p.issues == ()


def test_a_phenopacket_v1_is_read_with_its_negated_features_excluded(tmp_path, mini_ontology):
    data = {
        "id": "v1-case",
        "subject": {"id": "s", "sex": "MALE", "ageAtCollection": {"age": "P4Y"}},
        "phenotypicFeatures": [
            {"type": {"id": "HP:0001166"}, "classOfOnset": {"id": "HP:0003577"}},
            {"type": {"id": "HP:0002650"}, "negated": True},
            {"type": {"id": "HP:0001083"}, "negated": False},
        ],
        "metaData": {"phenopacketSchemaVersion": "1.0"},
    }
    p = read_phenopacket(write(tmp_path, data), mini_ontology)
    assert p.present == (TermId("HP:0001166"), TermId("HP:0001083"))
    assert p.excluded == (TermId("HP:0002650"),)
    assert p.onset == TermId("HP:0003577")
    assert p.age is not None and p.age.years == 4
    assert [i.where.split(": ", 1)[1] for i in p.issues] == [
        "phenotypicFeatures[1]", "subject.ageAtCollection"]
    assert "`negated` is a Phenopacket v1 field; read as `excluded`" in p.issues[0].message


def test_a_v1_phenopacket_whose_only_feature_is_negated_fails(tmp_path, mini_ontology):
    data = {"id": "v1", "subject": {"id": "s"},
            "phenotypicFeatures": [{"type": {"id": "HP:0001166"}, "negated": True}]}
    with pytest.raises(InputError, match="all 1 listed features are excluded"):
        read_phenopacket(write(tmp_path, data), mini_ontology)
