"""`raredx benchmark PATH` — the engine and two peers on phenopackets with known diagnoses."""

from __future__ import annotations

import datetime as _dt
import enum
import fnmatch
import hashlib
import platform
import shlex
import subprocess
import time
from pathlib import Path
from typing import Any

import typer

from raredx.cli import app
from raredx.cli._common import progress_bar, usage_error


class _ProtocolChoice(str, enum.Enum):
    AS_IS = "as-is"
    LPO = "lpo"
    BOTH = "both"


def _git_commit() -> str:
    """The commit of the raredx source tree (``+dirty`` when it has uncommitted changes)."""
    import raredx

    here = Path(raredx.__file__).resolve().parent
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                             text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=here,
                               capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return sha + ("+dirty" if dirty else "")


def _model_sha256(weights: Path | None) -> str:
    """Checksum of the model weights file the engine loads (the packaged default if None)."""
    try:
        if weights is not None:
            data = Path(weights).read_bytes()
        else:
            from importlib import resources

            data = resources.files("raredx").joinpath("data/phenotype_model.json").read_bytes()
    except OSError:
        return "unknown"
    return hashlib.sha256(data).hexdigest()


def _command_line(path: Path, **opts: Any) -> str:
    """The command line that reproduces this run (options spelled out, defaults included)."""
    parts = ["raredx", "benchmark", shlex.quote(str(path))]
    for name, value in opts.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        values = value if isinstance(value, list) else [value]
        parts += [flag if v is True else f"{flag} {shlex.quote(str(v))}" for v in values]
    return " ".join(parts)


def _benchmark_vcf(path: Path, background: Path, chain: Path | None, genes_dir: Path | None,
                   data_dir: Path | None, output_dir: Path | None, sample: int | None, seed: int,
                   unused: dict[str, bool], structural: bool = False) -> None:
    """`raredx benchmark --vcf BG` is `raredx benchmark-vcf --background BG` (both protocols,
    both backgrounds); options of the phenotype benchmark it has no use for are refused."""
    given = [name for name, on in unused.items() if on]
    if given:
        raise usage_error(f"{', '.join(given)}: not used with --vcf (see `raredx "
                          "benchmark-vcf --help`)")
    from raredx.cli._vcf import benchmark_vcf

    benchmark_vcf(path=path, background=background, liftover_chain=chain, sample=sample,
                  seed=seed, out_dir=output_dir or Path("benchmark-vcf"), data_dir=data_dir,
                  genes_dir=genes_dir, structural=structural)


@app.command()
def benchmark(
    path: Path = typer.Argument(
        ..., help="A directory (searched recursively) or a .zip of phenopackets with diagnoses."),
    output_dir: Path | None = typer.Option(
        None, "--output-dir", "-o",
        help="Where to write report.md, results.json, cases.tsv, failures.tsv "
             "[default: benchmark-results/<UTC timestamp>/]."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N cases."),
    sample: int | None = typer.Option(
        None, "--sample", min=1, help="A random subset of N cases (reproducible with --seed)."),
    seed: int = typer.Option(0, "--seed", help="Seed of --sample."),
    include: list[str] | None = typer.Option(
        None, "--include",
        help="Only files whose name (zip member or path relative to the directory) matches "
             "this glob, e.g. 'FBN1/*'; repeatable."),
    protocol: _ProtocolChoice = typer.Option(
        _ProtocolChoice.BOTH, "--protocol",
        help="as-is, lpo (leave-publication-out) or both.", case_sensitive=False),
    no_peers: bool = typer.Option(
        False, "--no-peers", help="Skip the Phenomizer-style and hypergeometric peers."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Knowledge release directory [default: the installed one]."),
    weights: Path | None = typer.Option(
        None, "--weights", help="Model weights file [default: the packaged one]."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    vcf: Path | None = typer.Option(
        None, "--vcf", help="Benchmark genotype-aware ranking instead: spike each case's causal "
        "variants into this background exome (as `raredx benchmark-vcf --background`).",
        show_default=False),
    liftover_chain: Path | None = typer.Option(
        None, "--liftover-chain", help="With --vcf: UCSC GRCh37→GRCh38 chain file for a GRCh37 "
        "background.", show_default=False),
    genes_dir: Path | None = typer.Option(
        None, "--genes-dir", help="With --vcf: gene knowledge directory.", show_default=False),
    structural: bool = typer.Option(
        False, "--structural", help="With --vcf: the cases whose causal deletions or "
        "duplications phenopacket-store describes by a label (exons, coordinates, whole gene), "
        "spiked as structural alleles (<DEL>/<DUP>)."),
) -> None:
    """Measure top-1/3/10, MRR, calibration, speed and memory as-is and leave-publication-out."""
    if vcf is not None:
        _benchmark_vcf(path, vcf, liftover_chain, genes_dir, data_dir, output_dir, sample, seed,
                       {"--limit": limit is not None, "--include": bool(include),
                        "--protocol": protocol is not _ProtocolChoice.BOTH,
                        "--no-peers": no_peers, "--weights": weights is not None,
                        "--quiet": quiet}, structural)
        return
    if liftover_chain is not None or genes_dir is not None or structural:
        raise usage_error("--liftover-chain, --genes-dir and --structural go with --vcf")
    from rich.console import Console

    from raredx.benchmark import Protocol, load_cases, run_benchmark, write_report
    from raredx.engine import EngineConfig, build_engine
    from raredx.errors import RaredxError

    err = Console(stderr=True, soft_wrap=True)
    started = _dt.datetime.now(_dt.UTC)
    out = output_dir or Path("benchmark-results") / started.strftime("%Y%m%dT%H%M%SZ")
    protocols = {
        _ProtocolChoice.AS_IS: [Protocol.AS_IS],
        _ProtocolChoice.LPO: [Protocol.LEAVE_PUBLICATION_OUT],
        _ProtocolChoice.BOTH: [Protocol.AS_IS, Protocol.LEAVE_PUBLICATION_OUT],
    }[protocol]
    if not path.exists():
        err.print(f"[red]error:[/red] {path}: no such directory, zip archive or file")
        raise typer.Exit(2)
    t0 = time.perf_counter()
    try:
        engine = build_engine(EngineConfig(data_dir, weights), log=lambda m: err.print(m))
    except RaredxError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    t_engine = time.perf_counter() - t0
    t0 = time.perf_counter()
    try:
        select = None
        if include:
            patterns = list(include)

            def select(name: str) -> bool:
                return any(fnmatch.fnmatchcase(name, pat) for pat in patterns)

        cases = load_cases(path, engine.knowledge.ontology, limit=limit, sample=sample, seed=seed,
                           select=select)
    except (FileNotFoundError, OSError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    t_load = time.perf_counter() - t0
    err.print(f"{len(cases.cases)} cases read from {path} ({cases.selection}, {cases.n_files} "
              f"phenopacket files), {len(cases.failures)} failed, in {t_load:.1f} s")
    if not cases.cases:
        err.print("[red]error:[/red] no usable case to benchmark")
        for f in cases.failures[:10]:
            err.print(f"  {f.source}: {f.message}")
        raise typer.Exit(2)

    with progress_bar("{task.description}", err, elapsed=True, disable=quiet) as bar:
        tasks = {p: bar.add_task(f"{p.title:<21}", total=len(cases.cases)) for p in protocols}

        def progress(p: Any, done: int, total: int) -> None:
            bar.update(tasks[p], completed=done)

        result = run_benchmark(engine, cases, protocols=protocols, peers=not no_peers,
                               progress=progress)

    meta = {
        "path": str(path),
        "selection": cases.selection,
        "n_files": cases.n_files,
        "command": _command_line(path, output_dir=out, limit=limit, sample=sample,
                                 include=list(include) if include else None,
                                 seed=seed if sample is not None else None,
                                 protocol=protocol.value, no_peers=no_peers, data_dir=data_dir,
                                 weights=weights),
        "git_commit": _git_commit(),
        "model_sha256": _model_sha256(weights),
        "started": started.isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "host": f"{platform.machine()}, {platform.system()}",
        "load_seconds": t_load,
        "engine_seconds": t_engine,
        "data_dir": str(data_dir) if data_dir else None,
        "seed": seed if sample is not None else None,
    }
    paths = write_report(result, out, meta)

    from rich.table import Table

    table = Table(title=f"raredx benchmark — {len(result.cases)} cases")
    for col in ("method", "protocol", "n", "top-1", "top-3", "top-10", "MRR", "s/case"):
        table.add_column(col, justify="left" if col in ("method", "protocol") else "right")
    for p in result.protocols:
        for m in result.methods:
            s = result.summary(m, p)
            if s is None:
                continue
            r = s.ranks
            table.add_row(m, p.title, str(r.n), f"{100 * r.top1:.1f}%", f"{100 * r.top3:.1f}%",
                          f"{100 * r.top10:.1f}%", f"{r.mrr:.3f}", f"{s.seconds_per_case:.4f}")
    Console().print(table)
    err.print(f"peak memory {result.peak_rss_mb:.0f} MB; report: {paths['report']}")
    if result.failures:
        err.print(f"[yellow]{len(result.failures)} case(s) could not be read[/yellow] "
                  f"(listed in {paths['failures']}):")
        import collections

        for msg, n in collections.Counter(f.message for f in result.failures).most_common(5):
            err.print(f"  {n} × {msg}")
        raise typer.Exit(1)
