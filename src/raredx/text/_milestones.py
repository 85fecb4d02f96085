"""Developmental milestones stated as ages, and what a patient can or cannot do.

"walked at 30 months", "sat unsupported at 14 months", "first words at 3 years", "did not walk
until 3 years" -> Delayed ability to walk / sit, Delayed speech and language development;
"never walked", "is unable to walk", "wheelchair-bound" -> Inability to walk; "has no words"
-> Absent speech; "lost the ability to walk" -> Loss of ambulation.

A milestone reached (or not yet reached) at a stated age is *delayed* only beyond a
conservative limit, past the upper end of the published normal window, and *normal* only at or
before the window's upper end; ages in between give nothing. Sources:

- Gross motor milestones: WHO Multicentre Growth Reference Study Group, "WHO Motor Development
  Study: windows of achievement for six gross motor development milestones", Acta Paediatrica
  Suppl. 450 (2006) 86-95. Upper ends of the windows (99th centile): sitting without support
  9.2 months, standing with assistance 11.4, hands-and-knees crawling 13.5, walking with
  assistance 13.7, standing alone 16.9, walking alone 17.6 months. HPO's own definitions agree
  ("sit steadily without support at 9 months" for HP:0025336, "walk short distances
  independently between 12 and 15 months" for HP:0031936, "crawl on hands and knees between
  6 and 10 months" for HP:0033128).
- Head control and rolling: HPO's definitions ("head lag should be absent by age 3 to 4
  months", HP:0002421; "most infants can roll ... back to front at the age of 5 or 6 months",
  HP:0032989) and CDC's milestones (Zubler et al., Pediatrics 149 (2022) e2021052138: holds
  head steady at 4 months, rolls from tummy to back at 6 months).
- Speech: the red flags for referral of the AAN/Child Neurology Society practice parameter
  (Filipek et al., Neurology 55 (2000) 468-479): "no single words by 16 months, no two-word
  spontaneous phrases by 24 months"; CDC 2022: one or two words at 15 months.

Without an age, a milestone not reached says nothing about delay (an adult who "cannot sit"
has lost an ability), so only walking and speech, which HPO names as abilities absent at any
age (Inability to walk, Absent speech), are read from such statements.

Every statement's span includes its own negation ("did not walk until 3 years", "has no
words"), so the negation is part of the finding, not a negation of it; a relative's statement
("his brother walked at 3 years") is left to the family scope like any other mention.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

# term ids (the HPO release's names)
DELAYED_SIT = "HP:0025336"  # Delayed ability to sit
DELAYED_WALK = "HP:0031936"  # Delayed ability to walk
DELAYED_WALK_WITH_SUPPORT = "HP:0033257"  # Delayed ability to walk with support
DELAYED_STAND = "HP:0025335"  # Delayed ability to stand
DELAYED_CRAWL = "HP:0033128"  # Delayed ability to crawl
DELAYED_ROLL = "HP:0032989"  # Delayed ability to roll over
POOR_HEAD_CONTROL = "HP:0002421"  # Poor head control (synonym: Delay in head control)
DELAYED_SPEECH = "HP:0000750"  # Delayed speech and language development
ABSENT_SPEECH = "HP:0001344"  # Absent speech
LOSS_OF_SPEECH = "HP:0002371"  # Loss of speech
INABILITY_TO_WALK = "HP:0002540"  # Inability to walk
LOSS_OF_AMBULATION = "HP:0002505"  # Loss of ambulation


@dataclass(frozen=True)
class Milestone:
    term: str
    normal_by: float  # months: reached at or before this age is normal
    delayed_after: float  # months: reached after this age (or not reached at it) is delayed


# the conservative limits (months); see the module docstring for the sources
MILESTONES: dict[str, Milestone] = {
    "head": Milestone(POOR_HEAD_CONTROL, 4, 6),
    "roll": Milestone(DELAYED_ROLL, 6, 8),
    "sit": Milestone(DELAYED_SIT, 9, 10),
    "crawl": Milestone(DELAYED_CRAWL, 13, 15),
    "stand_support": Milestone(DELAYED_STAND, 11, 13),
    "stand": Milestone(DELAYED_STAND, 16, 18),
    "walk_support": Milestone(DELAYED_WALK_WITH_SUPPORT, 13, 15),
    "walk": Milestone(DELAYED_WALK, 17, 18),
    "words": Milestone(DELAYED_SPEECH, 15, 18),
    "phrases": Milestone(DELAYED_SPEECH, 24, 30),
}

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "twenty": 20,
    "twenty-four": 24, "thirty": 30, "thirty-six": 36, "forty-eight": 48,
}
_NUM = r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_HALF = r"(?:\s*½|\s+(?:and\s+)?(?:a\s+)?half|\s+1/2)?"
_MONTHS = r"(?:months?|mos?\b\.?|mths?\b\.?|mo\.)"
_YEARS = r"(?:years?|yrs?\b\.?|y\b\.?|yo\b)"
# an age: "30 months", "3 years", "2.5 years", "two and a half years", "2 years and 6 months",
# "2 years 6 months", "3-year", "age 4", "the age of 4 (years)", "18 months of age", "3 years old"
AGE = (r"(?:(?:the\s+)?age\s+(?:of\s+)?)?"
       r"(?P<n1>" + _NUM + _HALF + r")(?:\s*(?:-|–|to)\s*(?P<r1>" + _NUM + _HALF + r"))?"
       r"[\s-]*(?:(?P<m1>" + _MONTHS + r")|(?P<y1>" + _YEARS + r"))"
       r"(?:,?\s*(?:and\s+)?(?P<n2>\d+)[\s-]*" + _MONTHS + r")?"
       r"(?:\s+(?:of\s+age|old))?"
       r"|(?:the\s+)?age\s+(?:of\s+)?(?P<n0>" + _NUM + _HALF + r")(?![\s-]*(?:" + _MONTHS
       + r"|" + _YEARS + r"))")
# words that introduce the age of a milestone; "until", "by" only after a negation
_AT = r"(?:at|around|about|approximately|after|only\s+at|not\s+until|until|till|by)"
_AROUND = r"(?:\s+(?:around|about|approximately|roughly|nearly|almost|~))?"

# what may stand between a milestone and its age (nothing else: "walked on tiptoes at 3
# years" is not a statement about when walking began)
_BETWEEN = (r"(?:independently|alone|unaided|unassisted|unsupported|freely|steadily|finally|"
            r"eventually|only|first|late|later|was|were|is|are|had|has|been|achieved|attained|acquired|"
            r"accomplished|possible|began|begun|started|developed|appeared|emerged|noted|"
            r"reported|without\s+(?:any\s+)?(?:support|assistance|aid|help)|"
            r"with\s+(?:support|assistance|aid|help)|on\s+(?:his|her|their)\s+own|"
            r"by\s+(?:himself|herself|themselves)|up|over|and\s+(?:then|finally))")
_GAP = r"(?:[\s,]+" + _BETWEEN + r"){0,4}"

# negations before a milestone ("did not walk until", "was not walking at", "never sat",
# "could not sit at", "no words at", "had not achieved independent walking at")
_NEG = (r"(?:(?:(?:did|does|do|could|can|was|were|is|are|had|has|have)\s+not|"
        r"(?:did|does|do|could|can|was|were|is|are|had|has|have)n[’']t|cannot|never|"
        r"unable\s+to|not\s+able\s+to|not\s+yet|still\s+not|yet\s+to|failed\s+to|no|without)"
        r"(?:\s+(?:yet|still|able\s+to|been\s+able\s+to|be\s+able\s+to|learned\s+to|learnt\s+to|"
        r"achieved|attained|acquired|developed|started\s+to|begun\s+to|begin\s+to|any|"
        r"independent|independently|unsupported|meaningful|spoken|single|first))*)")

# milestone verbs and nouns -> kind (the qualifier after them may change it)
_CUES = [
    (r"(?:(?:began|started|learned|learnt)\s+to\s+)?walk(?:ed|ing|s)?|ambulat(?:ed|ing|ion|e)|(?:took\s+(?:his|her|their)\s+)?first\s+steps?",
     "walk"),
    (r"s[ai]t(?:ting|s)?(?:\s+up)?", "sit"),
    (r"st(?:oo|an)d(?:ing|s)?(?:\s+up)?|pulled\s+(?:himself\s+|herself\s+)?(?:up\s+)?to\s+stand",
     "stand"),
    (r"crawl(?:ed|ing|s)?", "crawl"),
    (r"roll(?:ed|ing|s)?\s+over", "roll"),
    (r"head\s+control|held\s+(?:his|her)\s+head(?:\s+up)?|head\s+holding", "head"),
    ((r"(?:(?:spoke|said|uttered|produced|had)\s+(?:(?:his|her|their)\s+)?)?first\s+words?|"
      r"(?:began|started|learned|learnt)\s+to\s+(?:speak|talk)|"
      r"(?:began|started)\s+(?:speaking|talking)|spoke|talked|speech|words?"), "words"),
    ((r"(?:(?:spoke|said|uttered|produced|formed|combined|used)\s+)?"
      r"(?:(?:his|her|their)\s+)?(?:first\s+|(?:two|2)[- ]word\s+|simple\s+|short\s+|full\s+)?"
      r"(?:sentences|phrases)|combined\s+(?:two\s+)?words"), "phrases"),
]
_QUALIFIER_SUPPORT = re.compile(r"\bwith\s+(?:support|assistance|aid|help)\b|holding\s+on|cruis",
                                )

_CUE = "(?P<cue>" + "|".join(f"(?P<k{i}>{c})" for i, (c, _) in enumerate(_CUES)) + ")"
# a milestone is found in three steps (one pattern for all is about twice as slow): its cue,
# what follows it up to the age, and a negation right before it
CUE = re.compile(r"\b" + _CUE + r"\b")
TAIL = re.compile(r"(?P<gap>" + _GAP + r")[\s,]+(?P<at>" + _AT + r")" + _AROUND + r"\s+(?P<age>"
                  + AGE + r")")
NEG_BEFORE = re.compile(r"\b" + _NEG + r"\s+$")
NEG_REACH = 80  # characters
# "At 2 years, he could not walk", "At the age of 3 years she had no words"
AGE_FIRST = re.compile(
    r"\b(?P<at>at|by)\s+(?P<age>" + AGE + r"),?\s+(?:he|she|the\s+(?:patient|child|boy|girl))\s+"
    + r"(?P<neg2>(?:(?:did|could|was|had|does|can|is|has)\s+not|(?:did|could|was|had)n[’']t|"
    r"cannot|was\s+unable\s+to|was\s+not\s+able\s+to|had\s+no|has\s+no)(?:\s+(?:yet|still|"
    r"any|independently))*)\s+" + _CUE + r"\b")

# head control absent, at any age (HP:0002421 "Difficulty to maintain correct position of the
# head while standing or sitting")
_HEAD = (r"\b(?:(?:no|absent|lack\s+of|without)\s+head\s+control"
         r"|never\s+(?:achieved|attained|acquired|gained|developed)\s+head\s+control"
         r"|(?:(?:did|does|do|could|can|is|was)\s+not|(?:did|does|could|can|is|was)n[’']t|cannot|"
         r"unable\s+to|not\s+able\s+to|never)\s+(?:hold|held|control|raise|lift)\s+"
         r"(?:his|her|their|the)\s+head(?:\s+(?:up|upright|steady))?)")

# "age at walking: 30 months", "the age of independent sitting was 14 months"
AGE_OF = re.compile(
    r"\bage\s+(?:at|of)\s+(?:(?:onset\s+of|achieving|acquiring|attaining)\s+)?"
    r"(?:independent\s+|unsupported\s+)?(?P<cue>walking|sitting|standing|first\s+words?)"
    r"(?:\s+(?:independently|alone|unsupported|unaided|without\s+support))?"
    r"\s*(?:was|:|=|,|-|of)?\s*(?P<age>" + AGE + r")")
_AGE_OF_KINDS = {"walking": "walk", "sitting": "sit", "standing": "stand"}

# abilities absent or lost, without an age
# what may follow such a statement ("cannot walk long distances", "does not speak English",
# "no speech delay" say something else)
_END = (r"(?=\s*(?:[.;:,)\n]|$)|\s+(?:and|or|but|at|since|from|by|in|anymore|any\s+more|"
        r"independently|unaided|unassisted|alone|without\s+(?:support|assistance|aid|help)|"
        r"(?:he|she|has|had|was|is|were|are)\b))")
# ... or only the end of a clause
_END_CLAUSE = (r"(?=\s*(?:[.;:)\n]|$)|\s+(?:at\s+all|but|and\s+(?:no|is|was|has|had|uses|used|"
               r"does|did|do|can|cannot|could|will|he|she|communicates|communicated|makes|made)|"
               r"at\s+(?:the\s+)?(?:age|\d)|since)\b)")
# ... and for walking, not a qualifier ("unable to walk without support" can walk with support)
_END_WALK = (r"(?=\s*(?:[.;:,)\n]|$)|\s+(?:and|or|but|at|since|from|by|in|anymore|any\s+more|"
             r"(?:he|she|has|had|was|is|were|are)\b))")
_NOT = (r"(?:(?:did|does|do|could|can|is|are|was|were)\s+not|(?:did|does|do|could|can|is|was)"
        r"n[’']t|cannot|unable\s+to|not\s+able\s+to)")
# other abilities coordinated before walking: "never learned to sit or walk", "unable to stand
# or walk" (HPO has no term for them without an age; walking is the one named)
_OTHER_MOTOR = r"(?:(?:sit|stand|crawl)(?:\s*,\s*|\s+(?:or|and|nor)\s+|\s*,\s*(?:or|and)\s+))*"
ABILITIES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:(?:lost|loss\s+of)\s+(?:(?:the|his|her|their)\s+)?(?:ability\s+to\s+walk|"
                r"(?:independent\s+)?ambulation|(?:independent\s+)?walking)"
                r"|no\s+longer\s+(?:able\s+to\s+)?(?:walk|walks|ambulates?)"
                r"|(?:became|become|becomes|becoming)\s+(?:wheelchair[- ](?:bound|dependent)|"
                r"non-?ambula(?:nt|tory)))"
                + _END), LOSS_OF_AMBULATION),
    (re.compile(r"\b(?:(?:(?:has|had|have)\s+)?never\s+(?:(?:been\s+able\s+to|learned\s+to|"
                r"learnt\s+to)\s+)?" + _OTHER_MOTOR + r"walk(?:ed)?"
                r"|(?:(?:has|had|have)\s+)?never\s+(?:achieved|attained|acquired)\s+"
                r"(?:independent\s+)?(?:walking|ambulation)"
                r"|" + _NOT + r"\s+(?:yet\s+)?" + _OTHER_MOTOR + r"(?:walk|ambulate)|non-?ambulant"
                r"|wheelchair[- ](?:bound|dependent|confined)|confined\s+to\s+a\s+wheelchair"
                r"|dependent\s+on\s+a\s+wheelchair)" + _END_WALK), INABILITY_TO_WALK),
    (re.compile(r"\b(?:(?:lost|loss\s+of)\s+(?:(?:all|the|his|her|their)\s+)?(?:previously\s+)?"
                r"(?:acquired\s+)?(?:speech|words|language|ability\s+to\s+(?:speak|talk)))"
                + _END), LOSS_OF_SPEECH),
    # "no words" and "without speech" only at the end of a clause: in "no speech, language or
    # hearing concerns" and "no speech or language delay" the "no" is a negation of a list
    (re.compile(r"\b(?:(?:(?:has|had|have|with)\s+)?no\s+(?:(?:meaningful|spoken|single|expressive|"
                r"verbal)\s+)?(?:words|speech|spoken\s+language)"
                r"|without\s+(?:any\s+)?(?:words|speech))" + _END_CLAUSE), ABSENT_SPEECH),
    (re.compile(r"\b(?:never\s+(?:spoke|talked|developed\s+(?:any\s+)?(?:speech|words|language)"
                r"|(?:learned|learnt)\s+to\s+(?:speak|talk))"
                r"|(?:has|had|have)\s+not\s+(?:developed|acquired)\s+(?:any\s+)?(?:speech|words)"
                r"|" + _NOT + r"\s+(?:speak|talk)(?:\s+any\s+words)?)"
                + _END), ABSENT_SPEECH),
    (re.compile(r"\b(?:only\s+(?:(?:a\s+)?few|(?:a\s+)?(?:handful\s+of|couple\s+of)|single|"
                r"some|\d+|one|two|three|four|five|ten)\s+(?:single\s+)?words"
                r"|(?:speaks?|spoke|talks?|communicates?)\s+(?:only\s+)?in\s+single\s+words"
                r"|single\s+words\s+only|limited\s+to\s+(?:a\s+few\s+|single\s+)words"
                r"|(?:vocabulary|lexicon)\s+of\s+(?:only\s+|about\s+|approximately\s+)?"
                r"(?:a\s+few|\d+|one|two|three|four|five|ten|twenty)\s+words)"
                + _END), DELAYED_SPEECH),
    (re.compile(_HEAD + _END), POOR_HEAD_CONTROL),
]


def _kind(m: re.Match[str]) -> str:
    for i, (_, kind) in enumerate(_CUES):
        if m.group(f"k{i}") is not None:
            return kind
    raise AssertionError("no cue group matched")


def _number(text: str) -> float | None:
    text = text.strip().lower()
    half = 0.0
    for h in ("½", " and a half", " a half", " and half", " half", " 1/2"):
        if text.endswith(h):
            text, half = text[: -len(h)].strip(), 0.5
            break
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text] + half
    try:
        return float(text.replace(",", ".")) + half
    except ValueError:
        return None


def age_range(m: re.Match[str]) -> tuple[float, float] | None:
    """The age of an :data:`AGE` match in months, as (lowest, highest): "2-3 years" is
    (24, 36), "30 months" (30, 30); a bare "age 4" is in years."""
    if m.group("n0") is not None:
        v = _number(m.group("n0"))
        return None if v is None else (12 * v, 12 * v)
    lo = _number(m.group("n1"))
    hi = lo if m.group("r1") is None else _number(m.group("r1"))
    if lo is None or hi is None or hi < lo:
        return None
    scale = 1 if m.group("m1") is not None else 12
    extra = float(m.group("n2")) if m.group("n2") is not None else 0.0
    return lo * scale + extra, hi * scale + extra


def age_in_months(m: re.Match[str]) -> float | None:
    """The (lowest) age of an :data:`AGE` match, in months."""
    ages = age_range(m)
    return None if ages is None else ages[0]


def _verdict(kind: str, ages: tuple[float, float] | None, negated: bool, at: str
             ) -> bool | None:
    """True: delayed; False: normal; None: neither (or the wording does not tell). A delay
    needs the lowest age of a range past the limit, a normal age the highest within it."""
    if ages is None:
        return None
    lo, hi = ages
    stone = MILESTONES[kind]
    at = at.lower().split()[-1]
    if negated:  # not reached at (by, until) this age
        return True if lo >= stone.delayed_after else None
    if at in ("until", "till"):  # "walked until 3 years": then lost it
        return None
    if at == "by":  # reached at or before this age
        return False if hi <= stone.normal_by else None
    if at == "after":
        return True if lo >= stone.delayed_after else None
    if lo > stone.delayed_after:
        return True
    if hi <= stone.normal_by:
        return False
    return None


def lower(text: str) -> str:
    """``text`` in lower case, character for character (the patterns run on it without
    re.IGNORECASE, which is about twice as slow; offsets stay those of ``text``)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def positions(text: str, keys: tuple[str, ...]) -> list[int]:
    """Where ``keys`` occur in ``text``, in order."""
    hits: list[int] = []
    for key in keys:
        i = text.find(key)
        while i >= 0:
            hits.append(i)
            i = text.find(key, i + 1)
    hits.sort()
    return hits


def _word_starts(text: str, h: int, k: int) -> list[int]:
    """``h`` and the starts of up to ``k`` words before it (nearest first)."""
    out = [h]
    i = h
    while len(out) <= k:
        while i > 0 and not text[i - 1].isalnum():
            i -= 1
        if i == 0:
            break
        while i > 0 and text[i - 1].isalnum():
            i -= 1
        out.append(i)
    return out


def merge(hits: list[int], before: int, after: int, n: int) -> list[tuple[int, int]]:
    """Merged character windows ``[hit - before, hit + after)`` within ``[0, n)``."""
    out: list[tuple[int, int]] = []
    for h in hits:
        a, b = max(0, h - before), min(n, h + after)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def windows(text: str, keys: tuple[str, ...], before: int, after: int) -> list[tuple[int, int]]:
    """Merged character windows around each occurrence of ``keys`` in ``text``: the full
    patterns are run only there (a plain substring search is much faster than a regular
    expression over the whole note)."""
    return merge(positions(text, keys), before, after, len(text))


# the ages of milestone statements (lower case; "mo"/"y" only as words), and the windows around
# them where a statement may be: "did not walk independently until the age of 3 years"
_AGE_KEYS = ("month", "year", "yr", "age ", " mo ", " mo.", " mos", " mth", " y ", " y.", " yo")
AGE_BEFORE, AGE_AFTER = 110, 30  # "age at walking: 30 months"
CUE_TO_AGE = 110  # characters from a milestone's word to its age, at most
CUE_WORDS_BEFORE = 4
AGE_FIRST_BEFORE, AGE_FIRST_AFTER = 30, 110  # "At 2 years, he could not walk"
# the words of every milestone (a window without any has none)
_CUE_KEYS = ("walk", "ambul", "steps", "sat", "sit", "stood", "stand", "crawl", "roll", "head",
             "word", "spoke", "speak", "talk", "speech", "sentence", "phrase")
# words of every negation before a milestone (NEG_BEFORE runs only where one is)
_NEG_WORDS = (" not ", "n't ", "n’t ", "never ", "unable ", " no ", " yet ", "failed ",
              "without ", "cannot ")
# the negations of AGE_FIRST ("At 2 years he could not walk", "... was unable to", "had no")
_NEG_KEYS = ("not", "n't", "n’t", "unable", "no ")
# the words of each ability statement, and the window around them
_ABILITY_KEYS = (("walk", "ambul", "wheelchair"), ("walk", "ambul", "wheelchair"),
                 ("speech", "word", "language", "speak", "talk"), ("speech", "word"),
                 ("speech", "word", "language", "speak", "talk"), ("word",), ("head",))
ABILITY_BEFORE, ABILITY_AFTER = 50, 60
# ... and one of these words must be in the window too (each statement has one)
_NOTS = ("not", "n't", "n’t", "never", "unable", "no ", "without", "absent", "lack")
_ABILITY_GATES = (("lost", "loss", "no longer", "becam", "becom"),
                  (*_NOTS, "non", "wheelchair"), ("lost", "loss"), ("no ", "without"), _NOTS,
                  ("only", "single", "limited", "vocabulary", "lexicon"), _NOTS)


def statements(text: str, base: int = 0) -> list[tuple[int, int, str, bool]]:
    """``(start, end, term id, normal)`` of each milestone and ability statement in ``text``;
    offsets are into ``text`` plus ``base``. ``normal``: a milestone reached in time (the
    delay is to be excluded, and only where normal findings are wanted)."""
    out: list[tuple[int, int, str, bool]] = []
    low = lower(text)
    seen: list[tuple[int, int]] = []

    def add(s: int, e: int, term: str, normal: bool) -> None:
        if any(s < e2 and s2 < e for s2, e2 in seen):
            return
        seen.append((s, e))
        out.append((s + base, e + base, term, normal))

    n = len(low)
    ages = positions(low, _AGE_KEYS)
    if ages:
        for a, b in merge(ages, AGE_FIRST_BEFORE, AGE_FIRST_AFTER, n):
            window = low[a:b]
            if not (any(k in window for k in _NEG_KEYS) and any(k in window for k in _CUE_KEYS)):
                continue
            for m in AGE_FIRST.finditer(low, a, b):
                _age_first(m, add)
        for a, b in merge(ages, AGE_BEFORE, AGE_AFTER, n):
            window = low[a:b]
            if "age at" in window or "age of" in window:
                for m in AGE_OF.finditer(low, a, b):
                    kind = _AGE_OF_KINDS.get(m.group("cue"), "words")
                    verdict = _verdict(kind, age_range(m), False, "at")
                    if verdict is not None:
                        add(m.start(), m.end(), MILESTONES[kind].term, not verdict)
        # the cue words (at a word's start) with an age shortly after them; the cue may begin
        # up to CUE_WORDS_BEFORE words earlier ("took his first steps", "pulled himself up to
        # stand")
        done = -1
        for h in positions(low, _CUE_KEYS):
            if h < done or (h and low[h - 1].isalpha()):
                continue
            if bisect_right(ages, h + CUE_TO_AGE) == bisect_right(ages, h):
                continue
            for st in reversed(_word_starts(low, h, CUE_WORDS_BEFORE)):
                c = CUE.match(low, st)
                if c is None or c.end() <= h:
                    continue
                done = c.end()
                t = TAIL.match(low, c.end())
                if t is not None:
                    lo = max(0, c.start() - NEG_REACH)
                    before = " " + low[lo:c.start()]
                    neg = (NEG_BEFORE.search(low, lo, c.start())
                           if any(k in before for k in _NEG_WORDS) else None)
                    _milestone(c, t, neg, add)
                break
    spans: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for (pattern, term), keys, gate in zip(ABILITIES, _ABILITY_KEYS, _ABILITY_GATES, strict=True):
        if keys not in spans:
            spans[keys] = merge(positions(low, keys), ABILITY_BEFORE, ABILITY_AFTER, n)
        for a, b in spans[keys]:
            window = low[a:b]
            if any(k in window for k in gate):
                for m in pattern.finditer(low, a, b):
                    add(m.start(), m.end(), term, False)
    out.sort()
    return out


def _age_first(m: re.Match[str], add: Callable[[int, int, str, bool], None]) -> None:
    kind = _kind(m)
    if _verdict(kind, age_range(m), True, m.group("at")):
        add(m.start(), m.end(), MILESTONES[kind].term, False)


def _milestone(c: re.Match[str], t: re.Match[str], neg: re.Match[str] | None,
               add: Callable[[int, int, str, bool], None]) -> None:
    """A milestone statement: its cue ``c``, what follows up to the age ``t``, and the
    negation before it, if any (``neg``)."""
    kind = _kind(c)
    cue = c.group("cue")
    at = t.group("at")
    negated = neg is not None or "not until" in at
    if kind == "words" and not negated and cue in ("speech", "word", "words"):
        return  # "speech at 3 years", "words at 2 years": not said to be the first
    gap = t.group("gap")
    if kind == "walk" and _QUALIFIER_SUPPORT.search(gap):
        kind = "walk_support"
    elif kind == "stand" and (_QUALIFIER_SUPPORT.search(gap) or "pull" in cue):
        kind = "stand_support"
    elif kind == "sit" and _QUALIFIER_SUPPORT.search(gap):
        return  # sitting with support: no window given here
    verdict = _verdict(kind, age_range(t), negated, at)
    if verdict is not None:
        add(neg.start() if neg is not None else c.start(), t.end(), MILESTONES[kind].term,
            not verdict)
