"""Growth measurements stated as standard deviations or centiles: "head circumference -3 SD" is
Microcephaly, "height < 3rd percentile" Short stature, "weight +2.5 SD" Increased body weight.

Only the measures and cut-offs that HPO's own definitions use (2 SD from the mean, the 3rd and
97th centiles); absolute values ("birth weight 2.4 kg") need age and sex norms and are left out.
"""

from __future__ import annotations

import re

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


def _value(tokens: list[Token], lower: list[str], start: int, stop: int) -> tuple[int, int] | None:
    """Direction (-1 low, +1 high) and end token of the first SD or centile statement in
    ``tokens[start:stop]``."""
    k = start
    while k < stop:
        w = lower[k]
        if w in _STOP_AT and not (w == "." and 0 < k < len(tokens) - 1
                                  and tokens[k].start == tokens[k - 1].end
                                  and tokens[k + 1].start == tokens[k].end
                                  and lower[k + 1].isdigit()):  # not a decimal point
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
            nxt = lower[after] if after < stop else ""
            if nxt in _SD:
                after += 1
                side = lower[after] if after < stop else ""
                if side in ("below", "under"):
                    sign, after = -1.0, after + 1
                elif side == "above":
                    sign, after = 1.0, after + 1
                v = sign * value
                if abs(v) >= SD_LIMIT:
                    return (-1 if v < 0 else 1), after
                return None
            if k > start and (lower[k - 1] in _Z or lower[k - 1] in ("=", "score")):
                v = sign * value
                if abs(v) >= SD_LIMIT:
                    return (-1 if v < 0 else 1), after
                return None
        # below/above [the] Nth percentile
        if w in _BELOW or w in _ABOVE or (w == "less" or w == "greater"):
            j = k + 1
            while j < stop and lower[j] in ("than", "the", "a"):
                j += 1
            n = _ordinal(lower[j]) if j < stop else None
            if n is None and j < stop and lower[j].isdigit():
                n = int(lower[j])
            if n is not None and j + 1 < stop and lower[j + 1] in _CENTILE:
                low = w in _BELOW or w == "less"
                if low and n <= LOW_CENTILE:
                    return -1, j + 2
                if not low and n >= HIGH_CENTILE:
                    return 1, j + 2
                return None
        k += 1
    return None


def measurements(tokens: list[Token], taken: list[bool]) -> list[tuple[int, int, str]]:
    """``(first token, end token, term id)`` of each measure whose value is beyond the limits."""
    out: list[tuple[int, int, str]] = []
    if not tokens:
        return out
    lower = [t.text.lower() for t in tokens]
    n = len(tokens)
    k = 0
    while k < n:
        positions: list[int] = []
        p = k
        while p < n and len(positions) < MAX_MEASURE_WORDS and not taken[p]:
            if lower[p] != "-":
                positions.append(p)
            p += 1
        hit = None
        for size in range(len(positions), 0, -1):
            words = tuple(lower[x] for x in positions[:size])
            if words in MEASURES:
                hit = (positions[size - 1] + 1, MEASURES[words])
                break
        if hit is not None and (
                (k > 0 and tokens[k - 1].is_word and lower[k - 1] not in _BEFORE_MEASURE)
                or (hit[0] < n and lower[hit[0]] == "of")):
            hit = None  # "palpebral fissure length", "length of the penis": another measure
        if hit is None:
            k += 1
            continue
        value = _value(tokens, lower, hit[0], min(n, hit[0] + WINDOW))
        if value is not None:
            direction, end = value
            out.append((k, end, hit[1][0] if direction < 0 else hit[1][1]))
            k = end
        else:
            k = hit[0]
    return out
