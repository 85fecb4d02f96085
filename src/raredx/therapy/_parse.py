"""Alteration notation -> canonical :class:`Alteration` (one grammar for user input and the table).

Accepted (case-insensitive; gene first unless an NM_ transcript names it):

- protein changes: ``IDH1 R132H``, ``IDH1 p.Arg132His``, ``IDH1:p.(R132H)``, ``NPM1 W288Cfs*12``,
  ``EGFR E746_A750del``, ``CFTR F508del``; codon level ``IDH1 R132X`` (any substitution at R132;
  use ``*`` or ``Ter`` for a stop)
- cDNA: ``NM_005896.4:c.395G>A``, ``IDH1 c.395G>A`` (translated with the built-in reference codons of
  the curated hotspots; elsewhere only the codon number is known)
- legacy names: ``H3F3A K27M``, ``HbS``/``HBB E6V``, ``SOD1 A4V``, ``EZH2 Y641N``, ``CFTR ΔF508``
- gene level: ``FLT3 mutation``, ``FLT3-ITD``, ``FLT3 TKD``, ``ERBB2 amplification``,
  ``CDKN2A deletion``, ``FXN repeat expansion``
- fusions/rearrangements: ``FGFR2::BICC1``, ``BICC1-FGFR2 fusion``, ``EML4/ALK``, ``FGFR2 fusion``,
  ``KMT2A-r``, ``KMT2A rearrangement``, ``Ph+``, ``t(9;22)``, ``t(4;11)``
- exon events: ``DMD exon 45-50 deletion``, ``DMD del45-50``, ``EGFR exon 19 deletion``,
  ``MET exon 14 skipping``, ``EGFR exon 20 insertion``
- expression and signatures: ``CD20 positive``, ``CD33+``, ``HER2-positive``, ``MSI-H``, ``dMMR``,
  ``TMB-H``
- zygosity: ``homozygous``, ``biallelic``, ``hemizygous``, ``x2`` anywhere in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from raredx.therapy._genes import Genes
from raredx.therapy._model import Alteration, AltKind, Atom, BiomarkerSpec, Zygosity

AA3 = {
    "ALA": "A", "ARG": "R", "ASN": "N", "ASP": "D", "CYS": "C", "GLN": "Q", "GLU": "E", "GLY": "G",
    "HIS": "H", "ILE": "I", "LEU": "L", "LYS": "K", "MET": "M", "PHE": "F", "PRO": "P", "SER": "S",
    "THR": "T", "TRP": "W", "TYR": "Y", "VAL": "V", "TER": "*", "SEC": "U",
}
AA1 = set("ACDEFGHIKLMNPQRSTVWYU")
CODE = {
    "TTT": "F", "TTC": "F", "TTA": "L", "TTG": "L", "CTT": "L", "CTC": "L", "CTA": "L", "CTG": "L",
    "ATT": "I", "ATC": "I", "ATA": "I", "ATG": "M", "GTT": "V", "GTC": "V", "GTA": "V", "GTG": "V",
    "TCT": "S", "TCC": "S", "TCA": "S", "TCG": "S", "CCT": "P", "CCC": "P", "CCA": "P", "CCG": "P",
    "ACT": "T", "ACC": "T", "ACA": "T", "ACG": "T", "GCT": "A", "GCC": "A", "GCA": "A", "GCG": "A",
    "TAT": "Y", "TAC": "Y", "TAA": "*", "TAG": "*", "CAT": "H", "CAC": "H", "CAA": "Q", "CAG": "Q",
    "AAT": "N", "AAC": "N", "AAA": "K", "AAG": "K", "GAT": "D", "GAC": "D", "GAA": "E", "GAG": "E",
    "TGT": "C", "TGC": "C", "TGA": "*", "TGG": "W", "CGT": "R", "CGC": "R", "CGA": "R", "CGG": "R",
    "AGT": "S", "AGC": "S", "AGA": "R", "AGG": "R", "GGT": "G", "GGC": "G", "GGA": "G", "GGG": "G",
}
IUPAC = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "N": "ACGT", "S": "CG",
         "W": "AT", "K": "GT", "M": "AC"}
COMPLEMENT_FREE = None  # cDNA is on the coding strand: no complementing needed

EXPRESSION_GENES = {"CD19", "MS4A1", "CD22", "TNFRSF8", "CD33", "ERBB2", "KIT", "CD274"}
FUSION_POSITIVE_GENES = {"ALK", "ROS1", "RET", "NTRK1", "NTRK2", "NTRK3"}
KARYOTYPES = {
    "PH+": ("BCR", "ABL1"), "PH-POSITIVE": ("BCR", "ABL1"), "PH POSITIVE": ("BCR", "ABL1"),
    "PHILADELPHIA CHROMOSOME": ("BCR", "ABL1"), "PHILADELPHIA CHROMOSOME-POSITIVE": ("BCR", "ABL1"),
    "PHILADELPHIA CHROMOSOME POSITIVE": ("BCR", "ABL1"),
    "T(9;22)": ("BCR", "ABL1"), "T(15;17)": ("PML", "RARA"), "T(4;11)": ("KMT2A", "AFF1"),
    "T(9;11)": ("KMT2A", "MLLT3"),
}
SIGNATURES = {"MSI-H": "MSI-H", "MSI HIGH": "MSI-H", "MSI-HIGH": "MSI-H", "MSIH": "MSI-H",
              "DMMR": "dMMR", "MMR DEFICIENT": "dMMR", "MMR-DEFICIENT": "dMMR",
              "TMB-H": "TMB-H", "TMB HIGH": "TMB-H", "TMB-HIGH": "TMB-H"}

_ZYG = [
    (r"\b(?:homozygous|biallelic|bi-allelic|hemizygous|compound heterozygous|x2|x 2)\b",
     Zygosity.BIALLELIC),
    (r"\b(?:heterozygous|monoallelic)\b", Zygosity.HETEROZYGOUS),
]
_AA = r"(?:[A-Za-z]{3}(?=\d|fs|FS|$)|[A-Za-z*])"
KEYWORD_FREE: frozenset[str] = frozenset()
_AA3 = "(?:" + "|".join(a.capitalize() for a in AA3) + ")"


class AlterationError(ValueError):
    """An alteration text that cannot be understood; ``suggestions`` may help the user."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        self.suggestions = suggestions
        super().__init__(message)


@dataclass(frozen=True)
class Parsed:
    alteration: Alteration
    notes: tuple[str, ...] = ()


def _aa(s: str) -> str:
    if len(s) == 3:
        u = s.upper()
        if u not in AA3:
            raise AlterationError(f"unknown amino acid {s!r}")
        return AA3[u]
    s = s.upper()
    if s == "X":
        return "X"
    if s in AA1 or s == "*":
        return s
    raise AlterationError(f"unknown amino acid {s!r}")


def _norm(text: str) -> str:
    t = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    t = t.replace("\u0394", "delta").replace("\u2206", "delta").replace("\uff1a", ":")
    return re.sub(r"\s+", " ", t).strip()


def parse_alteration(text: str, genes: Genes) -> Parsed:
    """Parse one alteration; raise :class:`AlterationError` with a clear message if impossible."""
    raw = _norm(text)
    if not raw:
        raise AlterationError("empty alteration")
    t = raw
    zyg = Zygosity.UNKNOWN
    for pat, z in _ZYG:
        if re.search(pat, t, flags=re.IGNORECASE):
            zyg = z
            t = re.sub(pat, " ", t, flags=re.IGNORECASE)
    t = re.sub(r"\s+", " ", t).strip()
    notes: list[str] = []
    u = t.upper()
    if u in SIGNATURES:
        return Parsed(Alteration("", AltKind.SIGNATURE, value=SIGNATURES[u]))
    if u in ("*", "NONE", "NO BIOMARKER"):
        return Parsed(Alteration("", AltKind.ANY))
    if u in KARYOTYPES:
        a, b = KARYOTYPES[u]
        return Parsed(Alteration(a, AltKind.FUSION, partner=b), (f"{t} read as {a}::{b} fusion",))
    # NM_ transcript HGVS
    m = re.match(r"^(N[MC]_\d+)(?:\.\d+)?(?:\(([A-Za-z0-9-]+)\))?:(.+)$", t)
    if m:
        gene = genes.gene_for_transcript(m.group(1))
        if gene is None and m.group(2):
            gene = _gene(m.group(2), genes, notes)
        if gene is None:
            raise AlterationError(
                f"transcript {m.group(1)} is not the MANE Select transcript of a curated gene "
                "(install the gene knowledge, `raredx data install-genes`, to map any MANE "
                "transcript); or give the gene symbol and protein change (e.g. 'IDH1 R132H')")
        return _finish(_event(gene, m.group(3).strip(), genes, notes, raw), zyg, notes)
    # fusions written with the two partners in one token
    words = t.split(" ")
    head, rest = words[0], " ".join(words[1:]).strip()
    if re.fullmatch(r"t\(\d+;\d+\)", head, flags=re.IGNORECASE) and head.upper() in KARYOTYPES:
        a, b = KARYOTYPES[head.upper()]
        return _finish(Alteration(a, AltKind.FUSION, partner=b), zyg, [f"{head} read as {a}::{b}"])
    m = re.match(r"^(.+?)-(ITD|TKD|r|positive|negative|amp|mutated|mutant|expressing|"
                 r"rearranged)$", head, flags=re.IGNORECASE)
    if m and m.group(1).upper() not in KEYWORD_FREE and head.upper() not in (
            s.upper() for s in genes.curated):
        head, rest = m.group(1), (m.group(2) + " " + rest).strip()
    elif head.endswith("+") and len(head) > 1 and "::" not in head:
        head, rest = head[:-1], ("positive " + rest).strip()
    else:
        fusion = _split_fusion(head, genes)
        if fusion is not None:
            if rest and rest.lower() not in ("fusion", "fusions", "fusion-positive",
                                             "fusion positive", "rearrangement", "translocation",
                                             "positive", "+"):
                raise AlterationError(f"cannot read {rest!r} after the fusion {head!r}")
            a, b = (_gene(x, genes, notes) for x in fusion)
            return _finish(Alteration(a, AltKind.FUSION, partner=b), zyg, notes)
        m = re.match(r"^([A-Za-z0-9-]+?):(.+)$", head)
        if m and not rest:
            head, rest = m.group(1), m.group(2)
    if re.match(r"^(p\.|c\.|g\.)", head, flags=re.IGNORECASE) or (re.fullmatch(
            rf"(?:{_AA3}|[ACDEFGHIKLMNPQRSTVWY])\d+[A-Za-z*=?_].*", head)
            and not _is_known_gene(head, genes)):
        raise AlterationError(f"{raw!r} names no gene: write the gene first, e.g. 'IDH1 {head}'")
    gene = _gene(head, genes, notes)
    if not rest:
        raise AlterationError(
            f"{raw!r} gives a gene but no alteration: add the change, e.g. '{gene} R132H', "
            f"'{gene} mutation', '{gene} fusion', '{gene} amplification'")
    return _finish(_event(gene, rest, genes, notes, raw), zyg, notes)


def _is_known_gene(text: str, genes: Genes) -> bool:
    c = genes.check(text)
    return c.symbol is not None and c.validated


def _finish(alt: Alteration, zyg: Zygosity, notes: list[str]) -> Parsed:
    if zyg is not Zygosity.UNKNOWN:
        alt = Alteration(alt.gene, alt.kind, alt.ref, alt.pos, alt.alt, alt.end, alt.partner,
                         alt.value, zyg)
    return Parsed(alt, tuple(notes))


def _gene(text: str, genes: Genes, notes: list[str]) -> str:
    chk = genes.check(text)
    if chk.symbol is None:
        raise AlterationError(chk.note, chk.suggestions)
    if chk.note:
        notes.append(chk.note)
    return chk.symbol


def _split_fusion(head: str, genes: Genes) -> tuple[str, str] | None:
    for sep in ("::", "/", "--"):
        if sep in head:
            parts = [p for p in head.split(sep) if p]
            if len(parts) == 2:
                return parts[0], parts[1]
    if "-" in head and head.upper() not in (s.upper() for s in genes.curated):
        parts = head.split("-")
        for i in range(1, len(parts)):
            a, b = "-".join(parts[:i]), "-".join(parts[i:])
            ca, cb = genes.check(a), genes.check(b)
            if ca.symbol and cb.symbol and ca.validated and cb.validated:
                return a, b
    return None


def _event(gene: str, rest: str, genes: Genes, notes: list[str], raw: str,
           named: bool = True) -> Alteration:
    r = rest.strip()
    low = r.lower().strip(" ,;")
    g = genes.curated.get(gene)
    # named and legacy variants
    if g is not None and named:
        for key in (low.upper(), re.sub(r"^P\.", "", low.upper()).strip("()"),
                    re.sub(r"\s+", "", low.upper())):
            if key in g.named_variants:
                canon = g.named_variants[key]
                if canon.upper() != key:
                    notes.append(f"{gene} {r} read as {gene} {canon}")
                return _event(gene, canon, genes, [], raw, named=False)
        if low.replace("delta", "").upper() in g.named_variants:
            canon = g.named_variants[low.replace("delta", "").upper()]
            return _event(gene, canon, genes, [], raw, named=False)
    if low.startswith("delta") and re.fullmatch(r"delta" + _AA.lower() + r"\d+", low):
        r = r[5:] + "del"
        low = r.lower()
    if low in ("fusion", "fusions", "fusion-positive", "fusion positive", "fusion+"):
        return Alteration(gene, AltKind.FUSION)
    if low in ("rearrangement", "rearrangements", "rearranged", "r", "translocation",
               "translocated", "rearrangement-positive", "rearrangement positive", "-r"):
        return Alteration(gene, AltKind.REARRANGEMENT)
    if low in ("itd", "internal tandem duplication", "itd-positive", "itd positive"):
        return Alteration(gene, AltKind.ITD)
    if low in ("tkd", "tkd mutation", "tyrosine kinase domain mutation"):
        return Alteration(gene, AltKind.TKD)
    if low in ("amplification", "amp", "amplified", "gain", "copy number gain"):
        return Alteration(gene, AltKind.AMPLIFICATION)
    if low in ("deletion", "deleted", "loss", "copy number loss", "del", "gene deletion",
               "whole-gene deletion", "whole gene deletion"):
        return Alteration(gene, AltKind.DELETION)
    if low in ("nonsense", "nonsense mutation", "stop-gain", "stop gain"):
        return Alteration(gene, AltKind.NONSENSE)
    if low in ("repeat expansion", "gaa repeat expansion", "gaa expansion", "expansion",
               "trinucleotide repeat expansion"):
        return Alteration(gene, AltKind.REPEAT_EXPANSION)
    mut_words = ("mutation", "mutations", "mutated", "mutant", "variant", "variants",
                 "pathogenic variant", "pathogenic variants", "oncogenic mutation",
                 "activating mutation", "any mutation", "any activating mutation",
                 "mutation-positive", "mutation positive", "susceptible mutation", "sequence variant")
    if low in mut_words:
        return Alteration(gene, AltKind.MUTATION)
    if low in ("positive", "+", "pos", "expression", "overexpression", "high", "ihc 3+",
               "positive (ihc 3+)", "expressing", "-positive", "-expressing"):
        if gene in FUSION_POSITIVE_GENES:
            notes.append(f"{gene}-positive read as {gene} fusion")
            return Alteration(gene, AltKind.FUSION)
        if g is not None and gene not in EXPRESSION_GENES:
            raise AlterationError(
                f"{raw!r}: '{gene} positive' is ambiguous; say '{gene} mutation', '{gene} "
                "fusion' or '{gene} amplification'")
        return Alteration(gene, AltKind.EXPRESSION, value="positive")
    if low in ("negative", "-", "neg", "not expressed"):
        return Alteration(gene, AltKind.EXPRESSION, value="negative")
    # exon events
    m = re.fullmatch(
        r"(?:exons?|ex)\s*(\d+)(?:\s*(?:-|to|_|through)\s*(\d+))?\s*"
        r"(deletion|deletions|del|deleted|insertion|insertions|ins|skipping|skip|"
        r"skip amenable|skip-amenable|skippable|mutation|mutations|duplication|dup)", low)
    if not m:
        m2 = re.fullmatch(
            r"(deletion|del|duplication|dup|insertion|ins)\s*(?:of\s*)?(?:exons?|ex)?\s*(\d+)"
            r"(?:\s*(?:-|to|_|through)\s*(\d+))?", low)
        if m2:
            m = re.fullmatch(r"(\d+)(?:-(\d+))?\s*(\w+)",
                             f"{m2.group(2)}-{m2.group(3) or m2.group(2)} {m2.group(1)}")
    if not m:
        m3 = re.fullmatch(r"amenable to (?:exon\s*)?(\d+) skipping|amenable to skipping (?:of )?"
                          r"exon\s*(\d+)", low)
        if m3:
            return Alteration(gene, AltKind.EXON_SKIP_AMENABLE, pos=int(m3.group(1) or m3.group(2)))
    if m:
        a = int(m.group(1))
        b = int(m.group(2) or a)
        if b < a:
            a, b = b, a
        word = m.group(3)
        if word.startswith("del"):
            return Alteration(gene, AltKind.EXON_DELETION, pos=a, end=b)
        if word.startswith("ins"):
            return Alteration(gene, AltKind.EXON_INSERTION, pos=a, end=b)
        if word in ("skip", "skip amenable", "skip-amenable", "skippable"):
            return Alteration(gene, AltKind.EXON_SKIP_AMENABLE, pos=a)
        if word == "skipping":
            return Alteration(gene, AltKind.EXON_SKIPPING, pos=a, end=b)
        if word.startswith("dup"):
            raise AlterationError(f"{raw!r}: exon duplications are not assessed yet")
        return Alteration(gene, AltKind.MUTATION, value=f"exon {a} mutation")
    # cDNA
    if re.match(r"^c\.", r, flags=re.IGNORECASE):
        return _cdna(gene, r, genes, notes, raw)
    # protein
    return _protein(gene, r, raw)


def _protein(gene: str, r: str, raw: str) -> Alteration:
    s = re.sub(r"^p\.", "", r.strip(), flags=re.IGNORECASE).strip()
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1]
    # ranges: E746_A750del, E746_A750delinsX, A767_V769dup, D770_N771insSVD
    m = re.fullmatch(rf"({_AA})(\d+)_({_AA})(\d+)(delins\w+|del|dup|ins\w+)", s)
    if m:
        kind = re.match(r"delins|del|dup|ins", m.group(5)).group(0)  # type: ignore[union-attr]
        return Alteration(gene, AltKind.PROTEIN, _aa(m.group(1)), int(m.group(2)), kind,
                          end=int(m.group(4)), value=s[len(m.group(1)) + len(m.group(2)):])
    m = re.fullmatch(rf"({_AA})(\d+)(.*)", s)
    if not m:
        raise AlterationError(
            f"cannot read alteration {raw!r}: expected e.g. 'R132H', 'p.Arg132His', "
            "'c.395G>A', 'fusion', 'ITD', 'amplification', 'exon 19 deletion'")
    try:
        ref = _aa(m.group(1))
    except AlterationError as e:
        raise AlterationError(f"cannot read alteration {raw!r}: {e}") from None
    pos, tail = int(m.group(2)), m.group(3)
    mf = re.fullmatch(r"([A-Za-z]{3}|[A-Za-z])?fs(?:\*|Ter|X)?(\d*)\??", tail, flags=re.IGNORECASE)
    if mf:
        new_aa = _aa(mf.group(1)) if mf.group(1) else ""
        canon = f"{new_aa}fs" + (f"*{mf.group(2)}" if mf.group(2) else "")
        return Alteration(gene, AltKind.PROTEIN, ref, pos, "fs", value=canon)
    if tail.lower() in ("del", "dup") or tail.lower().startswith(("delins", "ins")):
        kind = re.match(r"delins|del|dup|ins", tail.lower()).group(0)  # type: ignore[union-attr]
        return Alteration(gene, AltKind.PROTEIN, ref, pos, kind, end=pos, value=tail)
    if tail in ("=", ""):
        if tail == "":
            raise AlterationError(f"{raw!r}: the new amino acid is missing (e.g. R132H or R132X)")
        return Alteration(gene, AltKind.PROTEIN, ref, pos, "=")
    if tail.upper() in ("X", "XAA", "?"):
        return Alteration(gene, AltKind.CODON, ref, pos)
    try:
        alt = _aa(tail)
    except AlterationError:
        raise AlterationError(
            f"cannot read the change {tail!r} in {raw!r} (expected an amino acid, '*', 'fs', "
            "'del', 'dup', 'ins...' or 'X' for any change at the codon)") from None
    if alt == ref:
        return Alteration(gene, AltKind.PROTEIN, ref, pos, "=")
    return Alteration(gene, AltKind.PROTEIN, ref, pos, alt)


def _cdna(gene: str, r: str, genes: Genes, notes: list[str], raw: str) -> Alteration:
    m = re.fullmatch(r"c\.(\d+)([ACGT])>([ACGT])", r, flags=re.IGNORECASE)
    m2 = re.fullmatch(r"c\.(\d+)_(\d+)(?:delins|[ACGT]+>)([ACGT]+)", r, flags=re.IGNORECASE)
    if not m and not m2:
        raise AlterationError(
            f"{raw!r}: only coding substitutions (c.NNNA>G, c.N_MdelinsXY) of the curated "
            "hotspots and the curated named variants can be translated without the transcript "
            "sequence; give the protein change instead")
    if m:
        start, end, refb, altb = int(m.group(1)), int(m.group(1)), m.group(2).upper(), m.group(3).upper()
    else:
        assert m2 is not None
        start, end, refb, altb = int(m2.group(1)), int(m2.group(2)), "", m2.group(3).upper()
        if end - start + 1 != len(altb):
            raise AlterationError(f"{raw!r}: only same-length delins can be translated")
    codon = (start - 1) // 3 + 1
    if (end - 1) // 3 + 1 != codon:
        raise AlterationError(f"{raw!r}: the change spans two codons; give the protein change")
    g = genes.curated.get(gene)
    ref_codon = g.codons.get(codon) if g else None
    if ref_codon is None:
        notes.append(f"{gene} c.{start}: codon {codon} is not a curated hotspot; only the codon "
                     "number is known (give the protein change for an exact match)")
        return Alteration(gene, AltKind.CODON, "", codon)
    offset = (start - 1) % 3
    if refb and refb not in IUPAC[ref_codon[offset]]:
        raise AlterationError(
            f"{raw!r}: reference base {refb} does not match the {gene} {g.mane_select} "  # type: ignore[union-attr]
            f"sequence at c.{start} (expected {ref_codon[offset]}); check the transcript/strand")
    new = list(ref_codon)
    for i, b in enumerate(altb):
        new[offset + i] = b
    ref_aa = _translate(ref_codon)
    alt_aa = _translate("".join(new))
    if ref_aa is None or alt_aa is None:
        notes.append(f"{gene} c.{start}: the curated codon is not fully known; codon {codon} only")
        return Alteration(gene, AltKind.CODON, ref_aa or "", codon)
    notes.append(f"{raw} translated as {gene} p.{ref_aa}{codon}{alt_aa} on {g.mane_select}")  # type: ignore[union-attr]
    if alt_aa == ref_aa:
        return Alteration(gene, AltKind.PROTEIN, ref_aa, codon, "=")
    return Alteration(gene, AltKind.PROTEIN, ref_aa, codon, alt_aa)


def _translate(codon: str) -> str | None:
    """Translate a codon that may hold IUPAC ambiguity codes; None if the result is ambiguous."""
    options = {""}
    for b in codon:
        options = {o + x for o in options for x in IUPAC[b]}
    aas = {CODE[o] for o in options}
    return aas.pop() if len(aas) == 1 else None


def parse_spec(text: str, genes: Genes) -> BiomarkerSpec:
    """Parse a biomarker requirement of the table: ``A|B`` (or), ``A & B`` (and), ``!A`` (not),
    ``A x2`` (biallelic), ``*`` (none required)."""
    clauses = []
    for part in text.split("|"):
        atoms = []
        for a in part.split("&"):
            a = a.strip()
            neg = a.startswith("!")
            a = a.lstrip("!").strip()
            bi = bool(re.search(r"\sx2$", a))
            a = re.sub(r"\sx2$", "", a)
            alt = parse_alteration(a, genes).alteration
            atoms.append(Atom(alt, neg, bi))
        clauses.append(tuple(atoms))
    return BiomarkerSpec(text, tuple(clauses))
