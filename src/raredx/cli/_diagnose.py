"""`raredx diagnose` — placeholder wiring; the full command is being built (issue 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from raredx.cli import app


@app.command()
def diagnose(
    phenopacket: Optional[Path] = typer.Argument(None, help="A phenopacket JSON file."),
    present: Optional[str] = typer.Option(None, "--present", help="Comma-separated HPO ids."),
    absent: Optional[str] = typer.Option(None, "--absent", help="Comma-separated HPO ids."),
    top: int = typer.Option(10, "--top"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir"),
) -> None:
    """Rank every annotated disease for one patient."""
    from raredx.engine import EngineConfig, build_engine

    engine = build_engine(EngineConfig(data_dir))
    if phenopacket is not None:
        patient = engine.read_phenopacket(phenopacket)
    else:
        patient = engine.patient((present or "").split(","), [a for a in (absent or "").split(",") if a])
    d = engine.diagnose(patient, top=top)
    for c in d.candidates:
        typer.echo(f"{c.rank}\t{c.disease_id}\t{c.label}\t{c.score:.2f}\t{c.probability:.3f}")
