"""Check that the VCF reader's output is unchanged: dump what it reads, then compare.

    .venv/bin/python benchmarks/vcf_reader_identity.py dump  OUT.pkl [--genes DIR] VCF [VCF ...]
    .venv/bin/python benchmarks/vcf_reader_identity.py check OUT.pkl [--genes DIR] VCF [VCF ...]

Each VCF is read with :func:`raredx.io._vcf.read_vcf` (GRCh37 files are lifted with the shared
hg19ToHg38 chain); the dump holds, per file, every :class:`Variant` (all fields, line numbers
included), the skipped counts, the issues, the record count and the summary. ``check`` exits 1
and names the first difference when anything differs. Used to show that a faster reader gives
identical results on the spiked dev exomes (written with ``raredx spike-vcf``) and on the raw
Pfeiffer background.

``PATH@SAMPLE`` reads the named sample of a multi-sample VCF. A file the reader refuses
(:class:`InputError`) is recorded with its message and compared like any other result. With
``--genes DIR`` (a gene knowledge directory, e.g. ``../shared/data``) each file is read the way
``raredx diagnose-vcf`` reads it, with the built-in annotation applied while reading, and the
genotype evidence of every gene (:func:`raredx.genotype._scoring.score_genes`, as ``repr``) is
compared too. Every issue is listed and compared (the reader's cap of
:data:`raredx.io._vcf.MAX_LISTED_ISSUES` is lifted here).
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

from raredx.errors import InputError
from raredx.io import _vcf
from raredx.io._vcf import read_vcf

_vcf.MAX_LISTED_ISSUES = 10**9

CHAIN = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "variants" / \
    "hg19ToHg38.over.chain.gz"


def read(path: str, genes=None) -> dict:  # type: ignore[no-untyped-def]
    path, _, sample = path.partition("@")
    annotate = None
    if genes is not None:
        from raredx.genotype._annotate import builtin_annotations

        def annotate(keys):  # type: ignore[no-untyped-def]
            return builtin_annotations(keys, genes)
    try:
        c = read_vcf(Path(path), sample=sample or None, liftover_chain=CHAIN, annotate=annotate)
    except InputError as e:
        return {"error": str(e)}
    out = {"variants": c.variants, "skipped": dict(c.skipped), "issues": c.issues,
           "records": c.records, "summary": c.summary()}
    if genes is not None:
        from raredx.genotype._scoring import GenotypeParams, score_genes
        from raredx.model import Sex

        params = GenotypeParams.load()
        pi = c.samples.index(c.proband)
        out["evidence"] = [repr(sorted(score_genes(c.variants, pi, genes, params, sex).items()))
                           for sex in (Sex.UNKNOWN, Sex.MALE)]
    return out


def main(argv: list[str]) -> int:
    mode, out, files = argv[0], Path(argv[1]), argv[2:]
    genes = None
    if files[:1] == ["--genes"]:
        from raredx.io import load_genes

        genes = load_genes(Path(files[1]), log=lambda m: None)
        files = files[2:]
    t0 = time.perf_counter()
    got = {f: read(f, genes) for f in files}
    dt = time.perf_counter() - t0
    n = sum(len(g.get("variants", ())) for g in got.values())
    if mode == "dump":
        out.write_bytes(pickle.dumps(got))
        print(f"dumped {len(got)} files, {n} variants ({dt:.2f} s reading)")
        return 0
    ref = pickle.loads(out.read_bytes())
    if set(ref) != set(got):
        print("different file sets")
        return 1
    for f in files:
        if set(ref[f]) != set(got[f]):
            print(f"{f}: different results: {sorted(ref[f])} != {sorted(got[f])}")
            return 1
        for key in ("error", "records", "skipped", "issues", "summary", "evidence"):
            if key in ref[f] and ref[f][key] != got[f][key]:
                print(f"{f}: {key} differs: {ref[f][key]!r} != {got[f][key]!r}")
                return 1
        a, b = ref[f].get("variants", []), got[f].get("variants", [])
        if len(a) != len(b):
            print(f"{f}: {len(a)} variants before, {len(b)} now")
            return 1
        for x, y in zip(a, b):
            if x != y or repr(x) != repr(y):
                print(f"{f}: first difference\n  before {x!r}\n  now    {y!r}")
                return 1
    print(f"identical: {len(files)} files, {n} variants ({dt:.2f} s reading)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
