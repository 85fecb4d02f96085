"""Turning the user's term ids into validated ontology terms, reporting every one skipped."""

from __future__ import annotations

import re

from raredx.knowledge import INHERITANCE_ROOT, ONSET_ROOT, PHENOTYPIC_ABNORMALITY, Ontology
from raredx.model import InputIssue, IssueLevel, TermId, parse_term_id

_CANONICAL = re.compile(r"^HP:\d{7}$")
_SHORT = re.compile(r"^(?:hp[:_])?\d{1,6}$", re.IGNORECASE)


def _label_hint(ontology: Ontology, text: str) -> str:
    """For something given where an id is expected: the term it is the exact label of, if any."""
    key = text.strip().casefold()
    if not key or any(c.isdigit() for c in key):
        return ""
    for i, term in enumerate(ontology.terms):
        if term.label.casefold() == key:
            return f"; did you mean {ontology.ids[i]} ({term.label})?"
    return "; term labels are not accepted, give the term's HPO id"


def resolve_terms(
    ontology: Ontology,
    raw: list[tuple[str, bool]],
    where: str,
    locations: list[str] | None = None,
) -> tuple[tuple[TermId, ...], tuple[TermId, ...], list[InputIssue]]:
    """Validate ``(id, excluded)`` pairs. Returns present terms, excluded terms and the issues.

    Alternative and obsolete ids are mapped to the current term with a warning; malformed ids,
    unknown ids and terms outside *Phenotypic abnormality* are skipped with a warning naming
    them. A term both present and excluded is kept as present and reported; so is an excluded
    term that is an ancestor of a present one (the patient cannot lack it). A present term that
    is an ancestor of another present term is dropped with a warning (one finding, counted once).
    ``locations`` (parallel to ``raw``) says where each id was given, e.g.
    ``phenotypicFeatures[3]``. An id with fewer than seven digits (``HP:12``) is read as
    ``HP:0000012`` with a warning, since a truncated id often names another term; an id given
    twice is counted once, with a warning.
    """
    issues: list[InputIssue] = []
    present: dict[str, None] = {}
    excluded: dict[str, None] = {}
    root = ontology.index(PHENOTYPIC_ABNORMALITY)
    onset_root = ontology.get_index(ONSET_ROOT)
    inheritance_root = ontology.get_index(INHERITANCE_ROOT)

    repeats: dict[tuple[str, bool], tuple[int, int]] = {}  # (term, excluded) -> (k, times)

    def warn(k: int, message: str) -> None:
        loc = f"{where}: {locations[k]}" if locations else where
        issues.append(InputIssue(IssueLevel.WARNING, loc, message))

    for k, (text, is_excluded) in enumerate(raw):
        try:
            tid = parse_term_id(text).value
        except ValueError:
            warn(k, f"skipped {text!r}: not an HPO term id (expected HP:NNNNNNN)"
                 + _label_hint(ontology, text))
            continue
        tid_note = ""
        padded = not _CANONICAL.match(text.strip()) and bool(_SHORT.match(text.strip()))
        if padded:
            tid_note = f"{text.strip()!r} has fewer than 7 digits; read as {tid}"
        cur, how = ontology.resolve(tid)
        if cur is None:
            why = ("is obsolete with no replacement" if how.startswith("obsolete")
                   else f"is not a term of HPO {ontology.version}")
            warn(k, (f"skipped {tid_note}, which" if padded else f"skipped {tid}: it")
                 + f" {why}")
            continue
        if padded:
            warn(k, f"{tid_note} ({ontology.label(cur)}); check that this is the term meant")
        if how != "current":
            kind = "an obsolete" if how == "obsolete" else "an alternative"
            warn(k, f"{tid} is {kind} id; used {cur} ({ontology.label(cur)}) instead")
        i = ontology.index(cur)
        if i == root:
            warn(k, f"skipped {cur} ({ontology.label(cur)}): the root of the phenotypic "
                 "abnormality branch says nothing about the patient")
            continue
        if not ontology.is_descendant_of(i, root):
            if onset_root is not None and ontology.is_descendant_of(i, onset_root):
                kind = "an onset term (give it as the feature's `onset`)"
            elif inheritance_root is not None and ontology.is_descendant_of(i, inheritance_root):
                kind = "a mode of inheritance"
            else:
                kind = "outside the Phenotypic abnormality branch (HP:0000118)"
            warn(k, f"skipped {cur} ({ontology.label(cur)}): {kind}, so it cannot be matched "
                 "against disease features")
            continue
        seen = excluded if is_excluded else present
        if cur in seen:  # said once per term, at its first repeat, with the count
            first, n = repeats.get((cur, is_excluded), (k, 1))
            repeats[(cur, is_excluded)] = (first, n + 1)
        seen[cur] = None
    for (t, is_excluded), (k, n) in repeats.items():
        warn(k, f"{t} ({ontology.label(t)}) is given {n} times"
             + (" as excluded" if is_excluded else "") + "; counted once")
    for t in [t for t in excluded if t in present]:
        del excluded[t]
        issues.append(InputIssue(
            IssueLevel.WARNING, where,
            f"{t} ({ontology.label(t)}) is given both present and excluded; kept as present",
        ))
    if excluded and present:
        above: set[int] = set()
        for p in present:
            above.update(ontology.ancestors(ontology.index(p)).tolist())
        for t in [t for t in excluded if ontology.index(t) in above]:
            del excluded[t]
            issues.append(InputIssue(
                IssueLevel.WARNING, where,
                f"excluded {t} ({ontology.label(t)}) is implied by a present, more specific "
                "term; the exclusion was ignored",
            ))
    if len(present) > 1:
        # a present term implied by a more specific present one says nothing more: counting both
        # would count one finding twice
        below: dict[int, str] = {}
        for p in present:
            for a in ontology.ancestors(ontology.index(p)).tolist():
                if ontology.ids[a] != p:
                    below.setdefault(a, p)
        for t in [t for t in present if ontology.index(t) in below]:
            del present[t]
            finer = below[ontology.index(t)]
            issues.append(InputIssue(
                IssueLevel.WARNING, where,
                f"{t} ({ontology.label(t)}) is implied by the more specific present term "
                f"{finer} ({ontology.label(finer)}); counted once, as {finer}",
            ))
    return (
        tuple(TermId(t) for t in present),
        tuple(TermId(t) for t in excluded),
        issues,
    )
