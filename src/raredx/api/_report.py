"""Reports of one stored analysis: a standalone HTML page and a PDF (fpdf2, no system libraries).

The PDF embeds DejaVu Sans (Unicode: Greek, mathematical signs, accents) from the pinned
``matplotlib`` wheel of the ``service`` extra, located without importing matplotlib; without it
the PDF falls back to the Latin-1 core fonts and says so in a log line.

Both state the knowledge release and file checksums the analysis used, the engine version, who
ran it and when, the patient's features, and the ranked differential with its evidence.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import logging
import unicodedata
from pathlib import Path
from typing import Any

from raredx.io import source_note
from raredx.store import Analysis, Case, User

_KIND_TEXT = {
    "exact": "matched", "patient-more-general": "matched (more general)",
    "patient-more-specific": "matched (more specific)", "related": "related",
    "unexplained": "not explained", "negated": "disease is annotated NOT to have it",
    "contradicted": "absent but expected", "consistent-absence": "absent, as expected",
}
DISCLAIMER = ("Decision support only: a ranked differential computed from phenotype annotations. "
              "It does not establish a diagnosis and must be interpreted by a clinician.")


def kind_text(kind: str) -> str:
    return _KIND_TEXT.get(kind, kind)


def _versions(k: dict[str, Any]) -> list[tuple[str, str]]:
    out = [("HPO", k.get("hpo", "")), ("Annotations", k.get("annotations", ""))]
    if k.get("orphanet"):
        out.append(("Orphanet", k["orphanet"]))
    for name, digest in sorted((k.get("files_sha256") or {}).items()):
        out.append((f"sha256 {name}", digest))
    genes = k.get("genes")
    if isinstance(genes, dict):
        out.append(("Gene knowledge", str(genes.get("release", ""))))
        for name, digest in sorted((n, d) for n, d in genes.items() if n != "release"):
            out.append((f"sha256 {name}", str(digest)))
    if k.get("vcf_sha256"):
        out.append(("sha256 patient VCF", k["vcf_sha256"]))
    return out


def _genotype_lines(c: dict[str, Any]) -> list[str]:
    if not c.get("gene") and not c.get("genotype_explanation"):
        return []
    head = f"Gene {c['gene']}" if c.get("gene") else "Genotype"
    if c.get("mode_of_inheritance"):
        head += f" ({c['mode_of_inheritance']})"
    lines = [f"{head}: {c.get('genotype_explanation') or ''} (genotype log10 LR "
             f"{(c.get('genotype_log10_lr') or 0):+.2f})"]
    for v in c.get("variants") or []:
        lines.append(f"{v['chrom']}:{v['pos']} {v['ref']}>{v['alt']} {v['genotype']} {v['effect']}"
                     + (f" {v.get('hgvs_p') or v.get('hgvs_c')}" if v.get("hgvs_p") or
                        v.get("hgvs_c") else ""))
    return lines


def _features(result: dict[str, Any]) -> tuple[str, str]:
    pres = ", ".join(f"{t['label']} ({t['id']})" for t in result["present"]) or "none"
    exc = ", ".join(f"{t['label']} ({t['id']})" for t in result["excluded"]) or "none"
    return pres, exc


def render_html(case: Case, a: Analysis, by: User | None) -> str:
    e = html.escape
    r = a.result
    pres, exc = _features(r)
    rows = []
    for c in r["candidates"]:
        ev = "".join(
            f"<li><b>{e(x['term_label'])}</b>{' (absent)' if x['excluded'] else ''}: "
            f"{e(kind_text(x['kind']))}"
            + (f" — {e(x['annotation_label'])}" if x.get("annotation_label") else "")
            + (f", frequency {x['frequency']:.0%}" if x.get("frequency") is not None else "")
            + (f" ({e(source_note(x.get('source')))})" if source_note(x.get("source")) else "")
            + f" <span class=lr>(log10 LR {x['log10_lr']:+.2f})</span></li>"
            for x in c["evidence"])
        rows.append(
            f"<tr><td>{c['rank']}</td><td><b>{e(c['label'])}</b><br><small>{e(c['disease_id'])}"
            f"{(' = ' + e(', '.join(c['equivalent_ids']))) if c['equivalent_ids'] else ''}"
            f"</small><ul>{ev}</ul>"
            + "".join(f"<div><small>{e(x)}</small></div>" for x in _genotype_lines(c))
            + f"</td><td>{c['probability']:.1%}</td>"
            f"<td>{c['score']:+.2f}</td></tr>")
    versions = "".join(f"<tr><th>{e(k)}</th><td><code>{e(v)}</code></td></tr>"
                       for k, v in _versions(a.knowledge))
    issues = "".join(f"<li>{e(i['where'])}: {e(i['message'])}</li>" for i in r.get("issues", []))
    age = f"{r['age_years']:g} years" if r.get("age_years") is not None else "not given"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>raredx report – {e(case.title or case.id)}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}}
table{{border-collapse:collapse;width:100%}} td,th{{border-bottom:1px solid #ddd;padding:.4rem;
text-align:left;vertical-align:top}} ul{{margin:.3rem 0;padding-left:1.2rem}} .lr{{color:#666}}
.box{{background:#f4f6f8;padding:.8rem;border-radius:6px}} small{{color:#555}}
</style></head><body>
<h1>raredx differential diagnosis report</h1>
<p class="box">{e(DISCLAIMER)}</p>
<h2>Case</h2>
<table><tr><th>Case</th><td>{e(case.title or '(untitled)')} <small>{e(case.id)}</small></td></tr>
<tr><th>Analysis</th><td>{e(a.id)} (case version {a.case_version})</td></tr>
<tr><th>Run</th><td>{e(a.created_at.strftime('%Y-%m-%d %H:%M UTC'))} by {e(by.name if by else '?')}</td></tr>
<tr><th>Sex / age</th><td>{e(r.get('sex', 'unknown'))} / {e(age)}</td></tr>
<tr><th>Observed</th><td>{e(pres)}</td></tr>
<tr><th>Absent</th><td>{e(exc)}</td></tr></table>
{f'<h3>Input notes</h3><ul>{issues}</ul>' if issues else ''}
<h2>Knowledge used</h2>
<table><tr><th>Release</th><td>{e(a.release)}</td></tr>{versions}
<tr><th>Engine</th><td>raredx {e(a.engine_version)}</td></tr></table>
<h2>Differential ({r['n_candidates']} diseases ranked; top {len(r['candidates'])} shown)</h2>
<table><tr><th>#</th><th>Disease and evidence</th><th>Probability</th><th>log10 LR</th></tr>
{''.join(rows)}</table>
</body></html>
"""


_REPL = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
         "\u201d": '"', "\u2026": "...", "\u2264": "<=", "\u2265": ">=", "\u00a0": " "}


def _latin1(text: str) -> str:
    """The PDF core fonts speak Latin-1: map what we can, decompose accents, mark the rest."""
    text = "".join(_REPL.get(ch, ch) for ch in str(text))
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


@functools.cache
def unicode_fonts() -> dict[str, Path] | None:
    """DejaVu Sans regular, bold and oblique as shipped in the matplotlib wheel (found through
    its package location, without importing it), or ``None`` when it is not installed."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        d = Path(root) / "mpl-data" / "fonts" / "ttf"
        files = {style: d / name for style, name in _FONT_FILES.items()}
        if all(f.is_file() for f in files.values()):
            return files
    return None


def _in_font(text: str, cmaps: list[Any]) -> str:
    """Characters the font has are kept; others (e.g. CJK) become their decomposition or "?"
    (never fpdf2's "missing glyphs" log line, which would quote patient text)."""
    out = []
    for ch in str(text):
        if ch in "\n\t" or all(ord(ch) in m for m in cmaps):
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                       if all(ord(c) in m for m in cmaps))
        out.append(base or "?")
    return "".join(out)


def render_pdf(case: Case, a: Analysis, by: User | None) -> bytes:
    from fpdf import FPDF  # imported here: only reports need it

    r = a.result
    pdf = FPDF(format="A4")
    pdf.set_compression(True)
    pdf.set_auto_page_break(True, margin=15)
    fonts = unicode_fonts()
    if fonts is not None:
        for style, path in fonts.items():
            pdf.add_font("DejaVu", style, str(path))
        cmaps = [f.cmap for f in pdf.fonts.values() if hasattr(f, "cmap")]
        family = "DejaVu"

        def clean(text: str) -> str:
            return _in_font(text, cmaps)
    else:
        logging.getLogger("raredx.api").warning(
            "PDF report without Unicode fonts (install the `service` extra: matplotlib); "
            "characters outside Latin-1 are replaced")
        family, clean = "Helvetica", _latin1
    pdf.add_page()
    w = pdf.epw

    def para(text: str, size: float = 10, style: str = "", h: float = 5) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(w, h, clean(text), new_x="LMARGIN", new_y="NEXT")

    para("raredx differential diagnosis report", 16, "B", 8)
    para(DISCLAIMER, 9, "I")
    pdf.ln(2)
    pres, exc = _features(r)
    age = f"{r['age_years']:g} years" if r.get("age_years") is not None else "not given"
    para("Case", 12, "B", 6)
    para(f"Case: {case.title or '(untitled)'} ({case.id})")
    para(f"Analysis: {a.id} (case version {a.case_version}), run "
         f"{a.created_at.strftime('%Y-%m-%d %H:%M UTC')} by {by.name if by else '?'}")
    para(f"Sex / age: {r.get('sex', 'unknown')} / {age}")
    para(f"Observed: {pres}")
    para(f"Absent: {exc}")
    for i in r.get("issues", []):
        para(f"Input note: {i['where']}: {i['message']}", 9)
    pdf.ln(2)
    para("Knowledge used", 12, "B", 6)
    para(f"Release: {a.release}; engine raredx {a.engine_version}")
    for k, v in _versions(a.knowledge):
        para(f"{k}: {v}", 8 if k.startswith("sha256") else 10)
    pdf.ln(2)
    para(f"Differential ({r['n_candidates']} diseases ranked; top {len(r['candidates'])} shown)",
         12, "B", 6)
    for c in r["candidates"]:
        eq = f" = {', '.join(c['equivalent_ids'])}" if c["equivalent_ids"] else ""
        para(f"{c['rank']}. {c['label']} ({c['disease_id']}{eq}) - probability "
             f"{c['probability']:.1%}, log10 LR {c['score']:+.2f}", 10, "B")
        for line in _genotype_lines(c):
            para(f"    {line}", 8, "", 4)
        for x in c["evidence"]:
            extra = f" - {x['annotation_label']}" if x.get("annotation_label") else ""
            freq = f", frequency {x['frequency']:.0%}" if x.get("frequency") is not None else ""
            if source_note(x.get("source")):
                freq += f" ({source_note(x.get('source'))})"
            para(f"    {x['term_label']}{' (absent)' if x['excluded'] else ''}: "
                 f"{kind_text(x['kind'])}{extra}{freq} (log10 LR {x['log10_lr']:+.2f})", 8, "", 4)
    return bytes(pdf.output())
