"""Growth measurements stated as standard deviations or centiles: "head circumference -3 SD" is
Microcephaly, "height < 3rd percentile" Short stature, "weight +2.5 SD" Increased body weight.

Only the measures and cut-offs that HPO's own definitions use (2 SD from the mean, the 3rd and
97th centiles); absolute values ("birth weight 2.4 kg") need age and sex norms and are left out.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from raredx.text._tokens import Token

# a chunk without any of these has no measurement to read (a fast test before the token scan)
HINT = re.compile(r"SDS?\b|[Ss]\.[Dd]\.|[Cc]entile|[Pp]ercentile|\b[Zz][- ]?score")

# measure (lower-cased words) -> (term when low, term when high)
MEASURES: dict[tuple[str, ...], tuple[str, str]] = {
    **dict.fromkeys([("head", "circumference"), ("occipitofrontal", "circumference"),
                     ("occipito", "frontal", "circumference"), ("ofc",), ("hc",)],
                    ("HP:0000252", "HP:0000256")),  # Microcephaly / Macrocephaly
    **dict.fromkeys([("height",), ("length",), ("stature",), ("body", "height"),
                     ("body", "length")],
                    ("HP:0004322", "HP:0000098")),  # Short / Tall stature
    **dict.fromkeys([("weight",), ("body", "weight")],
                    ("HP:0004325", "HP:0004324")),  # Decreased / Increased body weight
    **dict.fromkeys([("birth", "weight"), ("birthweight",)],
                    ("HP:0001518", "HP:0001520")),  # Small / Large for gestational age
}
MAX_MEASURE_WORDS = max(len(k) for k in MEASURES)
WINDOW = 12  # tokens between the measure and its value (a decimal number is 3)
SD_LIMIT = 2.0
LOW_CENTILE, HIGH_CENTILE = 3, 97
_SD = frozenset(("sd", "sds", "sdu"))
_Z = frozenset(("z", "zscore"))
_CENTILE = frozenset(("percentile", "centile", "pct", "%ile", "th"))
_BELOW = frozenset(("<", "below", "under", "beneath", "≤", "<="))
_ABOVE = frozenset((">", "above", "over", "exceeding", "≥", ">="))
_MINUS = frozenset(("-", "−", "–"))
# words that may come just before a measure of the patient ("his height", "at birth, weight")
_BEFORE_MEASURE = frozenset(("his", "her", "their", "the", "a", "its", "s", "and", "with", "at",
                             "current", "adult", "final", "body", "whose", "in", "of", "for",
                             "birth", "on", "admission", "was", "is", "had", "has"))
_FIRST_WORDS = frozenset(k[0] for k in MEASURES)
_STOP_AT = frozenset((".", ";", "!", "?", ":"))


def _number(tokens: list[Token], k: int) -> tuple[float, int] | None:
    """The number starting at token ``k`` (``2``, ``2.5``, ``2,5``) and the token after it."""
    w = tokens[k].text
    if not w.replace(".", "").isdigit():
        return None
    end = k + 1
    if (end + 1 < len(tokens) and tokens[end].text in ".," and tokens[end + 1].text.isdigit()
            and tokens[end].start == tokens[k].end and tokens[end + 1].start == tokens[end].end):
        w = f"{w}.{tokens[end + 1].text}"
        end += 2
    try:
        return float(w), end
    except ValueError:
        return None


def _ordinal(text: str) -> int | None:
    """``3rd`` -> 3, ``97th`` -> 97."""
    digits = text.rstrip("stndrhSTNDRH")
    return int(digits) if digits.isdigit() and digits != text else None


def _value(tokens: list[Token], low: Callable[[int], str], start: int, stop: int
           ) -> tuple[int, int] | None:
    """Direction (-1 low, +1 high) and end token of the first SD or centile statement in
    ``tokens[start:stop]``."""
    k = start
    while k < stop:
        w = low(k)
        if w in _STOP_AT and not (w == "." and 0 < k < len(tokens) - 1
                                  and tokens[k].start == tokens[k - 1].end
                                  and tokens[k + 1].start == tokens[k].end
                                  and low(k + 1).isdigit()):  # not a decimal point
            return None
        # [-]N(.N) SD [below|above] / z(-score) [=:] [-]N
        sign = 1.0
        j = k
        if w in _MINUS and j + 1 < stop and tokens[j + 1].start == tokens[j].end:
            sign, j = -1.0, j + 1
        elif w == "+" and j + 1 < stop:
            j += 1
        num = _number(tokens, j) if j < stop else None
        if num is not None:
            value, after = num
            nxt = low(after) if after < stop else ""
            if nxt in _SD:
                after += 1
                side = low(after) if after < stop else ""
                if side in ("below", "under"):
                    sign, after = -1.0, after + 1
                elif side == "above":
                    sign, after = 1.0, after + 1
                v = sign * value
                if abs(v) >= SD_LIMIT:
                    return (-1 if v < 0 else 1), after
                return None
            if k > start and (low(k - 1) in _Z or low(k - 1) in ("=", "score")):
                v = sign * value
                if abs(v) >= SD_LIMIT:
                    return (-1 if v < 0 else 1), after
                return None
        # below/above [the] Nth percentile
        if w in _BELOW or w in _ABOVE or (w == "less" or w == "greater"):
            j = k + 1
            while j < stop and low(j) in ("than", "the", "a"):
                j += 1
            n = _ordinal(low(j)) if j < stop else None
            if n is None and j < stop and low(j).isdigit():
                n = int(low(j))
            if n is not None and j + 1 < stop and low(j + 1) in _CENTILE:
                below = w in _BELOW or w == "less"
                if below and n <= LOW_CENTILE:
                    return -1, j + 2
                if not below and n >= HIGH_CENTILE:
                    return 1, j + 2
                return None
        k += 1
    return None


def measurements(tokens: list[Token], taken: list[bool], text: str = "",
                 base: int = 0) -> list[tuple[int, int, str]]:
    """``(first token, end token, term id)`` of each measure whose value is beyond the limits.
    With ``text`` (what the tokens' offsets minus ``base`` point into), only the tokens shortly
    before an SD or centile statement are looked at."""
    out: list[tuple[int, int, str]] = []
    n = len(tokens)
    if not n:
        return out
    if text:
        starts = [t.start for t in tokens]
        near: set[int] = set()
        for m in HINT.finditer(text):
            idx = bisect_left(starts, m.start() + base)
            near.update(range(max(0, idx - WINDOW - MAX_MEASURE_WORDS), idx))
        firsts = sorted(k for k in near if tokens[k].text.lower() in _FIRST_WORDS)
    else:
        firsts = [k for k in range(n) if tokens[k].text.lower() in _FIRST_WORDS]
    lower: dict[int, str] = {}

    def low(i: int) -> str:
        w = lower.get(i)
        if w is None:
            w = lower[i] = tokens[i].text.lower()
        return w

    done = 0
    for k in firsts:
        if k < done:
            continue
        positions: list[int] = []
        p = k
        while p < n and len(positions) < MAX_MEASURE_WORDS and not taken[p]:
            if low(p) != "-":
                positions.append(p)
            p += 1
        hit = None
        for size in range(len(positions), 0, -1):
            words = tuple(low(x) for x in positions[:size])
            if words in MEASURES:
                hit = (positions[size - 1] + 1, MEASURES[words])
                break
        if hit is None or (k > 0 and tokens[k - 1].is_word and low(k - 1) not in _BEFORE_MEASURE) \
                or (hit[0] < n and low(hit[0]) == "of"):
            continue  # "palpebral fissure length", "length of the penis": another measure
        stop = min(n, hit[0] + WINDOW)
        value = _value(tokens, low, hit[0], stop)
        if value is not None:
            direction, end = value
            out.append((k, end, hit[1][0] if direction < 0 else hit[1][1]))
            done = end
    return out

