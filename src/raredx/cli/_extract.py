"""`raredx extract` (clinical text -> HPO terms with offsets) and `raredx diagnose-note`
(text -> terms -> differential, showing which words became which terms).

Exit status: 0 done, 1 the note or the knowledge could not be used, 2 usage error. Data goes to
stdout, messages to stderr. ``-`` reads the note from standard input.
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
from raredx.cli._common import open_output, stderr

if TYPE_CHECKING:
    from raredx.text import Extraction, Extractor, MentionStream


class TextFormat(str, enum.Enum):
    table = "table"
    json = "json"


def _status(m) -> str:
    if m.nested:
        return "nested"
    if m.family:
        return "family" + (", absent" if m.excluded else "")
    if m.uncertain:
        return "uncertain"
    return "absent" if m.excluded else "present"


def render_mentions(ex: Extraction, console: Console, title: str) -> None:
    console.print(_mention_table(
        ex.mentions, title, f"{len(ex.mentions)} mention(s): {len(ex.present())} term(s) "
        f"present, {len(ex.excluded())} absent; HPO {ex.hpo_version}"))


def _mention_table(mentions, title: str, caption: str | None = None) -> Table:  # type: ignore[no-untyped-def]
    table = Table(title=escape(title), title_justify="left", caption_justify="left",
                  caption=caption)
    table.add_column("offsets", no_wrap=True)
    table.add_column("text", ratio=1)
    table.add_column("id", no_wrap=True)
    table.add_column("label", ratio=1)
    table.add_column("status", no_wrap=True)
    for m in mentions:
        st = _status(m)
        style = "" if st == "present" else "dim" if st != "absent" else "yellow"
        table.add_row(f"{m.start}-{m.end}", escape(m.text), m.id, escape(m.label),
                      f"[{style}]{st}[/{style}]" if style else st)
    return table


def _load_extractor(data_dir: Path | None, err: Console):
    from raredx.errors import KnowledgeError
    from raredx.io import load_knowledge
    from raredx.text import Extractor, load_text_index

    try:
        kb = load_knowledge(data_dir, log=lambda m: err.print(escape(m)))
    except KnowledgeError as exc:
        err.print(f"[red]error:[/red] knowledge: {escape(str(exc))}")
        raise typer.Exit(1) from None
    return Extractor(load_text_index(kb))


@app.command()
def extract(
    note: Path = typer.Argument(..., help="A plain-text (UTF-8) clinical note; - for stdin."),
    fmt: TextFormat = typer.Option(TextFormat.table, "--format", "-f", help="table or json."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Knowledge release directory."),
) -> None:
    """Find HPO terms in English clinical text, with offsets and present/absent status.

    JSON: {"terms": [{"id", "label", "start", "end", "text", "excluded", "uncertain",
    "family"}, ...]}; offsets are 0-based characters, end exclusive. A term is the patient's
    and present only when it is neither excluded, uncertain nor a relative's.
    """
    from raredx.errors import InputError

    err = stderr()
    extractor = _load_extractor(data_dir, err)
    try:  # a note of any size: each mention is written out as it is found
        with _stream(extractor, note) as stream:
            if fmt is TextFormat.json:
                _write_json_stream(stream, sys.stdout)
                sys.stdout.write("\n")
            else:
                _render_stream(stream, Console(highlight=False), f"HPO terms in {note}")
    except InputError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    for issue in stream.issues:
        err.print(f"[yellow]{escape(str(issue))}[/yellow]")


def _stream(extractor: Extractor, note: Path) -> MentionStream:
    if str(note) == "-":
        import io

        f = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="strict",
                             newline="")
        return extractor.stream(f, "<stdin>")
    return extractor.stream_file(note)


def _write_json_stream(stream: MentionStream, out, level: int = 0) -> None:  # type: ignore[no-untyped-def]
    """The document of ``Extraction.as_dict()`` as ``json.dumps(..., indent=1)`` would write
    it at nesting depth ``level`` (the same bytes, no final newline), one mention at a time so
    that a note of any size fits in memory."""
    pad = " " * level
    out.write("{\n" + pad + ' "terms": [')
    for m in stream:
        item = json.dumps(m.as_dict(), ensure_ascii=False, indent=1)
        out.write(("," if stream.mentions > 1 else "") + "\n" + pad + "  "
                  + item.replace("\n", "\n" + pad + "  "))
    out.write("\n" + pad + " ]," if stream.mentions else "],")
    tail = {"hpo_version": stream.hpo_version, "words": stream.words,
            "issues": [{"level": i.level.value, "where": i.where, "message": i.message}
                       for i in stream.issues]}
    out.write(json.dumps(tail, ensure_ascii=False, indent=1)[1:].replace("\n", "\n" + pad))


TABLE_PAGE = 2000  # mentions per table when a long note's mentions are shown page by page


def _render_stream(stream: MentionStream, console: Console, title: str) -> None:
    """``render_mentions`` for a stream: one table as before for up to TABLE_PAGE mentions,
    else a table per TABLE_PAGE mentions and the totals at the end (bounded memory)."""
    from raredx.text import Extraction

    page: list = []
    pages = 0
    for m in stream:
        page.append(m)
        if len(page) == TABLE_PAGE:
            pages += 1
            n = stream.mentions
            console.print(_mention_table(page, f"{title} (mentions {n - len(page) + 1}-{n})"))
            page = []
    if not pages:
        render_mentions(Extraction(tuple(page), stream.hpo_version, stream.words,
                                   stream.characters, stream.issues), console, title)
        return
    n = stream.mentions
    if page:
        console.print(_mention_table(page, f"{title} (mentions {n - len(page) + 1}-{n})"))
    console.print(f"{n} mention(s): {len(stream.present())} term(s) present, "
                  f"{len(stream.excluded())} absent; HPO {stream.hpo_version}",
                  highlight=False, markup=False)


@app.command("diagnose-note")
def diagnose_note(
    note: Path = typer.Argument(..., help="A plain-text (UTF-8) clinical note; - for stdin."),
    top: int = typer.Option(10, "--top", "-n", min=1, help="How many diseases to show."),
    fmt: TextFormat = typer.Option(TextFormat.table, "--format", "-f", help="table or json."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Knowledge release directory."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the results here "
                                          "instead of stdout.", show_default=False),
) -> None:
    """Rank diseases straight from a clinical note: the terms found present in the patient are
    its features, those found absent its excluded features (uncertain and family mentions are
    shown, not used)."""
    from raredx.engine import EngineConfig, build_engine
    from raredx.errors import KnowledgeError
    from raredx.text import Extractor, load_text_index

    err = stderr()
    try:
        engine = build_engine(EngineConfig(data_dir), log=lambda m: err.print(escape(m)))
    except KnowledgeError as exc:
        err.print(f"[red]error:[/red] knowledge: {escape(str(exc))}")
        raise typer.Exit(1) from None
    extractor = Extractor(load_text_index(engine.knowledge), normal_findings=True)
    with open_output(output) as out:
        _diagnose_note(engine, extractor, note, top, fmt, out, err)
    if output:
        err.print(f"wrote {escape(str(output))}")


def _diagnose_note(engine, extractor, note: Path, top: int, fmt: TextFormat, out,  # type: ignore[no-untyped-def]
                   err: Console) -> None:
    from raredx.errors import InputError

    console = Console(file=out, highlight=False)
    try:  # the mentions are written out as they are found; only the term ids are kept
        with _stream(extractor, note) as stream:
            if fmt is TextFormat.json:
                out.write('{\n "extraction": ')
                _write_json_stream(stream, out, level=1)
            else:
                _render_stream(stream, console, f"Words that became terms in {note}")
    except InputError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    for issue in stream.issues:
        err.print(f"[yellow]{escape(str(issue))}[/yellow]")
    if not stream.present():
        err.print(f"[red]error:[/red] {escape(str(note))}: no phenotypic abnormality is asserted "
                  "present in the patient, so there is nothing to rank on")
        if fmt is TextFormat.json:
            out.write(',\n "diagnosis": null\n}\n')
        raise typer.Exit(1)
    patient = engine.patient(stream.present(), stream.excluded(),
                             patient_id=note.stem or "note", where=str(note))
    d = engine.diagnose(patient, top=top)
    if fmt is TextFormat.json:
        from raredx.io._writers import diagnosis_to_dict

        doc = json.dumps(diagnosis_to_dict(d, str(note)), ensure_ascii=False, indent=1)
        out.write(',\n "diagnosis": ' + doc.replace("\n", "\n ") + "\n}\n")
        return
    from raredx.cli._render import render_diagnosis

    render_diagnosis(d, console, title=f"Differential diagnosis from {note}")
