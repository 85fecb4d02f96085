"""Runs one peer concept recogniser over GSC+ documents, in the peer's own virtualenv.

    /tmp/peer-fasthpocr/bin/python benchmarks/text/peers.py fasthpocr docs.json out.json INDEX_DIR

``docs.json`` is ``[{"id":..., "text":...}]``; ``out.json`` gets ``{"peer":..., "seconds":...,
"docs": {id: [[start, end, hpo_id], ...]}}``; ``start``/``end`` are ``null`` for peers that give
no offsets; ``seconds`` is CPU time of the annotation loop (index loading excluded). Never imported by raredx; the peers are never project dependencies.
"""

from __future__ import annotations

import json
import sys
import time


def run_fasthpocr(docs, index_dir):
    import glob

    from FastHPOCR.HPOAnnotator import HPOAnnotator

    path = sorted(glob.glob(f"{index_dir}/*"))[0]
    ann = HPOAnnotator(path)
    out = {}
    t0 = time.process_time()
    for d in docs:
        res = ann.annotate(d["text"], longestMatch=True)
        out[d["id"]] = [[a.getStartOffset(), a.getEndOffset(), a.getHPOUri()] for a in res]
    return out, time.process_time() - t0


def run_clinphen(docs, _):
    from clinphen_src import get_phenotypes, src_dir

    names = {}
    for line in open(src_dir.get_src_dir() + "/data/hpo_term_names.txt"):
        k, v = line.rstrip("\n").split("\t")[:2]
        names[k] = v
    out = {}
    t0 = time.process_time()
    for d in docs:
        res = get_phenotypes.extract_phenotypes(d["text"], names)
        ids = [ln.split("\t")[0] for ln in res.split("\n")[1:] if ln.startswith("HP:")]
        out[d["id"]] = [[None, None, i] for i in ids]
    return out, time.process_time() - t0


def run_txt2hpo(docs, _):
    from txt2hpo.extract import Extractor

    ex = Extractor(remove_negated=False)
    out = {}
    t0 = time.process_time()
    for d in docs:
        res = ex.hpo(d["text"])
        out[d["id"]] = [[e["index"][0], e["index"][1], e["hpid"][0]] for e in res.entries]
    return out, time.process_time() - t0


def main() -> None:
    peer, docs_path, out_path = sys.argv[1:4]
    extra = sys.argv[4] if len(sys.argv) > 4 else ""
    docs = json.load(open(docs_path))
    fn = {"fasthpocr": run_fasthpocr, "clinphen": run_clinphen, "txt2hpo": run_txt2hpo}[peer]
    out, secs = fn(docs, extra)
    json.dump({"peer": peer, "seconds": secs, "docs": out}, open(out_path, "w"))


if __name__ == "__main__":
    main()
