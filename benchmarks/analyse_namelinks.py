"""Gene→disease links inferred from disease names (genotype ``gene_links_from_names``): what
they do on the *tune* half (leave-publication-out, or as-is with ``--as-is``; "rare"
background), case by case.

    nice .venv/bin/python benchmarks/analyse_namelinks.py [--half tune] [--orphanet-synonyms]
        [--as-is] [-- key=value ...]

Prints: how many inferred links there are (by source), their agreement with HPO's gene file on
the diseases it does link (the name rule applied to linked diseases: its precision), how many
cases have a true gene without any gene-file link and how many of those get an inferred link
(to a true disease or to another), the gene and disease top-1/3/10 without and with the links,
and the cases whose true gene or disease rank changed. Benchmark code: the truth (the
phenopackets' interpretations) is read only to score, never to make links. Cases and spiked
variants are those of ``tune_genotype.py --fast`` (its cache).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tune_genotype import SHARED, fast_cases, fast_eval, orphanet_synonyms, setting

from raredx.benchmark._vcf import _summary, half_of
from raredx.engine import EngineConfig, build_engine
from raredx.genotype import GenotypeParams, genotype_links
from raredx.genotype._names import REARRANGEMENT, approved_symbols, gene_symbols_in, names_of
from raredx.io import load_genes


def precision_on_linked(kb: Any, genes: Any) -> dict[str, int]:
    """The name rule applied to the diseases the gene file links (itself or an exact
    equivalent): symbols it finds that the gene file gives for the disease, and others."""
    symbols = approved_symbols(genes)
    out: Counter[str] = Counter()
    for d in (x.id for x in kb.diseases):
        truth = set(genes.disease_genes.get(d, ()))
        for e in kb.equivalents.get(d, ()):
            truth |= set(genes.disease_genes.get(e, ()))
        if not truth:
            continue
        found: set[int] = set()
        for name in names_of(kb, d):
            if not REARRANGEMENT.search(name):
                found.update(gene_symbols_in(name, symbols))
        out["linked diseases"] += 1
        out["with a symbol in a name"] += bool(found)
        out["agree"] += len(found & truth)
        out["disagree"] += len(found - truth)
    return dict(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--half", choices=("tune", "check"), default="tune")
    ap.add_argument("--orphanet-synonyms", action="store_true")
    ap.add_argument("--as-is", action="store_true", help="as-is phenotype scores instead of LPO")
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    a = ap.parse_args(argv)
    engine = build_engine(EngineConfig(None), log=lambda m: None)
    kb = engine.knowledge
    if a.orphanet_synonyms:
        kb.orphanet_synonyms = orphanet_synonyms(SHARED / "orphanet" / "en_product1.xml.gz")
    genes = load_genes(SHARED, log=lambda m: None)
    base = GenotypeParams.load()
    off = dataclasses.replace(setting(base, extra), gene_links_from_names=False,
                              gene_links_from_definitions=False)
    on = dataclasses.replace(setting(base, extra), gene_links_from_names=True)

    def select(names: list[str]) -> list[str]:  # as tune_genotype.py --fast --n 100000
        tune = [n for n in names if half_of(n.split(":")[-1]) == a.half]
        return sorted(random.Random(0).sample(tune, min(100000, len(tune))))

    cases = fast_cases(engine, genes, select, f"{a.half}-100000-0", not a.as_is)
    links = genotype_links(engine, genes, on)
    print(json.dumps({"inferred links": len(links.inferred),
                      "by source": Counter(s for s, _ in links.inferred.values()),
                      "diseases": len({d for _, d in links.inferred}),
                      "precision on gene-file-linked diseases": precision_on_linked(kb, genes)}))
    unlinked = Counter()
    for c in cases:
        tg = [g for g in (genes.gene(x) for x in c["genes"]) if g is not None]
        if any(g in genes.gene_diseases for g in tg):
            continue
        unlinked["cases whose true gene has no gene-file link"] += 1
        got = {(g, d) for (g, d) in links.inferred if g in tg}
        if any(engine.candidates_for(d) and set(engine.candidates_for(d)) & set(c["truth"])
               for _, d in got):
            unlinked["... given an inferred link to a true disease"] += 1
        elif got:
            unlinked["... given an inferred link to another disease"] += 1
    print(json.dumps(unlinked))
    r0 = fast_eval(engine, genes, cases, off, per_case=True)
    r1 = fast_eval(engine, genes, cases, on, per_case=True)
    for k in ("gene", "disease"):
        s0, s1 = _summary(r0[k]), _summary(r1[k])
        moved = Counter()
        for x, y in zip(r0[k], r1[k]):
            x = x or 10 ** 6
            y = y or 10 ** 6
            moved["better"] += y < x
            moved["worse"] += y > x
            moved["into top-1"] += y == 1 < x
            moved["out of top-1"] += x == 1 < y
            moved["into top-10"] += y <= 10 < x
            moved["out of top-10"] += x <= 10 < y
        print(json.dumps({k: {"without": [s0[t] for t in ("top1", "top3", "top10", "mrr")],
                              "with": [s1[t] for t in ("top1", "top3", "top10", "mrr")],
                              "cases": s0["n"], **moved}}))


if __name__ == "__main__":
    main()
