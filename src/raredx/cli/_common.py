"""Plumbing shared by the commands: the message console, usage errors and failures, term ids
from options, the output file, progress bars and the failure summary of a batch."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def stderr() -> Console:
    """The console for messages (warnings, errors, progress): standard error, text as given."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def usage_error(message: str) -> typer.Exit:
    """Print a usage error and return the exit (status 2) to raise."""
    stderr().print(f"[red]usage error:[/red] {escape(message)}")
    return typer.Exit(2)


def fail(message: str) -> typer.Exit:
    """Print an error and return the exit (status 1) to raise."""
    stderr().print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(1)


def split_terms(values: list[str] | None) -> list[str]:
    """Term ids from repeatable, comma/semicolon/space-separated options (``-p A,B -p C``)."""
    out: list[str] = []
    for v in values or []:
        out.extend(x for x in re.split(r"[,;\s]+", v) if x)
    return out


def term_locations(present: list[str], absent: list[str]) -> list[str]:
    """Where each id of ``present + absent`` was given, for warnings: ``--present item 2``."""
    return ([f"--present item {k + 1}" for k in range(len(present))]
            + [f"--absent item {k + 1}" for k in range(len(absent))])


@contextlib.contextmanager
def open_output(output: Path | None) -> Iterator[IO[str]]:
    """``--output``: the file (UTF-8, ``\\n`` line ends, closed at the end), else stdout; a
    file that cannot be written is a usage error."""
    if output is None:
        yield sys.stdout
        return
    try:
        f = open(output, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    except OSError as exc:
        raise usage_error(f"--output {output}: {exc.strerror or exc}") from None
    with f:
        yield f


def progress_bar(label: str, console: Console, elapsed: bool = False,
                 disable: bool = False) -> Progress:
    """A progress bar on ``console``: label, bar, n of m, (elapsed,) time remaining."""
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn()]
    if elapsed:
        columns.append(TimeElapsedColumn())
    return Progress(*columns, TimeRemainingColumn(), console=console, transient=False,
                    disable=disable)


def failure_reason(exc: Exception) -> str:
    """What a failed case is counted under in a batch summary."""
    from raredx.errors import InputError

    if isinstance(exc, InputError):
        return getattr(exc, "reason", None) or str(exc).split(": ", 1)[-1].split(":")[0]
    return f"internal error ({type(exc).__name__})"


def failure_message(exc: Exception, source: str) -> str:
    """The message of a failed case, without the case's own name in front (it is printed
    beside it); an error about another file (a VCF the case names) keeps that file's name."""
    from raredx.errors import InputError

    if isinstance(exc, InputError) and exc.where == source and str(exc).startswith(
            f"{exc.where}: "):
        return str(exc)[len(exc.where) + 2:]
    return str(exc) or type(exc).__name__


def print_batch_summary(err: Console, ok: int, failures: dict[str, list[str]],
                        note: str = "") -> int:
    """"N case(s): ranked, failed" and a line per failure reason with examples; returns the
    exit status (1 if any case failed)."""
    n_failed = sum(len(v) for v in failures.values())
    style = "green" if not n_failed else "red"
    err.print(f"[{style}]{ok + n_failed} case(s): {ok} ranked, {n_failed} failed[/{style}]"
              + note, highlight=False)
    for reason, wheres in sorted(failures.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        examples = ", ".join(wheres[:3]) + (", …" if len(wheres) > 3 else "")
        err.print(f"  {len(wheres)} × {escape(reason)}: {escape(examples)}", highlight=False)
    return 1 if n_failed else 0
