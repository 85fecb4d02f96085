"""`raredx treat` command line."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from raredx.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["treat", *args], env={"RAREDX_HOME": "/nonexistent-raredx-home"})


def test_treat_table_chondrosarcoma():
    r = run("--cancer", "chondrosarcoma", "--alteration", "IDH1 R132H")
    assert r.exit_code == 0, r.output
    assert "No therapy is approved for IDH1 R132H in Chondrosarcoma (CHS)" in r.output
    assert "Tier 2: approved for this biomarker in another indication" in r.output
    assert "Tier 1" not in r.output


def test_treat_json_aml():
    r = run("--cancer", "AML", "-a", "IDH1 R132H", "-a", "FLT3-ITD", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    t1 = {f["therapy"][0] for f in d["findings"] if f["tier"] == 1}
    assert {"ivosidenib", "quizartinib", "midostaurin"} <= t1
    assert all(f["source"] and f["agency"] and f["date"] for f in d["findings"])
    assert d["versions"]["therapies"].startswith("raredx-therapies")


def test_treat_bad_input():
    r = run("--cancer", "blue cheese", "-a", "IDH1 R132H")
    assert r.exit_code == 2
    assert "unknown cancer type 'blue cheese'" in r.stderr
    r = run("--cancer", "AML", "-a", "IDH1 wibble", "-a", "IDH1 R132H")
    assert r.exit_code == 0
    assert "--alteration 1 ('IDH1 wibble')" in r.stderr and "ivosidenib" in r.stdout
    r = run("--cancer", "AML", "-a", "IDH1 wibble")
    assert r.exit_code == 2
    r = run("--cancer", "AML", "--format", "xml")
    assert r.exit_code == 2


def test_treat_disease():
    r = run("--disease", "OMIM:310200", "-a", "DMD exon 45-50 deletion")
    assert r.exit_code == 0, r.output
    assert "eteplirsen" in r.stdout and "deletion of exons 45-50 (871 nt) is out of frame" \
        in r.stdout


def test_treat_vcf_uses_vep_annotations_and_reports_the_rest():
    from pathlib import Path

    vcf = Path(__file__).resolve().parents[1] / "fixtures" / "therapy" / "tumour_vep.vcf"
    r = run("--cancer", "AML", "--vcf", str(vcf), "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["alterations"] == ["IDH1 R132H", "FLT3 D835Y"]
    assert "1 variant(s) not used: no usable protein/coding annotation" in r.stderr
    t1 = {f["therapy"][0] for f in d["findings"] if f["tier"] == 1}
    assert {"ivosidenib", "gilteritinib"} <= t1 and "quizartinib" not in t1


def test_treat_disease_bad_id():
    r = run("--disease", "spinal muscular atrophy")
    assert r.exit_code == 2 and "not a disease id" in r.stderr
    r = run("--disease", "OMIM:999999")
    assert r.exit_code == 0 and "No curated treatment for OMIM:999999" in r.stdout
