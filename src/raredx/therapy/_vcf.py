"""Alterations from a VCF, through the variants' VEP (CSQ) or SnpEff (ANN) annotations.

The VCF is read by :func:`raredx.io.read_vcf` (the only place that knows the format). raredx
does not map hg38 coordinates to protein changes itself (no reference sequence is installed),
so a record is used when its annotation gives a protein change (HGVS p.) or, failing that, a
coding change on the MANE transcript of a curated gene; other records are counted and reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from raredx.therapy._genes import Genes
from raredx.therapy._model import Alteration, Problem, Zygosity
from raredx.therapy._parse import AlterationError, parse_alteration


def alterations_from_vcf(path: Path, genes: Genes, sample: str | None = None,
                         assembly: str | None = None) -> tuple[list[Alteration], list[Problem]]:
    """Read a VCF with :func:`raredx.io.read_vcf` and turn its annotated variants into
    alterations (see :func:`alterations_from_variants`)."""
    from raredx.io import read_vcf

    content = read_vcf(Path(path), sample=sample, assembly=assembly)
    where = f"--vcf {path}"
    problems = [Problem(where, f"{i.where}: {i.message}") for i in content.issues]
    alts, more = alterations_from_variants(content.variants, content.proband, genes, where)
    return alts, problems + more


def alterations_from_variants(variants: Iterable[Any], proband: str | None, genes: Genes,
                              where: str = "variants") -> tuple[list[Alteration], list[Problem]]:
    """:class:`raredx.model.Variant` objects (e.g. from the genotype layer) -> alterations, via
    their HGVS annotations; the variants not usable are counted by reason."""
    from raredx.model._variant import Zygosity as GtZygosity

    problems: list[Problem] = []
    counts: Counter[str] = Counter()
    alts: list[Alteration] = []
    for v in variants:
        gt = next((g for g in v.genotypes if g.sample == proband), None)
        if gt is not None and not gt.zygosity.carries:
            continue
        zyg = (Zygosity.BIALLELIC if gt is not None and gt.zygosity in (
            GtZygosity.HOMOZYGOUS, GtZygosity.HEMIZYGOUS) else Zygosity.UNKNOWN)
        used = False
        for a in v.annotations:
            texts = []
            if a.hgvs_p:
                p = unquote(a.hgvs_p).split(":", 1)[-1]
                if p not in ("p.?", "p.="):
                    texts.append(f"{a.gene_symbol} {p}")
            if a.hgvs_c and a.transcript and a.transcript.startswith(("NM_", "NC_")):
                texts.append(f"{a.transcript}:{a.hgvs_c.split(':', 1)[-1]}")
            for t in texts:
                try:
                    alt = parse_alteration(t, genes).alteration
                except AlterationError:
                    continue
                if zyg is Zygosity.BIALLELIC:
                    alt = Alteration(alt.gene, alt.kind, alt.ref, alt.pos, alt.alt, alt.end,
                                     alt.partner, alt.value, zyg)
                if alt not in alts:
                    alts.append(alt)
                used = True
                break
            if used:
                break
        if not used:
            counts["no usable protein/coding annotation" if not v.annotations or not any(
                a.hgvs_p or a.hgvs_c for a in v.annotations) else "annotation not understood"] += 1
    for reason, n in sorted(counts.items()):
        problems.append(Problem(where, f"{n} variant(s) not used: {reason}" + (
            " (annotate the VCF with VEP or SnpEff; raredx does not translate hg38 positions "
            "to protein changes)" if reason.startswith("no usable") else "")))
    return alts, problems
