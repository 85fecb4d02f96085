"""Coverage of MOAlmanac FDA approvals by raredx's own therapy table (MOAlmanac import off).

For each FDA statement whose joined disease is AML, ALL, a lymphoma, cholangiocarcinoma or a
glioma/astrocytoma/oligodendroglioma, ask `raredx treat` (built-in knowledge only) for its
biomarker in its disease; covered = a tier-1 ("approved for this biomarker in this indication")
finding names the statement's targeted agent. Also lists MOAlmanac curation errors found (joined
fields that contradict the statement text) and checks that none of them is claimed on-label.

    python benchmarks/therapy_coverage.py ../shared/data/therapies/moalmanac-db-2026-05-15 \
        [--out benchmarks/reports/therapy_coverage.md]

Same as `raredx treat --coverage DIR`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from raredx.therapy import TherapyMatcher, load_therapy_knowledge
from raredx.therapy._coverage import coverage, render_coverage


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("moalmanac_dir", type=Path)
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    k = load_therapy_knowledge()
    rep = coverage(a.moalmanac_dir, TherapyMatcher(k))
    text = render_coverage(rep)
    text += "\nKnowledge: " + "; ".join(f"{n}: {v}" for n, v in k.versions.items()) + "\n"
    text += f"MOAlmanac copy: {a.moalmanac_dir.resolve().name}\n"
    if a.out:
        a.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
