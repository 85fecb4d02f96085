"""Phenotype terms stated in Orphanet's textual definitions of diseases.

Orphanet writes a short definition for most of its entries ("A rare primary bone dysplasia
characterized by ... macrocephaly and dysmorphic facial features (such as frontal bossing,
hypertelorism ...)"). A definition is expert knowledge that cites no case report, so it still
describes a disease when the annotations made from a case's own publications are left out, and it
reaches OMIM diseases whose exactly mapped Orphanet entry carries no HPO annotation at all. The
terms are read with the clinical-text extractor (negated, uncertain and nested mentions are
skipped; a family-history scope does not apply), keeping the most specific terms of each
definition and marking those stated only as features of some patients ("may also present with").
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources

from raredx.knowledge import PHENOTYPIC_ABNORMALITY, KnowledgeBase


def extractor_version() -> str:
    """A digest of the text extractor's code and word lists, and of this module: the definition
    terms (and so the phenotype index built from them) are recomputed whenever either changes."""
    h = hashlib.sha256()
    h.update(resources.files("raredx.scoring").joinpath("_definitions.py").read_bytes())
    pkg = resources.files("raredx.text")
    for name in sorted(p.name for p in pkg.iterdir() if p.name.endswith(".py")):
        h.update(name.encode())
        h.update(pkg.joinpath(name).read_bytes())
    h.update(resources.files("raredx").joinpath("data/text_abbreviations.json").read_bytes())
    return h.hexdigest()[:12]


# words that make the rest of a definition's sentence a feature of some patients only ("may also
# present with", "occasionally", "in some cases"; not "A rare disorder characterized by ...")
_HEDGE = re.compile(
    r"\b(may|might|can|could|sometimes|occasional(?:ly)?|variabl[ey]|rarely|some|"
    r"less (?:frequently|commonly|often)|minority|few|inconstant(?:ly)?|possibly)\b",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;:]\s")


def definition_terms(kb: KnowledgeBase) -> dict[str, tuple[tuple[int, bool], ...]]:
    """ORPHA id -> the most specific phenotypic terms its definition states as present, each
    with whether it is *hedged* (every mention follows, in its sentence, a word such as "may",
    "occasionally", "some", "also": a feature of some patients only); sorted by term index.
    Entries whose definition names no phenotypic term are left out."""
    from raredx.text import Extractor, load_text_index

    onto = kb.ontology
    root = onto.index(PHENOTYPIC_ABNORMALITY)
    extractor = Extractor(load_text_index(kb))
    out: dict[str, tuple[tuple[int, bool], ...]] = {}
    for oid, text in sorted(kb.orphanet_definitions.items()):
        found: dict[int, bool] = {}  # term -> hedged in every mention
        for m in extractor.extract(text, where=oid).mentions:
            # a definition describes no relative: "familial" in a disease's name does not make
            # the features after it a family history
            if m.excluded or m.uncertain or m.nested:
                continue
            t = onto.get_index(m.id)
            if t is None or t == root or not onto.is_descendant_of(t, root):
                continue
            starts = [x.end() for x in _SENTENCE_END.finditer(text, 0, m.start)]
            hedged = bool(_HEDGE.search(text, starts[-1] if starts else 0, m.start))
            found[t] = found.get(t, True) and hedged
        keep = sorted(onto.most_specific(found))
        if keep:
            out[oid] = tuple((t, found[t]) for t in keep)
    return out
