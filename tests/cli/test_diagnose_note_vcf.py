"""`raredx diagnose --note` and `--vcf` route to the text and genotype pipelines."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from raredx.cli import app

runner = CliRunner()


def test_note_gives_a_differential_from_text(mini_release, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Tall boy with arachnodactyly and ectopia lentis. No myopia.\n")
    res = runner.invoke(app, ["diagnose", "--note", str(note), "--format", "json",
                              "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    found = {t["id"]: t["excluded"] for t in out["extraction"]["terms"]}
    assert found.get("HP:0001166") is False and found.get("HP:0001083") is False
    assert found.get("HP:0000545") is True
    assert out["diagnosis"]["diseases"][0]["id"] == "OMIM:154700"


def test_note_and_vcf_usage_errors(mini_release, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("arachnodactyly\n")
    res = runner.invoke(app, ["diagnose", "--note", str(note), "--present", "HP:0001166",
                              "--data-dir", str(mini_release)])
    assert res.exit_code == 2
    res = runner.invoke(app, ["diagnose", "--note", str(note), "--format", "tsv",
                              "--data-dir", str(mini_release)])
    assert res.exit_code == 2
    res = runner.invoke(app, ["diagnose", "--vcf", "x.vcf", "--present", "HP:0001166",
                              "--data-dir", str(mini_release)])
    assert res.exit_code == 2 and "exactly one phenopacket" in res.output


def test_json_candidates_carry_their_treatments(mini_release, tmp_path):
    # the mini release's OMIM:154700 is not in the therapy table: an empty list, not a missing key
    res = runner.invoke(app, ["diagnose", "--present", "HP:0001166,HP:0001083", "--format",
                              "json", "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert all(isinstance(d["treatments"], list) for d in out["diseases"])


def test_note_reports_normal_findings_as_excluded_abnormalities(mini_release, tmp_path):
    # `diagnose --note` passes "intelligence was normal" to the ranking as an excluded
    # abnormality (`raredx extract` does not: annotated corpora do not mark normal findings)
    note = tmp_path / "note.txt"
    note.write_text("Tall boy with arachnodactyly and ectopia lentis. Intelligence was normal.\n")
    res = runner.invoke(app, ["diagnose", "--note", str(note), "--format", "json",
                              "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    found = {t["id"]: t for t in json.loads(res.stdout)["extraction"]["terms"]}
    assert found["HP:0001249"]["excluded"] is True
    assert found["HP:0001249"]["text"] == "Intelligence was normal"
    res = runner.invoke(app, ["extract", str(note), "--format", "json",
                              "--data-dir", str(mini_release)])
    assert res.exit_code == 0, res.output
    assert "HP:0001249" not in {t["id"] for t in json.loads(res.stdout)["terms"]}
