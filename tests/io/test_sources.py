"""Listing cases: files, directories (recursive) and zip archives."""

from __future__ import annotations

import zipfile

import pytest

from raredx.errors import InputError
from raredx.io import find_cases


def test_directory_is_searched_recursively_in_a_stable_order(tmp_path):
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / "b" / "deep" / "z.json").write_text("{}")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.json").write_text("{}")
    cases = find_cases([tmp_path])
    assert [s.where for s in cases.sources] == [
        str(tmp_path / "a.json"), str(tmp_path / "b" / "deep" / "z.json")]
    assert cases.ignored == [str(tmp_path / "notes.txt")]
    assert cases.batch
    assert cases.sources[0].read() == b"{}"


def test_single_file_is_not_a_batch(tmp_path):
    f = tmp_path / "one.json"
    f.write_text("{}")
    cases = find_cases([f])
    assert not cases.batch and len(cases.sources) == 1
    assert find_cases([f, f]).batch


def test_zip_archive(tmp_path):
    z = tmp_path / "cases.zip"
    with zipfile.ZipFile(z, "w") as archive:
        archive.writestr("cohort/phenopackets/b.json", '{"id": "b"}')
        archive.writestr("cohort/phenopackets/a.json", '{"id": "a"}')
        archive.writestr("cohort/README.md", "x")
        archive.writestr("__MACOSX/cohort/._a.json", "junk")
    cases = find_cases([z])
    assert [s.where for s in cases.sources] == [
        f"{z}:cohort/phenopackets/a.json", f"{z}:cohort/phenopackets/b.json"]
    assert cases.sources[1].read() == b'{"id": "b"}'
    assert cases.ignored == [f"{z}:cohort/README.md"]
    assert cases.batch


def test_bad_paths_are_reported(tmp_path):
    with pytest.raises(InputError, match="no such file or directory"):
        find_cases([tmp_path / "missing"])
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError, match="not a readable zip archive") as ei:
        find_cases([bad])
    assert str(bad) in str(ei.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"no phenopacket \(\*.json\) file in this directory"):
        find_cases([empty])


def test_unreadable_file_fails_when_read_not_when_listed(tmp_path):
    f = tmp_path / "gone.json"
    f.write_text("{}")
    cases = find_cases([tmp_path])
    f.unlink()
    with pytest.raises(InputError, match="cannot read file") as ei:
        cases.sources[0].read()
    assert ei.value.reason == "cannot read file"


def test_a_bad_path_among_several_is_a_failing_case_not_the_end(tmp_path):
    good = tmp_path / "a.json"
    good.write_text("{}")
    missing = tmp_path / "missing.json"
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    cases = find_cases([good, missing, broken])
    assert cases.batch
    assert [s.where for s in cases.sources] == [str(good), str(missing), str(broken)]
    assert cases.sources[0].read() == b"{}"
    for src, reason in [(cases.sources[1], "no such file or directory"),
                        (cases.sources[2], "not a readable zip archive")]:
        with pytest.raises(InputError) as ei:
            src.read()
        assert ei.value.reason == reason and src.where in str(ei.value)


def test_hidden_json_files_are_passed_over_and_listed(tmp_path):
    import zipfile

    (tmp_path / "a.json").write_text("{}")
    (tmp_path / ".b.json").write_text("{}")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    cases = find_cases([tmp_path])
    assert [s.where for s in cases.sources] == [str(tmp_path / "a.json")]
    assert cases.hidden == [str(tmp_path / ".b.json")] and cases.ignored == []
    z = tmp_path / "cases.zip"
    with zipfile.ZipFile(z, "w") as archive:
        archive.writestr("a.json", "{}")
        archive.writestr("__MACOSX/._a.json", "junk")
    assert find_cases([z]).hidden == [f"{z}:__MACOSX/._a.json"]
