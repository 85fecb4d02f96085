"""Phenotype terms stated in Orphanet's textual definitions of diseases.

Orphanet writes a short definition for most of its entries ("A rare primary bone dysplasia
characterized by ... macrocephaly and dysmorphic facial features (such as frontal bossing,
hypertelorism ...)"). A definition is expert knowledge that cites no case report, so it still
describes a disease when the annotations made from a case's own publications are left out, and it
reaches OMIM diseases whose exactly mapped Orphanet entry carries no HPO annotation at all. The
terms are read with the clinical-text extractor (negated, uncertain and nested mentions are
skipped; a family-history scope does not apply), keeping the most specific terms of each
definition.
"""

from __future__ import annotations

import hashlib
from importlib import resources

from raredx.knowledge import PHENOTYPIC_ABNORMALITY, KnowledgeBase


def extractor_version() -> str:
    """A digest of the text extractor's code and word lists: the definition terms (and so the
    phenotype index built from them) are recomputed whenever the extractor changes."""
    h = hashlib.sha256()
    pkg = resources.files("raredx.text")
    for name in sorted(p.name for p in pkg.iterdir() if p.name.endswith(".py")):
        h.update(name.encode())
        h.update(pkg.joinpath(name).read_bytes())
    h.update(resources.files("raredx").joinpath("data/text_abbreviations.json").read_bytes())
    return h.hexdigest()[:12]


def definition_terms(kb: KnowledgeBase) -> dict[str, tuple[int, ...]]:
    """ORPHA id -> the most specific phenotypic terms its definition states as present (term
    indices, sorted). Entries whose definition names no phenotypic term are left out."""
    from raredx.text import Extractor, load_text_index

    onto = kb.ontology
    root = onto.index(PHENOTYPIC_ABNORMALITY)
    extractor = Extractor(load_text_index(kb))
    out: dict[str, tuple[int, ...]] = {}
    for oid, text in sorted(kb.orphanet_definitions.items()):
        found: set[int] = set()
        for m in extractor.extract(text, where=oid).mentions:
            # a definition describes no relative: "familial" in a disease's name does not make
            # the features after it a family history
            if m.excluded or m.uncertain or m.nested:
                continue
            t = onto.get_index(m.id)
            if t is not None and t != root and onto.is_descendant_of(t, root):
                found.add(t)
        keep = {t for t in found if not any(o != t and onto.is_descendant_of(o, t) for o in found)}
        if keep:
            out[oid] = tuple(sorted(keep))
    return out
