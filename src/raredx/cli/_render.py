"""Rich rendering of a differential for the terminal (text comes from :mod:`raredx.io` writers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from raredx.io import describe_course, describe_evidence

if TYPE_CHECKING:
    from raredx.knowledge import KnowledgeVersions
    from raredx.ranking import Candidate, Diagnosis

_EXPLAINED = {"exact", "patient-more-general", "patient-more-specific", "related"}
_MARK = {
    "exact": ("+", "green"),
    "patient-more-general": ("+", "green"),
    "patient-more-specific": ("+", "green"),
    "related": ("~", "yellow"),
    "unexplained": ("?", "red"),
    "negated": ("!", "red"),
    "contradicted": ("-", "red"),
    "consistent-absence": ("·", "dim"),
}


def knowledge_line(k: KnowledgeVersions) -> str:
    parts = [f"HPO {k.hpo or '?'}", f"annotations {k.annotations or '?'}"]
    if k.orphanet:
        parts.append(f"Orphanet {k.orphanet}")
    return "knowledge: " + ", ".join(parts)


def _fmt_p(p: float) -> str:
    if p >= 0.001:
        return f"{p:.3f}"
    return f"{p:.1e}"


def explanation(c: Candidate, show_consistent: bool = False,
                label: Callable[[str], str] | None = None) -> Table:
    """The evidence of one candidate: matched, unexplained, contradicting absent features,
    course; one line each with its weight (log10 likelihood ratio)."""
    t = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    t.add_column(width=1)
    t.add_column(ratio=1, overflow="fold")
    t.add_column(justify="right", no_wrap=True)
    order = {k: i for i, k in enumerate(_MARK)}
    for ev in sorted(c.evidence, key=lambda e: (order.get(e.kind.value, 99), -e.log10_lr)):
        kind = ev.kind.value
        if kind == "consistent-absence" and not show_consistent:
            continue
        mark, style = _MARK.get(kind, ("?", ""))
        t.add_row(Text(mark, style=style), describe_evidence(ev, label), f"{ev.log10_lr:+.2f}")
    for co in c.course:
        t.add_row(Text("*", style="cyan"), describe_course(co), f"{co.log10_lr:+.2f}")
    quiet = sum(1 for e in c.evidence if e.kind.value == "consistent-absence")
    if quiet and not show_consistent:
        t.add_row(Text("·", style="dim"), Text(
            f"{quiet} absent feature(s) consistent with the disease", style="dim"), "")
    return t


def render_diagnosis(d: Diagnosis, console: Console, explain_top: int = 3,
                     title: str | None = None,
                     term_label: Callable[[str], str] | None = None) -> None:
    head = escape(title or f"Differential diagnosis for {d.patient_id}")
    proto = "" if d.protocol.value == "as-is" else (
        f"; leave-publication-out, {d.left_out_annotations} annotation(s) left out")
    table = Table(
        title=head,
        caption=(f"{len(d.present)} present, {len(d.excluded)} excluded term(s); "
                 f"{d.n_candidates} candidates{proto}; {knowledge_line(d.knowledge)}"),
        title_justify="left", caption_justify="left",
    )
    table.add_column("rank", justify="right")
    table.add_column("id", no_wrap=True)
    table.add_column("label", ratio=1)
    table.add_column("probability", justify="right")
    table.add_column("score", justify="right")
    for c in d.candidates:
        label = escape(c.label)
        if c.equivalent_ids:
            label += f"  [dim]({', '.join(c.equivalent_ids[:3])})[/dim]"
        table.add_row(str(c.rank), c.disease_id, label, _fmt_p(c.probability), f"{c.score:.2f}")
    console.print(table)
    parts: list[Text | Table] = []
    for c in d.candidates[:explain_top]:
        if not c.evidence and not c.course:
            continue
        parts.append(Text.from_markup(
            f"[bold]{c.rank}. {c.disease_id}[/bold] {escape(c.label)}  "
            f"(probability {_fmt_p(c.probability)}, score {c.score:.2f})"))
        parts.append(explanation(c, label=term_label))
    if parts:
        console.print(Group(*parts))
    console.print()
