"""Reading benchmark cases from a directory or a zip; failures are kept, not dropped."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from raredx.benchmark import load_cases, truth_of


def test_directory_is_read_recursively_with_truths(bench_engine, bench_cases_dir):
    cs = load_cases(bench_cases_dir, bench_engine.knowledge.ontology)
    assert cs.failures == () and cs.n_files == 3 and cs.selection == "all"
    assert [(Path(c.source).name, c.truth) for c in cs.cases] == [
        ("case1.json", ("OMIM:100001",)), ("case2.json", ("OMIM:100002",)),
        ("case3.json", ("OMIM:999999",)),  # from diseases[] (no interpretations)
    ]
    c1 = cs.cases[0].patient
    assert [t.value for t in c1.present] == ["HP:0000518", "HP:0001250"]
    assert [t.value for t in c1.excluded] == ["HP:0000545"]
    assert c1.publications == ("PMID:1",)


def test_truth_prefers_interpretations():
    data = {"interpretations": [{"diagnosis": {"disease": {"id": "OMIM:1"}}},
                                {"diagnosis": {"disease": {"id": "OMIM:2"}}}],
            "diseases": [{"term": {"id": "OMIM:3"}}]}
    assert truth_of(data) == ("OMIM:1", "OMIM:2")
    assert truth_of({"diseases": [{"term": {"id": "OMIM:3"}, "excluded": True}]}) == ()
    assert truth_of([]) == ()


def _zip_with_bad_files(src: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w") as z:
        for p in sorted(src.rglob("*.json")):
            z.write(p, f"cohort/{p.name}")
        z.writestr("cohort/broken.json", '{"id": "x", ')
        z.writestr("cohort/list.json", "[1, 2]")
        good = json.loads((src / "case1.json").read_text())
        z.writestr("cohort/no_answer.json", json.dumps(
            {k: v for k, v in good.items() if k != "interpretations"}))
        z.writestr("cohort/no_features.json", json.dumps({**good, "phenotypicFeatures": []}))
        z.writestr("cohort/README.txt", "not a phenopacket file, ignored")
    return dest


def test_zip_failures_are_counted_with_reasons(bench_engine, bench_cases_dir, tmp_path):
    z = _zip_with_bad_files(bench_cases_dir, tmp_path / "cases.zip")
    cs = load_cases(z, bench_engine.knowledge.ontology)
    assert len(cs.cases) == 3 and cs.n_files == 7
    reasons = {f.source.rsplit("/", 1)[1]: f.message for f in cs.failures}
    assert set(reasons) == {"broken.json", "list.json", "no_answer.json", "no_features.json"}
    assert reasons["broken.json"].startswith("malformed JSON at line 1")
    assert "not a phenopacket" in reasons["list.json"]
    assert "no known diagnosis" in reasons["no_answer.json"]
    assert "no usable observed phenotypic feature" in reasons["no_features.json"]
    assert all(f.source.startswith(f"{z}:cohort/") for f in cs.failures)


def test_sample_is_reproducible_and_limit_applies(bench_engine, bench_cases_dir, tmp_path):
    z = _zip_with_bad_files(bench_cases_dir, tmp_path / "cases.zip")
    ont = bench_engine.knowledge.ontology
    a = load_cases(z, ont, sample=3, seed=7)
    b = load_cases(z, ont, sample=3, seed=7)
    assert [c.source for c in a.cases] + [f.source for f in a.failures] == \
        [c.source for c in b.cases] + [f.source for f in b.failures]
    assert len(a.cases) + len(a.failures) == 3
    assert a.selection == "random sample of 3 (seed 7)"
    lim = load_cases(z, ont, limit=2)
    assert len(lim.cases) + len(lim.failures) == 2 and lim.selection == "first 2"


def test_missing_path(bench_engine, tmp_path):
    with pytest.raises(FileNotFoundError):
        load_cases(tmp_path / "nope", bench_engine.knowledge.ontology)


def test_select_filters_by_relative_name(bench_engine, bench_cases_dir, tmp_path):
    ont = bench_engine.knowledge.ontology
    cs = load_cases(bench_cases_dir, ont, select=lambda n: n.startswith("sub/"))
    assert [c.truth for c in cs.cases] == [("OMIM:999999",)] and cs.n_files == 3
    assert cs.selection == "1 selected"
    z = _zip_with_bad_files(bench_cases_dir, tmp_path / "cases.zip")
    seen: list[str] = []
    cs = load_cases(z, ont, select=lambda n: seen.append(n) or n.endswith("/case2.json"),
                    limit=5)
    assert "cohort/case1.json" in seen and [c.patient.id for c in cs.cases] == ["case2"]
    assert cs.selection == "1 selected"
