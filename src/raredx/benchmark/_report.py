"""Writers for a :class:`BenchmarkResult`: markdown report, JSON, per-case TSV, failures TSV."""

from __future__ import annotations

import collections
import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from raredx.benchmark._peers import Peer
from raredx.benchmark._run import ENGINE, BenchmarkResult, Protocol

__all__ = ["markdown_report", "result_to_dict", "write_report"]

SCHEMA = "raredx-benchmark/1"

_TITLES = {ENGINE: "raredx (engine)", **{p.value: p.title for p in Peer}}

PEER_NOTE = (
    "Peers are computed by this harness on the same knowledge release as the engine, under the "
    "same leave-publication-out removal (annotation rows citing the case's PMIDs are dropped and "
    "the affected diseases' term sets and term counts are recomputed per case). They rank the "
    "raw diseases of the release (OMIM, ORPHA, DECIPHER separately, no pooling); their truth rank "
    "is the rank of the exact diagnosed id. hpo3 offers both peers but loads its own bundled HPO; "
    "computing them on our release keeps the comparison fair. Phenomizer-style: Resnik "
    "similarity, IC(t) = -ln(fraction of annotated diseases annotated with t or a descendant), "
    "query→disease best-match average over the observed terms only. Hypergeometric: -ln P(X ≥ k) "
    "with the universe the phenotypic-abnormality branch (below HP:0000118) and both term sets "
    "closed under ancestors."
)

TIE_NOTE = (
    "Ties: every method ranks equal scores by the smaller candidate id first (the engine's "
    "documented rule). The peers' scores tie often (a disease annotated with every query term, "
    "or a descendant of each, gets the maximal Resnik score), so the top-1/top-10 that breaking "
    "ties in favour of the truth, at random (expected value) or against it would give are shown "
    "too."
)


def _pct(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def _num(x: float | None, fmt: str = ".3f") -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return format(x, fmt)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Protocol):
        return obj.value
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    return obj


def result_to_dict(result: BenchmarkResult, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything in the result as plain JSON types (the per-case ranks included)."""
    summaries = []
    for s in result.summaries:
        d = {"method": s.method, "protocol": s.protocol.value, **s.ranks.as_dict(),
             "seconds_total": s.seconds_total, "seconds_per_case": s.seconds_per_case,
             "top1_ties_best": s.top1_best, "top1_ties_worst": s.top1_worst,
             "top10_ties_best": s.top10_best, "top10_ties_worst": s.top10_worst,
             "top1_ties_expected": s.top1_expected, "top10_ties_expected": s.top10_expected}
        summaries.append(d)
    fail_reasons = collections.Counter(f.message for f in result.failures)
    out = {
        "schema": SCHEMA,
        "meta": meta or {},
        "knowledge": result.knowledge,
        "n_cases": len(result.cases),
        "n_failed": len(result.failures),
        "failure_reasons": dict(fail_reasons.most_common()),
        "failures": [asdict(f) for f in result.failures],
        "protocols": [p.value for p in result.protocols],
        "methods": list(result.methods),
        "n_candidates_engine": result.n_candidates,
        "n_diseases_peers": result.n_peer_diseases,
        "summary": summaries,
        "breakdown": [{"dimension": b.dimension, "bin": b.bin, "method": b.method, "protocol": b.protocol.value,
                       **b.ranks.as_dict()} for b in result.breakdown],
        "calibration": [{**{k: v for k, v in asdict(c).items() if k != "reliability"},
                         "reliability": [asdict(b) for b in c.reliability]}
                        for c in result.calibration],
        "speed": {
            "wall_seconds": result.wall_seconds,
            "engine_seconds": result.engine_seconds,
            "engine_cases_per_second": {
                k: (len(result.cases) / v if v > 0 else None)
                for k, v in result.engine_seconds.items()},
            "peak_rss_mb": result.peak_rss_mb,
            "peak_rss_mb_before_run": result.peak_rss_mb_before,
        },
        "cases": [asdict(c) for c in result.cases],
        "ranks": [asdict(r) for r in result.ranks],
        **({"extra": result.extra} if result.extra else {}),
    }
    return _jsonable(out)


def _tsv_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v).replace("\t", " ").replace("\n", " ")


def write_cases_tsv(result: BenchmarkResult, path: Path) -> None:
    """One row per case: facts, then per method × protocol the rank (empty: not a candidate)."""
    by = {(r.source, r.method, r.protocol): r for r in result.ranks}
    cols = [(m, p) for p in result.protocols for m in result.methods]
    head = ["source", "case_id", "truth", "n_present", "n_excluded", "annotations",
            "annotations_lpo", "bin"]
    head += [f"rank_{m}_{p.value}" for m, p in cols]
    head += [f"top_{m}_{p.value}" for m, p in cols]
    head += [f"p_top1_{p.value}" for p in result.protocols]
    head += [f"p_true_{p.value}" for p in result.protocols]
    head += [f"seconds_{ENGINE}_{p.value}" for p in result.protocols]
    lines = ["\t".join(head)]
    for c in result.cases:
        row: list[Any] = [c.source, c.case_id, ",".join(c.truth), c.n_present, c.n_excluded,
                          c.annotations, c.annotations_lpo, c.breakdown_bin]
        row += [by[(c.source, m, p)].rank for m, p in cols]
        row += [by[(c.source, m, p)].top for m, p in cols]
        row += [by[(c.source, ENGINE, p)].p_top1 for p in result.protocols]
        row += [by[(c.source, ENGINE, p)].p_true for p in result.protocols]
        row += [by[(c.source, ENGINE, p)].seconds for p in result.protocols]
        lines.append("\t".join(_tsv_cell(v) for v in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def markdown_report(result: BenchmarkResult, meta: dict[str, Any] | None = None) -> str:
    meta = meta or {}
    n = len(result.cases)
    L: list[str] = ["# raredx benchmark", ""]
    if meta.get("path"):
        L.append(f"- Cases: `{meta['path']}` — {meta.get('selection', 'all')}: {n} cases "
                 f"ranked, {len(result.failures)} failed to read"
                 + (f" (of {meta['n_files']} phenopacket files)" if "n_files" in meta else ""))
    else:
        L.append(f"- Cases: {n} ranked, {len(result.failures)} failed to read")
    k = result.knowledge
    L.append(f"- Knowledge: HPO {k.get('hpo', '?')}, annotations {k.get('annotations', '?')}, "
             f"Orphanet {k.get('orphanet') or '–'}")
    L.append(f"- Candidates: engine {result.n_candidates}, peers {result.n_peer_diseases} "
             "diseases")
    for key, label in (("command", "Command"), ("git_commit", "Git commit"),
                       ("model_sha256", "Model weights file sha256"), ("started", "Started"),
                       ("python", "Python"), ("host", "Machine")):
        if meta.get(key):
            L.append(f"- {label}: `{meta[key]}`")
    L.append("")

    L += ["## Summary", "",
          "| method | protocol | n | top-1 | top-3 | top-10 | MRR | not a candidate | s/case |",
          "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for p in result.protocols:
        for m in result.methods:
            s = result.summary(m, p)
            if s is None:
                continue
            r = s.ranks
            L.append(f"| {_TITLES.get(m, m)} | {p.title} | {r.n} | {_pct(r.top1)} | "
                     f"{_pct(r.top3)} | {_pct(r.top10)} | {_num(r.mrr)} | {r.missing} | "
                     f"{_num(s.seconds_per_case, '.4f')} |")
    L.append("")
    eng = {p: result.summary(ENGINE, p) for p in result.protocols}
    peer = {p: result.summary(Peer.PHENOMIZER.value, p) for p in result.protocols}
    ratios = []
    def ratio(x: float, y: float) -> str:
        return _num(x / y if y else math.inf, ".2f")

    for p in result.protocols:
        e, ph = eng.get(p), peer.get(p)
        if e and ph:
            ratios.append(
                f"- {p.title}: engine / Phenomizer-style top-1 × {ratio(e.ranks.top1, ph.ranks.top1)}"
                f", top-10 × {ratio(e.ranks.top10, ph.ranks.top10)}; against the Phenomizer-style "
                f"peer with its ties broken in the truth's favour (top-1 {_pct(ph.top1_best)}, "
                f"top-10 {_pct(ph.top10_best)}): top-1 × {ratio(e.ranks.top1, ph.top1_best)}, "
                f"top-10 × {ratio(e.ranks.top10, ph.top10_best)}")
    if ratios:
        L += ["Ratios (engine ÷ peer):", "", *ratios, ""]

    L += ["### Ties", "", TIE_NOTE, "",
          ("| method | protocol | top-1: ties for / random / against | "
           "top-10: ties for / random / against |"),
          "|---|---|---|---|"]
    for p in result.protocols:
        for m in result.methods:
            s = result.summary(m, p)
            if s is None:
                continue
            L.append(f"| {_TITLES.get(m, m)} | {p.title} | {_pct(s.top1_best)} / "
                     f"{_pct(s.top1_expected)} / {_pct(s.top1_worst)} | {_pct(s.top10_best)} / "
                     f"{_pct(s.top10_expected)} / {_pct(s.top10_worst)} |")
    L.append("")

    L += ["## Breakdown by annotations of the true disease left under leave-publication-out",
          "",
          ("Bins count the phenotype annotation rows (NOT rows included) of the diagnosed "
           "disease id that remain once the rows citing the case's own publications are "
           "removed. The as-is rows use the same bins, so the two protocols "
           "compare case for case."), "",
          "| remaining annotations | method | protocol | n | top-1 | top-3 | top-10 | MRR |",
          "|---|---|---|---:|---:|---:|---:|---:|"]
    order = {b: i for i, b in enumerate(["0", "1-4", "5-19", ">=20", "not in release"])}
    remaining = [b for b in result.breakdown if b.dimension == "remaining annotations"]
    for b in sorted(remaining, key=lambda b: (
            order.get(b.bin, 99), result.methods.index(b.method), b.protocol.value)):
        r = b.ranks
        L.append(f"| {b.bin} | {_TITLES.get(b.method, b.method)} | {b.protocol.title} | {r.n} | "
                 f"{_pct(r.top1)} | {_pct(r.top3)} | {_pct(r.top10)} | {_num(r.mrr)} |")
    L.append("")
    own = [b for b in result.breakdown if b.dimension == "own publications"]
    if own:
        L += ["## Breakdown by whether the release cites the case's own publications", "",
              ("\"cited\": the release annotates the true disease with rows citing one of the "
               "case's PMIDs (the leak leave-publication-out removes). \"not cited\": it does "
               "not (e.g. the paper is newer than the annotations), so as-is and "
               "leave-publication-out coincide and these cases are held out by nature. As-is "
               "top-1 over all cases cannot exceed the share of cited cases plus the not-cited "
               "share times their top-1."), "",
              "| own publications | method | protocol | n | top-1 | top-3 | top-10 | MRR |",
              "|---|---|---|---:|---:|---:|---:|---:|"]
        for b in sorted(own, key=lambda b: (
                b.bin, result.methods.index(b.method), b.protocol.value)):
            r = b.ranks
            L.append(f"| {b.bin} | {_TITLES.get(b.method, b.method)} | {b.protocol.title} | "
                     f"{r.n} | {_pct(r.top1)} | {_pct(r.top3)} | {_pct(r.top10)} | "
                     f"{_num(r.mrr)} |")
        L.append("")

    if result.calibration:
        L += ["## Calibration of the engine's probabilities", "",
              ("Confidence = the probability of the top-ranked candidate; outcome = whether "
               "it is the true disease. ECE over 10 equal-width bins; Brier score of the top-1 "
               "probability; log-loss = mean -ln p(true disease's best-ranked candidate) over "
               "the cases whose truth is a candidate (floored at 1e-12)."), "",
              ("| protocol | n | mean p(top-1) | top-1 accuracy | ECE | Brier | mean log-loss | "
               "truth not a candidate |"),
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for c in result.calibration:
            L.append(f"| {c.protocol.title} | {c.n} | {_num(c.mean_p_top1)} | "
                     f"{_num(c.top1_accuracy)} | {_num(c.ece)} | {_num(c.brier)} | "
                     f"{_num(c.mean_log_loss)} | {c.truth_absent} |")
        L.append("")
        for c in result.calibration:
            L += [f"Reliability ({c.protocol.title}):", "",
                  "| p(top-1) | n | mean p | accuracy |", "|---|---:|---:|---:|"]
            for rb in c.reliability:
                L.append(f"| [{rb.lo:.1f}, {rb.hi:.1f}{']' if rb.hi >= 1 else ')'} | {rb.n} | "
                         f"{_num(rb.mean_confidence)} | {_num(rb.accuracy)} |")
            L.append("")

    L += ["## Speed and memory", "",
          "| protocol | engine total (s) | engine cases/s | loop wall incl. peers (s) |",
          "|---|---:|---:|---:|"]
    for p in result.protocols:
        et = result.engine_seconds.get(p.value, math.nan)
        L.append(f"| {p.title} | {_num(et, '.1f')} | "
                 f"{_num(n / et if et else math.nan, '.1f')} | "
                 f"{_num(result.wall_seconds.get(p.value, math.nan), '.1f')} |")
    L += ["",
          (f"Peak resident memory (getrusage maxrss, whole process incl. peers): "
           f"{result.peak_rss_mb:.0f} MB; before the ranking loop (engine built, cases read): "
           f"{result.peak_rss_mb_before:.0f} MB."), ""]
    if meta.get("load_seconds") is not None:
        L += [(f"Reading the cases took {meta['load_seconds']:.1f} s; building the engine "
               f"{meta.get('engine_seconds', math.nan):.1f} s."), ""]

    L += ["## Peers", "", PEER_NOTE, ""]
    if result.failures:
        L += ["## Cases that could not be read", "", "| count | reason |", "|---:|---|"]
        for msg, cnt in collections.Counter(f.message for f in result.failures).most_common(20):
            L.append(f"| {cnt} | {msg.replace('|', '/')} |")
        L += ["", "Every failed file is listed in `failures.tsv`.", ""]
    warned = sum(1 for c in result.cases if c.input_warnings)
    if warned:
        L += [(f"{warned} ranked cases carried input warnings (e.g. obsolete or non-phenotype "
               "terms, mapped or skipped by the reader)."), ""]
    return "\n".join(L)


def write_report(
    result: BenchmarkResult, out_dir: Path, meta: dict[str, Any] | None = None
) -> dict[str, Path]:
    """Write ``report.md``, ``results.json``, ``cases.tsv`` and ``failures.tsv`` into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "report": out_dir / "report.md",
        "json": out_dir / "results.json",
        "cases": out_dir / "cases.tsv",
        "failures": out_dir / "failures.tsv",
    }
    paths["report"].write_text(markdown_report(result, meta), encoding="utf-8")
    paths["json"].write_text(
        json.dumps(result_to_dict(result, meta), indent=1, allow_nan=False) + "\n",
        encoding="utf-8")
    write_cases_tsv(result, paths["cases"])
    paths["failures"].write_text(
        "source\treason\n" + "".join(f"{_tsv_cell(f.source)}\t{_tsv_cell(f.message)}\n"
                                     for f in result.failures), encoding="utf-8")
    return paths
