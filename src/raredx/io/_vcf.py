"""VCF and PED reading: the only place that knows the VCF format.

A VCF (plain or bgzipped, single- or multi-sample) becomes a list of our own
:class:`raredx.model.Variant` objects, one per ALT allele carried by the patient, on GRCh38.
GRCh37 input is lifted over with a chain file the user provides (pyliftover).

Why a small reader of our own and not cyvcf2/pysam: htslib stops at the first malformed record
(cyvcf2 0.34 raises ``error parsing variant … ret: -2`` with no line number and the rest of the
file is lost), while raredx must report every bad line by number and go on. The text format is
simple; this reader parses the 37,110-record spiked dev exome in about 0.4 s of CPU on a busy
machine (bgzip decoding included; 0.57 s before the changes described here), with per-file caches
of the strings that recur on every line (FORMAT layouts, a single sample's GT/GQ strings with
their zygosities and genotypes, alleles already checked and upper-cased), the sample column split
only as far as GT and GQ, the garbage collector paused (:mod:`raredx.io._gc`) and the variants
built through their slots (:func:`_variant_maker`); ``benchmarks/vcf_reader_identity.py``
checks that a change to it reads exactly the same variants, skips and issues (and, with
``--genes``, the same built-in annotations and gene evidence).

Input problems are collected as :class:`raredx.model.InputIssue` (with the line number) and every
record not used is counted by reason in :attr:`VcfContent.skipped`; only a file that cannot be
used at all raises :class:`raredx.errors.InputError`.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MemberDescriptorType
from typing import Any

from raredx.errors import InputError
from raredx.io._gc import gc_paused
from raredx.model import (
    AnnotationSource,
    Genotype,
    InputIssue,
    IssueLevel,
    Pedigree,
    PedigreeMember,
    PedSex,
    Variant,
    VariantAnnotation,
    VariantEffect,
    Zygosity,
    structural_alt,
)

__all__ = [
    "VcfContent",
    "normalise_assembly",
    "normalise_chrom",
    "open_text",
    "parse_vcf",
    "read_ped",
    "read_vcf",
]

MAX_LISTED_ISSUES = 50

# contig lengths of chr1 that identify an assembly
_CHR1_LENGTH = {249250621: "GRCh37", 248956422: "GRCh38"}
_ASSEMBLY_ALIASES = {
    "grch37": "GRCh37", "hg19": "GRCh37", "b37": "GRCh37", "hs37d5": "GRCh37", "37": "GRCh37",
    "grch38": "GRCh38", "hg38": "GRCh38", "b38": "GRCh38", "38": "GRCh38",
}
_CARRIES = frozenset({Zygosity.HETEROZYGOUS, Zygosity.HOMOZYGOUS, Zygosity.HEMIZYGOUS})
_REF_RE = re.compile(r"^[ACGTNacgtn]+$")
_ALT_RE = re.compile(r"^[ACGTNacgtn]+$")

# a variant's (chrom, pos, ref, alt) as the annotator takes it; a structural allele's key
# carries its end as a fifth item
VariantKey = tuple[str, int, str, str] | tuple[str, int, str, str, int]

# population allele frequency fields (INFO keys or VEP CSQ fields), case-insensitive
_FREQ_FIELDS = (
    "gnomad_af", "gnomade_af", "gnomadg_af", "gnomad_exomes_af", "gnomad_genomes_af",
    "af_popmax", "gnomad_af_popmax", "max_af", "af_grpmax", "exac_af", "1000gp3_af",
    "gnomad_ac_af",
)
_SCORE_FIELDS = {
    "cadd_phred": "CADD", "cadd": "CADD",
    "revel": "REVEL", "revel_score": "REVEL",
    "am_pathogenicity": "AlphaMissense", "alphamissense": "AlphaMissense",
    "alphamissense_score": "AlphaMissense",
}
_SO = {e.value: e for e in VariantEffect}
_SO.update({
    "inframe_insertion": VariantEffect.INFRAME_INDEL,
    "inframe_deletion": VariantEffect.INFRAME_INDEL,
    "disruptive_inframe_insertion": VariantEffect.INFRAME_INDEL,
    "disruptive_inframe_deletion": VariantEffect.INFRAME_INDEL,
    "conservative_inframe_insertion": VariantEffect.INFRAME_INDEL,
    "conservative_inframe_deletion": VariantEffect.INFRAME_INDEL,
    "start_lost": VariantEffect.START_LOST,
    "initiator_codon_variant": VariantEffect.START_LOST,
    "stop_retained_variant": VariantEffect.SYNONYMOUS,
    "start_retained_variant": VariantEffect.SYNONYMOUS,
    "incomplete_terminal_codon_variant": VariantEffect.CODING_UNKNOWN,
    "coding_sequence_variant": VariantEffect.CODING_UNKNOWN,
    "splice_donor_5th_base_variant": VariantEffect.SPLICE_REGION,
    "splice_donor_region_variant": VariantEffect.SPLICE_REGION,
    "splice_polypyrimidine_tract_variant": VariantEffect.SPLICE_REGION,
    "5_prime_utr_variant": VariantEffect.UTR_5,
    "3_prime_utr_variant": VariantEffect.UTR_3,
    "5_prime_UTR_premature_start_codon_gain_variant": VariantEffect.UTR_5,
    "non_coding_exon_variant": VariantEffect.NON_CODING_EXON,
    "non_coding_transcript_variant": VariantEffect.NON_CODING_EXON,
    "mature_miRNA_variant": VariantEffect.NON_CODING_EXON,
    "intron_variant": VariantEffect.INTRONIC,
    "NMD_transcript_variant": VariantEffect.OTHER,
    "upstream_gene_variant": VariantEffect.UPSTREAM_DOWNSTREAM,
    "downstream_gene_variant": VariantEffect.UPSTREAM_DOWNSTREAM,
    "intergenic_region": VariantEffect.INTERGENIC,
    "intragenic_variant": VariantEffect.INTRONIC,
    "feature_truncation": VariantEffect.OTHER,
})


@dataclass
class VcfContent:
    """What was read from one VCF: the patient's variants on GRCh38 and an account of the rest.

    ``skipped`` counts ALT alleles (or lines) not used, by reason; ``issues`` lists problems with
    their line numbers (the first :data:`MAX_LISTED_ISSUES`; ``skipped`` has every count).
    ``annotation_source`` is VEP or SnpEff when the file carried that annotation, else ``None``
    (the built-in annotator fills it in later).
    """

    path: str
    samples: tuple[str, ...]
    proband: str
    assembly: str
    input_assembly: str
    variants: list[Variant]
    records: int = 0
    skipped: Counter = field(default_factory=Counter)
    issues: list[InputIssue] = field(default_factory=list)
    annotation_source: AnnotationSource | None = None

    def summary(self) -> dict:
        return {
            "file": self.path,
            "samples": list(self.samples),
            "proband": self.proband,
            "assembly": self.assembly,
            "input_assembly": self.input_assembly,
            "records": self.records,
            "variants_used": len(self.variants),
            "skipped": dict(sorted(self.skipped.items())),
            "annotation_source": self.annotation_source.value if self.annotation_source else None,
        }


def normalise_assembly(name: str) -> str:
    a = _ASSEMBLY_ALIASES.get(name.strip().lower())
    if a is None:
        raise InputError(f"unknown genome assembly {name!r}; use GRCh37 or GRCh38", "--assembly")
    return a


PRIMARY_CHROMS = frozenset([f"chr{i}" for i in range(1, 23)] + ["chrX", "chrY", "chrM"])
_REFSEQ_CHROM = re.compile(r"^NC_0000(\d\d)\.\d+$")


def normalise_chrom(c: str) -> str:
    """``1`` → ``chr1``, ``MT``/``chrMT`` → ``chrM``, RefSeq ``NC_000015.10`` → ``chr15``
    (``NC_012920.1`` → ``chrM``); other names get a ``chr`` prefix.

    >>> normalise_chrom("NC_000023.11"), normalise_chrom("MT"), normalise_chrom("GL000220.1")
    ('chrX', 'chrM', 'chrGL000220.1')
    """
    if c.startswith("chr"):
        return "chrM" if c == "chrMT" else c
    if c in ("MT", "M") or c.startswith("NC_012920."):
        return "chrM"
    m = _REFSEQ_CHROM.match(c)
    if m and 1 <= int(m.group(1)) <= 24:
        n = int(m.group(1))
        return "chr" + {23: "X", 24: "Y"}.get(n, str(n))
    return "chr" + c


def open_text(path: Path) -> Iterator[str]:
    """Lines of a plain or gzip/bgzip file. A truncated or corrupt compressed file raises
    :class:`InputError` naming the last line read."""
    path = Path(path)
    if not path.exists():
        raise InputError("file does not exist", str(path))
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        raw: io.BufferedIOBase = gzip.open(path, "rb")  # type: ignore[assignment]
    else:
        raw = open(path, "rb")
    n = 0
    try:
        with raw:
            rest = b""
            while True:
                chunk = raw.read(1 << 20)
                if not chunk:
                    break
                block = rest + chunk
                cut = block.rfind(b"\n") + 1
                rest = block[cut:]
                try:  # the whole block at once when it is valid UTF-8 (the usual case)
                    text = block[:cut].decode("utf-8")
                except UnicodeDecodeError:
                    text = None
                if text is not None:
                    for t in text.split("\n")[:-1]:
                        n += 1
                        yield t
                    continue
                for b in block[:cut].split(b"\n")[:-1]:
                    n += 1
                    try:
                        yield b.decode("utf-8")
                    except UnicodeDecodeError:
                        yield b.decode("latin-1")
            if rest:
                n += 1
                yield rest.decode("utf-8", errors="replace")
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as e:
        raise InputError(
            f"compressed file is truncated or corrupt after line {n} ({e}); nothing after that "
            "line could be read: re-create or re-download the file",
            str(path),
        ) from None


def _detect_assembly(meta: list[str]) -> str | None:
    found = set()
    for m in meta:
        low = m.lower()
        if low.startswith("##reference=") or low.startswith("##assembly="):
            for alias, a in _ASSEMBLY_ALIASES.items():
                if len(alias) > 2 and alias in low:
                    found.add(a)
        elif low.startswith("##contig="):
            mid = re.search(r"id=(?:chr)?1[,>]", low)
            ln = re.search(r"length=(\d+)", low)
            if mid and ln and int(ln.group(1)) in _CHR1_LENGTH:
                found.add(_CHR1_LENGTH[int(ln.group(1))])
            am = re.search(r"assembly=([^,>]+)", low)
            if am and am.group(1).strip('"') in _ASSEMBLY_ALIASES:
                found.add(_ASSEMBLY_ALIASES[am.group(1).strip('"')])
    return found.pop() if len(found) == 1 else None


def _sub_fields(meta: list[str], key: str) -> list[str] | None:
    for m in meta:
        if m.startswith(f"##INFO=<ID={key},"):
            mm = re.search(r"Format: ?([^\"]+)\"", m)
            if mm:
                return [x.strip() for x in mm.group(1).split("|")]
            mm = re.search(r"'([^']+)'", m)
            if mm:
                return [x.strip() for x in mm.group(1).split("|")]
    return None


def _parse_gt(gt: str, n_alt: int) -> tuple[list[int | None], int]:
    alleles = re.split(r"[/|]", gt)
    out: list[int | None] = []
    for a in alleles:
        if a == "." or a == "":
            out.append(None)
        else:
            out.append(int(a))  # ValueError for garbage
    return out, len(alleles)


def _zygosity(alleles: list[int | None], k: int) -> Zygosity:
    if len(alleles) == 2:
        a, b = alleles
        if a == k:
            return Zygosity.HOMOZYGOUS if b == k else Zygosity.HETEROZYGOUS
        if b == k:
            return Zygosity.HETEROZYGOUS
        if a is None and b is None:
            return Zygosity.NO_CALL
        return Zygosity.REFERENCE
    called = [a for a in alleles if a is not None]
    if not called:
        return Zygosity.NO_CALL
    c = sum(1 for a in called if a == k)
    if c == 0:
        return Zygosity.REFERENCE
    if len(alleles) == 1:
        return Zygosity.HEMIZYGOUS
    if c == len(alleles):
        return Zygosity.HOMOZYGOUS
    return Zygosity.HETEROZYGOUS


def _float(x: str) -> float | None:
    try:
        v = float(x)
    except ValueError:
        return None
    return v if v == v else None


def _trim(ref: str, alt: str) -> str:
    """VEP's allele string for an ALT (first base dropped when REF and ALT share it)."""
    if len(ref) != len(alt) and ref and alt and ref[0] == alt[0]:
        return alt[1:] or "-"
    return alt


class _Annotator:
    """Reads VEP CSQ / SnpEff ANN sub-fields into :class:`VariantAnnotation` items."""

    def __init__(self, meta: list[str]) -> None:
        self.csq = _sub_fields(meta, "CSQ")
        self.ann = _sub_fields(meta, "ANN")
        self.source = (AnnotationSource.VEP if self.csq else
                       AnnotationSource.SNPEFF if self.ann else None)
        if self.csq:
            low = [f.lower() for f in self.csq]
            self.ix = {name: i for i, name in enumerate(low)}

    def annotate(self, info: dict[str, str], ref: str, alt: str, k: int, n_alt: int
                 ) -> tuple[list[VariantAnnotation], float | None, list[tuple[str, float]]]:
        anns: list[VariantAnnotation] = []
        freqs: list[float] = []
        scores: dict[str, float] = {}
        if self.csq and "CSQ" in info:
            ix = self.ix
            want = {alt, _trim(ref, alt)}
            for entry in info["CSQ"].split(","):
                f = entry.split("|")
                if len(f) != len(self.csq):
                    continue
                if n_alt > 1:
                    if "allele_num" in ix and f[ix["allele_num"]]:
                        if f[ix["allele_num"]] != str(k):
                            continue
                    elif "allele" in ix and f[ix["allele"]] not in want:
                        continue
                cons = f[ix["consequence"]] if "consequence" in ix else ""
                effect = _worst(cons.split("&"))
                sym = f[ix["symbol"]] if "symbol" in ix else ""
                hg = f[ix["hgnc_id"]] if "hgnc_id" in ix else ""
                if hg and not hg.startswith("HGNC:"):
                    hg = "HGNC:" + hg
                if sym:
                    anns.append(VariantAnnotation(
                        gene_symbol=sym, effect=effect, source=AnnotationSource.VEP,
                        gene_id=hg or None,
                        transcript=(f[ix["feature"]] if "feature" in ix else None) or None,
                        hgvs_c=(f[ix["hgvsc"]] if "hgvsc" in ix else None) or None,
                        hgvs_p=(f[ix["hgvsp"]] if "hgvsp" in ix else None) or None,
                    ))
                for name, i in ix.items():
                    v = f[i]
                    if not v:
                        continue
                    if name in _FREQ_FIELDS:
                        x = _float(v.split("&")[0])
                        if x is not None:
                            freqs.append(x)
                    elif name in _SCORE_FIELDS:
                        x = _max_num(v)
                        if x is not None:
                            key = _SCORE_FIELDS[name]
                            scores[key] = max(scores.get(key, x), x)
                    elif name.startswith("spliceai_pred_ds"):
                        x = _float(v)
                        if x is not None:
                            scores["SpliceAI"] = max(scores.get("SpliceAI", x), x)
        elif self.ann and "ANN" in info:
            for entry in info["ANN"].split(","):
                f = entry.split("|")
                if len(f) < 11:
                    continue
                if n_alt > 1 and f[0] != alt:
                    continue
                effect = _worst(f[1].split("&"))
                if f[3]:
                    anns.append(VariantAnnotation(
                        gene_symbol=f[3], effect=effect, source=AnnotationSource.SNPEFF,
                        transcript=f[6] or None, hgvs_c=f[9] or None, hgvs_p=f[10] or None,
                    ))
        return _best_per_gene(anns), (max(freqs) if freqs else None), sorted(scores.items())


def _max_num(v: str) -> float | None:
    best = None
    for p in re.split(r"[&,]", v):
        x = _float(p)
        if x is not None and (best is None or x > best):
            best = x
    return best


def _worst(terms: list[str]) -> VariantEffect:
    best = VariantEffect.OTHER
    for t in terms:
        e = _SO.get(t.strip()) or _SO.get(t.strip().lower())
        if e is not None and e.severity < best.severity:
            best = e
    return best


def _best_per_gene(anns: list[VariantAnnotation]) -> list[VariantAnnotation]:
    best: dict[str, VariantAnnotation] = {}
    for a in anns:
        b = best.get(a.gene_symbol)
        if b is None or a.effect.severity < b.effect.severity:
            best[a.gene_symbol] = a
    return list(best.values())


def _info_dict(info: str) -> dict[str, str]:
    if info == "." or not info:
        return {}
    out = {}
    for kv in info.split(";"):
        k, _, v = kv.partition("=")
        out[k] = v
    return out


def _copy_numbers(fmt: str, cols: list[str]) -> list[int | None] | None:
    """Each sample's copy number (FORMAT ``CN``; ``None`` where unreadable), or ``None`` when
    FORMAT has no CN."""
    keys = fmt.split(":")
    if "CN" not in keys:
        return None
    i = keys.index("CN")
    out: list[int | None] = []
    for col in cols:
        vals = col.split(":")
        try:
            out.append(int(float(vals[i])) if i < len(vals) else None)
        except ValueError:
            out.append(None)
    return out


def _cnv_kind(cn: int | None) -> str | None:
    """A ``<CNV>`` allele by the patient's copy number: ``"<DEL>"`` below 2, ``"<DUP>"``
    above, ``""`` at 2 (no change), ``None`` when no copy number is given."""
    if cn is None:
        return None
    return "<DEL>" if cn < 2 else "<DUP>" if cn > 2 else ""


def _cn_zygosities(cns: list[int | None], kind: str) -> tuple[Zygosity, ...]:
    """Each sample's zygosity by its copy number for a deletion (0: homozygous, 1:
    heterozygous) or a duplication (3 or more: heterozygous)."""
    out = []
    for cn in cns:
        if cn is None:
            out.append(Zygosity.NO_CALL)
        elif kind == "<DEL>":
            out.append(Zygosity.HOMOZYGOUS if cn == 0 else Zygosity.HETEROZYGOUS if cn == 1
                       else Zygosity.REFERENCE)
        else:
            out.append(Zygosity.HETEROZYGOUS if cn >= 3 else Zygosity.REFERENCE)
    return tuple(out)


def _sv_end(info: str, pos: int, k: int) -> int | None:
    """A structural allele's last base: INFO ``END`` (one per record), else POS + |SVLEN| of
    the ``k``-th ALT (Number=A); ``None`` when neither gives an end at or after POS."""
    d = _info_dict(info)
    try:
        if d.get("END"):
            end = int(d["END"])
        elif d.get("SVLEN"):
            lens = d["SVLEN"].split(",")
            end = pos + abs(int(lens[k - 1 if len(lens) >= k else 0]))
        else:
            return None
    except ValueError:
        return None
    return end if end >= pos else None


def _info_extras(info: dict[str, str], k: int, n_alt: int
                 ) -> tuple[float | None, list[tuple[str, float]]]:
    """Population frequency and pathogenicity scores from plain INFO keys (per ALT where
    Number=A)."""
    freq = None
    scores: dict[str, float] = {}
    for key, v in info.items():
        low = key.lower()
        if low in _FREQ_FIELDS or low in _SCORE_FIELDS:
            parts = v.split(",")
            x = _float(parts[k - 1] if len(parts) == n_alt else parts[0])
            if x is None:
                continue
            if low in _FREQ_FIELDS:
                freq = x if freq is None else max(freq, x)
            else:
                scores[_SCORE_FIELDS[low]] = x
        elif low == "spliceai" and v:
            # ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL (one per ALT/gene)
            for entry in v.split(","):
                f = entry.split("|")
                ds = [_float(x) for x in f[2:6]] if len(f) >= 6 else []
                ds = [x for x in ds if x is not None]
                if ds:
                    scores["SpliceAI"] = max(scores.get("SpliceAI", 0.0), max(ds))
    return freq, sorted(scores.items())


class _Lifter:
    def __init__(self, chain: Path) -> None:
        try:
            from pyliftover import LiftOver
        except ImportError as e:  # pragma: no cover - pinned dependency
            raise InputError("pyliftover is not installed (pip install pyliftover)") from e
        chain = Path(chain)
        if not chain.exists():
            raise InputError("lift-over chain file does not exist", str(chain))
        try:
            self.lo = LiftOver(str(chain))
        except Exception as e:
            raise InputError(f"not a readable UCSC chain file ({e})", str(chain)) from None

    def lift(self, chrom: str, pos: int) -> tuple[str, int, str] | None:
        hits = self.lo.convert_coordinate(chrom, pos - 1)
        if not hits or len(hits) != 1:
            return None
        c, p, strand, _ = hits[0]
        return c, int(p) + 1, strand


_LIFTERS: dict[Path, _Lifter] = {}


def _lifter(chain: Path) -> _Lifter:
    """One parsed chain per process (parsing hg19ToHg38 takes about 2 s)."""
    key = chain.resolve()
    if key not in _LIFTERS:
        _LIFTERS[key] = _Lifter(chain)
    return _LIFTERS[key]


_COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def _revcomp(s: str) -> str:
    return s.translate(_COMP)[::-1]


def read_vcf(
    path: Path,
    sample: str | None = None,
    assembly: str | None = None,
    liftover_chain: Path | None = None,
    pedigree: Pedigree | None = None,
    annotate: Callable[[list[VariantKey]], list[tuple]] | None = None,
) -> VcfContent:
    """Read the patient's variants from a VCF (see the module docstring).

    ``sample`` names the patient's column; without it the only sample, or the single affected
    member of ``pedigree`` found in the VCF, is used. ``assembly`` overrides what the header
    says; GRCh37 needs ``liftover_chain``.
    """
    return parse_vcf(open_text(Path(path)), str(path), sample, assembly, liftover_chain,
                     pedigree, annotate)


def parse_vcf(
    lines: Iterator[str],
    where: str,
    sample: str | None = None,
    assembly: str | None = None,
    liftover_chain: Path | None = None,
    pedigree: Pedigree | None = None,
    annotate: Callable[[list[VariantKey]], list[tuple]] | None = None,
) -> VcfContent:
    """:func:`read_vcf` on lines already in memory (``where`` names them in messages).

    ``annotate`` (used when the file carries no VEP/SnpEff annotation) maps the variants'
    (chrom, pos, ref, alt) keys to their annotations in one call, so that each
    :class:`Variant` is built once; ``annotation_source`` is then left to the caller.
    """
    lines = iter(lines)
    meta: list[str] = []
    header: list[str] | None = None
    lineno = 0
    for line in lines:
        lineno += 1
        if line.startswith("##"):
            meta.append(line.rstrip("\r\n"))
            continue
        if line.startswith("#"):
            header = line.rstrip("\r\n").split("\t")
            break
        if not line.strip():  # a blank line before the header says nothing
            continue
        if "\x00" in line or sum(not c.isprintable() and c != "\t" for c in line[:200]) > 10:
            raise InputError(f"line {lineno}: binary data, not a VCF (plain text or bgzip)",
                             where)
        raise InputError(f"line {lineno}: a record before the #CHROM header line; not a VCF",
                         where)
    if header is None:
        if not meta:
            raise InputError("the file is empty: not a VCF file", where)
        raise InputError("no #CHROM header line: not a VCF file", where)
    if header[:8] != ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]:
        raise InputError(f"line {lineno}: the #CHROM line does not have the 8 fixed VCF columns",
                         where)
    samples = tuple(header[9:])
    if len(header) < 10 or header[8] != "FORMAT":
        raise InputError(
            "no genotype columns (FORMAT and a sample): a sites-only VCF cannot say which "
            "variants the patient carries; give the patient's VCF with genotypes", where)
    proband = _choose_proband(samples, sample, pedigree, where)
    pi = samples.index(proband)
    if pedigree is not None and pedigree.member(proband) is None:
        raise InputError(
            f"the PED file does not match the VCF: the patient {proband!r} has no line in it "
            f"(PED individuals: {', '.join(m.id for m in pedigree.members)})", where)

    detected = _detect_assembly(meta)
    if assembly is not None:
        input_asm = normalise_assembly(assembly)
    elif detected is not None:
        input_asm = detected
    else:
        raise InputError(
            "cannot determine the genome assembly (no ##reference, no contig lengths of a known "
            "assembly); give it with --assembly GRCh38 or --assembly GRCh37", where)
    lifter = None
    if input_asm == "GRCh37":
        if liftover_chain is None:
            raise InputError(
                "the VCF is on GRCh37; raredx works on GRCh38 and needs a GRCh37→GRCh38 chain file "
                "to lift it over: give --liftover-chain hg19ToHg38.over.chain.gz (UCSC)", where)
        lifter = _lifter(Path(liftover_chain))

    ann = _Annotator(meta)
    declared = {m[len("##INFO=<ID="):].split(",", 1)[0].lower()
                for m in meta if m.startswith("##INFO=<ID=")}
    wanted_info = bool(declared & (set(_FREQ_FIELDS) | set(_SCORE_FIELDS) | {"spliceai"})
                       or ann.source is not None)
    content = VcfContent(
        path=where, samples=samples, proband=proband, assembly="GRCh38",
        input_assembly=input_asm, variants=[], annotation_source=ann.source,
    )
    with gc_paused():
        keys, rows, lineno = _records(
            lines, lineno, content, samples, pi, lifter, ann, wanted_info)
        if annotate is not None and ann.source is None:
            extra = annotate(keys)
        else:
            extra = [r[6] for r in rows]
        new = _new_variant
        content.variants = [
            new(k[0], k[1], k[2], k[3], g, q, fl, db, fr, sc, an, ln, lf, en)
            for k, (g, q, fl, db, fr, sc, _, ln, lf, en), an in zip(keys, rows, extra)
        ]
    if not content.records:
        content.issues.append(InputIssue(
            IssueLevel.WARNING, where, "the VCF has a header but no variant record, so there "
            "are no variants to rank genes on"))
    return content


_MISS = object()
_VARIANT_FIELDS = ("chrom", "pos", "ref", "alt", "genotypes", "quality", "filters", "in_dbsnp",
                   "frequency", "scores", "annotations", "line", "lifted_from", "end")


def _variant_maker() -> Callable[..., Variant]:
    """``Variant(...)`` for the reader's bulk use (a few ten thousand per exome), about twice as
    fast: the frozen dataclass's ``__init__`` sets each slot with ``object.__setattr__`` by
    name, this sets them through the slot descriptors. The objects are the same (``==``,
    ``repr``, ``hash``, type); the class itself is used instead should :class:`Variant` ever
    gain or reorder fields, gain a ``__post_init__`` or lose its slots."""
    slots = [Variant.__dict__.get(n) for n in _VARIANT_FIELDS]
    if (tuple(f.name for f in fields(Variant)) != _VARIANT_FIELDS
            or hasattr(Variant, "__post_init__")
            or not all(isinstance(d, MemberDescriptorType) for d in slots)):
        return Variant
    new = object.__new__
    s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13 = (d.__set__ for d in slots)

    def make(chrom, pos, ref, alt, genotypes, quality,  # type: ignore[no-untyped-def]
             filters, in_dbsnp, frequency, scores, annotations, line, lifted_from, end):
        v = new(Variant)
        s0(v, chrom)
        s1(v, pos)
        s2(v, ref)
        s3(v, alt)
        s4(v, genotypes)
        s5(v, quality)
        s6(v, filters)
        s7(v, in_dbsnp)
        s8(v, frequency)
        s9(v, scores)
        s10(v, annotations)
        s11(v, line)
        s12(v, lifted_from)
        s13(v, end)
        return v

    return make


_new_variant = _variant_maker()


def _single_calls(gt: str, sq: str | None, n_alt: int, proband: str
                  ) -> tuple[tuple[Zygosity, bool, tuple[Genotype, ...]], ...] | None:
    """Per ALT allele of a single-sample record: the patient's zygosity, whether it carries the
    allele, and the genotypes of the :class:`Variant`; ``None`` for an unreadable GT."""
    try:
        al, _ = _parse_gt(gt, n_alt)
    except ValueError:
        return None
    if any(a is not None and a > n_alt for a in al):
        return None
    gq = _float(sq) if sq is not None else None
    out = []
    for k in range(1, n_alt + 1):
        z = _zygosity(al, k)
        out.append((z, z in _CARRIES, (Genotype(proband, z, gq),)))
    return tuple(out)


def _records(lines: Iterator[str], lineno: int, content: VcfContent, samples: tuple[str, ...],
             pi: int, lifter: _Lifter | None, ann: _Annotator, wanted_info: bool
             ) -> tuple[list[VariantKey], list[tuple], int]:
    """The records after the header: the (chrom, pos, ref, alt) key of every variant used and
    the rest of its :class:`Variant` fields (annotations at index 6), in file order; skips and
    issues go to ``content``."""
    where = content.path
    skipped = content.skipped
    issues = content.issues
    ncol = 9 + len(samples)
    proband = samples[pi]
    single = len(samples) == 1
    keys: list[VariantKey] = []
    rows: list[tuple] = []
    records = 0

    def issue(level: IssueLevel, msg: str, reason: str) -> None:
        skipped[reason] += 1
        if len(issues) < MAX_LISTED_ISSUES:
            issues.append(InputIssue(level, f"{where}:{lineno}", msg))

    # per-file caches (the same few strings recur on every line): FORMAT -> (GT index, GQ
    # index, how many ':' to split a sample at); single sample: (GT, GQ, number of ALTs) -> per
    # ALT (zygosity, carried, genotypes); several samples: (GT, number of ALTs) -> alleles and
    # (alleles, ALT index) -> zygosity; allele strings already checked to be DNA; contig names
    fmt_cache: dict[str, tuple[int, int, int]] = {}
    call_cache: dict[tuple[str, str | None, int], tuple | None] = {}
    gt_cache: dict[tuple[str, int], list[int | None]] = {}
    zyg_cache: dict[tuple[int, tuple[int | None, ...]], tuple[Zygosity, bool]] = {}
    gq_cache: dict[str, float | None] = {}
    dna: dict[str, str] = {}  # allele -> upper case
    chrom_cache: dict[str, str] = {}
    other_contigs: Counter = Counter()  # variants kept on contigs no gene model covers
    add_key, add_row = keys.append, rows.append
    not_carried = "not carried by the patient"
    miss = _MISS

    for line in lines:
        lineno += 1
        if line[-1:] in ("\n", "\r"):
            line = line.rstrip("\r\n")
        if not line:
            continue
        records += 1
        f = line.split("\t")
        if len(f) != ncol:
            issue(IssueLevel.ERROR, f"{len(f)} columns instead of {ncol}; line skipped",
                  "malformed line")
            continue
        if single:
            chrom, spos, vid, ref, alts, squal, filt, sinfo, fmt, sample1 = f
        else:
            chrom, spos, vid, ref, alts, squal, filt, sinfo, fmt = f[:9]
        try:
            pos = int(spos)
        except ValueError:
            pos = 0
        if pos < 1:
            issue(IssueLevel.ERROR, f"POS {spos!r} is not a positive integer; line skipped",
                  "malformed line")
            continue
        uref = dna.get(ref)
        if uref is None:
            if not _REF_RE.match(ref):
                issue(IssueLevel.ERROR, f"REF {ref!r} is not a DNA sequence; line skipped",
                      "malformed line")
                continue
            uref = dna[ref] = ref.upper()
        fi = fmt_cache.get(fmt)
        if fi is None:
            fk = fmt.split(":")
            gi, qi = (fk.index("GT") if "GT" in fk else -1), (fk.index("GQ") if "GQ" in fk else -1)
            fi = fmt_cache[fmt] = (gi, qi, max(gi, qi) + 1)
        gt_i, gq_i, cut = fi
        if gt_i < 0:
            issue(IssueLevel.ERROR, "no GT in FORMAT; line skipped", "no genotype (GT)")
            continue
        alt_list = alts.split(",")
        n_alt = len(alt_list)
        if single:
            # only the fields up to GT and GQ are needed: split no further
            vals = sample1.split(":", cut)
            nv = len(vals)
            ckey = (vals[gt_i] if gt_i < nv else ".",
                    vals[gq_i] if 0 <= gq_i < nv else None, n_alt)
            per_alt = call_cache.get(ckey, miss)
            if per_alt is miss:
                per_alt = call_cache[ckey] = _single_calls(ckey[0], ckey[1], n_alt, proband)
            if per_alt is None:
                issue(IssueLevel.ERROR,
                      "unreadable genotype (GT) in a sample column; line skipped",
                      "malformed line")
                continue
        else:
            calls = []
            try:
                for s in f[9:]:
                    vals = s.split(":")
                    nv = len(vals)
                    gt = vals[gt_i] if gt_i < nv else "."
                    al = gt_cache.get((gt, n_alt))
                    if al is None:
                        al, _ = _parse_gt(gt, n_alt)
                        if any(a is not None and a > n_alt for a in al):
                            raise ValueError(gt)
                        gt_cache[(gt, n_alt)] = al
                    if 0 <= gq_i < nv:
                        sq = vals[gq_i]
                        gq = gq_cache.get(sq, gq_cache)
                        if gq is gq_cache:
                            gq = gq_cache[sq] = _float(sq)
                    else:
                        gq = None
                    calls.append((al, gq))
            except ValueError:
                issue(IssueLevel.ERROR,
                      "unreadable genotype (GT) in a sample column; line skipped",
                      "malformed line")
                continue
            pal = calls[pi][0]
            pal_key = tuple(pal)
        filters = () if filt == "PASS" or filt == "." else tuple(filt.split(";"))
        if squal == ".":
            quality = None
        else:  # _float, inline
            try:
                quality = float(squal)
            except ValueError:
                quality = None
            else:
                if quality != quality:
                    quality = None
        info = None
        k = 0
        for alt in alt_list:
            k += 1
            if single:
                zyg, carried, gts = per_alt[k - 1]
            else:
                zkey = (k, pal_key)
                zc = zyg_cache.get(zkey)
                if zc is None:
                    z = _zygosity(pal, k)
                    zc = zyg_cache[zkey] = (z, z in _CARRIES)
                zyg, carried = zc
            ualt = dna.get(alt)
            if ualt is None:
                if alt == ".":  # a reference site (gVCF-like), not a variant
                    skipped["no ALT allele (a reference site)"] += 1
                    continue
                sv = structural_alt(alt) if alt.startswith("<") else None
                cnz = None
                if alt == "<CNV>" or (sv is not None and "CN" in fmt):
                    # a copy-number call: each sample's copy number (FORMAT CN), when given,
                    # says what it carries, whatever its GT ("./." or a haploid "1" in some
                    # CNV callers' VCFs); <CNV> is a deletion or duplication by the patient's
                    # copy number
                    cns = _copy_numbers(fmt, [sample1] if single else f[9:])
                    if sv is None and cns is not None:
                        sv = _cnv_kind(cns[pi])
                        if sv == "":  # two copies: no change in the patient
                            skipped[not_carried] += 1
                            continue
                    if sv is not None and cns is not None:
                        cnz = _cn_zygosities(cns, sv)
                        zyg = cnz[pi]
                        carried = zyg.carries
                if sv is not None:
                    svend = _sv_end(sinfo, pos, k)
                    if svend is None and carried:
                        issue(IssueLevel.ERROR,
                              f"structural ALT allele {alt!r} without a usable END or SVLEN "
                              "(an end at or after POS); allele skipped", "malformed line")
                        continue
                    ualt = sv
                elif alt == "*" or alt.startswith("<") or "[" in alt or "]" in alt:
                    if zyg.carries:
                        issue(IssueLevel.WARNING,
                              f"symbolic or structural ALT allele {alt!r} not analysed (only "
                              "deletions and duplications are: <DEL>, <DUP>, <CN0>, <CNV> "
                              "with a FORMAT CN, ...)",
                              "symbolic/structural allele")
                    else:
                        skipped[not_carried] += 1
                    continue
                elif not _ALT_RE.match(alt):
                    issue(IssueLevel.ERROR, f"ALT {alt!r} is not a DNA sequence; allele skipped",
                          "malformed line")
                    continue
                else:
                    ualt = dna[alt] = alt.upper()
            else:
                sv = cnz = None
            if ualt == uref:
                issue(IssueLevel.WARNING, f"ALT {alt!r} is the same as REF; not a variant, "
                      "allele skipped", "ALT equals REF")
                continue
            if not carried:
                skipped[not_carried if zyg is not Zygosity.NO_CALL
                        else "no call in the patient"] += 1
                continue
            if filters:
                skipped["failed FILTER"] += 1
                continue
            if info is None:
                info = _info_dict(sinfo) if wanted_info else {}
                in_db = vid not in (".", "") or sinfo == "DB" or sinfo.startswith("DB;") or (
                    ";DB;" in sinfo or sinfo.endswith(";DB"))
            c = chrom_cache.get(chrom)
            if c is None:
                c = chrom_cache[chrom] = normalise_chrom(chrom)
            vpos, vref, valt, lifted, vend = pos, uref, ualt, None, None
            if sv is not None:
                vend = svend
            if lifter is not None:
                hit = lifter.lift(c, pos)
                if hit is None:
                    skipped["no unique GRCh37→GRCh38 lift-over"] += 1
                    continue
                lifted = f"{chrom}:{pos}"
                c0 = c
                c, vpos, strand = hit
                if sv is not None and svend is not None:
                    # both ends are lifted; the span must stay on one chromosome, with its
                    # length within a factor of 2 (a chain gap or inversion otherwise)
                    hit_end = lifter.lift(c0, svend)
                    span = svend - pos
                    if hit_end is None or hit_end[0] != c or hit_end[2] != strand or not (
                            span / 2 <= abs(hit_end[1] - vpos) <= span * 2 + 1):
                        skipped["structural allele: no consistent GRCh37→GRCh38 lift-over "
                                "of both ends"] += 1
                        continue
                    if strand == "-":
                        # the affected bases pos+1..end land on end'..pos' of the other
                        # strand: the padding base is the one before end'
                        vpos, vend = hit_end[1] - 1, vpos - 1
                        vref = _revcomp(vref)
                    else:
                        vend = hit_end[1]
                elif strand == "-":
                    # the lifted position is that of the first base on the other strand
                    vpos = vpos - len(vref) + 1
                    vref, valt = _revcomp(vref), _revcomp(valt)
                if "_" in c:
                    skipped["lifted to an alternate/unplaced contig"] += 1
                    continue
            if info:
                anns, freq, scores = ann.annotate(info, ref, alt, k, n_alt)
                f2, s2 = _info_extras(info, k, n_alt)
                if f2 is not None:
                    freq = f2 if freq is None else max(freq, f2)
                if s2:
                    scores = sorted(dict(scores + s2).items())
                tscores, tanns = tuple(scores), tuple(anns)
            else:
                freq, tscores, tanns = None, (), ()
            if not single:
                gts = tuple(
                    Genotype(s, _zygosity(al, k), gq) for s, (al, gq) in zip(samples, calls)
                )
            if cnz is not None:
                gts = tuple(Genotype(g.sample, z, g.quality) for g, z in zip(gts, cnz))
            if c not in PRIMARY_CHROMS:
                other_contigs[chrom] += 1
            # a structural allele's key carries its end (the annotator needs the span)
            add_key((c, vpos, vref, valt) if vend is None else (c, vpos, vref, valt, vend))
            add_row((gts, quality, filters, in_db, freq, tscores, tanns, lineno, lifted, vend))
    content.records += records
    if other_contigs:  # kept, but said: the built-in gene models cover primary chromosomes only
        names = ", ".join(repr(c) for c in list(other_contigs)[:5])
        issues.append(InputIssue(
            IssueLevel.WARNING, where,
            f"{sum(other_contigs.values())} variant(s) on {len(other_contigs)} contig(s) that "
            f"are not primary chromosomes (1-22, X, Y, MT; e.g. {names}): no gene model covers "
            "them unless the VCF annotates them"))
    return keys, rows, lineno


def _choose_proband(samples: tuple[str, ...], sample: str | None, pedigree: Pedigree | None,
                    where: str) -> str:
    if sample is not None:
        if sample not in samples:
            raise InputError(
                f"sample {sample!r} is not in the VCF (its samples: {', '.join(samples)})", where)
        return sample
    if pedigree is not None:
        aff = [m.id for m in pedigree.affected if m.id in samples]
        if len(aff) == 1:
            return aff[0]
        if not any(m.id in samples for m in pedigree.members):
            raise InputError(
                f"the PED file and the VCF share no individual (VCF samples: {', '.join(samples)};"
                f" PED: {', '.join(m.id for m in pedigree.members)})", where)
        if len(aff) > 1:
            raise InputError(f"several affected individuals in the VCF ({', '.join(aff)}); "
                             "name the patient with --sample", where)
    if len(samples) == 1:
        return samples[0]
    raise InputError(f"the VCF has {len(samples)} samples ({', '.join(samples)}); name the "
                     "patient with --sample (or give a PED file with one affected member)", where)


def read_ped(path: Path) -> tuple[Pedigree, list[InputIssue]]:
    """Read a PED file (family, individual, father, mother, sex 1/2, phenotype 2 = affected)."""
    where = str(path)
    members = []
    issues: list[InputIssue] = []
    for n, line in enumerate(open_text(Path(path)), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split()
        if len(f) < 6:
            issues.append(InputIssue(IssueLevel.ERROR, f"{where}:{n}",
                                     f"{len(f)} columns instead of 6; line skipped"))
            continue
        sex = {"1": PedSex.MALE, "2": PedSex.FEMALE}.get(f[4], PedSex.UNKNOWN)
        aff = {"2": True, "1": False}.get(f[5])
        members.append(PedigreeMember(
            family=f[0], id=f[1], father=None if f[2] in ("0", ".") else f[2],
            mother=None if f[3] in ("0", ".") else f[3], sex=sex, affected=aff))
    if not members:
        why = (f" ({len(issues)} line(s) skipped: {issues[0].where}: {issues[0].message})"
               if issues else "")
        raise InputError("no individual in the PED file (expected 6 whitespace-separated "
                         f"columns: family, individual, father, mother, sex, phenotype){why}",
                         where)
    ids = {m.id for m in members}
    for m in members:
        for p in (m.father, m.mother):
            if p is not None and p not in ids:
                issues.append(InputIssue(IssueLevel.WARNING, where,
                                         f"{m.id}'s parent {p} has no line of their own"))
    return Pedigree(tuple(members)), issues


def phenopacket_vcfs(path: Path) -> list[tuple[Path, str | None]]:
    """VCF files a phenopacket points to (``files[].uri`` with format VCF, or a ``.vcf``/
    ``.vcf.gz`` name), with the assembly its ``fileAttributes`` give; relative paths and
    ``file://`` URIs are resolved against the phenopacket's folder."""
    import json

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read the phenopacket ({e})", str(path)) from None
    return vcfs_of_phenopacket(data, Path(path).parent, str(path))


def _vcf_entries(data: Any) -> list[tuple[int, str, dict]]:
    """``(index, uri, fileAttributes)`` of a phenopacket's ``files`` that are VCFs: format VCF
    (``fileFormat`` or ``htsFormat``), or a ``.vcf`` / ``.vcf.gz`` name."""
    out = []
    for i, f in enumerate(data.get("files") or [] if isinstance(data, dict) else []):
        if not isinstance(f, dict) or not isinstance(f.get("uri"), str):
            continue
        attrs = f.get("fileAttributes") or {}
        fmt = str(attrs.get("fileFormat", attrs.get("htsFormat", ""))).lower()
        if fmt == "vcf" or re.search(r"\.vcf(\.b?gz)?$", f["uri"], re.I):
            out.append((i, f["uri"], attrs))
    return out


def names_vcf(data: Any) -> bool:
    """Whether a (parsed) phenopacket's ``files`` name a VCF."""
    return bool(_vcf_entries(data))


def vcfs_of_phenopacket(data: Any, base: Path | None, where: str
                        ) -> list[tuple[Path, str | None]]:
    """:func:`phenopacket_vcfs` on a parsed phenopacket; relative paths are resolved against
    ``base`` (None, e.g. for a phenopacket inside an archive: relative paths are an error)."""
    from urllib.parse import unquote, urlparse

    out = []
    for i, uri, attrs in _vcf_entries(data):
        u = urlparse(uri)
        if u.scheme not in ("", "file"):
            raise InputError(f"files[{i}].uri {uri!r}: only local files can be read", where)
        p = Path(unquote(u.path if u.scheme == "file" else uri))
        if not p.is_absolute():
            if base is None:
                raise InputError(f"files[{i}].uri {uri!r}: a relative path cannot be resolved "
                                 "for a phenopacket inside an archive (unpack it, or give an "
                                 "absolute path)", where)
            p = base / p
        asm = attrs.get("genomeAssembly") or attrs.get("genome_assembly")
        out.append((p, str(asm) if asm else None))
    return out
