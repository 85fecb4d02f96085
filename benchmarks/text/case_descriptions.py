"""``raredx.text`` on hand-written, synthetic clinical case descriptions, and its speed on them.

    .venv/bin/python benchmarks/text/case_descriptions.py [--hpo PATH] [--normal-findings]

The paragraphs and their expected terms are in ``tests/fixtures/text/case_descriptions.json``
(written by hand in session 5, expected terms fixed before the extractor was run on them). They
are a *development* set: the rules they exercise were written in the same session, so their
figures are optimistic; the held-out corpus of real case descriptions is scored from outside.

Document level, micro-averaged: the set of term ids the extractor asserts present per case
against the expected ``present`` set (exact ids); the same for ``excluded``. Speed: words per
CPU second on one core, over the paragraphs repeated to at least 200,000 words.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from raredx.io import read_obo
from raredx.text import Extractor, build_text_index

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "fixtures" / "text" / "case_descriptions.json"
DEFAULT_HPO = ROOT / ".." / "shared" / "data" / "hpo-2026-06-06" / "hp.obo.gz"


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "tp": tp, "predicted": n_pred, "gold": n_gold}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hpo", type=Path, default=DEFAULT_HPO)
    ap.add_argument("--cases", type=Path, default=CASES)
    ap.add_argument("--normal-findings", action="store_true")
    ap.add_argument("--words", type=int, default=200_000, help="words for the speed run")
    ap.add_argument("--verbose", action="store_true", help="list misses and extra terms")
    args = ap.parse_args()
    cases = json.loads(args.cases.read_text(encoding="utf-8"))["cases"]
    extractor = Extractor(build_text_index(read_obo(args.hpo)),
                          normal_findings=args.normal_findings)
    counts = {"present": [0, 0, 0], "excluded": [0, 0, 0]}
    for case in cases:
        ex = extractor.extract(case["text"])
        for kind, got in (("present", set(ex.present())), ("excluded", set(ex.excluded()))):
            gold = set(case[kind])
            c = counts[kind]
            c[0] += len(got & gold)
            c[1] += len(got)
            c[2] += len(gold)
            if args.verbose and got != gold:
                print(f"{case['id']} {kind}: missed {sorted(gold - got)}, "
                      f"extra {sorted(got - gold)}")
    result = {kind: prf(*c) for kind, c in counts.items()}
    texts = [c["text"] for c in cases]
    words = sum(len(t.split()) for t in texts)
    reps = max(1, -(-args.words // words))
    t0 = time.process_time()
    for _ in range(reps):
        for t in texts:
            extractor.extract(t)
    result["words_per_second"] = round(words * reps / (time.process_time() - t0))
    result["cases"] = len(cases)
    result["normal_findings"] = args.normal_findings
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
