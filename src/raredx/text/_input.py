"""Reading a note safely: text files only, UTF-8, streamed in chunks that end at a sentence or
paragraph break, and a check that the text is English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from raredx.errors import InputError

CHUNK_CHARS = 1 << 20  # characters per chunk when streaming a note
MIN_WORDS_FOR_LANGUAGE = 15
MIN_WORDS_SHORT = 5  # a shorter note is judged only if 3 of its words are another language's
MIN_LETTERS_FOR_SCRIPT = 8

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# the most frequent function words of a few languages a note might be written in
_FUNCTION_WORDS = {
    "English": ["the", "of", "and", "to", "in", "is", "was", "with", "a", "for", "on", "that", "by", "are", "as", "be", "has", "had", "were", "at", "this", "from", "an", "which", "or", "his", "her", "not", "no", "he", "she", "it", "patient"],
    "French": ["le", "la", "les", "de", "des", "du", "et", "est", "un", "une", "dans", "pour", "par", "sur", "avec", "au", "aux", "il", "elle", "sont", "pas", "qui", "que", "ne", "ce", "cette", "été", "avait"],
    "German": ["der", "die", "das", "und", "ist", "ein", "eine", "mit", "den", "dem", "des", "zu", "im", "nicht", "sich", "auf", "für", "von", "wurde", "bei", "auch", "wird", "sie", "er"],
    "Spanish": ["el", "la", "los", "las", "de", "del", "y", "en", "un", "una", "con", "por", "para", "es", "se", "que", "fue", "al", "su", "no", "presenta", "como", "sin"],
    "Italian": ["il", "lo", "la", "gli", "le", "di", "del", "della", "e", "un", "una", "con", "per", "che", "non", "si", "è", "nel", "sono", "alla", "anche"],
    "Portuguese": ["o", "a", "os", "as", "de", "do", "da", "dos", "das", "e", "em", "um", "uma", "com", "para", "por", "que", "não", "se", "foi", "ao", "sua"],
    "Dutch": ["de", "het", "een", "en", "van", "in", "is", "met", "op", "voor", "niet", "zijn", "te", "aan", "werd", "bij", "ook", "er"],
}
_SETS = {k: frozenset(v) for k, v in _FUNCTION_WORDS.items()}
# function word -> the languages that have it
_LANGUAGES_OF = {w: tuple(lang for lang, s in _SETS.items() if w in s)
                 for w in frozenset().union(*_SETS.values())}


def language_problem(sample: str) -> str | None:
    """Why ``sample`` does not look like English text, or ``None``.

    Terse notes ("Seizures. Hypotonia.") have few function words and are accepted; only text
    that is mostly in a non-Latin script, or whose function words are clearly another
    language's, is refused.
    """
    words = [w.lower() for w in _WORD.findall(sample[:200_000])[:5000]]
    joined = "".join(words)
    letters = len(joined)
    foreign = 0 if joined.isascii() else sum(1 for c in joined if ord(c) > 0x24F)
    # scripts without spaces (Chinese, Japanese) make one "word" of a sentence: count letters
    if letters >= MIN_LETTERS_FOR_SCRIPT and foreign > 0.3 * letters:
        return "the text is mostly in a non-Latin script; only English text is supported"
    if len(words) < MIN_WORDS_SHORT:
        return None
    counts = dict.fromkeys(_SETS, 0)  # occurrences of each language's function words
    languages_of = _LANGUAGES_OF
    for w in words:
        langs = languages_of.get(w)
        if langs is not None:
            for lang in langs:
                counts[lang] += 1
    en = counts.pop("English")
    lang, best = max(counts.items(), key=lambda kv: kv[1])
    if best >= 0.1 * len(words) and best > 2 * en and (
            len(words) >= MIN_WORDS_FOR_LANGUAGE or best >= 3):
        return f"the text looks like {lang}, not English; only English text is supported"
    return None


def _check_binary(head: bytes, where: str) -> None:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError("is UTF-16 text; save the note as plain UTF-8 text", where)
    if b"\x00" in head:
        raise InputError("is a binary file, not text (found NUL bytes); give a plain-text "
                         "UTF-8 note", where)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the sample's end
            raise InputError(f"is not UTF-8 text (invalid byte at offset {exc.start}); save the "
                             "note as plain UTF-8 text", where) from None
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls > 0.05 * len(head):
        raise InputError("looks binary (many control characters), not a text note", where)


def open_note(path: Path) -> IO[str]:
    """Open a note for streaming, refusing missing, binary and non-UTF-8 files."""
    where = str(path)
    if not path.exists():
        raise InputError("no such file", where)
    if path.is_dir():
        raise InputError("is a directory, not a text file", where)
    with open(path, "rb") as f:
        head = f.read(65536)
    _check_binary(head, where)
    return open(path, encoding="utf-8-sig", errors="strict", newline="")


def iter_chunks(f: IO[str], where: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, text)`` pieces of a stream, each ending at a paragraph, line or sentence break
    (so that no phrase is cut), offsets in characters from the start of the stream."""
    offset = 0
    buf = ""
    while True:
        try:
            piece = f.read(size)
        except UnicodeDecodeError as exc:
            raise InputError(f"is not UTF-8 text past character {offset + len(buf)} "
                             f"({exc.reason}); save the note as plain UTF-8 text", where) from None
        if "\x00" in piece:
            raise InputError("contains NUL characters: a binary file, not a text note", where)
        buf += piece
        if not piece:
            if buf:
                yield offset, buf
            return
        if len(buf) < size:
            continue
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            k = buf.rfind(sep, len(buf) // 2)
            if k >= 0:
                cut = k + len(sep)
                break
        if cut < 0:
            cut = len(buf)
        yield offset, buf[:cut]
        offset += cut
        buf = buf[cut:]
