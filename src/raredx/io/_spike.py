"""Spiking known causal variants into a real background exome (benchmarks, outside scorers).

The background is lifted to GRCh38 once (when it is GRCh37), previously spiked records
(INFO ``SPIKED``) are removed, and every record loses its dbSNP identity (ID ``.``, INFO ``DB``).
A spiked variant gets the QUAL, FILTER, INFO, FORMAT and sample values of a background record
with the same genotype (chosen deterministically from the case and variant), so that only its
position and alleles tell it apart. Output is BGZF-compressed (readable by htslib/htsjdk).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from raredx.errors import InputError
from raredx.io._vcf import (
    _ALT_RE,
    _detect_assembly,
    _lifter,
    _revcomp,
    normalise_assembly,
    normalise_chrom,
    open_text,
)
from raredx.model import Zygosity

__all__ = ["Background", "SpikeVariant", "load_background", "spike_lines", "write_bgzf"]

_ORDER = {f"chr{i}": i for i in range(1, 23)} | {"chrX": 23, "chrY": 24, "chrM": 25}


@dataclass(frozen=True, slots=True)
class SpikeVariant:
    """A causal variant to spike: GRCh38 position, alleles and the patient's zygosity; a
    structural one (``alt`` ``<DEL>``/``<DUP>``) has ``end``, written as INFO ``SVTYPE``/``END``."""

    chrom: str
    pos: int
    ref: str
    alt: str
    zygosity: Zygosity
    end: int | None = None


@dataclass
class Background:
    """A GRCh38 background exome as VCF text fields: header lines and records (tuples of the 10
    columns), sorted; ``rare[i]`` says record *i* had no dbSNP id in the original file."""

    header: list[str]
    records: list[tuple[str, ...]]
    rare: list[bool]
    removed_spiked: int
    not_lifted: int

    def subset(self, rare_only: bool) -> Background:
        if not rare_only:
            return self
        recs = [r for r, k in zip(self.records, self.rare) if k]
        return Background(self.header, recs, [True] * len(recs), self.removed_spiked,
                          self.not_lifted)

    def donors(self) -> dict[str, list[tuple[str, ...]]]:
        """Biallelic records by genotype string (``0/1``, ``1/1``…), in file order."""
        d = getattr(self, "_donors", None)
        if d is None:
            d = {}
            for r in self.records:
                if "," not in r[4]:
                    d.setdefault(r[9].split(":", 1)[0], []).append(r)
            self._donors = d
        return d

    def lines(self) -> list[str]:
        return self.header + ["\t".join(r) for r in self.records]


def _sort_key(chrom: str, pos: int) -> tuple[int, str, int]:
    return (_ORDER.get(chrom, 99), chrom, pos)


def load_background(path: Path, assembly: str | None = None,
                    liftover_chain: Path | None = None) -> Background:
    """Read a single-sample background VCF into GRCh38 text records (see module docstring)."""
    lines = open_text(Path(path))
    meta: list[str] = []
    header = None
    for line in lines:
        line = line.rstrip("\r\n")
        if line.startswith("##"):
            meta.append(line)
        elif line.startswith("#"):
            header = line
            break
    if header is None or len(header.split("\t")) != 10:
        raise InputError("a background must be a single-sample VCF with a #CHROM line", str(path))
    asm = normalise_assembly(assembly) if assembly else _detect_assembly(meta)
    if asm is None:
        raise InputError("cannot determine the background's assembly; give --assembly", str(path))
    lifter = None
    if asm == "GRCh37":
        if liftover_chain is None:
            raise InputError("the background is on GRCh37: give --liftover-chain (UCSC "
                             "hg19ToHg38.over.chain.gz)", str(path))
        lifter = _lifter(Path(liftover_chain))
    out_meta = [m for m in meta if not m.startswith(("##contig=", "##reference=",
                                                     "##INFO=<ID=SPIKED,",
                                                     "##INFO=<ID=DiseaseGene,"))]
    out_meta.insert(1, "##reference=GRCh38")
    records: list[tuple[str, ...]] = []
    rare: list[bool] = []
    removed = not_lifted = 0
    for line in lines:
        f = line.rstrip("\r\n").split("\t")
        if len(f) != 10:
            continue
        info = f[7].split(";")
        if "SPIKED" in info:
            removed += 1
            continue
        info = [x for x in info if x != "DB"]
        chrom, pos, ref, alt = normalise_chrom(f[0]), int(f[1]), f[3], f[4]
        if lifter is not None:
            hit = lifter.lift(chrom, pos)
            if hit is None or "_" in hit[0]:
                not_lifted += 1
                continue
            chrom, pos, strand = hit
            if strand == "-":
                if not all(_ALT_RE.match(a) for a in alt.split(",")):
                    not_lifted += 1
                    continue
                pos = pos - len(ref) + 1
                ref, alt = _revcomp(ref), ",".join(_revcomp(a) for a in alt.split(","))
        records.append((chrom, str(pos), ".", ref, alt, f[5], f[6], ";".join(info) or ".",
                        f[8], f[9]))
        rare.append(f[2] in (".", ""))
    idx = sorted(range(len(records)), key=lambda i: _sort_key(records[i][0], int(records[i][1])))
    return Background(out_meta + [header], [records[i] for i in idx], [rare[i] for i in idx],
                      removed, not_lifted)


_GT = {Zygosity.HETEROZYGOUS: "0/1", Zygosity.HOMOZYGOUS: "1/1", Zygosity.HEMIZYGOUS: "1/1"}


def spike_lines(bg: Background, spikes: Iterable[SpikeVariant], seed: str, merge: bool = True
                ) -> tuple[list[str], list[tuple[str, ...]]]:
    """The spiked records (already in VCF text form) and the full, sorted record list.

    Background records at a spiked position are replaced. ``seed`` (e.g. the case id) makes
    the choice of donor records deterministic.
    """
    donors = bg.donors()
    new = []
    for s in spikes:
        gt = _GT.get(s.zygosity)
        if gt is None:
            raise InputError(f"cannot spike a variant with zygosity {s.zygosity.value}")
        pool = donors.get(gt) or donors.get(gt.replace("/", "|"))
        if not pool:
            raise InputError(f"the background has no record with genotype {gt} to copy from")
        tag = f"{s.chrom}:{s.pos}{s.ref}>{s.alt}" + (f"-{s.end}" if s.end is not None else "")
        h = hashlib.sha256(f"{seed}|{tag}".encode()).digest()
        d = pool[int.from_bytes(h[:8], "big") % len(pool)]
        info = d[7]
        if s.end is not None:
            sv = f"SVTYPE={s.alt.strip('<>')};END={s.end}"
            info = sv if info in (".", "") else f"{info};{sv}"
        new.append((s.chrom, str(s.pos), ".", s.ref, s.alt, d[5], d[6], info, d[8], d[9]))
    if not merge:
        return ["\t".join(r) for r in new], []
    taken = {(r[0], r[1]) for r in new}
    merged = [r for r in bg.records if (r[0], r[1]) not in taken] + new
    merged.sort(key=lambda r: _sort_key(r[0], int(r[1])))
    return ["\t".join(r) for r in new], merged


def write_bgzf(path: Path, lines: Iterable[str]) -> None:
    """Write text lines as a BGZF file (blocked gzip, as bgzip writes it), with the EOF block."""
    data = "".join(line + "\n" for line in lines).encode()
    with open(path, "wb") as out:
        step = 0xFF00
        for i in range(0, len(data), step):
            chunk = data[i:i + step]
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            comp = c.compress(chunk) + c.flush()
            bsize = len(comp) + 25
            out.write(b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00BC\x02\x00")
            out.write(struct.pack("<H", bsize))
            out.write(comp)
            out.write(struct.pack("<II", zlib.crc32(chunk) & 0xFFFFFFFF, len(chunk)))
        out.write(bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000"))
