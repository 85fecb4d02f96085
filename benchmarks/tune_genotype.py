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
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from pathlib import Path

from raredx.benchmark._vcf import half_of, run_vcf_benchmark
from raredx.engine import EngineConfig, build_engine
from raredx.genotype import GenotypeParams
from raredx.io import load_genes

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def setting(base: GenotypeParams, items: list[str]) -> GenotypeParams:
    d = dataclasses.asdict(base)
    for it in items:
        k, v = it.split("=")
        if k.startswith("effect."):
            d["effect_pathogenicity"] = {**d["effect_pathogenicity"], k[7:]: float(v)}
        else:
            d[k] = float(v)
    d["version"] = base.version + "+" + ",".join(items)
    return GenotypeParams(**d)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--half", choices=("tune", "check"), default="tune")
    # argparse would swallow the first "--": options are parsed apart from the setting groups
    valued = ("--n", "--seed", "--data-dir", "--half")
    argv, opts = sys.argv[1:], []
    groups: list[list[str]] = [[]]
    i = 0
    while i < len(argv):
        if argv[i] in valued and i + 1 < len(argv):
            opts += argv[i:i + 2]
            i += 2
            continue
        if argv[i] == "--":
            groups.append([])
        else:
            groups[-1].append(argv[i])
        i += 1
    a = ap.parse_args(opts)
    engine = build_engine(EngineConfig(a.data_dir), log=lambda m: None)
    genes = load_genes(SHARED, log=lambda m: None)
    base = GenotypeParams.load()

    def select(names: list[str]) -> list[str]:
        tune = [n for n in names if half_of(n.split(":")[-1]) == a.half]
        return sorted(random.Random(a.seed).sample(tune, min(a.n, len(tune))))

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
