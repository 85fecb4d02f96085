"""Gene ranks of a `raredx benchmark-vcf` run, split by whether leave-publication-out leaves the
true disease any annotation of its own (and, within that, by the groups of `vcf_by_link.py`).

    python benchmarks/vcf_by_emptied.py REPORT.json [--data-dir DIR] [--key KEY]

Leave-publication-out removes the annotations that cite the case's PMIDs, as the brief defines
it; the gene file's gene->disease links carry no PMIDs and stay. Where the left-out paper is the
disease's only source (the disease is "emptied"), its gene link most likely comes from that
paper too (the same test as the strict protocol's, ``emptied_diseases``). This split shows
how much the genotype figures rest on such links: a stricter protocol that also dropped them would score those cases like genes linked to other diseases
only (`vcf_by_link.py`, group B) or to none (group C). It depends on the knowledge and the
cases' PMIDs only, never on a rank. Benchmark code: it reads the truth the report recorded.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

from raredx.benchmark._vcf import emptied_diseases
from raredx.engine import EngineConfig, build_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vcf_by_link import SHARED, Tally, gene_links, group  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("report", type=Path)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--key", default="leave-publication-out/rare/gene")
    ap.add_argument("--genes-file", type=Path,
                    default=SHARED / "hpo-2025-01-16" / "genes_to_phenotype.txt.gz")
    a = ap.parse_args()
    links = gene_links(a.genes_file)
    engine = build_engine(EngineConfig(a.data_dir), log=lambda m: None)
    kb = engine.knowledge
    index = {d.id: i for i, d in enumerate(kb.diseases)}
    rep = json.loads(a.report.read_text())
    zips: dict[str, zipfile.ZipFile] = {}
    agg = Tally()
    for r in rep["rows"]:
        path, _, member = r["case"].rpartition(":")
        z = zips.setdefault(path, zipfile.ZipFile(path))
        patient = engine.patient_from_phenopacket(json.loads(z.read(member)), member)
        emptied = emptied_diseases(kb, engine.left_out_rows(patient))
        truth = r["truth"] if isinstance(r["truth"], list) else [r["truth"]]
        known = [index[t] for t in truth if t in index]
        g = ("emptied: the true disease keeps no annotation"
             if known and all(emptied[i] for i in known) else "not emptied")
        lk = group(truth, r["genes"], links)[0]  # A, B or C (vcf_by_link.py)
        agg.add(member, [g, f"{g}; gene-file group {lk}"], r[a.key])
    agg.print(a.key)


if __name__ == "__main__":
    main()
