"""Evaluate genotype-model settings on the *tune* half of the dev split (raredx benchmark-vcf).

Cohorts (gene folders) are split by the parity of sha256(cohort name), as in
``tune_phenotype.py``: even = "tune", odd = "check". Only tune-half cases are used here; the
check half and the full split are kept for reporting.

    nice .venv/bin/python benchmarks/tune_genotype.py --n 300 -- key=value [key=value ...] -- ...

Each argument group separated by ``--`` is one setting; an empty first group is the model as it
is, and ``effect.coding_sequence_variant=0.3`` sets an entry of ``effect_pathogenicity``.
``--half check`` evaluates on the check half instead (once, to confirm a choice). Prints
top-1/top-3/top-10 of the true gene and disease (leave-publication-out, "rare" background) and
of the gene on the other settings.

``--fast`` evaluates only leave-publication-out on the "rare" background, with every selected
case's spiked variants and phenotype scores computed once and cached (under the raredx cache,
keyed by the phenotype model, knowledge and sample), so that a setting takes seconds: the same
ranks as ``run_vcf_benchmark`` (it reuses its functions), e.g. ``--fast --n 100000`` for the
whole tune half. Prints the true gene's and disease's top-1/3/10 and the phenotype-only disease
top-1 of the same cases.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import pickle
import random
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from raredx.benchmark._vcf import (
    _gene_rank,
    _prepare,
    _rank,
    _summary,
    half_of,
    iter_cases,
    run_vcf_benchmark,
)
from raredx.engine import EngineConfig, build_engine
from raredx.genotype import GenotypeParams, genotype_links, score_genes, variant_set
from raredx.io import load_genes
from raredx.io._spike import load_background, spike_lines
from raredx.io._vcf import parse_vcf
from raredx.knowledge import cache_root, cached, file_sha256
from raredx.model import Variant

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
# the pickled cases hold Variant objects: a new field makes the old pickles unusable
VARIANT_LAYOUT = tuple(f.name for f in dataclasses.fields(Variant))


def parse_with_groups(ap: argparse.ArgumentParser, argv: list[str]
                      ) -> tuple[argparse.Namespace, list[list[str]]]:
    """The options, and the ``key=value`` setting groups separated by ``--`` (the first group
    is what precedes the first ``--``). argparse would swallow the first ``--``, so the options
    the parser knows are taken out first: flags alone, the others with their value."""
    flags = {o for act in ap._actions for o in act.option_strings if act.nargs == 0}
    valued = {o for act in ap._actions for o in act.option_strings} - flags
    opts: list[str] = []
    groups: list[list[str]] = [[]]
    i = 0
    while i < len(argv):
        if argv[i] in valued and i + 1 < len(argv):
            opts += argv[i:i + 2]
            i += 2
            continue
        if argv[i] in flags:
            opts.append(argv[i])
        elif argv[i] == "--":
            groups.append([])
        else:
            groups[-1].append(argv[i])
        i += 1
    return ap.parse_args(opts), groups


def setting(base: GenotypeParams, items: list[str]) -> GenotypeParams:
    d = dataclasses.asdict(base)
    for it in items:
        k, v = it.split("=")
        if k.startswith("effect."):
            d["effect_pathogenicity"] = {**d["effect_pathogenicity"], k[7:]: float(v)}
        elif isinstance(d.get(k), bool):
            d[k] = v.lower() in ("1", "true", "yes")
        elif isinstance(d.get(k), tuple):  # a comma-separated list
            d[k] = tuple(x for x in v.split(",") if x)
        else:
            d[k] = float(v)
    d["version"] = base.version + "+" + ",".join(items)
    return GenotypeParams(**d)


def _background(genes: Any) -> tuple[Any, str]:
    bgp = SHARED / "variants" / "Pfeiffer.GRCh37.vcf.gz"
    chain = SHARED / "variants" / "hg19ToHg38.over.chain.gz"
    key = "bg-" + hashlib.sha256((file_sha256(bgp) + file_sha256(chain) + getattr(
        genes, "cache_key", "")).encode()).hexdigest()[:20]  # as run_vcf_benchmark
    return cached(key, "background-grch38-v1", lambda: load_background(bgp, None, chain)), key


def orphanet_synonyms(path: Path) -> dict[str, tuple[str, ...]]:
    """ORPHA id -> its English synonyms (Orphanet product1 ``SynonymList``)."""
    import gzip
    import xml.etree.ElementTree as ET
    out: dict[str, tuple[str, ...]] = {}
    with gzip.open(path) as f:
        for _, el in ET.iterparse(f):
            if el.tag == "Disorder":
                code = el.findtext("OrphaCode")
                syn = tuple(x.text for x in el.iterfind("SynonymList/Synonym") if x.text)
                if code and syn:
                    out[f"ORPHA:{code}"] = syn
                el.clear()
    return out


def fast_cases(engine: Any, genes: Any, select: Any, tag: str,
               leave_publication_out: bool = True) -> list[dict[str, Any]]:
    """Per selected case: truth, spiked variants (rare background) and LPO phenotype scores
    (as-is scores under the same key when not ``leave_publication_out``)."""
    if not leave_publication_out:
        tag += "-as-is"
    model = resources.files("raredx.data").joinpath("phenotype_model.json").read_text()
    key = hashlib.sha256(repr((model, engine.knowledge.versions.as_dict(),
                               getattr(genes, "cache_key", ""), tag,
                               VARIANT_LAYOUT)).encode()).hexdigest()[:20]
    path = cache_root() / f"tune-genotype-{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    bg, _ = _background(genes)
    rare = bg.subset(True)
    out = []
    for case in iter_cases(SHARED / "phenopacket-store-dev.zip", engine.knowledge.ontology,
                           select, []):
        new, _ = spike_lines(rare, case.spikes, case.seed, merge=False)
        svs = variant_set(parse_vcf(iter(rare.header + new), case.source), genes)
        out.append({"truth": sorted({c for d in case.truth for c in engine.candidates_for(d)}),
                    "genes": case.genes, "sex": case.patient.sex, "spiked": svs.variants,
                    "lpo": engine.score(case.patient, leave_publication_out).total})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def fast_eval(engine: Any, genes: Any, cases: list[dict[str, Any]], prm: GenotypeParams,
              per_case: bool = False, each: Any = None) -> dict[str, Any]:
    """Leave-publication-out, rare background: the benchmark's ranks of gene and disease
    (summaries; with ``per_case`` the lists of ranks, one per case). ``each(case, combined,
    genotype)``, when given, is called with every case's combined disease scores and the
    candidates' genotype log10 LRs."""
    links = genotype_links(engine, genes, prm)
    bg, key = _background(genes)
    p = _prepare(bg, "rare", genes, key)
    ids = np.array(engine.candidate_ids)
    tie = np.argsort(np.argsort(ids, kind="stable"), kind="stable")
    base: dict[Any, tuple] = {}
    ranks: dict[str, list] = {"gene": [], "disease": [], "phenotype disease": []}
    for c in cases:
        sex = c["sex"]
        if sex not in base:
            ev0 = score_genes(p.vs.variants, 0, genes, prm, sex, None)
            base[sex] = (ev0, links.matrix(ev0), links.orphan_table(ev0))
        ev0, m0, orphans = base[sex]
        touched = set()
        for v in c["spiked"]:
            for a in v.annotations:
                g = genes.gene(a.gene_id) if a.gene_id else genes.gene(a.gene_symbol)
                if g is not None:
                    touched.add(g)
        at = {(v.chrom, v.pos) for v in c["spiked"]}
        vs = [v for g in touched for v in p.by_gene.get(g, []) if (v.chrom, v.pos) not in at]
        vs = list({v.key: v for v in vs}.values()) + c["spiked"]
        ev = score_genes(vs, 0, genes, prm, sex, None, only=touched)
        merged = {g: e for g, e in ev0.items() if g not in touched}
        merged.update(ev)
        m = links.matrix(merged, m0, touched)
        true_genes = [g for g in (genes.gene(x) for x in c["genes"]) if g is not None]
        total = c["lpo"] * prm.phenotype_weight
        vals = links.link_values(m)
        ranks["phenotype disease"].append(_rank(c["lpo"], tie, c["truth"]))
        cand = links.contiguous_candidate_llr(
            links.unlinked_candidate_llr(links.candidate_llr(vals),
                                         links.best_variant_lr(merged)), merged)
        ranks["disease"].append(_rank(total + cand, tie, c["truth"]))
        if each is not None:
            each(c, total + cand, cand)
        ranks["gene"].append(_gene_rank(links, orphans, ev, touched, total, vals, m, true_genes))
    return ranks if per_case else {k: _summary(v) for k, v in ranks.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--half", choices=("tune", "check"), default="tune")
    ap.add_argument("--fast", action="store_true")
    # Orphanet synonyms are not (yet) in the knowledge base: read them from product1 for the
    # name links of raredx.genotype._names (what a KnowledgeBase.orphanet_synonyms would hold)
    ap.add_argument("--orphanet-synonyms", action="store_true")
    ap.add_argument("--genes-dir", type=Path, default=SHARED,
                    help="gene knowledge (default: the shared files, HPO 2025-01-16 links)")
    a, groups = parse_with_groups(ap, sys.argv[1:])
    engine = build_engine(EngineConfig(a.data_dir), log=lambda m: None)
    genes = load_genes(a.genes_dir, log=lambda m: None)
    base = GenotypeParams.load()
    if a.orphanet_synonyms:
        engine.knowledge.orphanet_synonyms = orphanet_synonyms(
            SHARED / "orphanet" / "en_product1.xml.gz")

    def select(names: list[str]) -> list[str]:
        tune = [n for n in names if half_of(n.split(":")[-1]) == a.half]
        return sorted(random.Random(a.seed).sample(tune, min(a.n, len(tune))))

    if a.fast:
        cases = fast_cases(engine, genes, select, f"{a.half}-{a.n}-{a.seed}")
        for g in groups:
            s = fast_eval(engine, genes, cases, setting(base, g))
            print(json.dumps({"setting": g, "n": s["gene"]["n"], **{
                k: (v["top1"], v["top3"], v["top10"], v["mrr"]) for k, v in s.items()}}),
                flush=True)
        return
    for g in groups:
        prm = setting(base, g)
        rep = run_vcf_benchmark(engine, genes, SHARED / "phenopacket-store-dev.zip",
                                SHARED / "variants" / "Pfeiffer.GRCh37.vcf.gz",
                                SHARED / "variants" / "hg19ToHg38.over.chain.gz", select,
                                log=lambda m: None, params=prm)
        s = rep["summary"]
        out = {k: (s[k]["top1"], s[k]["top3"], s[k]["top10"]) for k in (
            "leave-publication-out/rare/gene", "leave-publication-out/rare/disease",
            "leave-publication-out/full/gene", "as-is/rare/gene")}
        print(json.dumps({"setting": g, "n": rep["cases"], **out}), flush=True)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
