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
