"""Control for `raredx benchmark-vcf --structural`: the spiked structural variant competes.

The background exome has no structural calls, so in `--structural` the case's own deletion or
duplication is the only one, which flatters the figures. Here each case also gets N other
cases' structural variants (in genes other than its own; chosen by a hash of the case id and
the variant), heterozygous, as decoys. They fall in known disease genes and are real
pathogenic events, so they are harsher competitors than the rare copy-number changes of a real
exome: the figure is a pessimistic bound where `--structural` is an optimistic one.

    nice .venv/bin/python benchmarks/vcf_structural_decoys.py --data-dir DIR --genes-dir DIR \\
        [--decoys 5] [--model genotype_model.json] [--out benchmarks/reports/vcf_structural_decoys.md]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path

from raredx.benchmark._structural import structural_reader
from raredx.benchmark._vcf import half_summaries, iter_cases, markdown_report, run_vcf_benchmark
from raredx.engine import EngineConfig, build_engine
from raredx.genotype import GenotypeParams
from raredx.io import load_genes
from raredx.model import Zygosity

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--genes-dir", type=Path, default=None)
    ap.add_argument("--decoys", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--model", type=Path, default=None, help="a genotype model file "
                    "[default: the packaged one]")
    a = ap.parse_args()
    params = GenotypeParams.load(a.model)
    engine = build_engine(EngineConfig(a.data_dir), log=lambda m: None)
    genes = load_genes(a.genes_dir, log=lambda m: None)
    zip_ = SHARED / "phenopacket-store-dev.zip"
    bg = SHARED / "variants" / "Pfeiffer.GRCh37.vcf.gz"
    chain = SHARED / "variants" / "hg19ToHg38.over.chain.gz"
    reader = structural_reader(genes, chain)
    # every located structural variant of the split, with its case's genes
    pool = []
    for case in iter_cases(zip_, engine.knowledge.ontology, lambda n: n, [], reader):
        for s in case.spikes:
            if s.end is not None:
                pool.append((case.source, {genes.gene(g) for g in case.genes}, s))

    def decoys(case):  # type: ignore[no-untyped-def]
        own = {genes.gene(g) for g in case.genes}
        cands = [s for src, gs, s in pool if src != case.source and not (gs & own)]
        def key(s):  # type: ignore[no-untyped-def]
            return hashlib.sha256(f"{case.seed}|{s.chrom}:{s.pos}-{s.end}".encode()).hexdigest()

        seen, out = set(), []
        for s in sorted(cands, key=key):
            if (s.chrom, s.pos, s.end) in seen:
                continue
            seen.add((s.chrom, s.pos, s.end))
            out.append(replace(s, zygosity=Zygosity.HETEROZYGOUS))
            if len(out) == a.decoys:
                break
        return out

    rep = run_vcf_benchmark(engine, genes, zip_, bg, chain, log=lambda m: None,
                            params=params, structural=True, decoys=decoys)
    rep["halves"] = half_summaries(rep)
    rep["selection"] += f", each with {a.decoys} other cases' structural variants as decoys"
    cmd = "benchmarks/vcf_structural_decoys.py " + " ".join(sys.argv[1:])
    md = markdown_report(rep, cmd)
    if a.out:
        a.out.write_text(md)
        a.out.with_suffix(".json").write_text(json.dumps(rep, indent=1))
    s = rep["summary"]
    for k in ("leave-publication-out/phenotype/gene", "leave-publication-out/rare/gene",
              "leave-publication-out/rare/disease", "leave-publication-out-strict/rare/gene",
              "as-is/rare/gene"):
        print(k, s[k])


if __name__ == "__main__":
    main()
