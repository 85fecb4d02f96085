"""`raredx treat` — approved targeted therapies for a tumour's alterations or a genetic disease."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from raredx.cli import app


def _finding_json(f: Any) -> dict[str, Any]:
    ap = f.approval
    return {
        "tier": int(f.tier), "tier_text": f.tier.text, "therapy": list(ap.therapy),
        "partners": list(ap.partners), "brand": ap.brand, "modality": ap.modality,
        "agency": ap.agency.value, "date": ap.date, "status": ap.status.value,
        "indication": ap.condition, "indication_codes": list(ap.indication.all_codes),
        "indication_relation": f.indication_relation, "line": ap.line,
        "population": ap.population, "biomarker": ap.biomarker.text,
        "certainty": f.certainty.name.lower(), "matched": list(f.matched),
        "explanation": f.explanation, "source": ap.source, "note": ap.note, "origin": ap.origin,
        "id": ap.id,
    }


def _render_table(rep: Any) -> str:
    lines = []
    if rep.cancer is not None:
        lines.append(f"Cancer type: {rep.cancer.name} ({rep.cancer.code})")
    lines.append("Alterations: " + (", ".join(str(a) for a in rep.alterations) or "none usable"))
    lines.append("")
    lines.append(rep.summary)
    from raredx.therapy import Tier

    for t in Tier:
        fs = rep.tier(t)
        if not fs:
            continue
        lines += ["", f"Tier {int(t)}: {t.text}"]
        for f in fs:
            ap = f.approval
            brand = f" [{ap.brand}]" if ap.brand else ""
            lines.append(f"  - {ap.therapy_label}{brand} — {ap.agency.value} {ap.status.value} "
                         f"{ap.date}; {ap.modality}")
            lines.append(f"      indication: {ap.condition}")
            if ap.line or ap.population:
                lines.append(f"      line: {ap.line or '?'}; population: {ap.population or '?'}")
            lines.append(f"      where: {f.indication_relation}")
            lines.append(f"      biomarker: {ap.biomarker.text} — match: "
                         f"{f.certainty.name.lower().replace('_', ' ')}"
                         + (f" ({f.explanation})" if f.explanation else ""))
            if ap.note:
                lines.append(f"      note: {ap.note}")
            lines.append(f"      source: {ap.source}")
    lines += ["", "Knowledge: " + "; ".join(f"{k}: {v}" for k, v in rep.versions.items()),
              "Not medical advice: check the current label before use."]
    return "\n".join(lines)


@app.command()
def treat(
    cancer: str | None = typer.Option(None, "--cancer", help="OncoTree code, name or synonym."),
    alteration: list[str] = typer.Option([], "--alteration", "-a",
                                         help="An alteration, e.g. 'IDH1 R132H' (repeatable)."),
    vcf: Path | None = typer.Option(None, "--vcf",
                                    help="A VEP/SnpEff-annotated VCF (GRCh38) of the tumour."),
    sample: str | None = typer.Option(None, "--sample", help="The VCF sample to use."),
    disease: str | None = typer.Option(None, "--disease",
                                          help="A disease id (OMIM:/ORPHA:) to list treatments."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    moalmanac: Path | None = typer.Option(None, "--moalmanac",
                                             help="Also use a MOAlmanac JSON directory."),
    civic: Path | None = typer.Option(None, "--civic",
                                         help="Also use a CIViC evidence export (TSV)."),
    coverage: Path | None = typer.Option(None, "--coverage",
                                            help="Measure coverage of a MOAlmanac copy."),
    install_genes: bool = typer.Option(False, "--install-genes",
                                       help="Install the pinned HGNC table and exit."),
    source: Path | None = typer.Option(None, "--from", help="Local HGNC file or directory."),
    hgnc: Path | None = typer.Option(None, "--hgnc", help="Use this HGNC table file."),
) -> None:
    """Approved targeted therapies for a tumour's alterations (by evidence tier), or treatments
    for a genetic disease with this patient's eligibility."""
    from raredx.errors import RaredxError
    from raredx.therapy import TherapyMatcher, install_hgnc, load_therapy_knowledge

    if fmt not in ("table", "json"):
        typer.echo(f"--format: expected table or json, got {fmt!r}", err=True)
        raise typer.Exit(2)
    try:
        if install_genes:
            install_hgnc(source, log=lambda s: typer.echo(s, err=True))
            return
        k = load_therapy_knowledge(hgnc)
        m = TherapyMatcher(k)
        if coverage is not None:
            from raredx.therapy._coverage import coverage as run_coverage
            from raredx.therapy._coverage import render_coverage

            cov = run_coverage(coverage, m)
            if fmt == "json":
                c, n = cov.figure(True)
                typer.echo(json.dumps({"covered": c, "total": n,
                                       "rows": [r.__dict__ for r in cov.rows],
                                       "false_on_label": cov.false_on_label}, indent=1))
            else:
                typer.echo(render_coverage(cov))
            return
        for path, reader in ((moalmanac, "moalmanac"), (civic, "civic")):
            if path is None:
                continue
            from raredx.therapy import read_civic, read_moalmanac

            facts, probs = (read_moalmanac if reader == "moalmanac" else read_civic)(path, k)
            k.extend(facts, reader)
            typer.echo(f"{reader}: {len(facts)} facts imported, {len(probs)} records skipped "
                       "(unsupported or not understood)", err=True)
    except RaredxError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None

    if disease:
        from raredx.model import DiseaseId

        try:
            DiseaseId(disease.strip())
        except ValueError:
            typer.echo(f"--disease {disease!r}: not a disease id; give an OMIM or Orphanet id as "
                       "used by HPO annotations, e.g. OMIM:253300 or ORPHA:70", err=True)
            raise typer.Exit(2) from None
        alts, problems = m.read_alterations(alteration)
        for p in problems:
            typer.echo(str(p), err=True)
        rows = m.treatments_for_disease(disease.strip(), None, alts)
        if fmt == "json":
            typer.echo(json.dumps([{"disease": r.disease_id, "therapy": list(r.approval.therapy),
                                    "brand": r.approval.brand, "modality": r.approval.modality,
                                    "agency": r.approval.agency.value, "date": r.approval.date,
                                    "status": r.approval.status.value,
                                    "indication": r.approval.condition,
                                    "eligibility": r.eligibility.name.lower(),
                                    "explanation": r.explanation, "source": r.approval.source}
                                   for r in rows], indent=1))
        else:
            if not rows:
                typer.echo(f"No curated treatment for {disease}.")
            for r in rows:
                ap = r.approval
                typer.echo(f"- {ap.therapy_label} [{ap.brand}] — {ap.modality}; {ap.agency.value} "
                           f"{ap.status.value} {ap.date}\n    {ap.condition}\n    eligibility: "
                           f"{r.eligibility.value} — {r.explanation}\n    source: {ap.source}")
        return
    if not alteration and not cancer and vcf is None:
        typer.echo("give --cancer and one or more --alteration or --vcf (or --disease, "
                   "--coverage)", err=True)
        raise typer.Exit(2)
    alts, problems = m.read_alterations(alteration)
    if vcf is not None:
        from raredx.therapy._vcf import alterations_from_vcf

        try:
            valts, vprobs = alterations_from_vcf(vcf, k.genes, sample)
        except RaredxError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2) from None
        alts += [a for a in valts if a not in alts]
        problems += vprobs
    ct = None
    if cancer:
        ct, cprobs = m.read_cancer(cancer)
        problems += cprobs
    rep = m.treat_parsed(ct, alts, problems, cancer_given=bool(cancer))
    if cancer and rep.cancer is None:
        for p in rep.problems:
            typer.echo(str(p), err=True)
        raise typer.Exit(2)
    for p in rep.problems:
        typer.echo(str(p), err=True)
    if fmt == "json":
        typer.echo(json.dumps({
            "cancer": None if rep.cancer is None else {"code": rep.cancer.code,
                                                       "name": rep.cancer.name},
            "alterations": [str(a) for a in rep.alterations],
            "problems": [{"where": p.where, "message": p.message,
                          "suggestions": list(p.suggestions)} for p in rep.problems],
            "summary": rep.summary, "findings": [_finding_json(f) for f in rep.findings],
            "versions": rep.versions}, indent=1))
    else:
        typer.echo(_render_table(rep))
    unusable = (alteration or vcf) and not rep.alterations
    if unusable:
        raise typer.Exit(2)
