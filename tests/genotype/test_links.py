"""Gene→disease links that single variants cannot speak for (raredx.genotype._links)."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from raredx.genotype import GenotypeParams
from raredx.genotype._links import gene_starts, unscored_links
from raredx.io import load_genes

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "genes_mini"


@pytest.fixture(scope="module")
def genes(raredx_cache):
    return load_genes(FIX, log=lambda m: None)


def _kb(labels: dict[str, str], inheritance: dict[str, set[str]]):
    return SimpleNamespace(
        diseases=[SimpleNamespace(id=d, label=lab) for d, lab in labels.items()],
        disease_label=lambda d: labels.get(d, ""),
        course={d: SimpleNamespace(inheritance=frozenset(t)) for d, t in inheritance.items()})


def _with_links(genes, links: dict[str, tuple[str, ...]]):
    g2 = copy.copy(genes)
    g2.disease_genes = {d: tuple(genes.gene(s) for s in syms) for d, syms in links.items()}
    return g2


def _params(**kw):
    return dataclasses.replace(GenotypeParams.load(), **kw)


def test_gene_starts(genes):
    st = gene_starts(genes)
    assert st[genes.gene("SEIZ1")] == ("chr3", 1000)
    assert st[genes.gene("VALVX")] == ("chrX", 50000)


def test_susceptibility_links(genes):
    g2 = _with_links(genes, {"OMIM:1": ("SEIZ1",), "OMIM:2": ("SEIZ2",), "OMIM:3": ("FBN1",),
                             "OMIM:4": ("LENSB",)})
    kb = _kb({"OMIM:1": "Epilepsy, susceptibility to, 1", "OMIM:2": "Seizure trait",
              "OMIM:3": "Tall stature", "OMIM:4": "Lens disorder"},
             {"OMIM:2": {"HP:0001426"}, "OMIM:3": {"HP:0001426", "HP:0000006"}})
    got = unscored_links(kb, g2, _params(skip_susceptibility_links=True))
    assert got == {(genes.gene("SEIZ1"), "OMIM:1"): "susceptibility",
                   (genes.gene("SEIZ2"), "OMIM:2"): "susceptibility"}
    assert unscored_links(kb, g2, _params(skip_susceptibility_links=False,
                                          contiguous_gene_count=0)) == {}


def test_contiguous_gene_links(genes):
    # SEIZ1 and SEIZ2 start 4 kb apart on chr3; FBN1 is on chr15
    g2 = _with_links(genes, {"ORPHA:9": ("SEIZ1", "SEIZ2", "FBN1"), "OMIM:5": ("SEIZ1",)})
    kb = _kb({"ORPHA:9": "Some deletion region", "OMIM:5": "Seizures"}, {})
    p = _params(skip_susceptibility_links=False, contiguous_gene_count=2,
                contiguous_gene_window_bp=10_000)
    got = unscored_links(kb, g2, p)
    assert got == {(genes.gene("SEIZ1"), "ORPHA:9"): "contiguous gene",
                   (genes.gene("SEIZ2"), "ORPHA:9"): "contiguous gene"}
    # a window narrower than their distance, or a larger count, leaves them scored
    assert unscored_links(kb, g2, dataclasses.replace(p, contiguous_gene_window_bp=3000)) == {}
    assert unscored_links(kb, g2, dataclasses.replace(p, contiguous_gene_count=3)) == {}


def test_a_disease_whose_genes_are_all_unscored_says_so(mini_engine, genes, tmp_path):
    from raredx.genotype import diagnose_with_variants, prepare_variants

    s1, s2 = genes.gene("SEIZ1"), genes.gene("SEIZ2")
    g2 = copy.copy(genes)
    g2.gene_diseases = {**genes.gene_diseases, s1: ("OMIM:100100",),
                        s2: ("OMIM:100100", "OMIM:100200")}
    g2.disease_genes = {**genes.disease_genes, "OMIM:100100": (s1, s2), "OMIM:100200": (s2,)}
    p = _params(contiguous_gene_count=2, contiguous_gene_window_bp=10_000)
    vcf = tmp_path / "v.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##reference=GRCh38\n"
                   '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tp\n"
                   "chr3\t2100\t.\tAT\tA\t50\tPASS\t.\tGT\t0/1\n")
    vs = prepare_variants(vcf, g2)
    d = diagnose_with_variants(mini_engine, mini_engine.patient(["HP:0001250", "HP:0001263"]),
                               vs, g2, top=10, params=p)
    hit = next(h for h in d.diseases if h.disease_id == "OMIM:100100")
    assert hit.gene is None and "contiguous gene" in hit.genotype_explanation
    assert hit.genotype_log10_lr == pytest.approx(p.no_gene_link_log10_lr)
    # OMIM:100200 has one gene only: its link to SEIZ2 is scored
    assert next(h for h in d.diseases if h.disease_id == "OMIM:100200").gene == "SEIZ2"
