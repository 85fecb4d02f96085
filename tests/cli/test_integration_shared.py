"""The CLI on real phenopackets and the real default release from ../shared/data.

Checks the output's structure only (ranks on real data are the benchmark's business).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from raredx.cli import app

pytestmark = pytest.mark.integration
N_CASES = 3


@pytest.fixture(scope="module")
def real_release(shared_data: Path, tmp_path_factory) -> Path:
    """A release directory of symlinks to the shared HPO 2026-06-06 and Orphanet files."""
    d = tmp_path_factory.mktemp("release")
    for sub in ("hpo-2026-06-06", "orphanet"):
        for f in sorted((shared_data / sub).glob("*.gz")):
            (d / f.name).symlink_to(f.resolve())
    return d


@pytest.fixture(scope="module")
def real_cases(shared_data: Path, tmp_path_factory) -> Path:
    """Three phenopackets from three different cohorts of the dev split."""
    out = tmp_path_factory.mktemp("cases")
    seen: set[str] = set()
    with zipfile.ZipFile(shared_data / "phenopacket-store-dev.zip") as z:
        for name in sorted(z.namelist()):
            cohort = name.split("/", 1)[0]
            if not name.endswith(".json") or cohort in seen:
                continue
            seen.add(cohort)
            (out / f"{cohort}.json").write_bytes(z.read(name))
            if len(seen) == N_CASES:
                break
    return out


def test_batch_on_real_cases(real_release, real_cases, tmp_path):
    runner = CliRunner()
    out = tmp_path / "results.jsonl"
    r = runner.invoke(app, ["diagnose", str(real_cases), "--data-dir", str(real_release),
                            "--top", "5", "--leave-publication-out", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert f"{N_CASES} case(s): {N_CASES} ranked, 0 failed" in r.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == N_CASES
    for rec in records:
        assert rec["id"] and rec["source"].endswith(".json")
        assert rec["protocol"] == "leave-publication-out"
        assert rec["knowledge"]["hpo"] == "2026-06-06"
        assert rec["knowledge"]["annotations"] == "2026-06-06"
        assert rec["knowledge"]["orphanet"]
        assert rec["n_candidates"] > 10_000
        assert rec["query"]["present"]
        ds = rec["diseases"]
        assert [d["rank"] for d in ds] == [1, 2, 3, 4, 5]
        assert [d["score"] for d in ds] == sorted((d["score"] for d in ds), reverse=True)
        assert all(0 <= d["probability"] <= 1 for d in ds)
        assert all(d["id"].split(":")[0] in {"OMIM", "ORPHA", "DECIPHER"} for d in ds)
        # a batch explains the top 3 candidates of each case (--explain-top)
        n_terms = len(rec["query"]["present"]) + len(rec["query"]["excluded"])
        assert all(len(d["evidence"]) == n_terms for d in ds[:3])
        assert all("evidence" not in d for d in ds[3:])


def test_single_real_case_table_and_tsv(real_release, real_cases):
    runner = CliRunner()
    case = sorted(real_cases.glob("*.json"))[0]
    r = runner.invoke(app, ["diagnose", str(case), "--data-dir", str(real_release)])
    assert r.exit_code == 0, r.output
    assert "knowledge: HPO 2026-06-06" in r.stdout and "probability" in r.stdout
    r = runner.invoke(app, ["diagnose", str(case), "--data-dir", str(real_release),
                            "-f", "tsv", "--top", "3"])
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert r.exit_code == 0 and len(rows) == 4 and rows[0][0] == "case_id"


def test_data_install_from_official_files_and_info(real_release, tmp_path):
    runner = CliRunner()
    target = tmp_path / "knowledge"
    r = runner.invoke(app, ["data", "install", "--from", str(real_release),
                            "--target", str(target)])
    assert r.exit_code == 0, r.output
    assert r.stderr.count("sha256 verified") == 4
    assert sorted(p.name for p in target.iterdir()) == [
        "en_product1.xml.gz", "en_product9_ages.xml.gz", "hp.obo.gz", "phenotype.hpoa.gz"]
    r = runner.invoke(app, ["data", "info", "--data-dir", str(target), "--no-load"])
    assert r.exit_code == 0, r.output
    assert r.stdout.count("(official hpo-2026-06-06 file)") == 4
