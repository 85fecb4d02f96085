"""Gene→disease links inferred from what the knowledge release says about a disease.

HPO's gene file (2025-01-16, brought to 2025-11-24 with hpo3) does not know the diseases described
since; the 2026 release annotates them. Many of their names carry the gene's symbol: Orphanet's
"NIT1-related cerebral small vessel disease", the synonym "PPP2R5C-related neurodevelopmental
disorder" of "Houge-Janssens syndrome type 4", "KAT6A syndrome", "... due to GENE deficiency".
A disease's name is knowledge of the release, not of any case report.

For a disease the gene file does not link (neither the disease nor any Orphanet/OMIM exact
equivalent), every HGNC approved symbol that appears as a whole token (case-sensitive) in one of
its names is linked, when the symbol is not a word of the name's language:

- the symbol contains a digit (``NIT1``, ``PPP2R5C``, ``COL4A1``); or
- it is followed by a context that names a gene: ``-related``, ``-associated``, ``-linked``,
  ``-mediated``, ``-deficient``, ``-positive``, `` deficiency``, `` syndrome``, `` gene``,
  `` mutation``, `` variant``, `` disorder``, `` disease`` (``ADA deficiency``).

Names written wholly in capitals (some OMIM titles) are skipped: every word would look like a
symbol. Names are the disease's label in the annotations, the labels of its Orphanet exact
equivalents and, when the knowledge base has them, their Orphanet synonyms (``orphanet_synonyms``).
With ``definitions`` on, Orphanet definitions are read too, but only for a symbol followed by
`` gene`` ("caused by mutations in the NIT1 gene").

``links(kb, genes, ...)`` gives ``{disease id: ((gene index, source, text), ...)}`` with source
``"name"`` or ``"definition"`` and the text the symbol was found in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from raredx.knowledge import GeneKnowledge

__all__ = ["SYMBOL_CONTEXT", "gene_symbols_in", "links", "names_of"]

# what may follow a symbol for it to name a gene even without a digit ("ADA deficiency",
# "WAC-related ..."); " syndrome" is not among them: "XK syndrome", "ARC syndrome", "STAR
# syndrome" are acronyms of the features
SYMBOL_CONTEXT = re.compile(
    r"^(?:-(?:related|associated|linked|mediated|deficient|positive|negative|dependent)\b"
    r"| (?:deficiency|gene|mutation|mutations|variant|variants)\b)")
# what makes even a symbol with a digit name something else: a protein named after the gene
# ("CD40 ligand deficiency", "IL6 signal transducer"), a look-alike ("NF1-like syndrome")
NOT_GENE_AFTER = re.compile(r"^(?:-like\b| (?:ligand|receptor|signal|protein|antigen)\b)")
# a subtype letter-digit code ("Niemann-Pick disease, type C2")
NOT_GENE_BEFORE = re.compile(r"\btype $")
# chromosomal rearrangements name genes of a region, which single variants do not speak for
REARRANGEMENT = re.compile(r"contiguous|deletion|duplication|microdeletion|trisomy|monosomy",
                           re.IGNORECASE)
# in a definition, a gene said to carry the disease's mutations ("caused by mutations in the
# NIT1 gene"); sentences with a negation are skipped ("do not carry WRN gene mutations")
GENE_CONTEXT = re.compile(r"^ gene\b")
DEFINITION_CAUSE = re.compile(
    r"\b(?:mutations?|variants?|defects?|alterations?) (?:in|of) (?:the )?$")
NEGATION = re.compile(r"\b(?:not|no|without|outside)\b")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_LOWER = re.compile(r"[a-z]")
_UPPER_OR_DIGIT = re.compile(r"[A-Z0-9]")


def gene_symbols_in(text: str, symbols: Mapping[str, int], context: re.Pattern[str] | None = None,
                    digit_suffices: bool = True, before: re.Pattern[str] | None = None
                    ) -> list[int]:
    """Genes (values of ``symbols``) whose approved symbol is a whole token of ``text``: a
    token, or a run of its hyphen-separated parts (longest first: ``NKX2-5-related`` names
    NKX2-5), accepted when it contains a digit (and ``digit_suffices``) or ``context`` matches
    the text after it, and ``before`` (if given) matches the text before it; never when
    :data:`NOT_GENE_AFTER` / :data:`NOT_GENE_BEFORE` match. A text without a lower-case letter
    gives nothing (every word of an all-capitals title looks like a symbol)."""
    context = SYMBOL_CONTEXT if context is None else context
    if not _LOWER.search(text):
        return []
    out: list[int] = []
    for m in _TOKEN.finditer(text):
        token = m.group()
        if not _UPPER_OR_DIGIT.search(token):
            continue  # every approved symbol has a capital or a digit: a fast path
        if "-" not in token and token not in symbols:
            continue
        parts = token.split("-")
        starts = [m.start()]
        for p in parts[:-1]:
            starts.append(starts[-1] + len(p) + 1)
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                sym = "-".join(parts[i:j])
                g = symbols.get(sym)
                if g is None:
                    continue
                end = starts[i] + len(sym)
                after, head = text[end:], text[:starts[i]]
                named = ((digit_suffices and any(c.isdigit() for c in sym))
                         or context.match(after) is not None)
                if (named and not NOT_GENE_AFTER.match(after) and not NOT_GENE_BEFORE.search(head)
                        and (before is None or before.search(head)) and g not in out):
                    out.append(g)
                i = j - 1
                break
            i += 1
    return out


def _sentences(text: str) -> list[str]:
    return [x for x in re.split(r"(?<=[.;])\s+", text) if x]


def names_of(kb: Any, disease: str) -> list[str]:
    """The disease's names in the release: its label, and the labels (and synonyms, when the
    knowledge base has them) of it and its Orphanet/OMIM exact equivalents."""
    synonyms = getattr(kb, "orphanet_synonyms", None) or {}
    out = [kb.disease_label(disease)]
    for o in (disease, *kb.equivalents.get(disease, ())):
        out.append(kb.orphanet_labels.get(o, ""))
        out.extend(synonyms.get(o, ()))
    return [n for n in dict.fromkeys(out) if n]


def _definitions_of(kb: Any, disease: str) -> list[str]:
    defs = getattr(kb, "orphanet_definitions", None) or {}
    return [defs[o] for o in (disease, *kb.equivalents.get(disease, ())) if o in defs]


def approved_symbols(genes: GeneKnowledge) -> dict[str, int]:
    """HGNC approved symbols (genes with an HGNC id) -> gene index."""
    return {g.symbol: i for i, g in enumerate(genes.genes) if g.hgnc_id}


# version of the rules below: part of the key of the inferred links cached per release
NAME_RULES = "v1"


def links(kb: Any, genes: GeneKnowledge, definitions: bool = False,
          diseases: Iterable[str] | None = None, only_unlinked: bool = True
          ) -> dict[str, tuple[tuple[int, str, str], ...]]:
    """Inferred links of the diseases (default: every disease of the release) that the gene
    file does not link, directly or through an exact equivalent (``only_unlinked``)."""
    symbols = approved_symbols(genes)
    linked = genes.disease_genes
    out: dict[str, tuple[tuple[int, str, str], ...]] = {}
    for d in (diseases if diseases is not None else (x.id for x in kb.diseases)):
        if only_unlinked and (d in linked or any(e in linked for e in kb.equivalents.get(d, ()))):
            continue
        found: dict[int, tuple[int, str, str]] = {}
        for name in names_of(kb, d):
            if REARRANGEMENT.search(name):
                continue
            for g in gene_symbols_in(name, symbols):
                found.setdefault(g, (g, "name", name))
        if definitions:
            for text in _definitions_of(kb, d):
                for sentence in _sentences(text):
                    if NEGATION.search(sentence) or REARRANGEMENT.search(sentence):
                        continue
                    for g in gene_symbols_in(sentence, symbols, GENE_CONTEXT, False,
                                             DEFINITION_CAUSE):
                        found.setdefault(g, (g, "definition", sentence))
        if found:
            out[d] = tuple(found.values())
    return out
