"""Calibration of the disease posterior with a VCF (genotype ``posterior_temperature_factor``
and friends) on the *tune* half: leave-publication-out, "rare" spiked background, the cases and
spiked variants of ``tune_genotype.py --fast`` (its cache).

    nice .venv/bin/python benchmarks/calibrate_genotype.py [--half tune] [--by]
        [-- key=value ...] [-- key=value ...]

Each ``--`` group is a genotype setting (as in tune_genotype.py); per setting it prints the
top-1 accuracy, mean top-1 probability, ECE (10 equal-width bins), top-1 Brier score and the
log-loss of the true disease (natural log), and the reliability table. ``--by`` also prints the
same figures by the strength of the top candidate's genotype evidence (its genotype log10 LR)
and by record length (present terms), with the factor that would calibrate each group alone.
Rankings do not depend on the temperature. Benchmark code: the truth is read only to score.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tune_genotype import SHARED, fast_cases, fast_eval, parse_with_groups, setting

from raredx.benchmark._metrics import (
    brier_score,
    expected_calibration_error,
    mean_log_loss,
    reliability_table,
)
from raredx.benchmark._vcf import half_of, iter_cases
from raredx.engine import EngineConfig, build_engine
from raredx.genotype import GenotypeParams
from raredx.io import load_genes


def collect(engine: Any, genes: Any, half: str, prm: GenotypeParams) -> list[dict[str, Any]]:
    """Per case: the combined scores, the true candidates, the number of present terms and the
    genotype log10 LR of the top candidate."""
    def select(names: list[str]) -> list[str]:  # as tune_genotype.py --fast --n 100000
        tune = [n for n in names if half_of(n.split(":")[-1]) == half]
        return sorted(random.Random(0).sample(tune, min(100000, len(tune))))

    cases = fast_cases(engine, genes, select, f"{half}-100000-0")
    lengths = [(len(c.patient.present), c.genes) for c in iter_cases(
        SHARED / "phenopacket-store-dev.zip", engine.knowledge.ontology, select, [])]
    assert len(lengths) == len(cases) and all(
        g == c["genes"] for (_, g), c in zip(lengths, cases))
    out: list[dict[str, Any]] = []

    def each(c: dict[str, Any], combined: np.ndarray, cand: np.ndarray) -> None:
        top = int(engine.order(combined, 1)[0])
        out.append({"combined": combined.astype(np.float64), "truth": c["truth"],
                    "top": top, "genotype_top": float(cand[top])})

    fast_eval(engine, genes, cases, prm, each=each)
    for o, (n, _) in zip(out, lengths):
        o["n"] = n
    return out


def metrics(engine: Any, rows: list[dict[str, Any]], prm: GenotypeParams) -> dict[str, Any]:
    conf, correct, p_true = [], [], []
    for r in rows:
        f = prm.posterior_factor(r["n"], r["genotype_top"])
        p = engine.probabilities(r["combined"], r["n"], f)
        conf.append(float(p[r["top"]]))
        correct.append(r["top"] in r["truth"])
        p_true.append(float(p[r["truth"]].sum()) if r["truth"] else 0.0)
    return {"n": len(rows), "accuracy": round(float(np.mean(correct)), 4),
            "mean_confidence": round(float(np.mean(conf)), 4),
            "ece": round(expected_calibration_error(conf, correct), 4),
            "brier": round(brier_score(conf, correct), 4),
            "log_loss": round(mean_log_loss(p_true), 4),
            "table": [(round(b.lo, 1), b.n, round(b.mean_confidence, 3), round(b.accuracy, 3))
                      for b in reliability_table(conf, correct) if b.n]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--half", choices=("tune", "check"), default="tune")
    ap.add_argument("--by", action="store_true")
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--genes-dir", type=Path, default=SHARED)
    a, groups = parse_with_groups(ap, sys.argv[1:])
    engine = build_engine(EngineConfig(a.data_dir), log=lambda m: None)
    genes = load_genes(a.genes_dir, log=lambda m: None)
    base = GenotypeParams.load()
    rows = collect(engine, genes, a.half, base)
    for g in groups:
        prm = setting(base, g)
        print(json.dumps({"setting": g, **metrics(engine, rows, prm)}), flush=True)
        if not a.by:
            continue
        parts = {
            "genotype_top<=0": [r for r in rows if r["genotype_top"] <= 0],
            "0<genotype_top<=2": [r for r in rows if 0 < r["genotype_top"] <= 2],
            "2<genotype_top<=4": [r for r in rows if 2 < r["genotype_top"] <= 4],
            "genotype_top>4": [r for r in rows if r["genotype_top"] > 4],
            "n<=4": [r for r in rows if r["n"] <= 4],
            "5<=n<=10": [r for r in rows if 5 <= r["n"] <= 10],
            "n>10": [r for r in rows if r["n"] > 10],
        }
        for name, sub in parts.items():
            if not sub:
                continue
            best = min((metrics(engine, sub, setting(prm, [f"posterior_temperature_factor={f}"]))
                        ["log_loss"], f) for f in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.3))
            m = metrics(engine, sub, prm)
            m.pop("table")
            print(json.dumps({"group": name, **m, "best_factor_by_log_loss": best[1]}),
                  flush=True)


if __name__ == "__main__":
    main()
