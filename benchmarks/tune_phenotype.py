"""Evaluate phenotype-model parameter settings on a cohort-level split of the dev cases.

Cohorts (gene folders) are split by a hash of their name: even hashes form the *tuning* half,
odd hashes the *check* half. Parameters are chosen on the tuning half only; the check half and
the benchmark command report what they are worth. Usage:

    python benchmarks/tune_phenotype.py ZIP --data-dir DIR [--half tune|check|all] [--limit N]
        [--set name=value ...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
import time
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np

from raredx.engine import EngineConfig, build_engine
from raredx.errors import InputError
from raredx.io import patient_from_phenopacket


def half_of(cohort: str) -> str:
    return "tune" if int(hashlib.sha256(cohort.encode()).hexdigest(), 16) % 2 == 0 else "check"


def load(zip_path: Path, engine, half: str, limit: int | None):
    cases = []
    with zipfile.ZipFile(zip_path) as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".json")):
            cohort = name.split("/")[0]
            if half != "all" and half_of(cohort) != half:
                continue
            data = json.loads(z.read(name))
            truth = [i["diagnosis"]["disease"]["id"] for i in data.get("interpretations", [])
                     if i.get("diagnosis", {}).get("disease")]
            try:
                p = patient_from_phenopacket(data, engine.knowledge.ontology, name)
            except InputError:
                continue
            cases.append((p, truth))
    if limit:
        rng = np.random.default_rng(0)
        idx = rng.permutation(len(cases))[:limit]
        cases = [cases[i] for i in sorted(idx)]
    return cases


def evaluate(engine, cases, lpo: bool):
    ranks = []
    for p, truth in cases:
        total = engine.score(p, leave_publication_out=lpo).total
        order = engine.order(total)
        pos = np.empty(len(order), dtype=np.int64)
        pos[order] = np.arange(1, len(order) + 1)
        best = None
        for t in truth:
            for e in engine.candidates_for(t):
                best = pos[e] if best is None else min(best, pos[e])
        ranks.append(best if best is not None else 10**9)
    r = np.array(ranks)
    return {"n": len(r), "top1": float((r <= 1).mean()), "top3": float((r <= 3).mean()),
            "top10": float((r <= 10).mean()), "mrr": float((1.0 / r).mean())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("zip", type=Path)
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--half", default="tune")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--protocol", default="both")
    a = ap.parse_args()
    # every parameter goes through a weights file, so that index-time parameters (frequency
    # prior, default frequency, ...) and precomputed ones (the frequency exponent) take effect
    model = json.loads(resources.files("raredx").joinpath("data/phenotype_model.json").read_text())
    for s in a.set:
        k, v = s.split("=")
        if k not in model["parameters"]:
            raise SystemExit(f"unknown parameter {k!r}; known: {sorted(model['parameters'])}")
        model["parameters"][k] = float(v)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(model, f)
    engine = build_engine(EngineConfig(a.data_dir, Path(f.name)), log=lambda s: None)
    cases = load(a.zip, engine, a.half, a.limit)
    for proto, lpo in (("as-is", False), ("lpo", True)):
        if a.protocol != "both" and a.protocol != proto:
            continue
        t = time.perf_counter()
        res = evaluate(engine, cases, lpo)
        res["s_per_case"] = (time.perf_counter() - t) / max(1, len(cases))
        print(proto, json.dumps({k: round(v, 4) for k, v in res.items()}), a.set, flush=True)


if __name__ == "__main__":
    main()
