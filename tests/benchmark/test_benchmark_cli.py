"""`raredx benchmark` on the hand-written release and cases."""

from __future__ import annotations

import json
import zipfile

from typer.testing import CliRunner

from raredx.cli import app


def test_benchmark_directory_writes_report_json_and_tsv(bench_release, bench_cases_dir, tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["benchmark", str(bench_cases_dir), "--data-dir",
                                 str(bench_release), "--output-dir", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    assert "3 cases read" in r.stderr
    report = (out / "report.md").read_text()
    for heading in ("## Summary", "## Breakdown", "## Calibration", "## Speed and memory",
                    "## Peers"):
        assert heading in report
    assert "HPO 2000-01-01" in report and "raredx benchmark" in report
    data = json.loads((out / "results.json").read_text())
    assert data["schema"] == "raredx-benchmark/1" and data["n_cases"] == 3
    assert data["knowledge"]["hpo"] == "2000-01-01"
    assert data["meta"]["command"].startswith("raredx benchmark")
    ph = {s["protocol"]: s for s in data["summary"] if s["method"] == "phenomizer"}
    assert ph["as-is"]["top1"] == 2 / 3 and ph["lpo"]["top1"] == 1 / 3
    lines = (out / "cases.tsv").read_text().splitlines()
    head = lines[0].split("\t")
    assert len(lines) == 4
    row = dict(zip(head, lines[1].split("\t")))
    assert row["case_id"] == "case1" and row["rank_phenomizer_lpo"] == "2"
    assert (out / "failures.tsv").read_text() == "source\treason\n"


def test_benchmark_zip_with_a_bad_file_reports_it_and_fails(bench_release, bench_cases_dir,
                                                           tmp_path):
    z = tmp_path / "cases.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(bench_cases_dir.rglob("*.json")):
            zf.write(p, f"c/{p.name}")
        zf.writestr("c/bad.json", "{")
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["benchmark", str(z), "--data-dir", str(bench_release), "-o",
                                 str(out), "--protocol", "lpo", "--no-peers", "-q"])
    assert r.exit_code == 1, r.output
    assert "1 case(s) could not be read" in r.stderr
    assert "c/bad.json\tmalformed JSON" in (out / "failures.tsv").read_text()
    data = json.loads((out / "results.json").read_text())
    assert data["n_failed"] == 1 and data["protocols"] == ["lpo"] and data["methods"] == ["raredx"]


def test_benchmark_missing_path_and_no_case(bench_release, tmp_path):
    r = CliRunner().invoke(app, ["benchmark", str(tmp_path / "none"), "--data-dir",
                                 str(bench_release)])
    assert r.exit_code == 2 and "no such directory" in r.stderr
    (tmp_path / "empty").mkdir()
    r = CliRunner().invoke(app, ["benchmark", str(tmp_path / "empty"), "--data-dir",
                                 str(bench_release), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "no usable case" in r.stderr


def test_benchmark_include_glob(bench_release, bench_cases_dir, tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["benchmark", str(bench_cases_dir), "--data-dir",
                                 str(bench_release), "-o", str(out), "--include", "case2.*",
                                 "--include", "sub/*", "--no-peers", "-q"])
    assert r.exit_code == 0, r.output
    data = json.loads((out / "results.json").read_text())
    assert sorted(c["case_id"] for c in data["cases"]) == ["case2", "case3"]
    assert "--include case2.* --include 'sub/*'" in data["meta"]["command"] or \
        "--include 'case2.*' --include 'sub/*'" in data["meta"]["command"]
    assert data["meta"]["selection"] == "2 selected"
