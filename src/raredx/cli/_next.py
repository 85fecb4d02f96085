"""`raredx next`: what to examine next for one patient (expected information gain), optionally
as a conversation: answer present / absent / unknown and the differential updates.

The patient comes from a phenopacket, ``--present``/``--absent`` term ids, or a clinical note
(``--note``, through :mod:`raredx.text`). Exit status: 0 done, 1 unusable input or knowledge,
2 usage error.
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from raredx.cli import app
from raredx.cli._common import split_terms, stderr, term_locations

if TYPE_CHECKING:
    from raredx.questions import Question


class NextFormat(str, enum.Enum):
    table = "table"
    json = "json"


def render_questions(qs: list[Question], console: Console, title: str) -> None:
    t = Table(title=escape(title), title_justify="left", caption_justify="left",
              caption="gain: expected reduction of uncertainty over the leading candidates (bits)")
    t.add_column("#", justify="right")
    t.add_column("feature", ratio=2)
    t.add_column("how", ratio=1)
    t.add_column("gain", justify="right")
    t.add_column("P(present)", justify="right")
    t.add_column("if present, favours", ratio=2)
    t.add_column("if absent, favours", ratio=2)
    for k, q in enumerate(qs, 1):
        def names(cs) -> str:
            return "; ".join(f"{escape(c.label)} ({c.p_present:.0%})" for c in cs) or "-"

        t.add_row(str(k), f"{escape(q.label)} [dim]{q.term_id}[/dim]",
                  escape(q.how) + (" [yellow](test)[/yellow]" if q.needs_test else ""),
                  f"{q.information_gain:.3f}", f"{q.p_present:.0%}", names(q.if_present),
                  names(q.if_absent))
    console.print(t)


@app.command("next")
def next_questions(
    phenopacket: Path | None = typer.Argument(None, help="A phenopacket JSON file."),
    present: list[str] | None = typer.Option(None, "--present", "-p", help="Observed HPO ids."),
    absent: list[str] | None = typer.Option(None, "--absent", "-a", help="Excluded HPO ids."),
    note: Path | None = typer.Option(None, "--note", help="A clinical note (plain text)."),
    n: int = typer.Option(5, "--questions", "-n", min=1, help="How many suggestions."),
    top: int = typer.Option(5, "--top", min=1, help="Diseases shown in interactive mode."),
    interactive: bool = typer.Option(False, "--interactive", "-i",
                                     help="Ask the best question, update, repeat."),
    lpo: bool = typer.Option(False, "--leave-publication-out",
                             help="Leave the phenopacket's own publications out."),
    fmt: NextFormat = typer.Option(NextFormat.table, "--format", "-f", help="table or json."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Knowledge release directory."),
) -> None:
    """Suggest the features whose presence or absence would most change the differential."""
    from raredx.engine import EngineConfig, build_engine
    from raredx.errors import InputError, KnowledgeError

    err = stderr()
    sources = sum(x is not None and x != [] for x in (phenopacket, present or None, note))
    if sources != 1:
        err.print("[red]usage error:[/red] give one of: a phenopacket, --present ids, --note file")
        raise typer.Exit(2)
    try:
        engine = build_engine(EngineConfig(data_dir), log=lambda m: err.print(escape(m)))
    except KnowledgeError as exc:
        err.print(f"[red]error:[/red] knowledge: {escape(str(exc))}")
        raise typer.Exit(1) from None
    try:
        if phenopacket is not None:
            patient = engine.read_phenopacket(phenopacket)
        elif note is not None:
            from raredx.text import Extractor, load_text_index

            # streamed: only the term ids are kept, so a note of any size fits in memory
            with Extractor(load_text_index(engine.knowledge)).stream_file(note) as ex:
                for _ in ex:
                    pass
            patient = engine.patient(ex.present(), ex.excluded(), where=str(note))
        else:
            p_ids, a_ids = split_terms(present), split_terms(absent)
            patient = engine.patient(p_ids, a_ids, where="command line",
                                     locations=term_locations(p_ids, a_ids))
        if not patient.present:
            raise InputError("no usable observed phenotypic feature", str(
                phenopacket or note or "--present"), patient.issues)
    except InputError as exc:
        for issue in exc.issues:  # why terms were skipped
            err.print(f"[yellow]{escape(str(issue))}[/yellow]")
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    for issue in patient.issues:
        err.print(f"[yellow]{escape(str(issue))}[/yellow]")

    from raredx.questions import Answer, QuestionEngine

    qe = QuestionEngine(engine)
    console = Console(highlight=False)
    if not interactive:
        qs = qe.suggest(patient, n=n, leave_publication_out=lpo)
        if fmt is NextFormat.json:
            out = {"patient": patient.id, "present": [t.value for t in patient.present],
                   "excluded": [t.value for t in patient.excluded],
                   "questions": [q.as_dict() for q in qs],
                   "knowledge": engine.knowledge.versions.as_dict()}
            sys.stdout.write(json.dumps(out, indent=1) + "\n")
        else:
            render_questions(qs, console, f"What to examine next for {patient.id}")
        return

    from raredx.cli._render import render_diagnosis

    asked: set[str] = set()
    replies = {"p": Answer.PRESENT, "a": Answer.ABSENT, "u": Answer.UNKNOWN}
    for _ in range(50):
        d = engine.diagnose(patient, top=top, leave_publication_out=lpo, explain_top=0)
        render_diagnosis(d, console, explain_top=0)
        qs = qe.suggest(patient, n=n, leave_publication_out=lpo, asked=frozenset(asked))
        if not qs:
            console.print("No further feature separates the leading candidates.")
            return
        render_questions(qs, console, "Suggested next")
        q = qs[0]
        reply = typer.prompt(f"{q.label} ({q.term_id}): [p]resent, [a]bsent, [u]nknown, [q]uit",
                             default="q").strip().lower()[:1]
        if reply not in replies:
            return
        asked.add(q.term_id)
        patient = qe.answer(patient, q.term_id, replies[reply])
