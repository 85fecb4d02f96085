"""Dictionary matching of a note against the text index, with assertion status per mention."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import IO, Any, Self

from raredx.errors import InputError
from raredx.model import InputIssue, IssueLevel
from raredx.text._context import Assertion, TriggerTable, assess
from raredx.text._index import DROPPABLE, OPTIONAL, WEAK_OPTIONAL, TextIndex
from raredx.text._input import CHUNK_CHARS, iter_chunks, language_problem, open_note
from raredx.text._measure import HINT as MEASURE_HINT
from raredx.text._measure import measurements
from raredx.text._milestones import statements
from raredx.text._tokens import STOPWORDS, Token, is_abbreviation, light, stem, tokenize
from raredx.text._values import values

MAX_STOPWORDS_IN_A_ROW = 2
MAX_CONJUNCTS = 3
STACKED_MODIFIERS = True
MULTIWORD_CONJUNCTS = True  # a conjunct or stacked modifier of several words
MAX_CONJUNCT_WORDS = 3
_NORMAL_WORDS = frozenset(("normal", "unremarkable"))
_NOT_NORMAL = frozenset(("not", "no", "never", "near", "nearly", "almost", "low", "high", "borderline",
                         "upper", "lower", "sub", "ab", "non"))
_COMPARED = frozenset(("than", "to", "from", "versus", "vs", "unlike", "in", "compared"))
_COPULAS = frozenset(("was", "were", "is", "are", "appeared", "appears", "seemed", "seems",
                      "remained", "remains", "been"))
ABSENCE_OF_A_FEATURE = True  # "absence of seizures" is a negation
MEASUREMENTS = True  # "head circumference -3 SD" -> Microcephaly
# "walked at 30 months", "has no words", "never walked", "IQ of 45", "CK 5,000 U/L"
MILESTONES_AND_VALUES = True
DEGREE_ADVERBS = True  # "creatine kinase was markedly elevated"
# adverbs of degree (and side) that may sit inside a phrase that names a term without them
_ADVERBS = frozenset(stem(w) for w in (
    "markedly", "mildly", "moderately", "severely", "slightly", "significantly", "considerably",
    "substantially", "strongly", "extremely", "profoundly", "persistently",
    "consistently", "progressively", "bilaterally",
    "diffusely", "grossly", "notably", "remarkably", "somewhat", "quite",
    "markedly", "relatively", "unusually", "abnormally", "strikingly", "minimally", "massively"))
RANGES = True  # "mild to moderate intellectual disability": also Mild intellectual disability
_GRADES = frozenset(stem(w) for w in (
    "mild", "moderate", "severe", "profound", "borderline", "slight", "marked", "partial",
    "complete", "total", "hypoplastic", "aplastic", "absent", "small", "large", "short", "long",
    "low", "high", "decreased", "increased", "thin", "thick", "narrow", "wide"))
FOCUS_MODIFIERS = True  # "muscle weakness, predominantly proximal"
FOCUS_GAP = 4
FOCUS_ADVERBS = frozenset(("predominantly", "predominately", "mainly", "mostly", "primarily",
                           "chiefly", "principally", "particularly", "especially", "more"))
_FOCUS_HINT = re.compile("|".join(sorted(FOCUS_ADVERBS)), re.IGNORECASE)
_BREAK, _SKIP, _STOP = "\x00b", "\x00s", "\x00t"
_CONJ_OR_COMMA, _STOP_AND_OR = "\x00c", "\x00a"  # "," and "and"/"or" (for coordinations)
_PHRASE_END = frozenset((_BREAK, _CONJ_OR_COMMA, _STOP_AND_OR, _STOP))
_SKIPPED_PUNCT = frozenset("-'’")
# words that alone, in running text, mostly mean something else than the term they name
# ("negative" is not Negativism, "collection" not Collectionism, "tearing" not Epiphora);
# found among the most frequent one-word matches in HPO's own definitions
NOT_ALONE = frozenset((
    "negative", "collection", "collections", "collecting", "fall", "tearing", "sweating",
    "inactivity", "hypersensitivity", "pneumoniae", "dissociation", "stroking", "stroked",
    "autophagy", "hydrophobic", "limp"))
_ABNORMAL = stem("abnormal")
_IMPAIRMENT, _DISABILITY = stem("impairment"), stem("disability")
_ABSENT = stem("absent")
_OPTIONAL = OPTIONAL | WEAK_OPTIONAL


@dataclass(frozen=True, slots=True)
class Mention:
    """One HPO term found in the text. Offsets are 0-based characters, ``end`` exclusive.

    ``excluded``: the text says it is absent; ``uncertain``: only possible/suspected;
    ``family``: it is a relative's, not the patient's; ``nested``: the last words of a longer
    mention of a more specific term ("colitis" in "ulcerative colitis"), reported as annotators
    mark it but adding nothing to the patient's features.
    """

    id: str
    label: str
    start: int
    end: int
    text: str
    excluded: bool = False
    uncertain: bool = False
    family: bool = False
    nested: bool = False

    @property
    def present(self) -> bool:
        """Asserted as present in the patient (nested mentions excepted)."""
        return not (self.excluded or self.uncertain or self.family or self.nested)

    @property
    def absent(self) -> bool:
        """Asserted as absent in the patient (nested mentions excepted)."""
        return self.excluded and not (self.uncertain or self.family or self.nested)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "start": self.start, "end": self.end,
            "text": self.text, "excluded": self.excluded, "uncertain": self.uncertain,
            "family": self.family, "nested": self.nested,
        }


@dataclass(frozen=True)
class Extraction:
    """Every mention of a note, the input issues, and the ontology version used."""

    mentions: tuple[Mention, ...]
    hpo_version: str
    words: int = 0
    characters: int = 0
    issues: tuple[InputIssue, ...] = field(default=())

    def present(self) -> list[str]:
        """Term ids asserted present in the patient (first-mention order, no repeats)."""
        return list(dict.fromkeys(m.id for m in self.mentions if m.present))

    def excluded(self) -> list[str]:
        """Term ids asserted absent in the patient and never asserted present."""
        pres = set(self.present())
        return [t for t in dict.fromkeys(m.id for m in self.mentions if m.absent) if t not in pres]

    def as_dict(self) -> dict[str, Any]:
        return {
            "terms": [m.as_dict() for m in self.mentions],
            "hpo_version": self.hpo_version,
            "words": self.words,
            "issues": [{"level": i.level.value, "where": i.where, "message": i.message}
                       for i in self.issues],
        }


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return stem(word)


@lru_cache(maxsize=200_000)
def _light(word: str) -> str:
    return light(word)


_WORD_CACHE = 200_000  # words whose normal form an extractor keeps


class Extractor:
    """Finds HPO terms in English clinical text. Build once per index; thread-safe."""

    def __init__(self, index: TextIndex, normal_findings: bool = False) -> None:
        """``normal_findings``: also report findings said to be normal ("hearing was normal")
        as excluded abnormalities (Hearing abnormality). Off by default: annotated corpora
        (GSC+) do not mark them, so they count as false positives there; useful where excluded
        features matter (a differential from a note)."""
        self.index = index
        self.triggers = TriggerTable()
        self.normal_findings = normal_findings
        self._positions = {tid: k for k, tid in enumerate(index.term_ids)}
        self._passable = index.vocab | (_ADVERBS if DEGREE_ADVERBS else frozenset())
        self._words: dict[str, tuple[str, int | None]] = {}  # see _norms
        self._pairs = word_pairs(index)

    # -- public -------------------------------------------------------------------------------
    def extract(self, text: str, where: str = "text") -> Extraction:
        """All mentions in ``text`` (raises :class:`InputError` for empty or non-English text)."""
        if "\x00" in text:
            raise InputError("contains NUL characters: binary data, not a text note", where)
        self._check_text(text, where)
        return self._run([(0, text)], where)

    def extract_file(self, path: Path, chunk_chars: int = CHUNK_CHARS) -> Extraction:
        """All mentions in the note at ``path``, streamed in chunks (any size)."""
        with self.stream_file(path, chunk_chars) as stream:
            mentions = tuple(stream)
        return Extraction(mentions, self.index.hpo_version, stream.words, stream.characters,
                          stream.issues)

    def stream_file(self, path: Path, chunk_chars: int = CHUNK_CHARS) -> MentionStream:
        """The note at ``path`` as a stream of mentions that keeps none of them (for a note of
        any size: write each one out as it comes). A missing, binary, empty or non-English
        note raises :class:`InputError` here, before the first mention."""
        return self.stream(open_note(Path(path)), str(path), chunk_chars)

    def stream(self, f: IO[str], where: str, chunk_chars: int = CHUNK_CHARS) -> MentionStream:
        """:meth:`stream_file` for an open text stream (standard input); it is closed with
        the returned stream."""
        try:
            chunks = iter_chunks(f, where, chunk_chars)
            first = next(chunks, None)
            if first is None:
                raise InputError("is empty; give a note with some English text", where)
            self._check_text(first[1], where)
        except BaseException:
            f.close()
            raise
        return MentionStream(self, f, _chain(first, chunks), where)

    def mentions(self, chunks: Iterable[tuple[int, str]]) -> Iterator[Mention]:
        """Mentions of a stream of ``(offset, text)`` chunks, in order (abbreviations defined in
        the note, e.g. ``ventricular septal defect (VSD)``, carry over between chunks)."""
        defined: dict[str, int] = {}
        for base, text in chunks:
            yield from self._chunk(text, base, defined)

    # -- internals ----------------------------------------------------------------------------
    def _check_text(self, text: str, where: str) -> None:
        if not text.strip():
            raise InputError("is empty; give a note with some English text", where)
        problem = language_problem(text)
        if problem:
            raise InputError(problem, where)

    def _run(self, chunks: Iterable[tuple[int, str]], where: str) -> Extraction:
        stream = MentionStream(self, None, iter(chunks), where)
        mentions = tuple(stream)
        return Extraction(mentions, self.index.hpo_version, stream.words, stream.characters,
                          stream.issues)

    def _norms(
        self, tokens: list[Token], defined: dict[str, int]
    ) -> tuple[list[str], list[int | None], list[str]]:
        """The normal form of each token; the term its word names on its own by its light
        form (``index.surface``; ``None`` for punctuation, stopwords and words naming none);
        and the token in lower case with "’" as "'" (what triggers are matched on)."""
        abbreviations = self.index.abbreviations
        cache = self._words
        if len(cache) > _WORD_CACHE:
            cache.clear()
        get = cache.get
        word = self._word
        hits = [get(t[0]) or word(t[0]) for t in tokens]
        norms = [h[0] for h in hits]
        surf = [h[1] for h in hits]
        for k, h in enumerate(hits):
            if h[2]:  # an all-capitals word that may be an abbreviation
                w = tokens[k][0]
                if w in abbreviations or w in defined:
                    norms[k] = "@" + w
                    surf[k] = h[4]  # (also if the word is a stopword, "OR")
        return norms, surf, [h[3] for h in hits]

    def _word(self, w: str) -> tuple[str, int | None, bool, str, int | None]:
        """What :meth:`_norms` needs of a token, kept per extractor: its normal form (not as
        an abbreviation), the term its light form names on its own (unless it is one of
        :data:`NOT_ALONE`; ``None`` for a stopword), whether it has the form of an abbreviation,
        its lower case, and the term again (also for a stopword: an abbreviation may be one)."""
        lw = w.lower()
        if not w[0].isalnum():
            hit = (_SKIP if w in _SKIPPED_PUNCT else _CONJ_OR_COMMA if w in ",/" else _BREAK,
                   None, False, lw.replace("’", "'"), None)
        else:
            norm = _STOP_AND_OR if lw in ("and", "or") else _STOP if lw in STOPWORDS else _stem(w)
            t = self.index.surface.get(_light(w)) if self.index.surface else None
            if t is not None and lw in NOT_ALONE:
                t = None
            hit = (norm, None if norm[0] == "\x00" else t, w.isupper() and is_abbreviation(w),
                   lw.replace("’", "'"), t)
        self._words[w] = hit
        return hit

    def _chunk(self, text: str, base: int, defined: dict[str, int]) -> list[Mention]:
        ix = self.index
        tokens = tokenize(text, base)
        norms, surf, words = self._norms(tokens, defined)
        vocab, exact, bag, max_words = ix.vocab, ix.exact, ix.bag, ix.max_words
        n = len(tokens)
        cands: list[tuple[int, int, int, int, int, tuple[str, ...]]] = []
        optional = _OPTIONAL
        conj_names = ix.conjunctions
        adverbs = _ADVERBS if DEGREE_ADVERBS else frozenset()
        passable = self._passable  # vocab and adverbs
        pairs = self._pairs
        for i in range(n):
            t = surf[i]  # (None for punctuation and stopwords)
            if t is not None:
                cands.append((-1, 0, i, i + 1, t, (norms[i],)))
            if norms[i] not in vocab:
                continue
            lead_adverb = norms[i] in adverbs  # then only a name with the adverb in it
            seq: list[str] = []
            short: list[str] = []  # seq without its optional words
            bare: list[str] = []  # ... and without degree adverbs (kept once one is seen)
            adverb_inside = False
            stops = 0
            crossed = False  # an "and"/"or" inside: only an exact (ordered) name may match
            j = i
            while j < n:
                nj = norms[j]
                if nj is _SKIP:
                    j += 1
                    continue
                if nj is _STOP or nj is _STOP_AND_OR:
                    crossed = crossed or nj is _STOP_AND_OR
                    stops += 1
                    if stops > MAX_STOPWORDS_IN_A_ROW:
                        break
                    j += 1
                    continue
                if nj not in passable:  # also punctuation, including ","
                    break
                stops = 0
                seq.append(nj)
                is_adverb = nj in adverbs
                if nj not in optional:
                    short.append(nj)
                    if not is_adverb:
                        if bare:
                            b = bare[-1]
                            if (b, nj) not in pairs if b <= nj else (nj, b) not in pairs:
                                # no name has both words: neither this phrase nor any longer
                                # one can name a term (every key looked up holds ``bare``)
                                break
                        bare.append(nj)
                    else:
                        adverb_inside = True
                key = tuple(seq)
                t = exact.get(key)
                if t is None and len(short) < len(seq) and len(short) >= 2:
                    t = exact.get(tuple(short))
                    if t is not None:
                        key = tuple(short)
                # an adverb inside the phrase, not at either end
                use_bare = adverb_inside and not lead_adverb and not is_adverb and len(bare) >= 2
                if t is None and use_bare:
                    t = exact.get(tuple(bare))
                    if t is not None:
                        key = tuple(bare)
                if t is not None and crossed:
                    # "hypotonia and seizures" is not "hypotonic seizures"
                    t = ix.conjoined.get(key, t) if key in conj_names else None
                if t is not None and len(seq) == 1 and tokens[j].text.lower() in NOT_ALONE:
                    t = None
                if t is not None:
                    cands.append((-len(seq), 0, i, j + 1, t, key))
                elif len(seq) > 1 and not crossed:
                    t = bag.get(tuple(sorted(seq)))
                    if t is None and len(short) < len(seq) and len(short) >= 2:
                        t = bag.get(tuple(sorted(short)))
                    if t is None and use_bare:
                        t = bag.get(tuple(sorted(bare)))
                    if t is not None:
                        cands.append((-len(seq), 1, i, j + 1, t, key))
                if len(seq) >= max_words:
                    break
                j += 1
        if ABSENCE_OF_A_FEATURE and cands and _ABSENT in norms:
            cands = self._absence_of_features(tokens, norms, cands)
        taken = [False] * n
        chosen: list[tuple[int, int, int]] = []
        keys: list[tuple[str, ...]] = []
        for _, _, s, e, t, key in sorted(cands):
            if any(taken[s:e]):
                continue
            for k in range(s, e):
                taken[k] = True
            chosen.append((s, e, t))
            keys.append(key)
        new = self._learn_abbreviations(tokens, chosen, defined)
        if new:
            chosen += self._abbreviation_uses(tokens, taken, new, defined)
        coordinated = self._coordinations(norms, chosen, keys, taken, tokens)
        if FOCUS_MODIFIERS and _has_focus_adverb(text):
            chosen += self._focus_modifiers(tokens, norms, chosen, keys, taken)
        chosen += coordinated
        inner = self._nested(norms, chosen, keys)
        if MEASUREMENTS and _may_have_measurement(text):
            chosen += [(s, e, self._positions[tid])
                       for s, e, tid in measurements(tokens, taken, text, base)
                       if tid in self._positions]
        normal = self._normal_findings(tokens, norms, taken) if self.normal_findings else []
        quiet: tuple[tuple[int, int], ...] = ()
        if MILESTONES_AND_VALUES:
            stated, stated_normal = self._statements(tokens, taken, text, base)
            chosen += stated
            if self.normal_findings:
                normal += stated_normal
            else:
                quiet = tuple((s, e) for s, e, _ in stated_normal)
        chosen += normal
        chosen.sort()
        status = assess(tokens, words, [(s, e) for s, e, _ in chosen], self.triggers, text, base,
                        quiet)
        said_normal = set(normal)
        out = []
        for (s, e, t), a in zip(chosen, status):
            start, end = tokens[s].start, tokens[e - 1].end
            if (s, e, t) in said_normal:  # "hearing was normal": the abnormality is excluded
                a = Assertion(True, a.uncertain, a.family)
            out.append(_mention(ix, t, start, end, text[start - base:end - base], a))
            for s2, e2, t2 in inner.get((s, e, t), ()):  # same assertion as the longer mention
                start2, end2 = tokens[s2].start, tokens[e2 - 1].end
                out.append(_mention(ix, t2, start2, end2, text[start2 - base:end2 - base], a,
                                    nested=True))
        return out

    def _nested(
        self, norms: list[str], chosen: list[tuple[int, int, int]], keys: list[tuple[str, ...]]
    ) -> dict[tuple[int, int, int], list[tuple[int, int, int]]]:
        """The more general terms named by some of the words of each mention ("colitis" in
        "ulcerative colitis"): mention -> [(first token, end token, term)]."""
        out: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
        nested = self.index.nested
        if not nested:
            return out
        for (s, e, t), key in zip(chosen, keys):
            hits = nested.get(key)
            if hits is None:
                continue
            words = [k for k in range(s, e) if norms[k][0] != "\x00"]
            if len(words) == len(key):
                out[(s, e, t)] = [(words[a], words[b - 1] + 1, t2) for a, b, t2 in hits]
        return out

    def _lookup(self, key: tuple[str, ...]) -> int | None:
        t = self.index.exact.get(key)
        if t is None and len(key) > 1:
            t = self.index.bag.get(tuple(sorted(key)))
        return t

    def _coordinations(
        self, norms: list[str], chosen: list[tuple[int, int, int]], keys: list[tuple[str, ...]],
        taken: list[bool], tokens: list[Token] | None = None,
    ) -> list[tuple[int, int, int]]:
        """Terms shared by coordinated words: in "palmar and plantar pits" the match "plantar
        pits" also yields "palmar ... pits"; in "hypoplasia of the radius and ulna", "hypoplasia
        of the radius" also yields "hypoplasia ... ulna". A conjunct may have several words and
        replace several words of the mention ("contractures of the elbows and Achilles tendons",
        "sparse scalp hair and eyebrows"); stacked modifiers without a conjunction share the
        head too ("low-set posteriorly rotated ears"). Spans run over the whole coordination,
        as annotators mark them; at most :data:`MAX_CONJUNCTS` extra conjuncts each way. A word
        that belongs to another mention is not a conjunct: in "patellar dysplasia and abnormal
        clavicular shape", "abnormal" starts a phrase of its own."""
        vocab = self.index.vocab
        stack = STACKED_MODIFIERS
        width = MAX_CONJUNCT_WORDS if MULTIWORD_CONJUNCTS else 1
        out: list[tuple[int, int, int]] = []
        found = {(s, e, t) for s, e, t in chosen}
        # a mention that names its term without the head ("posteriorly rotated" for Posteriorly
        # rotated ears), by the token it ends on: coordinations run across it
        ending = {e2 - 1: (s2, t2, k2) for (s2, e2, t2), k2 in zip(chosen, keys)}
        n = len(norms)
        for (s, e, t), key in zip(chosen, keys):
            if len(key) < 2:
                continue
            # backwards: W.. (and|or|,) <mention>, replacing the mention's first words; also
            # stacked modifiers without a conjunction ("short broad thumbs")
            k = s - 1
            for hop in range(MAX_CONJUNCTS):
                c = k
                while c >= 0 and norms[c] in (_CONJ_OR_COMMA, _STOP_AND_OR):
                    c -= 1
                ranged = (RANGES and hop == 0 and c == k and c > 0 and tokens is not None
                          and tokens[c].text.lower() == "to")  # "mild to moderate X"
                if ranged:  # only between grades: "mild to moderate", "hypoplastic to absent"
                    c -= 1
                    if norms[c] not in _GRADES or key[0] not in _GRADES:
                        break
                if c >= 0 and taken[c] and c != k and c in ending:
                    s2, t_over, k2 = ending[c]  # "low-set, posteriorly rotated, cupped ears"
                    if self._lookup((*k2, key[-1])) == t_over:
                        k = s2 - 1
                        continue
                if c < 0 or norms[c] not in vocab or taken[c]:
                    break
                stacked = c == k
                if stacked and not (stack and hop == 0 and e - s == len(key)
                                    and norms[c] != _ABNORMAL):
                    break  # stacked modifiers only before "modifier noun" ("short thumbs")
                run = _run(norms, taken, vocab, c, -1, 1 if ranged else width)  # last first
                hit = None
                for m in range(len(run), 0, -1):
                    words = tuple(norms[x] for x in reversed(run[:m]))
                    if stacked and _ABNORMAL in words:
                        continue
                    # a conjunct may replace one word more than it has (a "low-set" of
                    # two words in "small, low-set ears"), but only the nearest one
                    for h in range(1, min(len(key), m + 2 if hop == 0 and not stacked else m + 1)):
                        t2 = self._lookup((*words, *key[h:]))
                        if t2 is not None:
                            hit = (run[m - 1], t2)
                            break
                    if hit:
                        break
                if hit is not None and (hit[0], e, hit[1]) not in found:
                    found.add((hit[0], e, hit[1]))
                    out.append((hit[0], e, hit[1]))
                if stacked or ranged:
                    break
                k = run[-1] - 1
            # forwards: <mention> (and|or|,) W.., replacing the mention's last words
            k = e
            for hop in range(MAX_CONJUNCTS):
                c = k
                while c < n and norms[c] in (_CONJ_OR_COMMA, _STOP_AND_OR):
                    c += 1
                if c == k or c >= n or norms[c] not in vocab or taken[c]:
                    break
                run = _run(norms, taken, vocab, c, 1, width)
                hit = None
                for m in range(len(run), 0, -1):
                    words = tuple(norms[x] for x in run[:m])
                    for h in range(1, min(len(key), m + 2 if hop == 0 else m + 1)):
                        t2 = self._lookup((*key[:-h], *words))
                        if t2 is not None:
                            hit = (run[m - 1], t2)
                            break
                    if hit:
                        break
                if hit is not None and (s, hit[0] + 1, hit[1]) not in found:
                    found.add((s, hit[0] + 1, hit[1]))
                    out.append((s, hit[0] + 1, hit[1]))
                k = (hit[0] if hit else run[-1]) + 1
        return out

    def _statements(
        self, tokens: list[Token], taken: list[bool], text: str, base: int
    ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
        """Milestones stated as ages, abilities absent or lost, IQ and creatine kinase values
        (:mod:`raredx.text._milestones`, :mod:`raredx.text._values`) as token spans: those
        that name an abnormality, and those that say a milestone or value was normal. A
        statement that overlaps a mention already found ("delayed walking at 3 years") adds
        nothing."""
        found = statements(text, base) + values(text, base)
        if not found:
            return [], []
        starts = [t.start for t in tokens]
        ends = [t.end for t in tokens]
        out: list[tuple[int, int, int]] = []
        out_normal: list[tuple[int, int, int]] = []
        for cs, ce, tid, normal in sorted(found):
            t = self._positions.get(tid)
            if t is None:
                continue
            s = bisect_left(starts, cs)
            e = bisect_left(ends, ce) + 1
            if s >= e or e > len(tokens) or any(taken[s:e]):
                continue
            for k in range(s, e):
                taken[k] = True
            (out_normal if normal else out).append((s, e, t))
        return out, out_normal

    def _normal_target(self, words: tuple[str, ...]) -> int | None:
        """The abnormality that "normal <words>" excludes: "Abnormal <words>" or "<words>
        impairment/disability" (hearing -> Hearing abnormality, intelligence -> Intellectual
        disability), if the ontology has such a name."""
        for k in ((_ABNORMAL, *words), (*words, _IMPAIRMENT), (*words, _DISABILITY)):
            t = self._lookup(k)
            if t is not None:
                return t
        return None

    def _normal_findings(
        self, tokens: list[Token], norms: list[str], taken: list[bool]
    ) -> list[tuple[int, int, int]]:
        """Findings said to be normal, as excluded abnormalities: "normal hearing", "normal
        vision and hearing", "Hearing was normal", "vision and hearing were unremarkable",
        "... within normal limits". Only where HPO names the abnormality of exactly those words
        (:meth:`_normal_target`); never inside another mention, never after "near"/"low"/"not"
        ("low-normal", "not normal")."""
        vocab = self.index.vocab
        out: list[tuple[int, int, int]] = []
        n = len(tokens)
        lower = [t.text.lower() for t in tokens]
        for i in range(n):
            w = lower[i]
            if w not in _NORMAL_WORDS or taken[i]:
                continue
            p = i - 1
            while p >= 0 and norms[p] is _SKIP:
                p -= 1
            if p >= 0 and lower[p] in _NOT_NORMAL:
                continue
            if w == "normal" and p >= 0 and lower[p] in _COMPARED:
                continue  # "larger than normal", "in normal individuals"
            found = len(out)
            if w == "normal" and i + 1 < n and not (i > 0 and lower[i - 1] == "within"):
                # "normal X (and Y)"
                c = i + 1
                for _ in range(MAX_CONJUNCTS):
                    if c >= n or norms[c] not in vocab or taken[c]:
                        break
                    run = _run(norms, taken, vocab, c, 1, 3)
                    hit = None
                    for m in range(len(run), 0, -1):
                        after = run[m - 1] + 1
                        if after < n and norms[after] not in _PHRASE_END:
                            continue  # the words must end their phrase: "normal retinal vessels"
                        t = self._normal_target(tuple(norms[x] for x in run[:m]))
                        if t is not None:
                            hit = (run[m - 1], t)
                            break
                    if hit is None:
                        break
                    out.append((i, hit[0] + 1, hit[1]))
                    c = hit[0] + 1
                    if c < n and norms[c] in (_CONJ_OR_COMMA, _STOP_AND_OR):
                        c += 1
                        if c < n and norms[c] is _STOP_AND_OR:  # ", and"
                            c += 1
                    else:
                        break
                if len(out) > found:
                    continue
            # "X (was|were|is|are|appeared) normal" / "X was within normal limits"
            v = p
            if w == "normal" and v >= 0 and lower[v] == "within":
                if i + 1 >= n or lower[i + 1] not in ("limits", "limit", "range"):
                    continue
                v -= 1
            if v < 0 or lower[v] not in _COPULAS:
                continue
            end = i + 2 if lower[v + 1] == "within" else i + 1
            c = v - 1
            for _ in range(MAX_CONJUNCTS):
                if c < 0 or norms[c] not in vocab or taken[c]:
                    break
                run = _run(norms, taken, vocab, c, -1, 3)
                hit = None
                for m in range(len(run), 0, -1):
                    t = self._normal_target(tuple(norms[x] for x in reversed(run[:m])))
                    if t is not None:
                        hit = (run[m - 1], t)
                        break
                if hit is None:
                    break
                out.append((hit[0], end, hit[1]))
                c = hit[0] - 1
                if c >= 0 and norms[c] in (_CONJ_OR_COMMA, _STOP_AND_OR):
                    c -= 1
                    if c >= 0 and norms[c] is _CONJ_OR_COMMA:  # ", and"
                        c -= 1
                else:
                    break
        return out

    @staticmethod
    def _absence_of_features(tokens: list[Token], norms: list[str], cands: list) -> list:
        """"absence of seizures" and "seizures were absent" say that there were no seizures (a
        negation), not "absence seizures": a name made of "absence of" + words, or words +
        "(was) absent", is dropped when those words name a term by themselves; "absence of the
        radius" and "reflexes were absent" stay Absent radius and Areflexia (neither "radius"
        nor "reflexes" is a term), and "absence seizures" (the adjective first) stays."""
        spans = {(c[2], c[3]) for c in cands if c[1] == 0}  # names in their own word order
        drop = set()
        for c in cands:
            s, e = c[2], c[3]
            if e - s < 2:
                continue
            if norms[s] == _ABSENT and tokens[s + 1].text.lower() == "of":
                j = s + 2
                while j < e and norms[j] is _STOP:
                    j += 1
                rest = (j, e)
            elif norms[e - 1] == _ABSENT:
                j = e - 1
                while j > s and norms[j - 1] in (_STOP, _SKIP):
                    j -= 1
                rest = (s, j)
            else:
                continue
            if rest[0] < rest[1] and rest in spans:
                drop.add((s, e))
        return [c for c in cands if (c[2], c[3]) not in drop] if drop else cands

    def _focus_modifiers(
        self, tokens: list[Token], norms: list[str], chosen: list[tuple[int, int, int]],
        keys: list[tuple[str, ...]], taken: list[bool],
    ) -> list[tuple[int, int, int]]:
        """A modifier placed after a mention by a focusing adverb: "muscle weakness, predominantly
        proximal" -> Proximal muscle weakness; "hypotonia since birth, mainly axial" -> Axial
        hypotonia. Up to :data:`FOCUS_GAP` tokens may come between, within the clause; the
        span runs from the mention to the modifier."""
        vocab = self.index.vocab
        out: list[tuple[int, int, int]] = []
        n = len(norms)
        for (s, e, t), key in zip(chosen, keys):
            j = e
            while j < n and j - e <= FOCUS_GAP and norms[j] is not _BREAK and not taken[j]:
                if tokens[j].text.lower() in FOCUS_ADVERBS:
                    break
                j += 1
            else:
                continue
            if j >= n or tokens[j].text.lower() not in FOCUS_ADVERBS:
                continue
            c = j + 1
            while c < n and norms[c] is _STOP:
                c += 1
            if c >= n or norms[c] not in vocab or taken[c]:
                continue
            run = _run(norms, taken, vocab, c, 1, 2)
            if tokens[j].text.lower() == "more":  # "more proximal than distal", not "one or more"
                after = run[-1] + 1
                if after >= n or tokens[after].text.lower() != "than":
                    continue
            for m in range(len(run), 0, -1):
                words = tuple(norms[x] for x in run[:m])
                plain = tuple(w for w in key if w not in DROPPABLE)
                t2 = self._lookup((*words, *key))
                if t2 is None and 0 < len(plain) < len(key):
                    t2 = self._lookup((*words, *plain))
                if t2 is not None and t2 != t:
                    out.append((s, run[m - 1] + 1, t2))
                    break
        return out

    def _learn_abbreviations(
        self, tokens: list[Token], chosen: list[tuple[int, int, int]], defined: dict[str, int]
    ) -> dict[str, int]:
        """``term words (ABBR)`` defines ABBR for the rest of the note when its first letter
        is the first letter of the term words and it is not a known abbreviation."""
        new: dict[str, int] = {}
        n = len(tokens)
        for s, e, t in chosen:
            if e + 2 < n and tokens[e].text == "(" and tokens[e + 2].text == ")":
                a = tokens[e + 1].text
                if (is_abbreviation(a) and a not in self.index.abbreviations and a not in defined
                        and a[0] == tokens[s].text[0].upper()):
                    new[a] = t
        defined.update(new)
        return new

    def _abbreviation_uses(
        self, tokens: list[Token], taken: list[bool], new: dict[str, int], defined: dict[str, int]
    ) -> list[tuple[int, int, int]]:
        out = []
        for k, tok in enumerate(tokens):
            if not taken[k] and tok.text in new:
                taken[k] = True
                out.append((k, k + 1, new[tok.text]))
        return out


def _has_focus_adverb(text: str) -> bool:
    """``_FOCUS_HINT.search(text)``, by plain substring tests where the text is ASCII (the same
    answer there, several times faster)."""
    if text.isascii():
        low = text.lower()
        return any(a in low for a in FOCUS_ADVERBS)
    return _FOCUS_HINT.search(text) is not None


def _may_have_measurement(text: str) -> bool:
    """``MEASURE_HINT.search(text)``, after a plain substring test for what every match of it
    holds ("SD", "S.D."/"s.d.", "centile"/"percentile", "score")."""
    return (("SD" in text or "entile" in text or "score" in text or ".D." in text
             or ".d." in text) and MEASURE_HINT.search(text) is not None)


def word_pairs(index: TextIndex) -> frozenset[tuple[str, str]]:
    """Every pair of words (sorted; a word twice if a name has it twice) that occur together
    in one key of ``index.exact`` or ``index.bag``. Made once per index (kept on it): the
    matcher stops extending a phrase whose words no name has together."""
    pairs = index.__dict__.get("_word_pairs")
    if pairs is None:
        found: set[tuple[str, str]] = set()
        for keys in (index.exact, index.bag):
            for key in keys:
                if len(key) > 1:
                    found.update(combinations(sorted(key), 2))
        pairs = index.__dict__["_word_pairs"] = frozenset(found)
    return pairs


def _run(norms: list[str], taken: list[bool], vocab: frozenset[str], c: int, step: int,
         width: int) -> list[int]:
    """Positions of up to ``width`` consecutive free dictionary words from ``c`` (which is one)
    in direction ``step``, hyphens skipped ("low-set")."""
    run = [c]
    x = c + step
    while len(run) < width and 0 <= x < len(norms):
        if norms[x] is _SKIP:
            x += step
            continue
        if norms[x] not in vocab or taken[x]:
            break
        run.append(x)
        x += step
    return run


def _mention(ix: TextIndex, t: int, start: int, end: int, text: str, a: Assertion,
             nested: bool = False) -> Mention:
    return Mention(ix.term_ids[t], ix.labels[t], start, end, text, a.negated, a.uncertain,
                   a.family, nested)


class MentionStream:
    """The mentions of one note, found as they are iterated (see
    :meth:`Extractor.stream_file`); a context manager that closes the note. Once iterated,
    ``mentions`` (how many), ``words``, ``characters``, ``issues``, :meth:`present` and
    :meth:`excluded` hold what :class:`Extraction` would."""

    def __init__(self, extractor: Extractor, f: Any, chunks: Iterator[tuple[int, str]],
                 where: str) -> None:
        self.hpo_version = extractor.index.hpo_version
        self.mentions = 0
        self.words = 0
        self.characters = 0
        self.issues: tuple[InputIssue, ...] = ()
        self._present: dict[str, None] = {}
        self._absent: dict[str, None] = {}
        self._extractor, self._file, self._chunks, self._where = extractor, f, chunks, where

    def __iter__(self) -> Iterator[Mention]:
        counter = _Counter(self._chunks)
        for m in self._extractor.mentions(counter):
            self.mentions += 1
            if m.present:
                self._present[m.id] = None
            elif m.absent:
                self._absent[m.id] = None
            yield m
        self.words, self.characters = counter.words, counter.chars
        if counter.words and not self.mentions:
            self.issues = (InputIssue(IssueLevel.WARNING, self._where,
                                      "no phenotypic abnormality was recognised in the text"),)

    def present(self) -> list[str]:
        """As :meth:`Extraction.present`, for the mentions iterated so far."""
        return list(self._present)

    def excluded(self) -> list[str]:
        """As :meth:`Extraction.excluded`, for the mentions iterated so far."""
        return [t for t in self._absent if t not in self._present]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()


def _chain(first: tuple[int, str], rest: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    yield first
    yield from rest


class _Counter:
    """Passes chunks through, counting words and characters (for the report and speed)."""

    def __init__(self, chunks: Iterable[tuple[int, str]]) -> None:
        self._chunks = chunks
        self.words = 0
        self.chars = 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        for base, text in self._chunks:
            self.words += len(text.split())
            self.chars += len(text)
            yield base, text
