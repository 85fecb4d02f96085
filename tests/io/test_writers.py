"""Writers: JSON/JSONL/TSV shapes and the text of every explanation kind."""

from __future__ import annotations

import io
import json

from raredx.io import (
    TSV_COLUMNS,
    describe_evidence,
    diagnosis_to_dict,
    evidence_to_dict,
    failure_to_dict,
    format_frequency,
    tsv_rows,
    write_json,
    write_jsonl_record,
    write_tsv,
)
from raredx.ranking import MatchKind, TermEvidence


def ev(kind, excluded=False, annotation="HP:0001132", via=None, frequency=0.5):
    return TermEvidence("HP:0001083", "Ectopia lentis", excluded, kind, annotation,
                        "Lens subluxation", frequency, 0.25, via)


def test_every_match_kind_has_a_sentence():
    texts = {k: describe_evidence(ev(k, excluded=k.value.startswith("con"), via="HP:0000478"))
             for k in MatchKind}
    assert texts[MatchKind.EXACT] == "Ectopia lentis (HP:0001083): annotated (50%)"
    assert texts[MatchKind.PATIENT_MORE_GENERAL] == (
        "Ectopia lentis (HP:0001083): annotated with the more specific Lens subluxation "
        "(HP:0001132) (50%)")
    assert "more general Lens subluxation" in texts[MatchKind.PATIENT_MORE_SPECIFIC]
    assert "via HP:0000478" in texts[MatchKind.RELATED]
    labelled = describe_evidence(ev(MatchKind.RELATED, via="HP:0000478"),
                                 {"HP:0000478": "Abnormality of the eye"}.get)
    assert labelled.endswith("via Abnormality of the eye (HP:0000478)")
    assert "not explained" in texts[MatchKind.UNEXPLAINED]
    assert "annotated NOT to show Lens subluxation" in texts[MatchKind.NEGATED]
    assert texts[MatchKind.CONTRADICTED].startswith("Ectopia lentis (HP:0001083) is absent, but")
    assert "consistent with the disease" in texts[MatchKind.CONSISTENT_ABSENCE]
    assert len(set(texts.values())) == len(MatchKind)


def test_format_frequency():
    assert format_frequency(0.895) == "90%"
    assert format_frequency(0.025) == "2.5%"
    assert format_frequency(0.0) == "0%"
    assert format_frequency(None) == "frequency unknown"
    assert format_frequency(float("nan")) == "frequency unknown"


def test_diagnosis_as_dict_json_jsonl_tsv(mini_engine):
    p = mini_engine.patient(["HP:0001166", "HP:0001083", "HP:0002616", "HP:0009999"],
                            ["HP:0002650"], patient_id="case-7")
    d = mini_engine.diagnose(p, top=3)
    rec = diagnosis_to_dict(d, "cases/a.json")
    assert rec["id"] == "case-7" and rec["source"] == "cases/a.json"
    assert [x["rank"] for x in rec["diseases"]] == [1, 2, 3]
    first = rec["diseases"][0]
    assert set(first) == {"rank", "id", "label", "score", "probability", "equivalent_ids",
                          "evidence", "course"}
    assert first["id"] == d.candidates[0].disease_id
    assert {e["kind"] for e in first["evidence"]} <= {k.value for k in MatchKind}
    assert {e["term"] for e in first["evidence"]} == {
        "HP:0001166", "HP:0001083", "HP:0002616", "HP:0002650"}
    assert rec["knowledge"]["hpo"] == "2099-01-01"
    assert set(rec["knowledge"]["files_sha256"]) == {"hp.obo", "phenotype.hpoa"}
    assert rec["protocol"] == "as-is"
    assert rec["query"] == {"present": ["HP:0001166", "HP:0001083", "HP:0002616"],
                            "excluded": ["HP:0002650"]}
    assert rec["issues"][0]["level"] == "warning" and "HP:0009999" in rec["issues"][0]["message"]
    assert "evidence" not in diagnosis_to_dict(d, explain=False)["diseases"][0]

    buf = io.StringIO()
    write_json(rec, buf)
    assert json.loads(buf.getvalue()) == rec
    buf = io.StringIO()
    write_jsonl_record(rec, buf)
    write_jsonl_record(failure_to_dict("b.json", "malformed JSON", "line 1"), buf)
    lines = buf.getvalue().splitlines()
    assert len(lines) == 2 and json.loads(lines[0]) == rec
    assert json.loads(lines[1])["error"] == {"reason": "malformed JSON", "message": "line 1"}

    rows = tsv_rows(d, "cases/a.json")
    assert len(rows) == 3 and all(len(r) == len(TSV_COLUMNS) for r in rows)
    buf = io.StringIO()
    write_tsv([(d, "cases/a.json")], buf)
    table = [line.split("\t") for line in buf.getvalue().splitlines()]
    assert table[0] == TSV_COLUMNS
    row = dict(zip(TSV_COLUMNS, table[1]))
    assert row["case_id"] == "case-7" and row["rank"] == "1"
    assert row["disease_id"] == d.candidates[0].disease_id
    assert float(row["probability"]) == float(f"{d.candidates[0].probability:.6g}")


def test_evidence_says_where_its_annotation_comes_from():
    from raredx.io import source_note
    from raredx.ranking import AnnotationSource

    ev = TermEvidence("HP:0001166", "Arachnodactyly", False, MatchKind.EXACT, "HP:0001166",
                      "Arachnodactyly", 0.9, 1.3, source=AnnotationSource.ORPHANET_DEFINITION)
    assert describe_evidence(ev) == (
        "Arachnodactyly (HP:0001166): annotated (90%; stated in Orphanet's definition)")
    assert evidence_to_dict(ev)["source"] == "orphanet-definition"
    own = TermEvidence("HP:0001166", "Arachnodactyly", False, MatchKind.EXACT, "HP:0001166",
                       "Arachnodactyly", 0.5, 1.0, source=AnnotationSource.ANNOTATION)
    assert describe_evidence(own) == "Arachnodactyly (HP:0001166): annotated (50%)"
    assert source_note("annotation") == source_note(None) == ""
    assert source_note("disease-name") == "named in the disease's name"
