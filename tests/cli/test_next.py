"""`raredx next` on bad input: the reasons terms were skipped are shown with the error."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from raredx.cli import app


def test_next_without_usable_terms_says_why_each_was_skipped(mini_release):
    res = CliRunner().invoke(app, ["next", "--present", "foo,HP:0000006", "--data-dir",
                                   str(mini_release)])
    assert res.exit_code == 1
    assert "skipped 'foo': not an HPO term id" in res.stderr
    assert "skipped HP:0000006 (Autosomal dominant inheritance): a mode of inheritance" \
        in res.stderr
    assert "--present: no usable observed phenotypic feature" in res.stderr


def test_next_phenopacket_without_usable_terms_shows_its_warnings(mini_release, tmp_path):
    f = tmp_path / "case.json"
    f.write_text(json.dumps({"id": "x", "phenotypicFeatures": [
        {"type": {"id": "HP:0000006"}}]}))
    res = CliRunner().invoke(app, ["next", str(f), "--data-dir", str(mini_release)])
    assert res.exit_code == 1
    assert "phenotypicFeatures[0]: skipped HP:0000006" in res.stderr


def test_next_from_a_note(mini_release, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Arachnodactyly and ectopia lentis. No scoliosis.\n" * 3)
    res = CliRunner().invoke(app, ["next", "--note", str(note), "-f", "json", "--data-dir",
                                   str(mini_release)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["present"] == ["HP:0001166", "HP:0001083"] and doc["excluded"] == ["HP:0002650"]
