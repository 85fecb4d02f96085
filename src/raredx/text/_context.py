"""Whose feature, and is it asserted: NegEx-style triggers with scopes.

A trigger before a mention (``no``, ``denies``, ``possible``, ``mother has``) reaches forward
until the end of its clause (``.``, ``;``, ``:``, a conjunction such as ``but``/``however``/
``which``) or at most :data:`PRE_WINDOW` words; a trigger after a mention (``... was absent``,
``... cannot be excluded``, ``... in his mother``) reaches back at most :data:`POST_WINDOW` words
and never across punctuation. Pseudo-triggers (``not only``, ``no change``) are consumed so that
their ``no``/``not`` does nothing. The longest trigger at a position wins, so ``cannot be
excluded`` (uncertain) is not read as ``excluded`` (negated).
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from raredx.text._tokens import Token, tokenize


class Cue(enum.Enum):
    NEGATION = "negation"
    UNCERTAINTY = "uncertainty"
    FAMILY = "family"
    PSEUDO = "pseudo"


PRE_WINDOW = 8
POST_WINDOW = 4

_NEG_PRE = """no|not|without|denies|denied|deny|denying|negative for|absence of|free of|free from|
ruled out|no evidence of|no signs of|no sign of|no history of|never|never had|did not have|
does not have|doesn't have|didn't have|did not show|does not show|did not exhibit|lack of|lacks|
lacked|lacking|none|nor|neither|no further|no clinical signs of|unremarkable for|
absence of any|was not|were not|is not|are not|non""".replace("\n", "")
_NEG_POST = """absent|was absent|were absent|is absent|are absent|not observed|was not observed|
were not observed|not present|was not present|were not present|not detected|was not detected|
were not detected|not seen|was not seen|were not seen|was ruled out|were ruled out|ruled out|
was excluded|were excluded|has been excluded|have been excluded|is excluded|excluded|
was negative|were negative|not found|was not found|
were not found|did not occur|not noted|was not noted|were not noted|not reported|
was not reported|were not reported|not evident|was not evident|were not evident|not apparent|
was not apparent|were not apparent|not identified|was not identified|were not identified|
not appreciated|was not appreciated|were not appreciated|not been observed|has not been observed|
have not been observed|had not been observed|not been seen|has not been seen|have not been seen|
not been detected|has not been detected|have not been detected|not been noted|
has not been noted|have not been noted|not been found|has not been found|have not been found|
not been reported|has not been reported|have not been reported|never observed""".replace(
    "\n", "")
# after "feature:" only ("Seizures: none", "Ataxia: negative")
COLON_NEGATIONS = frozenset(("none", "nil", "negative", "no", "absent"))
_UNC_PRE = """possible|possibly|probable|probably|suspected|suspect|suspicion of|suspicious for|
suspicious of|questionable|query|rule out|to rule out|r/o|may have|might have|may be|could be|
likely|unlikely|concern for|concerning for|cannot exclude|can not exclude|cannot rule out|
can not rule out|could not exclude|differential diagnosis|evaluate for|evaluation for|
evaluated for|versus|vs|presumed|presumably|?|suggestive of|questionably|uncertain|
not certain whether|not sure whether|not sure if""".replace("\n", "")
_UNC_POST = """cannot be excluded|can not be excluded|could not be excluded|cannot be ruled out|
can not be ruled out|could not be ruled out|not excluded|not ruled out|not been excluded|
not been ruled out|is suspected|was suspected|were suspected|are suspected|is possible|
was possible|is likely|was likely|is probable|?|is questionable|was questionable|
not certain|is uncertain|was uncertain|remains uncertain|to be excluded|to be ruled out|
not confirmed|was not confirmed|were not confirmed|has not been confirmed|
have not been confirmed|is being evaluated|was being evaluated|being investigated|
is being investigated|to be confirmed""".replace(
    "\n", "")
_PSEUDO = """not only|no increase|no change|no significant change|not necessarily|
without difficulty|no longer|not just|not certain if|gram negative|no doubt|
not cause|not drain|no suspicious change|not extend|not limited to|
not clearly|neither confirmed nor|family history of the patient|
resolution of|resolved|has resolved|had resolved""".replace("\n", "")
# (a feature that resolved was the patient's: for a differential, its history counts)

RELATIVES = """mother|father|sister|brother|sibling|siblings|sib|sibs|aunt|uncle|cousin|cousins|
grandmother|grandfather|grandparent|grandparents|parent|parents|niece|nephew|daughter|son|
relative|relatives|half-brother|half-sister|stepmother|stepfather|twin brother|twin sister|
mom|dad|family members|family member|grandma|grandpa""".replace("\n", "")
_FAM_PRE = """family history of|family history|familial history of|fhx|fh of|family hx of|
history in the family of|familial|runs in the family""".replace("\n", "")
_COMMON_END = """but|however|although|though|yet|except|whereas|while|which|who|whose|because|
since|apart|aside|nevertheless|still|other than|besides""".replace("\n", "")
_ASSERT_END = "presents|presented|presenting|shows|showed|exhibits|exhibited|has|complains|reports|" \
    "developed|develops|now has|demonstrates|demonstrated|revealed|reveals"
_FAMILY_END = "patient|proband|index|he|she|child|boy|girl|infant|baby|our|noted|reported|" \
    "noticed|observed|says|said|states|stated|reports|describes|described|felt|worried|" \
    "concerned|brought"
CLAUSE_PUNCT = frozenset(".;:!")
_RELATIVE_PRONOUNS = frozenset(("who", "whose", "which"))
RELATIVE_CLAUSE_WORDS = 10
POST_PUNCT = frozenset(".;:!,()[]")
_END = "\x00"


def _phrases(spec: str) -> list[tuple[str, ...]]:
    out = []
    for p in spec.split("|"):
        p = p.strip()
        if p:
            out.append(tuple(t.text.lower() for t in tokenize(p)))
    return out


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int  # token indices, end exclusive
    end: int
    cue: Cue
    before: bool  # True: precedes the mentions it governs


class TriggerTable:
    """All trigger phrases in a word trie; the longest phrase at a position wins."""

    def __init__(self) -> None:
        trie: dict = {}

        def add_phrase(ph: tuple[str, ...], cue: Cue, before: bool) -> None:
            node = trie
            for w in ph:
                node = node.setdefault(w, {})
            node.setdefault(_END, (cue, before))

        def add(spec: str, cue: Cue, before: bool) -> None:
            for ph in _phrases(spec):
                add_phrase(ph, cue, before)

        add(_PSEUDO, Cue.PSEUDO, True)
        add(_UNC_POST, Cue.UNCERTAINTY, False)
        add(_UNC_PRE, Cue.UNCERTAINTY, True)
        add(_NEG_POST, Cue.NEGATION, False)
        add(_NEG_PRE, Cue.NEGATION, True)
        add(_FAM_PRE, Cue.FAMILY, True)
        for rel in _phrases(RELATIVES):
            add_phrase(rel, Cue.FAMILY, True)
            for prep in ("in", "of", "by"):
                for det in ((), ("his",), ("her",), ("their",), ("the",), ("a",), ("both",),
                            ("patient", "'", "s"), ("the", "patient", "'", "s")):
                    for side in ((), ("maternal",), ("paternal",)):
                        add_phrase((prep, *det, *side, *rel), Cue.FAMILY, False)
        # the patient together with a relative ("both the patient and her sister had X",
        # "she, like her sister, has X"): the feature is the patient's too, so the relative is
        # not a family trigger
        dets = ((), ("his",), ("her",), ("their",), ("the",), ("a",))
        sides = ((), ("maternal",), ("paternal",), ("older",), ("younger",), ("twin",))
        patient = (("patient",), ("proband",), ("he",), ("she",), ("child",), ("boy",), ("girl",),
                   ("index", "patient"), ("index", "case"), ("our", "patient"))
        for rel in _phrases(RELATIVES):
            for det in dets:
                for side in sides:
                    tail = (*det, *side, *rel)
                    for subj in patient:
                        add_phrase((*subj, "and", *tail), Cue.PSEUDO, True)
                    for lead in (("like",), ("as", "did"), ("as", "does"), ("as", "do"),
                                 ("as", "well", "as"), ("similar", "to"), ("similarly", "to")):
                        add_phrase((*lead, *tail), Cue.PSEUDO, True)
        self._trie = trie
        self.common_end = frozenset(p[0] for p in _phrases(_COMMON_END) if len(p) == 1)
        self.assert_end = frozenset(p[0] for p in _phrases(_ASSERT_END) if len(p) == 1)
        self.family_end = frozenset(p[0] for p in _phrases(_FAMILY_END))
        # words that end an assertion's / a relative's scope
        self.assert_scope_end = self.common_end | self.assert_end
        self.family_scope_end = self.common_end | self.family_end

    def find(self, words: list[str], covered: list[bool]) -> list[Trigger]:
        """Triggers among ``words`` (lower-cased tokens), skipping tokens inside mentions."""
        out: list[Trigger] = []
        trie = self._trie
        i, n = 0, len(words)
        while i < n:
            node = trie.get(words[i]) if not covered[i] else None
            hit = None
            j = i
            while node is not None:
                j += 1
                if _END in node:
                    hit = (j, node[_END])
                if j >= n or covered[j]:
                    break
                node = node.get(words[j])
            if hit is not None:
                out.append(Trigger(i, hit[0], hit[1][0], hit[1][1]))
                i = hit[0]
            else:
                i += 1
        return out


@dataclass(frozen=True, slots=True)
class Assertion:
    negated: bool = False
    uncertain: bool = False
    family: bool = False


# the eight possible statuses, made once (an Assertion is immutable)
_ASSERTIONS = {(n, u, f): Assertion(n, u, f) for n in (False, True) for u in (False, True)
               for f in (False, True)}


_NEWLINE = re.compile("\n")


def clause_ends(tokens: list[Token], text: str, base: int = 0) -> list[bool]:
    """Tokens that end a clause: ``.`` (not inside ``2.5`` or ``e.g.``), ``;``, ``:``, ``!``, and
    the last token before a blank line, a bullet or a line that starts with a capital."""
    n = len(tokens)
    hard = [False] * n
    for k in [k for k, tok in enumerate(tokens) if tok[0] in CLAUSE_PUNCT]:
        _, _, end = tokens[k]
        if tokens[k][0] != "." or k + 1 >= n or tokens[k + 1].start > end:
            hard[k] = True
    if "\n" not in text:
        return hard
    # the gaps between tokens that hold a line break (a token never holds one)
    ends = [tok[2] for tok in tokens]
    seen = set()
    for p in _NEWLINE.finditer(text):
        k = bisect_right(ends, p.start() + base) - 1  # the token before the line break
        if k < 0 or k + 1 >= n or k in seen:
            continue
        seen.add(k)
        end = ends[k]
        nxt, start, _ = tokens[k + 1]
        gap = text[end - base:start - base]
        if gap.count("\n") > 1 or nxt[0].isupper() or nxt in ("-", "*", "•"):
            hard[k] = True
    return hard


def _relative_clauses(words: list[str], hard: list[bool]) -> set[int]:
    """Tokens of relative clauses set off by commas (", who is also affected,"): a relative's
    family scope runs across them ("The father, who is also affected, has hearing loss")."""
    out: set[int] = set()
    n = len(words)
    for k in [k for k, w in enumerate(words) if w in _RELATIVE_PRONOUNS]:
        if k > 0 and words[k - 1] == ",":
            for j in range(k + 1, min(n, k + RELATIVE_CLAUSE_WORDS)):
                if hard[j]:
                    break
                if words[j] == ",":
                    out.update(range(k, j + 1))
                    break
    return out


def assess(
    tokens: list[Token], words: list[str], spans: list[tuple[int, int]], table: TriggerTable,
    text: str, base: int = 0, quiet: tuple[tuple[int, int], ...] = (),
) -> list[Assertion]:
    """The assertion status of each mention ``(first token, end token)`` among ``tokens``;
    ``text`` is what the tokens' offsets (minus ``base``) point into. ``quiet``: other spans
    whose words are no triggers either (statements read but not reported, such as "sat
    without support at 9 months")."""
    n = len(tokens)
    covered = [False] * n
    for s, e in (*spans, *quiet):
        for k in range(s, e):
            covered[k] = True
    triggers = table.find(words, covered)
    pre = [t for t in triggers if t.before and t.cue is not Cue.PSEUDO]
    post = [t for t in triggers if not t.before]
    pre_ends = [t.end for t in pre]
    post_starts = [t.start for t in post]
    hard = clause_ends(tokens, text, base)
    # prefix sums: H clause ends, W words, A/F scope-ending words (assertion / family)
    H = [0] * (n + 1)
    W = [0] * (n + 1)
    A = [0] * (n + 1)
    F = [0] * (n + 1)
    P = [0] * (n + 1)  # punctuation that a post-trigger cannot reach across
    a_words, f_words = table.assert_scope_end, table.family_scope_end
    aside = _relative_clauses(words, hard)
    h = w_ = a = f = p = 0
    for k in range(n):
        w = words[k]
        h += hard[k]
        w_ += tokens[k][0][0].isalnum()
        if w in a_words:
            a += 1
        if w in f_words and (not aside or k not in aside):
            f += 1
        if w in POST_PUNCT:
            p += 1
        k1 = k + 1
        H[k1] = h
        W[k1] = w_
        A[k1] = a
        F[k1] = f
        P[k1] = p
    out = []
    negation, uncertainty, family = Cue.NEGATION, Cue.UNCERTAINTY, Cue.FAMILY
    for s, e in spans:
        neg = unc = fam = False
        if pre:
            k = bisect_right(pre_ends, s) - 1
            while k >= 0:
                t = pre[k]
                if W[s] - W[t.end] > PRE_WINDOW or H[s] - H[t.end - 1] > 0:
                    break
                ends = F if t.cue is family else A
                if ends[s] - ends[t.end] == 0:
                    cue = t.cue
                    if cue is negation:
                        neg = True
                    elif cue is uncertainty:
                        unc = True
                    elif cue is family:
                        fam = True
                k -= 1
        if post:
            k = bisect_left(post_starts, e)
            while k < len(post):
                t = post[k]
                # "Seizures: absent" (a colon right between the mention and the trigger)
                colon = t.start == e + 1 and tokens[e].text == ":"
                if W[t.start] - W[e] > POST_WINDOW or (P[t.start] - P[e] > 0 and not colon):
                    break
                cue = t.cue
                if cue is negation:
                    neg = True
                elif cue is uncertainty:
                    unc = True
                elif cue is family:
                    fam = True
                k += 1
        if e + 1 < n and words[e] == ":" and words[e + 1] in COLON_NEGATIONS:
            neg = True
        out.append(_ASSERTIONS[neg, unc, fam])
    return out
