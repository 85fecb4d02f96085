"""The command-line interface (typer + rich). Adapters only: they call :mod:`raredx.engine`.

Each command lives in its own private module that registers itself on ``app``; the list of
command modules is :data:`_COMMANDS` (add one line per new command module).
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="raredx",
    help="Rare-disease differential diagnosis from phenotypes (HPO), with honest benchmarks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root() -> None:
    """raredx: rank rare diseases for a patient's phenotype."""


_COMMANDS = [
    "raredx.cli._diagnose",
    "raredx.cli._benchmark",
    "raredx.cli._treat",
    "raredx.cli._serve",
    "raredx.cli._data",
    "raredx.cli._extract",
    "raredx.cli._vcf",
    "raredx.cli._next",
]

for _m in _COMMANDS:
    importlib.import_module(_m)


def main() -> None:
    app()
