"""Gene ranks of a `raredx benchmark-vcf` run, split by what the gene file knows of each case.

    python benchmarks/vcf_by_link.py REPORT.json [--genes-file genes_to_phenotype.txt.gz]
        [--key leave-publication-out/rare/gene]

Every case falls in one of three groups:
- A: HPO's gene file links the true gene to the true disease;
- B: the gene file links the true gene, but only to other diseases (typically a newer allelic
  disorder: an OMIM entry of 2025-26 that the 2025-01 gene file predates);
- C: the gene file links the true gene to no disease at all.

The script prints top-1/3/10 (%) of the true gene per group, for the whole split and its
tune/check halves. It is benchmark code: it reads the truth that the report recorded. The
groups depend only on the knowledge files and the truth, not on any rank.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import defaultdict
from pathlib import Path

from raredx.benchmark._vcf import half_of

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def gene_links(path: Path) -> dict[str, set[str]]:
    """Gene symbol -> the disease ids the gene file links it to."""
    out: dict[str, set[str]] = defaultdict(set)
    with gzip.open(path, "rt") if path.suffix == ".gz" else open(path) as f:
        cols = f.readline().rstrip("\n").split("\t")
        sym, dis = cols.index("gene_symbol"), cols.index("disease_id")
        for line in f:
            x = line.rstrip("\n").split("\t")
            if len(x) > max(sym, dis):
                out[x[sym]].add(x[dis])
    return out


def group(truth: list[str], genes: list[str], links: dict[str, set[str]]) -> str:
    if not any(links.get(g) for g in genes):
        return "C gene linked to no disease"
    if any(t in links.get(g, ()) for g in genes for t in truth):
        return "A gene linked to the true disease"
    return "B gene linked to other diseases only"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("report", type=Path)
    ap.add_argument("--genes-file", type=Path,
                    default=SHARED / "hpo-2025-01-16" / "genes_to_phenotype.txt.gz")
    ap.add_argument("--key", default="leave-publication-out/rare/gene")
    a = ap.parse_args()
    links = gene_links(a.genes_file)
    rows = json.loads(a.report.read_text())["rows"]
    agg = Tally()
    for r in rows:
        truth = r["truth"] if isinstance(r["truth"], list) else [r["truth"]]
        agg.add(r["case"].split(":", 1)[-1], [group(truth, r["genes"], links)], r[a.key])
    agg.print(a.key)


class Tally:
    """Top-1/3/10 counts of the true gene's rank per (half, group), every case also under
    "all" and "all cases"."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])

    def add(self, case: str, groups: list[str], rank: int | None) -> None:
        for h in ("all", half_of(case)):
            for c in (*groups, "all cases"):
                x = self.counts[(h, c)]
                x[0] += 1
                for j, k in enumerate((1, 3, 10), start=1):
                    x[j] += rank is not None and rank <= k

    def print(self, key: str) -> None:
        print(f"| half | group | n | top-1 % | top-3 % | top-10 % |  ({key})")
        print("|---|---|---|---|---|---|")
        for (h, c), x in sorted(self.counts.items()):
            print(f"| {h} | {c} | {x[0]} | "
                  + " | ".join(f"{100 * v / x[0]:.1f}" for v in x[1:]) + " |")


if __name__ == "__main__":
    main()
