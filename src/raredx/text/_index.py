"""The dictionary the extractor matches against: every label and synonym of the terms under
*Phenotypic abnormality*, in normal form, keyed both by word order and as a bag of words.

Built once per release and cached (:func:`load_text_index`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources

from raredx.knowledge import PHENOTYPIC_ABNORMALITY, KnowledgeBase, Ontology, cached
from raredx.text._tokens import STOPWORDS, is_abbreviation, light, stem, tokenize

SURFACE = "="  # prefix of keys matched on the light form of one word

INDEX_FORMAT = 7  # bump when the normal form or the index layout changes

Key = tuple[str, ...]


@dataclass
class TextIndex:
    """Normalised names -> term. ``exact`` is keyed by the words in order, ``bag`` by the sorted
    words (word-order variants); both hold an index into ``term_ids``."""

    hpo_version: str
    term_ids: list[str]
    labels: list[str]
    exact: dict[Key, int]
    bag: dict[Key, int]
    vocab: frozenset[str]
    abbreviations: frozenset[str]  # case-sensitive tokens, e.g. "VSD"
    max_words: int
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    surface: dict[str, int] = field(default_factory=dict)  # light form of one word -> term
    # a name whose words name more general terms ("ulcerative colitis" -> "colitis"): name ->
    # ((first word, end word, inner term), ...), positions among the name's words
    nested: dict[Key, tuple[tuple[int, int, int], ...]] = field(default_factory=dict)
    # names with "and"/"or" in them ("Cleft lip and palate"): only these match across a conjunction
    conjunctions: frozenset[Key] = frozenset()
    # the term of such a name when the text has the conjunction too ("motor and developmental
    # delay" is Global developmental delay, "motor developmental delay" Motor delay)
    conjoined: dict[Key, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.term_ids)


MIN_ONTOLOGY_ABBREVIATION = 3  # "S4", "RA", "BO" in HPO are too ambiguous in running text


def name_key(name: str) -> Key:
    """The normal form of a label or synonym (stopwords and punctuation dropped).

    >>> name_key("Abnormality of the kidneys")
    ('abnorm', 'kidn')
    """
    toks = [t.text for t in tokenize(name) if t.is_word]
    if len(toks) == 1 and is_abbreviation(toks[0]):
        return ("@" + toks[0],) if len(toks[0]) >= MIN_ONTOLOGY_ABBREVIATION else ()
    return tuple(stem(t) for t in toks if t.lower() not in STOPWORDS)


# clinical modifiers a name may lose and still name its term when no other term has the shorter
# name: "skin lesions" -> "Localized skin lesion"
DROPPABLE = frozenset(stem(w) for w in ["localized", "localised", "generalized", "generalised", "bilateral", "unilateral", "mild", "moderate", "severe", "profound", "progressive", "congenital", "recurrent", "chronic", "acute", "episodic", "intermittent", "persistent", "isolated", "diffuse", "focal", "multifocal", "symmetric", "asymmetric", "transient"])


# nouns that name a deviation by themselves: "increased" before them adds nothing ("Increased
# fiber size variation" is "fibre size variability")
DEVIATIONS = frozenset(stem(w) for w in ["variation", "variability"])
_INCREASED, _DECREASED = stem("increased"), stem("decreased")


# words that a name may have or not and still name the same thing, in the ontology and in a note
# alike ("Elevated circulating creatine kinase concentration" is "elevated creatine kinase",
# "Neoplasm of the parathyroid gland" is "parathyroid neoplasm"); a name keeps at least 2 words
OPTIONAL = frozenset(stem(w) for w in ["gland", "system", "region", "circulating", "serum", "plasma", "concentration", "level", "levels"])
# "Abnormality of the X" was renamed "Abnormal X morphology" in HPO (the old name kept as a
# synonym of many, not all): "morphology" may be left out where 3 words remain
WEAK_OPTIONAL = frozenset([stem("morphology")])


def without_optional(key: Key) -> Key:
    """``key`` without its :data:`OPTIONAL` words (unchanged if fewer than 2 would remain)."""
    if not any(w in OPTIONAL for w in key):
        return key
    rest = tuple(w for w in key if w not in OPTIONAL)
    return rest if len(rest) >= 2 else key


# "Abnormal X morphology" is also named "X malformation" / "malformed X" / "X deformity" (HPO
# itself gives such synonyms to many, not all, of these terms); "Abnormality of X" is the broader
# "X anomaly"
_ABNORMAL, _MORPHOLOGY = stem("abnormal"), stem("morphology")
STRUCTURAL = tuple(stem(w) for w in ("malformation", "deformity"))


# nouns that, after an organ or system, name its abnormality as "anomaly" does ("neurological
# signs", "ocular findings", "cardiac defects"): variants of names with "abnormal" in them
ABNORMALITY_HEADS = tuple(stem(w) for w in ("sign", "finding", "feature", "symptom", "problem", "defect", "deficit", "complication", "change"))
HEAD_VARIANTS = True
NESTED_ANYWHERE = False  # nested names anywhere in a name (else only its last words)


def _head_variants(key: Key) -> list[Key]:
    """``(nervous, abnorm)`` -> ``[(nervous, sign), (nervous, finding), ...]`` (2-word names;
    the head last, matched in this order only)."""
    if not HEAD_VARIANTS or len(key) != 2 or _ABNORMAL not in key or key[0] == key[1]:
        return []
    organ = key[0] if key[1] == _ABNORMAL else key[1]
    return [(organ, h) for h in ABNORMALITY_HEADS]


def _structural_variants(key: Key) -> list[Key]:
    """``(abnorm, kidney, morpholog)`` -> ``[(kidney, malform), (kidney, deform)]``."""
    if _ABNORMAL not in key or _MORPHOLOGY not in key:
        return []
    rest = [w for w in key if w != _ABNORMAL]
    return [tuple(w if w != _MORPHOLOGY else v for w in rest) for v in STRUCTURAL]


def _load_abbreviations() -> dict[str, str]:
    raw = resources.files("raredx").joinpath("data/text_abbreviations.json").read_text("utf-8")
    return {k: v[0] for k, v in json.loads(raw)["abbreviations"].items()}


def _choose(ontology: Ontology, cands: dict[int, bool], allow_guess: bool) -> int | None:
    """One term for a name shared by several: the most specific if they lie on one path, else
    the one whose *label* it is, then the most specific if they lie on one path; else the most
    general (``allow_guess``) or ``None``."""
    ids = list(cands)
    if len(ids) == 1:
        return ids[0]
    labelled = [i for i in ids if cands[i]]
    if len(labelled) == 1:  # a term's own label beats another term's synonym
        return labelled[0]
    if labelled:
        ids = labelled
    for i in ids:
        if all(ontology.is_descendant_of(i, j) for j in ids):
            return i
    if allow_guess:  # unrelated terms share a name: take the most general, then the smaller id
        return min(ids, key=lambda i: (len(ontology.ancestors(i)), ontology.ids[i]))
    return None


def build_text_index(ontology: Ontology, extra_abbreviations: dict[str, str] | None = None) -> TextIndex:
    """Index the labels and synonyms of every phenotypic-abnormality term of ``ontology``."""
    root = ontology.get_index(PHENOTYPIC_ABNORMALITY)
    if root is None:
        raise ValueError(f"the ontology has no {PHENOTYPIC_ABNORMALITY} (Phenotypic abnormality)")
    exact_c: dict[Key, dict[int, bool]] = {}
    bag_c: dict[Key, dict[int, bool]] = {}
    reduced_c: dict[Key, dict[int, bool]] = {}  # names without a leading clinical modifier
    conjunctions: set[Key] = set()
    plain_names: dict[Key, set[int]] = {}  # key -> terms with a name of it without "and"/"or"
    deviation_c: dict[Key, dict[int, bool]] = {}  # "Increased X variation" as "X variation"
    quantity_c: dict[str, set[Key]] = {}
    head_c: dict[Key, dict[int, bool]] = {}  # "X abnormality" as "X signs" (in this order only)
    for i, term in enumerate(ontology.terms):
        if i == root or not ontology.is_descendant_of(i, root):
            continue
        for name, is_label in ((term.label, True), *((s, False) for s in term.synonyms)):
            key = name_key(name)
            if not key or (len(key) == 1 and len(key[0]) < 3):
                continue
            has_conj = any(t.text.lower() in ("and", "or", "/", "&") for t in tokenize(name))
            if has_conj:
                conjunctions.add(key)
            else:
                plain_names.setdefault(key, set()).add(i)
                plain_names.setdefault(tuple(sorted(key)), set()).add(i)
            if len(key) == 1 and not is_label and not key[0].startswith("@"):
                # a one-word synonym matches only up to plural ("Ordering" is not "order",
                # "Inactivity" not "inactivation"): derivation is for labels and phrases
                word = name.strip()
                if stem(word) != light(word):
                    key = (SURFACE + light(word),)
            for table, k in ((exact_c, key), (bag_c, tuple(sorted(key)))):
                d = table.setdefault(k, {})
                d[i] = d.get(i, False) or is_label
            if len(key) >= 3 and key[0] in DROPPABLE:
                d = reduced_c.setdefault(key[1:], {})
                d[i] = d.get(i, False) or is_label
            if len(key) >= 3 and key[0] in (_INCREASED, _DECREASED) and any(
                    w in DEVIATIONS for w in key[1:]):
                deviation_c.setdefault(key[1:], {})[i] = is_label
                quantity_c.setdefault(key[0], set()).add(key[1:])
            for v in _head_variants(without_optional(key)):
                d = head_c.setdefault(v, {})
                d[i] = d.get(i, False) or is_label
            weak = tuple(w for w in without_optional(key) if w not in WEAK_OPTIONAL)
            for v in (*_structural_variants(key), without_optional(key),
                      *((weak,) if len(weak) >= 3 else ())):
                if v != key:
                    d = reduced_c.setdefault(v, {})
                    d[i] = d.get(i, False) or is_label
    # ... unless X variation is a quantity that may also be decreased ("heart rate variability")
    for k, cands in deviation_c.items():
        if k not in quantity_c.get(_DECREASED, ()) and k in quantity_c.get(_INCREASED, ()):
            for i, lab in cands.items():
                d = reduced_c.setdefault(k, {})
                d[i] = d.get(i, False) or lab
    abbreviations = _load_abbreviations()
    abbreviations.update(extra_abbreviations or {})
    for abbr, tid in abbreviations.items():
        cur, _ = ontology.resolve(tid)
        key = ("@" + abbr,)
        if cur is not None and key not in exact_c:
            exact_c[key] = {ontology.index(cur): False}
            bag_c[key] = exact_c[key]
    positions: dict[int, int] = {}
    term_ids: list[str] = []
    labels: list[str] = []
    ambiguous: dict[str, tuple[str, ...]] = {}

    def resolve_table(table: dict[Key, dict[int, bool]], prefer_plain: bool = True
                      ) -> dict[Key, int]:
        out: dict[Key, int] = {}
        for k, cands in table.items():
            plain = plain_names.get(k) if prefer_plain else None
            if plain and len(cands) > 1 and not plain.issuperset(cands):
                # "Motor and developmental delay" (GDD) is not "Motor developmental delay"
                # (Motor delay): a name without the conjunction wins
                kept = {i: v for i, v in cands.items() if i in plain}
                cands = kept or cands
            i = _choose(ontology, cands, not k[0].startswith("@"))
            if i is None:  # an ambiguous abbreviation: left out, listed
                ambiguous[" ".join(k)] = tuple(sorted(ontology.ids[j] for j in cands))
                continue
            if i not in positions:
                positions[i] = len(term_ids)
                term_ids.append(ontology.ids[i])
                labels.append(ontology.terms[i].label)
            out[k] = positions[i]
        return out

    for k, cands in exact_c.items():  # a name that is a label up to word order counts as one
        same_bag = bag_c.get(tuple(sorted(k)), {})
        for i in cands:
            cands[i] = cands[i] or same_bag.get(i, False)
    exact = resolve_table(exact_c)
    conjoined = {k: t for k, t in resolve_table(
        {k: v for k, v in exact_c.items() if k in conjunctions}, prefer_plain=False).items()
        if exact.get(k) != t}
    bag = resolve_table(bag_c)
    for k, t in resolve_table({k: v for k, v in reduced_c.items() if k not in exact_c}).items():
        exact[k] = t
        bag.setdefault(tuple(sorted(k)), t)
    for k, t in resolve_table({k: v for k, v in head_c.items() if k not in exact_c and k not in exact and tuple(sorted(k)) not in bag_c}).items():
        exact[k] = t
    nested: dict[Key, tuple[tuple[int, int, int], ...]] = {}
    memo: dict[Key, tuple[tuple[int, int, int], ...]] = {}

    def inner_names(k: Key, t: int) -> tuple[tuple[int, int, int], ...]:
        """The longest run of ``k``'s words (the last words first) that names an ancestor of
        term ``t``, then the runs nested in that one, as (first word, end word, term)."""
        if k in memo:
            return memo[k]
        memo[k] = ()
        outer_i = ontology.index(term_ids[t])
        for size in range(len(k) - 1, 0, -1):
            starts = range(len(k) - size, -1, -1) if NESTED_ANYWHERE else [len(k) - size]
            for a in starts:
                sub = k[a:a + size]
                inner = exact.get(sub)
                if inner is None and size > 1 and NESTED_ANYWHERE:
                    inner = bag.get(tuple(sorted(sub)))
                if inner is None or inner == t:
                    continue
                if ontology.is_descendant_of(outer_i, ontology.index(term_ids[inner])):
                    deeper = tuple((a + b, a + c, u) for b, c, u in inner_names(k[a:a + size], inner))
                    memo[k] = ((a, a + size, inner), *deeper)
                    return memo[k]
                if not NESTED_ANYWHERE:
                    return memo[k]
        return memo[k]

    for k, t in exact.items():
        if len(k) > 1:
            hits = inner_names(k, t)
            if hits:
                nested[k] = hits if NESTED_ANYWHERE else hits[:1]
    vocab = frozenset(w for k in exact for w in k if not w.startswith(SURFACE)) | OPTIONAL | WEAK_OPTIONAL
    return TextIndex(
        hpo_version=ontology.version,
        term_ids=term_ids,
        labels=labels,
        exact=exact,
        bag=bag,
        vocab=vocab,
        abbreviations=frozenset(w[1:] for w in vocab if w.startswith("@")),
        max_words=max(len(k) for k in exact),
        surface={k[0][1:]: t for k, t in exact.items() if k[0].startswith(SURFACE)},
        ambiguous=ambiguous,
        nested=nested,
        conjunctions=frozenset(k for k in conjunctions if k in exact),
        conjoined=conjoined,
    )


def _fingerprint() -> str:
    """Changes whenever the normal form or the abbreviation list changes (cache invalidation)."""
    from raredx.text import _tokens

    parts = [str(INDEX_FORMAT), repr(sorted(_tokens.STOPWORDS)), repr(_tokens._IRREGULAR),
             repr(_tokens._EQUIVALENT), repr(_tokens._GREEK_PLURAL), repr(_tokens._INFLECT), repr(_tokens._DERIV),
             str(MIN_ONTOLOGY_ABBREVIATION), SURFACE, repr(STRUCTURAL), repr(sorted(DROPPABLE)), repr(sorted(DEVIATIONS)), repr(sorted(OPTIONAL)), repr(sorted(WEAK_OPTIONAL)), repr(ABNORMALITY_HEADS), str(HEAD_VARIANTS), str(NESTED_ANYWHERE),
             str(_tokens.MIN_STEM), repr(_tokens._PREFIXES), repr(_tokens._SPELLING), _tokens._ISE.pattern, repr(sorted(_load_abbreviations().items()))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def load_text_index(kb: KnowledgeBase) -> TextIndex:
    """The text index of ``kb``'s ontology, cached per release when ``kb`` came from the cache."""
    key = getattr(kb, "cache_key", None)
    if key is None:
        return build_text_index(kb.ontology)
    return cached(key, f"text-index-{_fingerprint()}", lambda: build_text_index(kb.ontology))
