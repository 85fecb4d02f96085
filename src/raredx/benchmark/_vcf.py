"""`raredx benchmark-vcf`: phenotype-only vs phenotype + spiked exome, on known cases.

For every phenopacket with hg38 ``vcfRecord``s among its causal variants, the variants (with
their zygosity) are spiked into a real background exome (see :mod:`raredx.io._spike`) and the
case is ranked with and without them, under both protocols (as-is, leave-publication-out), on
two backgrounds: "rare" (records absent from dbSNP only: the stand-in for a frequency filter)
and "full" (every record). Only the benchmark reads ``interpretations``; the patient is built
by :func:`raredx.io.patient_from_phenopacket`, which never does.

Fast path (equivalent to parsing each spiked file): the background is parsed and annotated once
(cached); per case only the spiked records are parsed, with the same parser and header, and
only the genes they touch are re-scored together with the background variants of those genes.
``tests/benchmark`` checks that this gives the same ranks as reading the whole spiked file.
"""

from __future__ import annotations

import hashlib
import json
import re
import resource
import statistics
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from raredx.benchmark._structural import structural_reader
from raredx.errors import InputError
from raredx.genotype import (
    GeneEvidence,
    GenotypeParams,
    genotype_links,
    score_genes,
    variant_set,
)
from raredx.genotype._diagnose import VariantSet
from raredx.genotype._scoring import calibrate
from raredx.io import patient_from_phenopacket
from raredx.io._spike import Background, SpikeVariant, load_background, spike_lines
from raredx.io._vcf import parse_vcf
from raredx.knowledge import GeneKnowledge, cached, file_sha256
from raredx.model import Patient, Sex, Variant, Zygosity

__all__ = ["VcfCase", "causal_variants", "run_vcf_benchmark"]

_ZYG = {
    "heterozygous": Zygosity.HETEROZYGOUS, "GENO:0000135": Zygosity.HETEROZYGOUS,
    "homozygous": Zygosity.HOMOZYGOUS, "GENO:0000136": Zygosity.HOMOZYGOUS,
    "hemizygous": Zygosity.HEMIZYGOUS, "GENO:0000134": Zygosity.HEMIZYGOUS,
}


def causal_variants(data: Any, structural: Callable[[dict], tuple[Any, str]] | None = None
                    ) -> tuple[list[SpikeVariant], list[str], list[str]]:
    """hg38 causal variants of a phenopacket (``interpretations``), the genes named for them
    (HGNC id or symbol), and problems found (variants that cannot be spiked). With
    ``structural`` (a descriptor -> (``(chrom, pos, end, alt)`` or None, why) reader such as
    :func:`raredx.benchmark._structural.structural_span`), a deletion or duplication described
    without a ``vcfRecord`` is spiked as a structural allele."""
    spikes: list[SpikeVariant] = []
    genes: list[str] = []
    problems: list[str] = []
    for vd in _descriptors(data):
        gc = vd.get("geneContext") or {}
        g = gc.get("valueId") or gc.get("symbol")
        if g and g not in genes:
            genes.append(g)
        st = vd.get("allelicState") or {}
        z = _ZYG.get(st.get("label", "")) or _ZYG.get(st.get("id", ""))
        rec = vd.get("vcfRecord")
        if not rec and structural is not None and vd.get("structuralType"):
            span, why = structural(vd)
            if span is None or z is None:
                problems.append(f"structural variant not located: {why}" if span is None
                                else f"unknown allelic state {st}")
                continue
            c, pos, end, alt = span
            spikes.append(SpikeVariant(c, pos, "N", alt, z, end))
            continue
        if not rec:
            problems.append("a causal variant without vcfRecord")
            continue
        if str(rec.get("genomeAssembly", "")).lower() not in ("hg38", "grch38"):
            problems.append(f"vcfRecord on {rec.get('genomeAssembly')}, not hg38")
            continue
        if z is None:
            problems.append(f"unknown allelic state {st}")
            continue
        try:
            spikes.append(SpikeVariant(str(rec["chrom"]) if str(rec["chrom"]).startswith("chr")
                                       else "chr" + str(rec["chrom"]), int(rec["pos"]),
                                       str(rec["ref"]).upper(), str(rec["alt"]).upper(), z))
        except (KeyError, ValueError):
            problems.append("unreadable vcfRecord")
    return spikes, genes, problems


def _descriptors(data: Any) -> Iterator[dict[str, Any]]:
    """The variation descriptors of a phenopacket's interpretations (the truth)."""
    for itp in data.get("interpretations") or []:
        diag = (itp or {}).get("diagnosis") or {}
        for gi in diag.get("genomicInterpretations") or []:
            yield ((gi or {}).get("variantInterpretation") or {}).get("variationDescriptor") or {}


def _has_structural(data: Any) -> bool:
    return any(vd.get("structuralType") for vd in _descriptors(data))


def spike_seed(data: Any, name: str) -> str:
    """What makes the choice of donor records deterministic: the phenopacket id (else the
    file name), the same in `raredx spike-vcf` and `raredx benchmark-vcf`."""
    pid = data.get("id") if isinstance(data, dict) else None
    return str(pid) if pid else Path(name).name


def truth_of(data: Any) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for itp in data.get("interpretations") or []:
        dis = ((itp or {}).get("diagnosis") or {}).get("disease") or {}
        if isinstance(dis.get("id"), str):
            out[dis["id"]] = None
    if not out:
        for d in data.get("diseases") or []:
            t = (d or {}).get("term") or {}
            if isinstance(t.get("id"), str) and not d.get("excluded"):
                out[t["id"]] = None
    return tuple(out)


@dataclass
class VcfCase:
    source: str
    patient: Patient
    truth: tuple[str, ...]
    spikes: list[SpikeVariant]
    genes: list[str]
    seed: str = ""  # the phenopacket id: `raredx spike-vcf` picks the same donor records


def iter_cases(path: Path, ontology: Any, select: Callable[[list[str]], list[str]],
               failures: list[tuple[str, str]],
               structural: Callable[[dict], tuple[Any, str]] | None = None
               ) -> Iterator[VcfCase]:
    """The cases whose causal variants can all be spiked; with ``structural`` (see
    :func:`causal_variants`) only the cases with at least one structural variant."""
    path = Path(path)
    if path.suffix == ".zip":
        z = zipfile.ZipFile(path)
        names = sorted(n for n in z.namelist() if n.endswith(".json"))
        read = z.read
        prefix = f"{path}:"
    else:
        names = sorted(str(p) for p in path.rglob("*.json"))
        read = lambda n: Path(n).read_bytes()
        prefix = ""
    for n in select(names):
        where = prefix + n
        try:
            data = json.loads(read(n))
            spikes, genes, problems = causal_variants(data, structural)
            if structural is not None and not _has_structural(data):
                continue  # not a case with a structural variant
            if not spikes or problems:
                failures.append((where, "; ".join(problems) or "no hg38 vcfRecord"))
                continue
            patient = patient_from_phenopacket(data, ontology, where)
            truth = truth_of(data)
            if not truth:
                failures.append((where, "no diagnosis"))
                continue
        except (InputError, ValueError) as e:
            failures.append((where, str(e)))
            continue
        yield VcfCase(where, patient, truth, spikes, genes, spike_seed(data, n))


@dataclass
class _Prepared:
    background: Background
    vs: VariantSet
    by_gene: dict[int, list[Variant]]
    evidence: dict[Sex, dict[int, GeneEvidence]] = field(default_factory=dict)
    matrix: dict[Sex, np.ndarray] = field(default_factory=dict)
    # per sex: the background's genes without a known disease and their genotype log10 LRs
    orphans: dict[Sex, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    # per sex: the background's best genotype log10 LR per mode of inheritance and its gene
    best: dict[Sex, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def _prepare(bg: Background, kind: str, genes: GeneKnowledge, key: str) -> _Prepared:
    b = bg.subset(kind == "rare")
    # parsed and annotated per run (about 2 s): faster than unpickling frozen dataclasses
    vs = variant_set(parse_vcf(iter(b.lines()), f"background ({kind})"), genes)
    by_gene: dict[int, list[Variant]] = {}
    for v in vs.variants:
        for a in v.annotations:
            g = genes.gene(a.gene_id) if a.gene_id else genes.gene(a.gene_symbol)
            if g is not None:
                by_gene.setdefault(g, []).append(v)
    return _Prepared(b, vs, by_gene)


def _rank(score: np.ndarray, tie_key: np.ndarray, idx: list[int]) -> int | None:
    """Best rank of ``idx`` under the engine's rule (score, then the smaller candidate id)."""
    if not idx:
        return None
    best = None
    for c in idx:
        v = score[c]
        r = 1 + int((score > v).sum()) + int(((score == v) & (tie_key < tie_key[c])).sum())
        best = r if best is None else min(best, r)
    return best


def _summary(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    if n == 0:
        return {"n": 0}
    def top(k: int) -> float:
        return round(100.0 * sum(1 for r in ranks if r is not None and r <= k) / n, 1)
    mrr = sum(1.0 / r for r in ranks if r is not None) / n
    return {"n": n, "top1": top(1), "top3": top(3), "top10": top(10), "mrr": round(mrr, 3)}


def half_of(name: str) -> str:
    """The cohort-level split used for tuning (same rule as benchmarks/tune_phenotype.py):
    cohorts (first path component) whose sha256 is even are "tune", the others "check"."""
    cohort = name.split("/")[0]
    return "tune" if int(hashlib.sha256(cohort.encode()).hexdigest(), 16) % 2 == 0 else "check"


def emptied_diseases(kb: Any, left_out: np.ndarray) -> np.ndarray:
    """Per disease of the release: whether leaving out the annotation rows ``left_out``
    leaves it with none (it had some). Its gene file links are what the strict protocol of
    :func:`run_vcf_benchmark` drops."""
    n_rows = kb.__dict__.get("_raredx_rows_per_disease")
    if n_rows is None:
        n_rows = kb._raredx_rows_per_disease = np.bincount(
            kb.annotations.disease, minlength=len(kb.diseases))
    left = np.bincount(kb.annotations.disease[left_out], minlength=len(kb.diseases))
    return (n_rows > 0) & (left == n_rows)


def run_vcf_benchmark(
    engine: Any,
    genes: GeneKnowledge,
    cases: Path,
    background: Path,
    liftover_chain: Path | None,
    select: Callable[[list[str]], list[str]] = lambda names: names,
    log: Callable[[str], None] = print,
    progress: Callable[[int], None] | None = None,
    params: GenotypeParams | None = None,
    structural: bool = False,
    decoys: Callable[[VcfCase], list[SpikeVariant]] | None = None,
) -> dict[str, Any]:
    """Run the benchmark; returns the report (summary, per-case ranks, timings, memory).
    ``structural``: the cases whose causal variants include a deletion or duplication that
    phenopacket-store describes by a label (:mod:`._structural`), spiked as structural alleles,
    instead of the cases with ``vcfRecord``s only. ``decoys(case)``: more variants spiked
    beside the case's own (a control: e.g. other cases' structural variants as competitors)."""
    t_start = time.time()
    chain_sha = file_sha256(liftover_chain) if liftover_chain else "none"
    key = "bg-" + hashlib.sha256(
        (file_sha256(background) + chain_sha + getattr(genes, "cache_key", "")).encode()
    ).hexdigest()[:20]
    bg = cached(key, "background-grch38-v1",
                lambda: load_background(background, None, liftover_chain))
    links = genotype_links(engine, genes, params)
    params = links.params
    prepared = {k: _prepare(bg, k, genes, key) for k in ("rare", "full")}
    # an unfiltered background is scored with its own rates, as diagnose_with_variants would
    # (calibrate: the 1-2 spiked records do not change the rounded values)
    kparams = {k: calibrate(params, p.vs.variants, 0, genes) for k, p in prepared.items()}
    klinks = {k: genotype_links(engine, genes, kp) for k, kp in kparams.items()}
    log(f"background: {len(bg.records)} records on GRCh38 ({sum(bg.rare)} rare), "
        f"{bg.removed_spiked} previously spiked removed, {bg.not_lifted} not lifted; "
        f"prepared in {time.time() - t_start:.1f}s")
    header = bg.header
    ids = np.array(engine.candidate_ids)
    tie_key = np.argsort(np.argsort(ids, kind="stable"), kind="stable")
    protocols = (("as-is", False), ("leave-publication-out", True))
    # the strict variant of leave-publication-out also drops the gene file's links of the
    # diseases it leaves with no annotation (their link most likely comes from the left-out
    # paper too; the gene file cites no PMIDs, so the plain protocol cannot remove them)
    kb = engine.knowledge
    d_index = {d.id: i for i, d in enumerate(kb.diseases)}
    link_didx = {k: np.array([d_index.get(d, -1) for d in kl.link_disease], dtype=np.int64)
                 for k, kl in klinks.items()}
    kinds = ("rare", "full")
    rows = []
    failures: list[tuple[str, str]] = []
    times = []
    n_truth_missing = 0
    reader = structural_reader(genes, liftover_chain) if structural else None
    for i, case in enumerate(iter_cases(cases, engine.knowledge.ontology, select, failures,
                                        reader)):
        t0 = time.perf_counter()
        if decoys is not None:
            case.spikes = case.spikes + decoys(case)
        true_cands = sorted({c for d in case.truth for c in engine.candidates_for(d)})
        true_genes = [g for g in (genes.gene(x) for x in case.genes) if g is not None]
        if not true_cands:
            n_truth_missing += 1
        row: dict[str, Any] = {"case": case.source, "truth": list(case.truth),
                               "genes": [genes.genes[g].symbol for g in true_genes]}
        spiked_ev: dict[str, tuple[dict[int, GeneEvidence], np.ndarray]] = {}
        best_lr: dict[str, np.ndarray] = {}
        touched_by: dict[str, set[int]] = {}
        for kind in kinds:
            p = prepared[kind]
            kp, kl = kparams[kind], klinks[kind]
            new_lines, _ = spike_lines(p.background, case.spikes, case.seed, merge=False)
            content = parse_vcf(iter(header + new_lines), case.source)
            svs = variant_set(content, genes)
            touched: set[int] = set()
            for v in svs.variants:
                for a in v.annotations:
                    g = genes.gene(a.gene_id) if a.gene_id else genes.gene(a.gene_symbol)
                    if g is not None:
                        touched.add(g)
            at = {(v.chrom, v.pos) for v in svs.variants}
            vs = [v for g in touched for v in p.by_gene.get(g, []) if (v.chrom, v.pos) not in at]
            vs = list({v.key: v for v in vs}.values()) + svs.variants
            ev = score_genes(vs, 0, genes, kp, case.patient.sex, None, only=touched)
            if case.patient.sex not in p.evidence:
                bev = score_genes(p.vs.variants, 0, genes, kp, case.patient.sex, None)
                p.evidence[case.patient.sex] = bev
                p.best[case.patient.sex] = kl.best_variant_genes(bev)
                p.matrix[case.patient.sex] = kl.matrix(bev)
                p.orphans[case.patient.sex] = kl.orphan_table(bev)
            base = p.evidence[case.patient.sex]
            merged = {g: e for g, e in base.items() if g not in touched}
            merged.update(ev)
            m = kl.matrix(merged, p.matrix[case.patient.sex], touched)
            spiked_ev[kind] = (merged, m)
            best_lr[kind] = _best_variant_lr(kl, p.best[case.patient.sex], merged, touched)
            touched_by[kind] = touched
        for pname, lpo in protocols:
            total = engine.score(case.patient, lpo).total
            row[f"{pname}/phenotype/disease"] = _rank(total, tie_key, true_cands)
            gp = links.gene_phenotype(total)
            row[f"{pname}/phenotype/gene"] = _gene_rank_pheno(links, gp, true_genes)
            total = total * params.phenotype_weight  # as in diagnose_with_variants
            for kind in kinds:
                ev, m = spiked_ev[kind]
                kl = klinks[kind]
                vals = kl.link_values(m)
                comb = total + kl.contiguous_candidate_llr(
                    kl.unlinked_candidate_llr(kl.candidate_llr(vals), best_lr[kind]), ev)
                row[f"{pname}/{kind}/disease"] = _rank(comb, tie_key, true_cands)
                row[f"{pname}/{kind}/gene"] = _gene_rank(
                    kl, prepared[kind].orphans[case.patient.sex], ev, touched_by[kind], total,
                    vals, m, true_genes)
            if not lpo:
                continue
            emptied = emptied_diseases(kb, engine.left_out_rows(case.patient))
            strict = f"{pname}-strict"
            row[f"{strict}/phenotype/disease"] = row[f"{pname}/phenotype/disease"]
            row[f"{strict}/phenotype/gene"] = row[f"{pname}/phenotype/gene"]
            for kind in kinds:
                ev, m = spiked_ev[kind]
                kl = klinks[kind]
                li = link_didx[kind]
                drop = (li >= 0) & emptied[np.maximum(li, 0)]
                vals = np.where(drop, -np.inf, kl.link_values(m))
                cand = kl.candidate_llr(vals)
                kept = np.zeros(kl.n_candidates, dtype=bool)
                kept[kl.link_cand[~drop]] = True
                cand[kl.has_link & ~kept] = kl.params.no_gene_link_log10_lr
                # the diseases whose links were dropped have no known gene now
                unlinked = kl.unlinked | (kl.has_link & ~kept)
                gone = {c for c in kl.contiguous
                        if (di := d_index.get(ids[c], -1)) >= 0 and emptied[di]}
                cand = kl.contiguous_candidate_llr(
                    kl.unlinked_candidate_llr(cand, best_lr[kind], unlinked), ev, gone)
                row[f"{strict}/{kind}/disease"] = _rank(total + cand, tie_key, true_cands)
                row[f"{strict}/{kind}/gene"] = _gene_rank(
                    kl, prepared[kind].orphans[case.patient.sex], ev, touched_by[kind], total,
                    vals, m, true_genes, unlinked)
        dt = time.perf_counter() - t0
        row["seconds"] = round(dt, 4)
        times.append(dt)
        rows.append(row)
        if progress:
            progress(i + 1)
    summary: dict[str, Any] = {}
    for pname in ("as-is", "leave-publication-out", "leave-publication-out-strict"):
        for what in ("disease", "gene"):
            for kind in ("phenotype", *kinds):
                k = f"{pname}/{kind}/{what}"
                summary[k] = _summary([r[k] for r in rows])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {
        "cases": len(rows),
        "failures": [{"case": c, "reason": r} for c, r in failures],
        "truth_not_in_knowledge": n_truth_missing,
        "summary": summary,
        "seconds_per_case": {
            "mean": round(statistics.mean(times), 4) if times else None,
            "median": round(statistics.median(times), 4) if times else None,
            "max": round(max(times), 4) if times else None,
        },
        "wall_seconds": round(time.time() - t_start, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "background": {"records": len(bg.records), "rare": sum(bg.rare),
                       "removed_spiked": bg.removed_spiked, "not_lifted": bg.not_lifted,
                       "annotation_source": prepared["full"].vs.annotation_source.value},
        "genotype_model": params.version,
        "selection": ("cases with a structural variant described by its label" if structural
                      else "cases with hg38 vcfRecords"),
        "knowledge": engine.knowledge.versions.as_dict(),
        "gene_knowledge": dict(genes.versions),
        "rows": rows,
    } | {"halves": None}


def _best_variant_lr(links: Any, background: tuple[np.ndarray, np.ndarray],
                     ev: dict[int, GeneEvidence], touched: set[int]) -> np.ndarray:
    """``links.best_variant_lr(ev)`` from the background's best (``background``) and the genes
    the spiked variants touch (whose evidence replaced the background's)."""
    lr, gene = background
    if any(int(g) in touched for g in gene.tolist()):
        return links.best_variant_lr(ev)
    sub = {g: ev[g] for g in touched if g in ev}
    return np.maximum(lr, links.best_variant_lr(sub)) if sub else lr


def _gene_rank(links: Any, bg_orphans: tuple[np.ndarray, np.ndarray],
               ev: dict[int, GeneEvidence], touched: set[int], total: np.ndarray,
               vals: np.ndarray, m: np.ndarray, true_genes: list[int],
               unlinked: np.ndarray | None = None) -> int | None:
    """Rank of the best true gene, as :func:`raredx.genotype.gene_order` would give it;
    ``bg_orphans`` is the background's ``links.orphan_table`` (the touched genes' evidence
    replaces theirs)."""
    best = links.unlinked_best(total, unlinked)
    gs = links.gene_scores(total, vals, m, unlinked, best)
    og, lr = bg_orphans
    if touched:
        keep = ~np.isin(og, np.fromiter(touched, dtype=np.int64, count=len(touched)))
        og, lr = og[keep], lr[keep]
        extra = links.orphan_table({g: ev[g] for g in touched if g in ev})
        og, lr = np.concatenate([og, extra[0]]), np.concatenate([lr, extra[1]])
    genes_all = np.concatenate([links.row_gene, og])
    scores = np.concatenate([gs, links.unlinked_scores(lr, total, unlinked, best)])
    return best_gene_rank(genes_all, scores, true_genes)[0]


def best_gene_rank(genes_all: np.ndarray, scores: np.ndarray, true_genes: list[int]
                   ) -> tuple[int | None, int | None]:
    """(rank, gene) of the best-ranked true gene among ``genes_all`` scored ``scores``; ties go
    to the smaller gene index, as in :func:`raredx.genotype.gene_order`; (None, None) when no
    true gene is ranked."""
    best: tuple[int | None, int | None] = (None, None)
    for g in true_genes:
        hit = np.nonzero(genes_all == g)[0]
        if not len(hit):
            continue
        v = scores[hit[0]]
        r = 1 + int((scores > v).sum()) + int(((scores == v) & (genes_all < g)).sum())
        if best[0] is None or r < best[0]:
            best = (r, g)
    return best


def _gene_rank_pheno(links: Any, gp: np.ndarray, true_genes: list[int]) -> int | None:
    best = None
    for g in true_genes:
        r = links.gene_rows.get(g)
        if r is None:
            continue
        v = gp[r]
        rank = 1 + int((gp > v).sum()) + int(((gp == v) & (links.row_gene < g)).sum())
        best = rank if best is None else min(best, rank)
    return best


def half_summaries(rep: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The summary recomputed on the tune and check halves of the split (:func:`half_of`)."""
    out: dict[str, dict[str, Any]] = {}
    for half in ("tune", "check"):
        rows = [r for r in rep["rows"] if half_of(r["case"].split(":")[-1]) == half]
        out[half] = {k: _summary([r[k] for r in rows]) for k in rep["summary"]}
    return out


def _table(summary: dict[str, Any]) -> list[str]:
    lines = [
        "| protocol | true | evidence | n | top-1 % | top-3 % | top-10 % | MRR |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, v in summary.items():
        pname, kind, what = key.split("/")
        ev = "phenotype only" if kind == "phenotype" else f"phenotype + VCF, {kind} background"
        lines.append(f"| {pname} | {what} | {ev} | {v.get('n')} | {v.get('top1')} | "
                     f"{v.get('top3')} | {v.get('top10')} | {v.get('mrr')} |")
    return lines


def markdown_report(rep: dict[str, Any], command: str) -> str:
    s = rep["summary"]
    b = rep["background"]
    lines = [
        "# raredx benchmark-vcf: phenotype-only vs phenotype + spiked exome",
        "",
        f"Command: `{command}`",
        "",
        f"Cases: {rep['cases']} phenopackets, "
        f"{rep.get('selection', 'cases with hg38 vcfRecords')} (skipped: "
        f"{len(rep['failures'])}; true disease not among the candidates: "
        f"{rep['truth_not_in_knowledge']}). Genotype model `{rep['genotype_model']}`; "
        f"annotation: {b['annotation_source']}. Knowledge: HPO {rep['knowledge'].get('hpo')}, "
        f"genes {rep['gene_knowledge'].get('release')}.",
        f"Background: Pfeiffer exome lifted to GRCh38: {b['records']} records "
        f"({b['rare']} 'rare' = no dbSNP id; {b['not_lifted']} not lifted; "
        f"{b['removed_spiked']} previously spiked record removed).",
        "Protocols: as-is; leave-publication-out (the annotations citing the case's PMIDs "
        "removed); leave-publication-out-strict (also the gene file's links of the diseases "
        "that leaves with no annotation: the gene file cites no PMIDs, but such a link most "
        "likely comes from the left-out paper too).",
        "",
        "## All cases",
        "",
        *_table(s),
    ]
    halves = rep.get("halves")
    if halves:
        for half in ("check", "tune"):
            lines += ["", f"## {half} half of the split (cohort sha256 "
                      f"{'odd' if half == 'check' else 'even'}"
                      f"{'; never used for any choice' if half == 'check' else '; genotype and phenotype weights were chosen on it'})",
                      "", *_table(halves[half])]
    t = rep["seconds_per_case"]
    lines += [
        "",
        f"Time per case (spiking, both protocols, both backgrounds, phenotype-only included): "
        f"mean {t['mean']} s, median {t['median']} s, max {t['max']} s; whole run "
        f"{rep['wall_seconds']} s; peak RSS {rep['peak_rss_mb']} MB.",
    ]
    if rep["failures"]:
        # the reasons, with the quoted labels and numbers of each case taken out
        why = Counter(re.sub(r"'[^']*'|\d+", "…", f["reason"]) for f in rep["failures"])
        lines += ["", "## Skipped cases, by reason (each case and reason: the json's "
                  "`failures`)", "", "| cases | reason |", "|---|---|",
                  *(f"| {n} | {r.replace('|', '/')} |" for r, n in why.most_common(15))]
        if len(why) > 15:
            lines.append(f"| {sum(n for _, n in why.most_common()[15:])} | other reasons |")
    return "\n".join(lines) + "\n"
