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
