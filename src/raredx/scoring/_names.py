"""Phenotype terms named in disease names ("Optic atrophy 12", "Developmental and epileptic
encephalopathy 96"): a disease's name is knowledge that does not come from any case report, so it
still characterises the disease when the annotations from its publications are left out."""

from __future__ import annotations

import re

from raredx.knowledge import PHENOTYPIC_ABNORMALITY, KnowledgeBase

_WORD = re.compile(r"[a-z0-9]+")
MAX_WORDS = 6


def _norm(text: str) -> tuple[str, ...]:
    words = _WORD.findall(text.lower())
    return tuple(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w
                 for w in words)


def phrase_index(kb: KnowledgeBase) -> dict[tuple[str, ...], int]:
    """Normalised label/synonym word tuples of phenotypic terms -> term index."""
    onto = kb.ontology
    root = onto.index(PHENOTYPIC_ABNORMALITY)
    out: dict[tuple[str, ...], int] = {}
    for i, term in enumerate(onto.terms):
        if i == root or not onto.is_descendant_of(i, root):
            continue
        for text in (term.label, *term.synonyms):
            key = _norm(text)
            if 0 < len(key) <= MAX_WORDS and not (len(key) == 1 and len(key[0]) < 5):
                out.setdefault(key, i)
    return out


# "... without anosmia", "... with or without polydactyly": the words after these up to the next
# comma, parenthesis or "with" name a feature the disease lacks, or may lack
_QUALIFIED = re.compile(r"\b(with\s*or\s*without|without)\b([^,;()]*?)(?=,|;|\(|\)|\bwith\b|$)",
                        re.IGNORECASE)


def name_terms(name: str, phrases: dict[tuple[str, ...], int], kb: KnowledgeBase
               ) -> tuple[set[int], set[int]]:
    """The terms ``name`` states (most specific), and those it says only some patients have
    ("with or without X"). Features the name excludes ("without X") are in neither."""
    name = name.split(";")[0]
    variable: set[int] = set()
    parts = []
    last = 0
    for m in _QUALIFIED.finditer(name):
        parts.append(name[last:m.start()])
        if m.group(1).lower() != "without":  # "with or without": some patients
            variable |= terms_in_name(m.group(2), phrases, kb)
        last = m.end()
    parts.append(name[last:])
    present = kb.ontology.most_specific(
        set().union(*(terms_in_name(p, phrases, kb) for p in parts)))
    return present, variable - present


def terms_in_name(name: str, phrases: dict[tuple[str, ...], int], kb: KnowledgeBase) -> set[int]:
    """The most specific phenotypic terms whose label or synonym appears in ``name`` (words
    only: see :func:`name_terms` for what a name says a disease lacks)."""
    words = _norm(name.split(";")[0])
    found: set[int] = set()
    for n in range(min(MAX_WORDS, len(words)), 0, -1):
        for s in range(len(words) - n + 1):
            t = phrases.get(words[s : s + n])
            if t is not None:
                found.add(t)
    # keep the most specific: drop a term that is an ancestor of another found term
    return kb.ontology.most_specific(found)
