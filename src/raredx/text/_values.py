"""Absolute values whose meaning does not depend on age, sex or growth charts.

- IQ (full-scale): HPO's definitions give the bands. Profound intellectual disability "IQ below
  20" (HP:0002187), Severe "20-34" (HP:0010864), Moderate "35-49" (HP:0002342), Mild "50-69"
  (HP:0001256), Borderline "70-85" (HP:0006889; read here as 70-84, since 85 is also the lower
  end of the normal range), and Intellectual disability (HP:0001249) "approximately two or more
  standard deviations below the mean" (IQ below 70). IQ scores are normed for age, so the bands
  hold at any age. A range within one band gives that band; a range or a "below N" under 70
  gives Intellectual disability; verbal or performance IQ alone is a subscale and gives
  nothing. An IQ of 85 or more is normal (an excluded Intellectual disability, only where
  normal findings are wanted).
- Creatine kinase: HPO's comment on Elevated circulating creatine kinase (HP:0003236) gives the
  normal range as 34-171 U/l (males) and 34-145 U/l (females), "but may vary according to the
  test used". Only values of :data:`CK_LIMIT` (1,000 U/L, about 6 times the highest upper
  limit quoted) or more count, so that no assay's or newborn's range makes a normal value
  elevated; lower values give nothing; a multiple of the upper limit ("10 times the upper limit
  of normal", "5x ULN", "20-fold elevated") is elevated at any value above 1. A value with a decimal separator in thousands
  ("5.000") is read as written (5.0) and gives nothing.
"""

from __future__ import annotations

import re

from raredx.text._milestones import windows

PROFOUND_ID = "HP:0002187"
SEVERE_ID = "HP:0010864"
MODERATE_ID = "HP:0002342"
MILD_ID = "HP:0001256"
BORDERLINE_ID = "HP:0006889"
INTELLECTUAL_DISABILITY = "HP:0001249"
ELEVATED_CK = "HP:0003236"

# (lowest IQ, highest IQ + 1, term)
IQ_BANDS = ((0, 20, PROFOUND_ID), (20, 35, SEVERE_ID), (35, 50, MODERATE_ID),
            (50, 70, MILD_ID), (70, 85, BORDERLINE_ID))
IQ_NORMAL = 85
CK_LIMIT = 1000.0

# where a value may be: the patterns run only in windows around these (a substring search is
# much faster than a regular expression over the whole note)
_KEYS = ("IQ", "I.Q", "iq", "ntelligence quotient", "CK", "CPK", "reatine")
WINDOW_BEFORE, WINDOW_AFTER = 40, 90

_FILL = (r"(?:\s*(?:\((?:FS)?IQ\)|\(C\.?P?K\)|score[sd]?|was|were|is|of|at|=|:|around|about|"
         r"approximately|approx\.?|~|estimated|measured|tested|assessed|determined|calculated|"
         r"found\s+to\s+be|reached|a|an|the|total|level|levels|value|values|activity|"
         r"concentration|(?:was\s+)?(?:elevated|increased|raised)\s+(?:up\s+)?to|up\s+to|"
         r"peaked\s+at|as\s+high\s+as)){0,5}")
_BELOW = r"(?P<below><|≤|below|under|less\s+than|lower\s+than)?"
IQ = re.compile(
    r"(?<![\w-])(?P<sub>verbal\s+|performance\s+|non-?verbal\s+)?"
    r"(?:(?:full[- ]scale|total|global)\s+)?(?:IQ|I\.Q\.?|FSIQ|intelligence\s+quotient)\b"
    + _FILL + r"\s*" + _BELOW + r"\s*(?P<a>\d{1,3})(?![\d.,]\d)"
    r"(?:\s*(?:-|–|to)\s*(?P<b>\d{1,3})(?![\d.,]\d))?", re.IGNORECASE)
CK = re.compile(
    r"(?<![\w-])(?:(?:serum|plasma|blood)\s+)?(?:CK|CPK|creatine\s+(?:phospho)?kinase)\b"
    + _FILL + r"\s*(?P<v>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s*(?:U|IU|units)\s*/\s*[lL](?:itre|iter)?\b"
    # a multiple of the upper limit is elevated whatever the assay: "10 times the upper limit
    # of normal", "5x ULN", "20-fold elevated"
    r"|(?P<times>\s*(?:-\s*)?(?:fold|times|x|×)\s*(?:the\s+)?(?:upper\s+limit(?:\s+of\s+"
    r"(?:the\s+)?normal)?|ULN|normal|elevated|increased|raised|higher|above\s+normal)))?",
    re.IGNORECASE)


def iq_term(low: int, high: int | None, below: bool) -> tuple[str, bool] | None:
    """``(term, normal)`` for an IQ (or range, or "below N")."""
    if below:
        return (INTELLECTUAL_DISABILITY, False) if low <= 70 else None
    hi = low if high is None else high
    if hi < low:
        return None
    if low >= IQ_NORMAL:
        return INTELLECTUAL_DISABILITY, True
    for a, b, term in IQ_BANDS:
        if a <= low and hi < b:
            return term, False
    if hi < 70:
        return INTELLECTUAL_DISABILITY, False
    return None


def values(text: str, base: int = 0) -> list[tuple[int, int, str, bool]]:
    """``(start, end, term id, normal)`` of each IQ and creatine kinase value in ``text``."""
    out: list[tuple[int, int, str, bool]] = []
    spans = windows(text, _KEYS, WINDOW_BEFORE, WINDOW_AFTER)
    done = -1
    for a, b in spans:
        for m in IQ.finditer(text, a, b):
            if m.group("sub") or m.start() < done:
                continue
            hi = m.group("b")
            hit = iq_term(int(m.group("a")), int(hi) if hi else None, bool(m.group("below")))
            if hit is not None:
                out.append((m.start() + base, m.end() + base, hit[0], hit[1]))
                done = m.end()
        for m in CK.finditer(text, a, b):
            if m.start() < done:
                continue
            v = float(m.group("v").replace(",", ""))
            if v >= CK_LIMIT or (m.group("times") and v > 1):
                out.append((m.start() + base, m.end() + base, ELEVATED_CK, False))
                done = m.end()
    return out
