"""`raredx diagnose` and `raredx data` through typer's CliRunner, on the mini release."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from raredx.cli import app

runner = CliRunner()


def case(features, pid="case-1", pmids=()) -> dict:
    return {
        "id": pid,
        "subject": {"id": "s", "sex": "MALE"},
        "phenotypicFeatures": [
            {"type": {"id": t.lstrip("-")}, **({"excluded": True} if t.startswith("-") else {})}
            for t in features
        ],
        "metaData": {"externalReferences": [{"id": p} for p in pmids]},
    }


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture()
def run(mini_release):
    def _run(*args: str):
        return runner.invoke(app, ["diagnose", *args, "--data-dir", str(mini_release)])

    return _run


MARFAN = ["HP:0001166", "HP:0001083", "HP:0002616"]


def test_single_case_table(run, tmp_path):
    f = write(tmp_path / "a.json", case(MARFAN + ["HP:0009999"]))
    r = run(str(f), "--top", "3")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "Differential diagnosis for case-1" in out
    assert "OMIM:154700" in out and "Marfan syndrome (fixture)" in out
    assert "Arachnodactyly (HP:0001166): annotated" in out  # the explanation
    assert "knowledge: HPO 2099-01-01" in out
    # the input warning goes to stderr, not into the data
    assert "HP:0009999 is an obsolete id" in r.stderr and "HP:0009999" not in out


def test_single_case_json(run, tmp_path):
    f = write(tmp_path / "a.json", case(MARFAN + ["-HP:0002650"], pmids=["PMID:1000001"]))
    r = run(str(f), "--format", "json", "--top", "4")
    assert r.exit_code == 0, r.output
    rec = json.loads(r.stdout)
    assert rec["id"] == "case-1" and len(rec["diseases"]) == 4
    assert rec["diseases"][0]["rank"] == 1
    assert {"id", "label", "score", "probability", "evidence"} <= set(rec["diseases"][0])
    assert rec["knowledge"]["hpo"] == "2099-01-01" and rec["protocol"] == "as-is"


def test_leave_publication_out_flag(run, tmp_path):
    f = write(tmp_path / "a.json", case(["HP:0001083", "HP:0001634"], pmids=["PMID:3000003"]))
    as_is = json.loads(run(str(f), "-f", "json").stdout)
    lpo = json.loads(run(str(f), "-f", "json", "--leave-publication-out").stdout)

    def rank_c(rec):
        return next(d["rank"] for d in rec["diseases"] if d["id"] == "OMIM:600002")

    # C's three annotations all cite PMID:3000003: it matches both terms as-is, nothing under LPO
    assert rank_c(as_is) < 7
    assert lpo["protocol"] == "leave-publication-out" and lpo["left_out_annotations"] == 4
    assert rank_c(lpo) == 7
    # a case without PMIDs (and without any diagnosis) works, with a warning
    g = write(tmp_path / "b.json", case(["HP:0001083"]))
    r = run(str(g), "-f", "json", "--leave-publication-out")
    assert r.exit_code == 0
    assert "cites no PMID" in r.stderr
    assert any("cites no PMID" in i["message"] for i in json.loads(r.stdout)["issues"])


def test_explain_top(run, tmp_path):
    f = write(tmp_path / "a.json", case(MARFAN))
    rec = json.loads(run(str(f), "-f", "json").stdout)
    assert all("evidence" in c for c in rec["diseases"])  # one case: every candidate
    rec = json.loads(run(str(f), "-f", "json", "--explain-top", "2").stdout)
    assert ["evidence" in c for c in rec["diseases"]] == [True, True] + [False] * 5


def test_single_case_jsonl_and_tsv(run, tmp_path):
    f = write(tmp_path / "a.json", case(MARFAN))
    r = run(str(f), "-f", "jsonl", "--no-explain")
    lines = r.stdout.splitlines()
    assert r.exit_code == 0 and len(lines) == 1
    assert "evidence" not in json.loads(lines[0])["diseases"][0]
    r = run(str(f), "-f", "tsv", "--top", "2")
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert r.exit_code == 0 and len(rows) == 3 and rows[0][:3] == ["case_id", "source", "rank"]
    assert rows[1][0] == "case-1" and rows[1][3] == "OMIM:154700"


def test_command_line_patient(run):
    r = run("--present", "HP:0001083, HP:0002616", "--present", "HP:0001166 HP:0001083",
            "--absent", "HP:0002650", "--sex", "female", "--age", "P12Y", "-f", "json")
    assert r.exit_code == 0, r.output
    rec = json.loads(r.stdout)
    assert rec["query"] == {"present": ["HP:0001083", "HP:0002616", "HP:0001166"],
                            "excluded": ["HP:0002650"]}
    assert rec["id"] == "patient"


def test_command_line_warnings_name_the_item(run):
    r = run("--present", "HP:0001083,HP:9999999", "--absent", "banana", "-f", "json")
    assert r.exit_code == 0, r.output
    assert "--present item 2: skipped HP:9999999" in r.stderr
    assert "--absent item 1: skipped 'banana'" in r.stderr


def test_example(run, tmp_path):
    r = run("--example", "--top", "5")
    assert r.exit_code == 0, r.output
    assert "example-marfan-like" in r.stdout and "OMIM:154700" in r.stdout
    out = tmp_path / "res.json"
    r = run("--example", "-f", "json", "-o", str(out))
    assert r.exit_code == 0 and r.stdout == ""
    rec = json.loads(out.read_text())
    assert rec["id"] == "example-marfan-like"
    assert rec["query"]["excluded"] == ["HP:0002650"]


def test_batch_directory_with_broken_files(run, tmp_path):
    d = tmp_path / "cases"
    write(d / "a.json", case(MARFAN, "A"))
    write(d / "sub" / "b.json", case(["HP:0001250"], "B"))
    write(d / "sub" / "c.json", case(["HP:0001083", "HP:0001634"], "C"))
    write(d / "broken.json", '{"id": "x", "subject": {')
    write(d / "list.json", [case(MARFAN)])
    write(d / "absent-only.json", case(["-HP:0001166"], "D"))
    r = run(str(d))
    assert r.exit_code == 1, r.output
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(lines) == 6  # one result per case, failures included
    ok = {x["id"]: x for x in lines if "error" not in x}
    assert set(ok) == {"A", "B", "C"}
    assert ["evidence" in c for c in ok["A"]["diseases"]] == [True] * 3 + [False] * 4
    assert ok["B"]["diseases"][0]["id"] == "OMIM:100100"
    failed = {Path(x["source"]).name: x["error"]["reason"] for x in lines if "error" in x}
    assert failed == {"broken.json": "malformed JSON", "list.json": "not a phenopacket",
                      "absent-only.json": "no usable observed phenotypic feature"}
    err = r.stderr
    assert "6 case(s): 3 ranked, 3 failed" in err
    assert "1 × malformed JSON" in err and "1 × not a phenopacket" in err
    assert "broken.json: malformed JSON: line 1, column" in err


def test_batch_all_ok_zip_and_tsv(run, tmp_path):
    import zipfile

    z = tmp_path / "cases.zip"
    with zipfile.ZipFile(z, "w") as archive:
        archive.writestr("x/a.json", json.dumps(case(MARFAN, "A")))
        archive.writestr("x/b.json", json.dumps(case(["HP:0001250"], "B")))
    r = run(str(z), "-f", "tsv", "--top", "2")
    assert r.exit_code == 0, r.output
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert len(rows) == 1 + 2 * 2
    assert [row[0] for row in rows[1:]] == ["A", "A", "B", "B"]
    assert rows[1][1] == f"{z}:x/a.json"
    assert "2 case(s): 2 ranked, 0 failed" in r.stderr


def test_single_broken_case_fails_with_status_1(run, tmp_path):
    f = write(tmp_path / "bad.json", "[1, 2")
    r = run(str(f))
    assert r.exit_code == 1
    assert f"{f}: malformed JSON: line 1, column 6" in r.stderr


@pytest.mark.parametrize("args", [
    [],
    ["--example", "--present", "HP:0001166"],
    ["--absent", "HP:0001166", "--example"],
    ["--present", "HP:0001166", "--sex", "robot"],
    ["--present", "HP:0001166", "--age", "old"],
    ["/no/such/file.json"],
    ["--example", "--top", "0"],
    ["--example", "--format", "xml"],
])
def test_usage_errors_exit_2(run, args):
    r = run(*args)
    assert r.exit_code == 2, (args, r.output)


def test_command_line_patient_without_usable_terms(run):
    r = run("--present", "HP:1234567,HP:0003577")
    assert r.exit_code == 1
    assert "not a term of HPO" in r.stderr and "no usable observed phenotypic feature" in r.stderr


def test_bad_data_dir(tmp_path):
    r = runner.invoke(app, ["diagnose", "--example", "--data-dir", str(tmp_path)])
    assert r.exit_code == 1 and "lacks hp.obo, phenotype.hpoa" in r.stderr


def test_data_info(mini_release):
    r = runner.invoke(app, ["data", "info", "--data-dir", str(mini_release)])
    assert r.exit_code == 0, r.output
    assert "hp.obo" in r.stdout and "phenotype.hpoa" in r.stdout
    assert "versions: HPO 2099-01-01" in r.stdout
    assert "7 diseases" in r.stdout and "index cache:" in r.stdout


def test_data_install_rejects_unofficial_files(mini_release, tmp_path):
    r = runner.invoke(app, ["data", "install", "--from", str(mini_release),
                            "--target", str(tmp_path / "k")])
    assert r.exit_code == 1
    assert "lacks en_product1.xml" in r.stderr or "not the official" in r.stderr


def test_markup_like_input_is_printed_verbatim(run, tmp_path):
    f = write(tmp_path / "[bold]x[/].json", case(["HP:0001166", "[/red]"]))
    r = run(str(f), "-f", "json")
    assert r.exit_code == 0, r.output
    assert "skipped '[/red]': not an HPO term id" in r.stderr
    assert "[bold]x[/].json" in r.stderr


def test_batch_as_tables_and_json_array(run, tmp_path):
    d = tmp_path / "cases"
    write(d / "a.json", case(MARFAN, "A"))
    write(d / "b.json", case(["HP:0001250"], "B"))
    r = run(str(d), "-f", "table", "--top", "2")
    assert r.exit_code == 0, r.output
    assert "Differential diagnosis for A" in r.stdout and "Differential diagnosis for B" in r.stdout
    r = run(str(d), "-f", "json", "--top", "2")
    records = json.loads(r.stdout)
    assert [x["id"] for x in records] == ["A", "B"]


def test_phenopacket_on_stdin(mini_release):
    r = runner.invoke(app, ["diagnose", "-", "-f", "json", "--data-dir", str(mini_release)],
                      input=json.dumps(case(MARFAN, "from-stdin")))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["id"] == "from-stdin"
    r = runner.invoke(app, ["diagnose", "-", "--data-dir", str(mini_release)], input="{oops")
    assert r.exit_code == 1 and "<stdin>: malformed JSON: line 1, column 2" in r.stderr


def test_onset_must_be_an_onset_term(run):
    r = run("--present", "HP:0001166", "--onset", "HP:0001250")
    assert r.exit_code == 2
    assert "HP:0001250 (Seizure) is not an onset term" in r.output


def test_a_missing_path_in_a_batch_is_a_failed_case(run, tmp_path):
    good = write(tmp_path / "a.json", case(MARFAN, "A"))
    missing = tmp_path / "missing.json"
    r = run(str(good), str(missing))
    assert r.exit_code == 1, r.output
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["source"] for x in lines] == [str(good), str(missing)]
    assert lines[1]["error"]["reason"] == "no such file or directory"
    assert "2 case(s): 1 ranked, 1 failed" in r.stderr


def test_command_line_label_gets_a_hint(run):
    r = run("--present", "HP:0001166,arachnodactyly")
    assert r.exit_code == 0, r.output
    assert "did you mean HP:0001166 (Arachnodactyly)?" in r.stderr


def test_hidden_json_files_in_a_batch_are_mentioned(run, tmp_path):
    d = tmp_path / "cases"
    write(d / "a.json", case(MARFAN, "A"))
    write(d / "._a.json", "\x00\x05junk")
    r = run(str(d))
    assert r.exit_code == 0, r.output
    assert "passed over 1 hidden *.json file(s)" in r.stderr and "._a.json" in r.stderr
