"""`raredx diagnose`: rank every annotated disease for one patient or a batch of phenopackets.

Data (table, JSON, JSONL, TSV) goes to stdout or ``--output``; progress, warnings and the batch
summary go to stderr. Exit status: 0 every case ranked, 1 some case failed (or the knowledge could
not be loaded), 2 usage error.
"""

from __future__ import annotations

import enum
import sys
from collections import defaultdict
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape

from raredx.cli import app
from raredx.cli._common import (
    failure_message,
    failure_reason,
    open_output,
    print_batch_summary,
    progress_bar,
    split_terms,
    stderr,
    term_locations,
    usage_error,
)

if TYPE_CHECKING:
    from raredx.engine import Engine
    from raredx.model import Patient
    from raredx.ranking import Diagnosis

EXAMPLE = "examples/marfan_example.json"
MAX_WARNINGS = 30  # per run, on stderr; every issue is kept in the JSON/JSONL output


class OutputFormat(str, enum.Enum):
    table = "table"
    json = "json"
    tsv = "tsv"
    jsonl = "jsonl"


def _parse_age(text: str) -> float:
    from raredx.io import parse_iso8601_age

    t = text.strip()
    years: float | None
    try:
        years = float(t)
    except ValueError:
        years = parse_iso8601_age(t.upper()) if t.upper().startswith("P") else None
    if years is None:
        raise usage_error(f"--age {text!r}: give years (12, 1.5) or an ISO 8601 duration (P12Y6M)")
    if not 0 <= years < 150:
        raise usage_error(f"--age {text!r}: not a plausible age in years")
    return years


def _parse_sex(text: str | None):
    from raredx.model import Sex

    if text is None:
        return Sex.UNKNOWN
    key = text.strip().lower()
    aliases = {"m": "male", "f": "female", "o": "other", "u": "unknown"}
    try:
        return Sex(aliases.get(key, key))
    except ValueError:
        raise usage_error(f"--sex {text!r}: use male, female, other or unknown") from None


class _Warnings:
    """Prints input issues on stderr, up to a limit (all of them stay in the data output)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.shown = 0
        self.hidden = 0
        self.cases_with_issues = 0

    def show(self, issues) -> None:
        if issues:
            self.cases_with_issues += 1
        for i in issues:
            if self.shown >= MAX_WARNINGS:
                self.hidden += 1
                continue
            self.shown += 1
            style = "red" if i.level.value == "error" else "yellow"
            self.console.print(f"[{style}]{i.level.value}:[/{style}] "
                               f"{escape(i.where)}: {escape(i.message)}",
                               markup=True, highlight=False, soft_wrap=True)

    def close(self) -> None:
        if self.hidden:
            self.console.print(f"[yellow]… {self.hidden} more warning(s) not shown; every "
                               "warning is in the output's `issues`[/yellow]")


def _with_lpo_issue(patient: Patient, where: str) -> Patient:
    from raredx.model import InputIssue, IssueLevel

    if patient.publications:
        return patient
    issue = InputIssue(IssueLevel.WARNING, where, "leave-publication-out: the case cites no PMID "
                       "in metaData.externalReferences, so no annotation was left out")
    return replace(patient, issues=tuple(patient.issues) + (issue,))


class _Emitter:
    """Writes results in the chosen format as they come (JSON is written at the end)."""

    def __init__(self, fmt: OutputFormat, out: IO[str], explain_top: int,
                 batch: bool, to_file: bool, label=None) -> None:
        self.fmt, self.out, self.batch, self.label = fmt, out, batch, label
        self.explain = explain_top > 0
        self.explain_top = explain_top
        self.records: list[dict[str, Any]] = []
        self.tsv_header = False
        self.console = Console(file=out, width=120 if to_file else None, highlight=False,
                               no_color=to_file)

    def result(self, d: Diagnosis, source: str | None) -> None:
        from raredx.io import diagnosis_to_dict, write_jsonl_record, write_tsv

        if self.fmt is OutputFormat.table:
            from raredx.cli._render import render_diagnosis

            title = f"Differential diagnosis for {d.patient_id}"
            if source and self.batch:
                title += f"  ({source})"
            render_diagnosis(d, self.console, self.explain_top, title, self.label)
            self._treatable_lines(d)
        elif self.fmt is OutputFormat.tsv:
            write_tsv([(d, source)], self.out, header=not self.tsv_header)
            self.tsv_header = True
        elif self.fmt is OutputFormat.jsonl:
            write_jsonl_record(self._with_treatments(diagnosis_to_dict(d, source, self.explain),
                                                     d), self.out)
        else:
            self.records.append(self._with_treatments(diagnosis_to_dict(d, source, self.explain),
                                                      d))
        self.out.flush()

    @staticmethod
    def _treatments(c) -> list[dict[str, Any]]:
        """Approved disease- or variant-specific treatments of a candidate (issue 5's table)."""
        from raredx.therapy import treatments_as_dicts

        return treatments_as_dicts(c.disease_id, c.equivalent_ids)

    def _with_treatments(self, record: dict[str, Any], d: Diagnosis) -> dict[str, Any]:
        for rec, c in zip(record.get("diseases", []), d.candidates):
            rec["treatments"] = self._treatments(c)
        return record

    def _treatable_lines(self, d: Diagnosis) -> None:
        for c in d.candidates:
            ts = self._treatments(c)
            if ts:
                names = sorted({f"{t['therapy']} ({t['modality']}, {t['agency']} {t['date'][:4]})"
                                for t in ts})
                self.console.print(f"treatable: #{c.rank} {c.disease_id} {c.label}: "
                                   + "; ".join(names), highlight=False, markup=False)

    def failure(self, source: str, reason: str, message: str, issues) -> None:
        from raredx.io import TSV_COLUMNS, failure_to_dict, write_jsonl_record

        if self.fmt is OutputFormat.jsonl:
            write_jsonl_record(failure_to_dict(source, reason, message, issues), self.out)
        elif self.fmt is OutputFormat.json:
            self.records.append(failure_to_dict(source, reason, message, issues))
        elif self.fmt is OutputFormat.tsv and not self.tsv_header:
            self.out.write("\t".join(TSV_COLUMNS) + "\n")
            self.tsv_header = True

    def close(self) -> None:
        from raredx.io import write_json

        if self.fmt is OutputFormat.json:
            write_json(self.records if self.batch else (self.records or [{}])[0], self.out)
        self.out.flush()


@app.command()
def diagnose(
    paths: list[Path] | None = typer.Argument(
        None, help="Phenopacket v2 JSON files, directories of them (searched recursively), "
        ".zip archives of them, or - for one phenopacket on standard input.",
        show_default=False),
    present: list[str] | None = typer.Option(
        None, "--present", "-p", help="Observed HPO terms, comma-separated (repeatable).",
        show_default=False),
    absent: list[str] | None = typer.Option(
        None, "--absent", "-a", help="Excluded (absent) HPO terms, comma-separated.",
        show_default=False),
    sex: str | None = typer.Option(None, "--sex", help="male, female, other or unknown.",
                                      show_default=False),
    age: str | None = typer.Option(None, "--age", help="Age in years (12) or ISO 8601 (P12Y).",
                                      show_default=False),
    onset: str | None = typer.Option(
        None, "--onset", help="An HPO onset term (e.g. HP:0003577 congenital onset).",
        show_default=False),
    example: bool = typer.Option(False, "--example", help="Rank the built-in example patient "
                                 "(Marfan-like: arachnodactyly, ectopia lentis, aortic root "
                                 "aneurysm, no scoliosis)."),
    top: int = typer.Option(10, "--top", "-n", min=1, help="How many candidates to report."),
    fmt: OutputFormat | None = typer.Option(
        None, "--format", "-f", help="Output format [default: table for one case, jsonl for a "
        "batch].", show_default=False, case_sensitive=False),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the results here "
                                          "instead of stdout.", show_default=False),
    leave_publication_out: bool = typer.Option(
        False, "--leave-publication-out", help="Before ranking each case, remove the annotations "
        "citing the case's own PMIDs (metaData.externalReferences)."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="A knowledge release directory (hp.obo, phenotype.hpoa, "
        "optionally Orphanet product1/product9; .gz allowed) [default: the installed default "
        "release, installed on first use].", show_default=False),
    explain: bool = typer.Option(True, "--explain/--no-explain",
                                 help="Explain the candidates (evidence per term)."),
    explain_top: int | None = typer.Option(
        None, "--explain-top", min=0, help="How many of the top candidates to explain "
        "[default: every reported one for a single case (the table shows 3), 3 per case in a "
        "batch].", show_default=False),
    schema_check: bool = typer.Option(
        True, "--schema-check/--no-schema-check",
        help="Check phenopackets against the Phenopacket v2 schema (warnings)."),
    note: Path | None = typer.Option(
        None, "--note", help="Rank from a plain-text clinical note instead (terms are "
        "extracted, negated ones used as excluded; formats table or json).",
        show_default=False),
    vcf: Path | None = typer.Option(
        None, "--vcf", help="With one phenopacket: also rank genes and variants from this VCF "
        "(formats table, json or jsonl).", show_default=False),
    ped: Path | None = typer.Option(None, "--ped", help="With --vcf: a PED file (trio).",
                                    show_default=False),
    sample: str | None = typer.Option(None, "--sample", help="With --vcf: the patient's "
                                      "sample column.", show_default=False),
    assembly: str | None = typer.Option(None, "--assembly", help="With --vcf: GRCh37 or "
                                        "GRCh38 when the header does not say.",
                                        show_default=False),
    liftover_chain: Path | None = typer.Option(
        None, "--liftover-chain", help="With --vcf: UCSC GRCh37→GRCh38 chain file.",
        show_default=False),
    genes_dir: Path | None = typer.Option(
        None, "--genes-dir", help="With --vcf: gene knowledge directory [default: the "
        "installed one].", show_default=False),
) -> None:
    """Rank every annotated disease (OMIM, Orphanet, DECIPHER) for a patient's phenotype."""
    err = stderr()
    paths = list(paths or [])
    present_ids, absent_ids = split_terms(present), split_terms(absent)
    if note is not None or vcf is not None:
        unused = [name for name, given in (
            ("--sex", sex), ("--age", age), ("--onset", onset),
            ("--explain-top", explain_top is not None), ("--no-explain", not explain),
            ("--no-schema-check", not schema_check)) if given]
        if unused:
            raise usage_error(f"{', '.join(unused)}: not used with {'--note' if note else '--vcf'} "
                         "(the note or the phenopacket is the patient; every candidate shown "
                         "is explained)")
        _delegate(note, vcf, paths, present_ids or example, fmt, top, leave_publication_out,
                  data_dir, ped, sample, assembly, liftover_chain, genes_dir, output)
        raise typer.Exit(0)
    vcf_only = [name for name, given in (
        ("--ped", ped), ("--sample", sample), ("--assembly", assembly),
        ("--liftover-chain", liftover_chain), ("--genes-dir", genes_dir)) if given]
    if vcf_only:
        raise usage_error(f"{', '.join(vcf_only)}: only used with --vcf")
    modes = sum([bool(paths), bool(present_ids), example])
    if modes == 0:
        raise usage_error("give phenopacket PATH(s), --present HP:…, or --example "
                     "(see `raredx diagnose --help`)")
    if modes > 1:
        raise usage_error("give only one of: phenopacket PATH(s), --present, --example")
    if (absent_ids or sex or age or onset) and not present_ids:
        raise usage_error("--absent, --sex, --age and --onset describe a --present patient; "
                     "phenopackets carry their own")
    sex_value = _parse_sex(sex)
    age_years = _parse_age(age) if age is not None else None

    from raredx.errors import InputError, KnowledgeError

    cases = None
    if paths:
        from raredx.io import find_cases

        try:
            cases = find_cases(paths)
        except InputError as exc:
            raise usage_error(str(exc)) from None
    batch = bool(cases and cases.batch)
    fmt = fmt or (OutputFormat.jsonl if batch else OutputFormat.table)

    from raredx.engine import EngineConfig, build_engine

    try:
        engine = build_engine(EngineConfig(data_dir), log=lambda m: err.print(escape(m)))
    except KnowledgeError as exc:
        err.print(f"[red]error:[/red] knowledge: {escape(str(exc))}")
        raise typer.Exit(1) from None
    warnings = _Warnings(err)
    try:
        code = _run(engine, fmt, output, explain, explain_top, batch, top, cases, warnings, err,
                    present_ids, absent_ids, sex_value, age_years, onset, example,
                    leave_publication_out, schema_check)
    except BrokenPipeError:  # e.g. `raredx diagnose cases/ | head`: stop quietly
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(1) from None
    warnings.close()
    if fmt is not OutputFormat.table:
        from raredx.cli._render import knowledge_line

        err.print(f"[dim]{escape(knowledge_line(engine.knowledge.versions))}[/dim]",
                  highlight=False)
    raise typer.Exit(code)


def _delegate(note, vcf, paths, other_input, fmt, top, lpo, data_dir, ped, sample, assembly,
              chain, genes_dir, output) -> None:
    """`--note` and `--vcf` run the text and genotype pipelines (same options as
    `raredx diagnose-note` and `raredx diagnose-vcf`)."""
    if note is not None and vcf is not None:
        raise usage_error("give --note or --vcf, not both")
    if note is not None:
        if paths or other_input:
            raise usage_error("--note is the patient: give no phenopacket, --present or --example")
        if fmt not in (None, OutputFormat.table, OutputFormat.json):
            raise usage_error("with --note the formats are table and json")
        if lpo:
            raise usage_error("--leave-publication-out needs phenopackets (a note cites no PMID)")
        from raredx.cli._extract import TextFormat, diagnose_note

        diagnose_note(note=note, top=top, fmt=TextFormat((fmt or OutputFormat.table).value),
                      data_dir=data_dir, output=output)
        return
    if len(paths) != 1 or other_input:
        raise usage_error("--vcf goes with exactly one phenopacket file")
    if fmt not in (None, OutputFormat.table, OutputFormat.json, OutputFormat.jsonl):
        raise usage_error("with --vcf the formats are table, json and jsonl")
    from raredx.cli._vcf import VcfFormat, diagnose_vcf

    diagnose_vcf(paths=[paths[0]], vcf=vcf, ped=ped, sample=sample, assembly=assembly,
                 liftover_chain=chain, leave_publication_out=lpo, top=top,
                 fmt=VcfFormat((fmt or OutputFormat.table).value), data_dir=data_dir,
                 genes_dir=genes_dir, output=output)
    raise typer.Exit(0)


def _run(engine: Engine, fmt: OutputFormat, output: Path | None, explain: bool,
         explain_top: int | None, batch: bool, top: int, cases, warnings: _Warnings,
         err: Console, present_ids: list[str], absent_ids: list[str], sex_value,
         age_years: float | None, onset: str | None, example: bool,
         leave_publication_out: bool, schema_check: bool) -> int:
    with open_output(output) as out:
        n_explain = 0 if not explain else (
            explain_top if explain_top is not None else (3 if batch else top))
        emit = _Emitter(fmt, out, n_explain, batch, output is not None,
                        engine.knowledge.ontology.label)
        if fmt is OutputFormat.table and explain_top is None:
            emit.explain_top = min(n_explain, 3)  # the table shows three explanations
        if cases is None:
            code = _single(engine, emit, warnings, err, present_ids, absent_ids, sex_value,
                           age_years, onset, example, top, leave_publication_out, n_explain)
        else:
            code = _batch(engine, emit, warnings, err, cases, top, leave_publication_out,
                          n_explain, schema_check)
        emit.close()
    return code


def _diagnose(engine: Engine, patient: Patient, where: str, top: int, lpo: bool,
              n_explain: int) -> Diagnosis:
    if lpo:
        patient = _with_lpo_issue(patient, where)
    return engine.diagnose(patient, top=top, leave_publication_out=lpo, explain_top=n_explain)


def _single(engine: Engine, emit: _Emitter, warnings: _Warnings, err: Console,
            present_ids: list[str], absent_ids: list[str], sex_value, age_years: float | None,
            onset: str | None, example: bool, top: int, lpo: bool, n_explain: int) -> int:
    from raredx.errors import InputError
    from raredx.io import patient_from_bytes

    try:
        if example:
            where = "built-in example"
            content = resources.files("raredx").joinpath(EXAMPLE).read_bytes()
            patient = patient_from_bytes(content, engine.knowledge.ontology, where, True)
        else:
            where = "command line"
            onset_id = None
            if onset:
                from raredx.model import parse_term_id

                try:
                    onset_id = parse_term_id(onset).value
                except ValueError as exc:
                    raise usage_error(f"--onset: {exc}") from None
                from raredx.knowledge import ONSET_ROOT

                onto = engine.knowledge.ontology
                if onset_id not in onto:
                    raise usage_error(f"--onset {onset}: not a term of this HPO release")
                root = onto.get_index(ONSET_ROOT)
                if root is not None and not onto.is_descendant_of(onto.index(onset_id), root):
                    raise usage_error(f"--onset {onset}: {onset_id} ({onto.label(onset_id)}) is not "
                                 f"an onset term (a descendant of {ONSET_ROOT} Onset, e.g. "
                                 "HP:0003577 Congenital onset)")
            patient = engine.patient(present_ids, absent_ids, sex_value, age_years, onset_id,
                                     where=where,
                                     locations=term_locations(present_ids, absent_ids))
            if not patient.present:
                warnings.show(patient.issues)
                raise InputError("no usable observed phenotypic feature among --present",
                                 where, tuple(patient.issues))
    except InputError as exc:
        warnings.show(getattr(exc, "issues", ()) if not present_ids else ())
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        return 1
    warnings.show(patient.issues)
    d = _diagnose(engine, patient, where, top, lpo, n_explain)
    if lpo and not patient.publications:
        warnings.show(d.issues[-1:])
    emit.result(d, None if where == "command line" else where)
    return 0


def _batch(engine: Engine, emit: _Emitter, warnings: _Warnings, err: Console, cases, top: int,
           lpo: bool, n_explain: int, schema_check: bool) -> int:
    from raredx.io import decode_json, patient_from_data
    from raredx.io._vcf import names_vcf

    onto = engine.knowledge.ontology
    failures: dict[str, list[str]] = defaultdict(list)
    with_vcf: list[str] = []
    ok = 0
    if cases.ignored:
        err.print(f"[dim]ignored {len(cases.ignored)} file(s) that are not *.json "
                  f"(e.g. {escape(cases.ignored[0])})[/dim]", highlight=False)
    if cases.hidden:
        err.print(f"[dim]passed over {len(cases.hidden)} hidden *.json file(s) (names starting "
                  f"with '.' or in __MACOSX, e.g. {escape(cases.hidden[0])})[/dim]",
                  highlight=False)
    progress = progress_bar("ranking", err, disable=not cases.batch)
    with progress:
        task = progress.add_task("cases", total=len(cases.sources))
        for src in cases.sources:
            try:
                data = decode_json(src.read(), src.where)
                if names_vcf(data):
                    with_vcf.append(src.where)
                patient = patient_from_data(data, onto, src.where, schema_check)
                warnings.show(patient.issues)
                d = _diagnose(engine, patient, src.where, top, lpo, n_explain)
                if lpo and not patient.publications:
                    warnings.show(d.issues[-1:])
            except Exception as exc:  # one failing case never stops the batch
                reason, message = failure_reason(exc), failure_message(exc, src.where)
                failures[reason].append(src.where)
                warnings.show(getattr(exc, "issues", ()))
                what = "failed" if cases.batch else "error"
                err.print(f"[red]{what}:[/red] {escape(src.where)}: {escape(message)}",
                          highlight=False, soft_wrap=True)
                emit.failure(src.where, reason, message, getattr(exc, "issues", ()))
            else:  # writing is outside the per-case guard: a broken output stops the batch
                emit.result(d, src.where)
                ok += 1
            progress.advance(task)
    if with_vcf:  # never silently: the VCF a phenopacket names is not read here
        err.print(f"[yellow]{len(with_vcf)} phenopacket(s) name a VCF in `files` (e.g. "
                  f"{escape(with_vcf[0])}), which `raredx diagnose` does not read: "
                  f"`raredx diagnose-vcf` ranks them with their variants[/yellow]",
                  highlight=False)
    if not cases.batch:  # one file: its error (if any) was printed, no summary needed
        return 1 if failures else 0
    return print_batch_summary(err, ok, failures, (
        f"; {warnings.cases_with_issues} with input warnings"
        if warnings.cases_with_issues else ""))

