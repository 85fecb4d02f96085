"""Builds a FastHPOCR index for an hp.obo (run in the peer's own virtualenv).

    /tmp/peer-fasthpocr/bin/python benchmarks/text/fasthpocr_index.py hp.obo OUT_DIR

FastHPOCR 0.1.4's serialisation step scans its 573k-token cluster table once per cluster
(hours on this machine); this replaces that scan with one grouping pass that yields the same
lists in the same order, so the index (and the peer's results) are unchanged.
"""

from __future__ import annotations

import sys


def main() -> None:
    from FastHPOCR.cr.CRIndexKB import CRIndexKB
    from FastHPOCR.IndexHPO import IndexHPO

    def prepare(self, base_clusters):
        for el in self.invertedClusters:
            self.clusters[self.invertedClusters[el]] = [el]
        grouped: dict = {}
        for token, cid in base_clusters.items():
            grouped.setdefault(cid, []).append(token)
        for cid in self.clusters:
            actual = list(grouped.get(cid, []))
            for el in self.clusters[cid]:
                if el not in actual:
                    actual.append(el)
            self.clusters[cid] = actual

    CRIndexKB.prepareClustersToSerialise = prepare
    obo, out = sys.argv[1:3]
    IndexHPO(obo, out, indexConfig={
        "rootConcepts": ["HP:0000118"], "allow3LetterAcronyms": False,
        "includeTopLevelCategory": False, "allowDuplicateEntries": False,
    }).index()


if __name__ == "__main__":
    main()
