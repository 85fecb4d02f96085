"""`raredx extract` and `raredx diagnose-note` through typer's CliRunner, on the mini release."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from raredx.cli import app

runner = CliRunner()


def test_extract_json_offsets_and_status(mini_release, tmp_path):
    text = "Boy with seizures and scoliosis.\nNo myopia. His father has arachnodactyly."
    note = tmp_path / "note.txt"
    note.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(note), "--format", "json",
                              "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    terms = json.loads(res.stdout)["terms"]
    got = [(t["id"], t["text"], t["excluded"], t["family"]) for t in terms]
    assert got == [
        ("HP:0001250", "seizures", False, False),
        ("HP:0002650", "scoliosis", False, False),
        ("HP:0000545", "myopia", True, False),
        ("HP:0001166", "arachnodactyly", False, True),
    ]
    for t in terms:
        assert text[t["start"]:t["end"]] == t["text"]


def test_extract_table(mini_release, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Possible scoliosis.", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(note), "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    assert "HP:0002650" in res.stdout and "uncertain" in res.stdout


def test_extract_binary_file_fails_with_a_clear_message(mini_release, tmp_path):
    note = tmp_path / "image.png"
    note.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    res = runner.invoke(app, ["extract", str(note), "--data-dir", str(mini_release)])
    assert res.exit_code == 1
    assert "binary" in res.output and "image.png" in res.output


def test_extract_empty_file_fails(mini_release, tmp_path):
    note = tmp_path / "empty.txt"
    note.write_text("\n\n")
    res = runner.invoke(app, ["extract", str(note), "--data-dir", str(mini_release)])
    assert res.exit_code == 1 and "empty" in res.output


def test_extract_reads_stdin(mini_release):
    res = runner.invoke(app, ["extract", "-", "-f", "json", "--data-dir", str(mini_release)],
                        input="Seizures since infancy.")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["terms"][0]["id"] == "HP:0001250"


def test_diagnose_note_ranks_from_text(mini_release, tmp_path):
    note = tmp_path / "case.txt"
    note.write_text("Tall boy with arachnodactyly, ectopia lentis and an aortic root "
                    "aneurysm. No seizures.", encoding="utf-8")
    res = runner.invoke(app, ["diagnose-note", str(note), "-f", "json", "--top", "3",
                              "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["diagnosis"]["diseases"][0]["id"] == "OMIM:154700"
    assert out["diagnosis"]["query"]["excluded"] == ["HP:0001250"]
    assert {t["id"] for t in out["extraction"]["terms"]} >= {"HP:0001166", "HP:0001083"}


def test_diagnose_note_without_present_terms_fails(mini_release, tmp_path):
    note = tmp_path / "case.txt"
    note.write_text("No seizures. Possible scoliosis.", encoding="utf-8")
    res = runner.invoke(app, ["diagnose-note", str(note), "--data-dir", str(mini_release)])
    assert res.exit_code == 1 and "nothing to rank" in res.output


def test_extract_json_shows_values_and_abilities(mini_release, tmp_path):
    # the mini release has Intellectual disability but no grade of it: "IQ below 60" names it
    text = "Seizures since infancy. His IQ was below 60."
    note = tmp_path / "note.txt"
    note.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(note), "--format", "json",
                              "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    terms = json.loads(res.stdout)["terms"]
    got = [(t["id"], t["start"], t["end"], t["text"], t["excluded"]) for t in terms]
    assert got == [("HP:0001250", 0, 8, "Seizures", False),
                   ("HP:0001249", 28, 43, "IQ was below 60", False)]


def test_extract_json_is_written_as_it_is_found_with_the_same_document(mini_release, tmp_path):
    from raredx.io import load_knowledge
    from raredx.text import Extractor, load_text_index

    note = tmp_path / "note.txt"
    note.write_text("Boy with seizures and scoliosis. No myopia.\n" * 30, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(note), "-f", "json", "--data-dir",
                              str(mini_release)])
    assert res.exit_code == 0, res.output
    ex = Extractor(load_text_index(load_knowledge(mini_release))).extract_file(note)
    assert res.stdout == json.dumps(ex.as_dict(), ensure_ascii=False, indent=1) + "\n"


def test_extract_json_without_terms_is_valid_and_warns_naming_the_file(mini_release, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Nothing of note was seen at the visit today.", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(note), "-f", "json", "--data-dir",
                              str(mini_release)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["terms"] == [] and doc["issues"][0]["where"] == str(note)
    assert f"{note}: no phenotypic abnormality" in res.stderr


def test_extract_table_of_a_long_note_comes_in_pages(mini_release, tmp_path, monkeypatch):
    import raredx.cli._extract as extract_cli

    monkeypatch.setattr(extract_cli, "TABLE_PAGE", 4)
    note = tmp_path / "note.txt"
    note.write_text("Seizures and scoliosis. No myopia.\n" * 3, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(note), "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    assert "(mentions 1-4)" in res.stdout and "(mentions 5-8)" in res.stdout
    assert "(mentions 9-9)" in res.stdout
    assert "9 mention(s): 2 term(s) present, 1 absent" in res.stdout


def test_diagnose_note_json_is_one_document_written_as_it_goes(mini_release, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Tall boy with arachnodactyly and ectopia lentis. No scoliosis.\n" * 5,
                    encoding="utf-8")
    res = runner.invoke(app, ["diagnose-note", str(note), "-f", "json", "--top", "2",
                              "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert res.stdout == json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    assert len(doc["extraction"]["terms"]) == 15
    assert doc["diagnosis"]["query"]["present"] == ["HP:0001166", "HP:0001083"]


def test_stdin_is_streamed_and_checked_like_a_file(mini_release):
    res = runner.invoke(app, ["extract", "-", "-f", "json", "--data-dir", str(mini_release)],
                        input=b"Seizures.\xff\xfe")
    assert res.exit_code == 1 and "<stdin>: is not UTF-8 text" in res.output
