"""Words per CPU second of ``raredx.text`` on one core, median of several runs.

    nice .venv/bin/python benchmarks/text/speed.py [--data-dir /tmp/inst] [--runs 5]
    # the code of another commit, for a before/after comparison:
    git archive <commit> src | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before/src nice .venv/bin/python benchmarks/text/speed.py

Measured as the other text benchmarks measure it: the case descriptions
(``tests/fixtures/text/case_descriptions.json``) through ``Extractor.extract`` per paragraph,
repeated to at least ``--words`` words, as ``case_descriptions.py`` does; GSC+ dev and test
(``../shared/data/text/gsc-plus``) as one text of all abstracts repeated to at least ``--words``
words through ``Extractor.mentions``, as ``gsc_plus.py`` does. Words are whitespace-separated
pieces; time is ``time.process_time()`` (CPU time of this process, so other jobs on a shared
machine matter less than for wall time). ``normal_findings`` off unless ``--normal-findings``.
Prints one JSON object: per text, the median and every run's words per second.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gsc_plus import DEFAULT_GSC, read_gsc

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "fixtures" / "text" / "case_descriptions.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/inst"))
    ap.add_argument("--gsc", type=Path, default=DEFAULT_GSC)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--words", type=int, default=200_000)
    ap.add_argument("--normal-findings", action="store_true")
    ap.add_argument("--only", choices=["cases", "gsc_dev", "gsc_test"], action="append")
    args = ap.parse_args()

    import raredx.text
    from raredx.io import load_knowledge
    from raredx.text import Extractor, load_text_index

    kb = load_knowledge(args.data_dir, log=lambda s: print(s, file=sys.stderr))
    ex = Extractor(load_text_index(kb), normal_findings=args.normal_findings)
    cases = [c["text"] for c in json.loads(CASES.read_text(encoding="utf-8"))["cases"]]
    gsc = {s: [d["text"] for d in read_gsc(args.gsc / f"GSCplus_{s}_gold.tsv")]
           for s in ("dev", "test")}

    def run_cases() -> float:
        words = sum(len(t.split()) for t in cases)
        reps = max(1, -(-args.words // words))
        t0 = time.process_time()
        for _ in range(reps):
            for t in cases:
                ex.extract(t)
        return words * reps / (time.process_time() - t0)

    def run_gsc(split: str) -> float:
        docs = gsc[split]
        words = sum(len(t.split()) for t in docs)
        reps = max(1, -(-args.words // max(words, 1)))
        big = "\n\n".join(docs)
        t0 = time.process_time()
        n = 0
        for _ in range(reps):
            n += len(big.split())
            for _m in ex.mentions([(0, big)]):
                pass
        return n / (time.process_time() - t0)

    runs = {"cases": run_cases, "gsc_dev": lambda: run_gsc("dev"),
            "gsc_test": lambda: run_gsc("test")}
    for name in args.only or list(runs):  # warm-up (caches, first-use compilation)
        runs[name]()
    out: dict = {"code": str(Path(raredx.text.__file__).parent),
                 "normal_findings": args.normal_findings}
    results: dict[str, list[float]] = {name: [] for name in args.only or runs}
    for _ in range(args.runs):  # alternating, so that a busy moment hits every text alike
        for name, r in results.items():
            r.append(runs[name]())
    for name, r in results.items():
        out[name] = {"median": round(statistics.median(r)), "runs": [round(x) for x in r]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
