"""Bad input: empty, binary, non-UTF-8, non-English text; huge documents are streamed."""

from __future__ import annotations

import pytest

from raredx.errors import InputError
from raredx.text import iter_chunks


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_refused(extractor, text):
    with pytest.raises(InputError, match="empty"):
        extractor.extract(text, where="note.txt")


def test_non_latin_script_is_refused(extractor):
    text = "患者は三歳の男児で、発達の遅れとけいれん発作があり、筋緊張低下も認められた。" * 3
    text = " ".join(text)  # many "words"
    with pytest.raises(InputError, match="non-Latin script"):
        extractor.extract(text)


def test_french_text_is_refused(extractor):
    text = ("Le patient est un garçon de trois ans qui présente un retard du développement et "
            "des crises convulsives depuis la naissance, avec une hypotonie et une microcéphalie "
            "qui ne sont pas expliquées par les examens.")
    with pytest.raises(InputError, match="French"):
        extractor.extract(text)


def test_terse_english_note_is_accepted(extractor):
    text = "Seizures. Hypotonia. Microcephaly. Scoliosis. Ataxia. " * 4
    assert len(extractor.extract(text).mentions) == 20


def test_text_without_terms_gives_a_warning(extractor):
    ex = extractor.extract("The weather was fine and the patient went home happy.")
    assert ex.mentions == () and "no phenotypic abnormality" in ex.issues[0].message


def test_binary_file_is_refused(extractor, tmp_path):
    p = tmp_path / "scan.pdf"
    p.write_bytes(b"%PDF-1.4\x00\x01\x02\x03binary" * 50)
    with pytest.raises(InputError, match="binary") as info:
        extractor.extract_file(p)
    assert str(p) in str(info.value)


def test_non_utf8_file_is_refused(extractor, tmp_path):
    p = tmp_path / "note.txt"
    p.write_bytes("Hypotonie sévère et crises. ".encode("latin-1") * 3)
    with pytest.raises(InputError, match="UTF-8"):
        extractor.extract_file(p)


def test_missing_empty_and_directory_paths(extractor, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        extractor.extract_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        extractor.extract_file(tmp_path)
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(InputError, match="empty"):
        extractor.extract_file(tmp_path / "empty.txt")


def test_huge_document_is_streamed_with_exact_offsets(extractor, tmp_path):
    sentence = "No seizures, but hypotonia and palmar pits.\n"
    text = "Clinical note of a boy.\n" + sentence * 3000
    p = tmp_path / "big.txt"
    p.write_text(text, encoding="utf-8")
    ex = extractor.extract_file(p, chunk_chars=1000)
    assert len(ex.mentions) == 3 * 3000
    for m in ex.mentions:
        assert text[m.start:m.end] == m.text
    assert {(m.text, m.excluded) for m in ex.mentions} == {
        ("seizures", True), ("hypotonia", False), ("palmar pits", False)}
    assert ex.words == len(text.split())


def test_chunks_end_at_breaks_and_cover_the_stream(tmp_path):
    import io

    text = ("word " * 50 + "\n") * 40
    pieces = list(iter_chunks(io.StringIO(text), "x", size=300))
    assert "".join(t for _, t in pieces) == text
    for off, t in pieces:
        assert text[off:off + len(t)] == t
        assert t.endswith((" ", "\n"))


def test_bom_and_crlf_keep_offsets(extractor, tmp_path):
    p = tmp_path / "win.txt"
    p.write_bytes("\ufeffLine one.\r\nNo seizures.\r\n".encode("utf-8"))
    ex = extractor.extract_file(p)
    (m,) = ex.mentions
    with open(p, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    assert text[m.start:m.end] == "seizures" and m.excluded
