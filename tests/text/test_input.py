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


@pytest.mark.parametrize("text, language", [
    ("Der Patient zeigt eine Hypotonie und Krampfanfälle.", "German"),
    ("Le patient présente une hypotonie et des crises.", "French"),
])
def test_short_foreign_text_is_refused(extractor, text, language):
    with pytest.raises(InputError, match=language):
        extractor.extract(text, where="note.txt")


def test_a_sentence_in_a_script_without_spaces_is_refused(extractor):
    with pytest.raises(InputError, match="non-Latin script"):
        extractor.extract("患者有癫痫发作和发育迟缓。", where="note.txt")


@pytest.mark.parametrize("text", [
    "Seizures. Hypotonia.",
    "Seizures, hypotonia, no fever. Cafe au lait spots.",
    "Hypotonia in infancy; seizures; cri du chat phenotype.",
])
def test_terse_english_notes_are_accepted(extractor, text):
    extractor.extract(text, where="note.txt")


def test_utf16_text_is_named(tmp_path, extractor):
    note = tmp_path / "note.txt"
    note.write_bytes("The patient has seizures.".encode("utf-16"))
    with pytest.raises(InputError, match="is UTF-16 text; save the note as plain UTF-8"):
        extractor.extract_file(note)


def test_no_term_warning_names_the_file(tmp_path, extractor):
    note = tmp_path / "note.txt"
    note.write_text("Nothing of note was seen at the visit today.")
    ex = extractor.extract_file(note)
    assert [(i.where, i.message) for i in ex.issues] == [
        (str(note), "no phenotypic abnormality was recognised in the text")]


def test_a_stream_keeps_no_mention_and_matches_extract_file(tmp_path, extractor):
    note = tmp_path / "note.txt"
    note.write_text("Seizures and hypotonia. No microcephaly.\n" * 50)
    whole = extractor.extract_file(note, chunk_chars=300)
    with extractor.stream_file(note, chunk_chars=300) as stream:
        streamed = list(stream)
    assert tuple(streamed) == whole.mentions and len(streamed) > 100
    assert (stream.words, stream.characters) == (whole.words, whole.characters)
