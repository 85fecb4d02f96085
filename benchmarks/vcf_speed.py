"""Speed of `raredx diagnose --vcf` on one exome: one-shot CLI and in-process.

    .venv/bin/python benchmarks/vcf_speed.py PHENOPACKET EXOME --data-dir DIR --genes-dir DIR \
        [--runs 5] [--exomes 6] [--json OUT.json]

One-shot: ``raredx diagnose PHENOPACKET --vcf EXOME --format json`` run ``--runs`` times as a
child process (the ``raredx`` next to this Python); for each run the wall time, the CPU time
(user + system, from ``getrusage``), the peak RSS and the CLI's own parse + annotate + rank
timer (its stderr line ends with "; N.NN s"). Medians are reported, and every run.

In-process: the engine and gene knowledge built once, then ``prepare_variants`` +
``diagnose_with_variants`` on ``--exomes`` copies of EXOME (each a new file, so the per-file
memo never answers): CPU (``time.process_time``) and wall of each; the first copy pays the
one-time costs (gene links, lazy phenotype-index parts), the median is over the others.

To compare two versions of the code run it twice with ``PYTHONPATH=<tree>/src`` (the child
processes inherit it). The machine is shared: CPU times are the figure to compare; run with
``nice`` and alternate the versions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def one_shot(args: argparse.Namespace) -> list[dict]:
    exe = str(Path(sys.executable).with_name("raredx"))
    cmd = [exe, "diagnose", str(args.phenopacket), "--vcf", str(args.exome), "--format", "json",
           "--data-dir", str(args.data_dir), "--genes-dir", str(args.genes_dir)]
    runs = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # child: stdout to /dev/null, stderr to a file
            err = os.open(os.path.join(tempfile.gettempdir(), f"vcf_speed.{os.getpid()}.err"),
                          os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(err, 2)
            os.execv(exe, cmd)
        _, status, ru = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
        err_path = Path(tempfile.gettempdir()) / f"vcf_speed.{pid}.err"
        text = err_path.read_text()
        err_path.unlink()
        if status != 0:
            raise SystemExit(f"raredx failed ({status}):\n{text}")
        m = re.search(r"; (\d+\.\d+) s\s*$", text.strip().splitlines()[-1])
        runs.append({"wall_s": round(wall, 3), "cpu_s": round(ru.ru_utime + ru.ru_stime, 3),
                     "peak_rss_mb": round(ru.ru_maxrss / 1024, 1),
                     "parse_annotate_rank_s": float(m.group(1)) if m else None})
    return runs


def in_process(args: argparse.Namespace) -> list[dict]:
    from raredx.engine import EngineConfig, build_engine
    from raredx.genotype import diagnose_with_variants, prepare_variants
    from raredx.io import load_genes

    engine = build_engine(EngineConfig(args.data_dir), log=lambda m: None)
    genes = load_genes(args.genes_dir, log=lambda m: None)
    patient = engine.read_phenopacket(args.phenopacket)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.exomes):
            copy = Path(tmp) / f"exome{i}{''.join(args.exome.suffixes)}"
            shutil.copyfile(args.exome, copy)
            c0, w0 = time.process_time(), time.perf_counter()
            vs = prepare_variants(copy, genes)
            c1 = time.process_time()
            diagnose_with_variants(engine, patient, vs, genes, top=10)
            c2, w2 = time.process_time(), time.perf_counter()
            out.append({"cpu_s": round(c2 - c0, 3), "wall_s": round(w2 - w0, 3),
                        "prepare_cpu_s": round(c1 - c0, 3), "rank_cpu_s": round(c2 - c1, 3)})
    out[0]["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("phenopacket", type=Path)
    ap.add_argument("exome", type=Path)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--genes-dir", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--exomes", type=int, default=6)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    shots = one_shot(args)
    inproc = in_process(args)

    def med(rows: list[dict], k: str) -> float:
        return round(statistics.median(r[k] for r in rows), 3)

    rest = inproc[1:] or inproc
    summary = {
        "one_shot": {k: med(shots, k) for k in ("wall_s", "cpu_s", "peak_rss_mb",
                                                  "parse_annotate_rank_s")},
        "in_process_first": inproc[0],
        "in_process_median": {k: med(rest, k) for k in ("cpu_s", "wall_s", "prepare_cpu_s",
                                                          "rank_cpu_s")},
        "one_shot_runs": shots, "in_process_runs": inproc,
        "load_average": os.getloadavg(),
    }
    print(json.dumps({k: summary[k] for k in ("one_shot", "in_process_first",
                                               "in_process_median", "load_average")}))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
