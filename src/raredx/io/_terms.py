"""Turning the user's term ids into validated ontology terms, reporting every one skipped."""

from __future__ import annotations

from raredx.knowledge import ONSET_ROOT, PHENOTYPIC_ABNORMALITY, Ontology
from raredx.model import InputIssue, IssueLevel, TermId, parse_term_id


def resolve_terms(
    ontology: Ontology, raw: list[tuple[str, bool]], where: str
) -> tuple[tuple[TermId, ...], tuple[TermId, ...], list[InputIssue]]:
    """Validate ``(id, excluded)`` pairs. Returns present terms, excluded terms and the issues.

    Alternative and obsolete ids are mapped to the current term with a warning; unknown ids and
    terms outside *Phenotypic abnormality* are skipped with a warning naming them. A term both
    present and excluded is kept as present and reported.
    """
    issues: list[InputIssue] = []
    present: dict[str, None] = {}
    excluded: dict[str, None] = {}
    root = ontology.index(PHENOTYPIC_ABNORMALITY)
    onset_root = ontology.get_index(ONSET_ROOT)
    for text, is_excluded in raw:
        try:
            tid = parse_term_id(text).value
        except ValueError as exc:
            issues.append(InputIssue(IssueLevel.WARNING, where, f"skipped {exc}"))
            continue
        cur, how = ontology.resolve(tid)
        if cur is None:
            why = "is obsolete with no replacement" if how.startswith("obsolete") else (
                f"is not in HPO {ontology.version}"
            )
            issues.append(InputIssue(IssueLevel.WARNING, where, f"skipped {tid}: it {why}"))
            continue
        if how != "current":
            issues.append(InputIssue(
                IssueLevel.WARNING, where,
                f"{tid} is an {'obsolete' if how == 'obsolete' else 'alternative'} id; "
                f"used {cur} ({ontology.label(cur)}) instead",
            ))
        i = ontology.index(cur)
        if not ontology.is_descendant_of(i, root) or i == root:
            kind = "an onset term" if onset_root is not None and ontology.is_descendant_of(
                i, onset_root) else "not a phenotypic abnormality"
            issues.append(InputIssue(
                IssueLevel.WARNING, where,
                f"skipped {cur} ({ontology.label(cur)}): {kind}, so it cannot be matched "
                "against disease features",
            ))
            continue
        (excluded if is_excluded else present)[cur] = None
    both = [t for t in excluded if t in present]
    for t in both:
        del excluded[t]
        issues.append(InputIssue(
            IssueLevel.WARNING, where,
            f"{t} ({ontology.label(t)}) is given both present and excluded; kept as present",
        ))
    return (
        tuple(TermId(t) for t in present),
        tuple(TermId(t) for t in excluded),
        issues,
    )
