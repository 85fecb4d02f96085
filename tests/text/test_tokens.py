"""Tokens: named tuples with offsets; hyphenated prefixes stay with their word."""

from __future__ import annotations

from raredx.text import tokenize
from raredx.text._tokens import Token


def test_tokens_are_named_tuples_with_offsets() -> None:
    toks = tokenize("Short, broad thumbs", 10)
    assert toks[:2] == [Token("Short", 10, 15), Token(",", 15, 16)]
    assert [(t.text, t.start, t.end, t.is_word) for t in toks] == [
        ("Short", 10, 15, True), (",", 15, 16, False), ("broad", 17, 22, True),
        ("thumbs", 23, 29, True)]
    text, start, end = toks[3]
    assert (text, start, end) == ("thumbs", 23, 29)


def test_hyphenated_prefixes_stay_with_their_word() -> None:
    def words(s: str) -> list[str]:
        return [t.text for t in tokenize(s)]

    assert words("pre-auricular pits") == ["pre-auricular", "pits"]
    assert words("HYPO-plastic, Non-verbal") == ["HYPO-plastic", ",", "Non-verbal"]
    assert words("cardio-facial pseudo-hypertrophy") == ["cardio-facial", "pseudo-hypertrophy"]
    # not a prefix: the hyphen is a token of its own
    assert words("low-set ears") == ["low", "-", "set", "ears"]
    assert words("xpre-auricular") == ["xpre", "-", "auricular"]
    assert words("pre-2010 pre-") == ["pre", "-", "2010", "pre", "-"]
    assert words("_pre-auricular") == ["_", "pre-auricular"]
