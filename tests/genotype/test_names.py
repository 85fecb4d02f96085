"""Gene→disease links inferred from disease names (raredx.genotype._names)."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from raredx.genotype import GenotypeParams
from raredx.genotype._names import gene_symbols_in, links, names_of
from raredx.io import load_genes

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "genes_mini"

SYMBOLS = {"NIT1": 1, "PPP2R5C": 2, "NKX2-5": 3, "NKX2": 4, "XK": 5, "STAR": 6, "ADA": 7,
           "C2": 8, "CD40": 9, "NF1": 10, "WAC": 11, "MAX": 12}


@pytest.mark.parametrize(("text", "want"), [
    ("NIT1-related cerebral small vessel disease", [1]),
    ("PPP2R5C-related neurodevelopmental disorder", [2]),
    ("Congenital heart defect, NKX2-5-related", [3]),  # the longest hyphenated run
    ("ADA deficiency", [7]),  # no digit, but "deficiency" says it is a gene
    ("WAC-related facial dysmorphism", [11]),
    ("Combined immunodeficiency due to NIT1 deficiency and PPP2R5C", [1, 2]),
])
def test_symbols_that_name_a_gene(text, want):
    assert gene_symbols_in(text, SYMBOLS) == want


@pytest.mark.parametrize("text", [
    "XK syndrome",  # an acronym of the features that happens to be a symbol
    "STAR syndrome",
    "Familial MAX tumour",  # a word-like symbol without a gene context
    "Niemann-Pick disease, type C2",  # a subtype code
    "Hyper-IgM syndrome due to CD40 ligand deficiency",  # the protein of another gene
    "NF1-like syndrome",  # a look-alike
    "NIT1RELATED disorder",  # not a whole token
    "nit1-related disorder",  # case-sensitive
    "NIT1-RELATED DISORDER",  # an all-capitals title: every word would look like a symbol
])
def test_words_and_other_uses_are_rejected(text):
    assert gene_symbols_in(text, SYMBOLS) == []


@pytest.fixture(scope="module")
def genes(raredx_cache):
    return load_genes(FIX, log=lambda m: None)


def _kb(labels, equivalents=(), orphanet_labels=None, synonyms=None, definitions=None):
    eq: dict[str, tuple[str, ...]] = {}
    for a, b in equivalents:
        eq[a] = (*eq.get(a, ()), b)
        eq[b] = (*eq.get(b, ()), a)
    return SimpleNamespace(
        diseases=[SimpleNamespace(id=d, label=lab) for d, lab in labels.items()],
        disease_label=lambda d: labels.get(d, ""), equivalents=eq,
        orphanet_labels=orphanet_labels or {}, orphanet_synonyms=synonyms or {},
        orphanet_definitions=definitions or {}, course={})


def test_links_only_diseases_the_gene_file_does_not_link(genes):
    lensb, seiz1, novel = genes.gene("LENSB"), genes.gene("SEIZ1"), genes.gene("NOVEL1")
    kb = _kb({
        # linked in the gene file (to SEIZ1): a name naming another gene is left alone
        "OMIM:100100": "LENSB-related epileptic encephalopathy",
        # not linked: its label names a gene
        "OMIM:700001": "LENSB-related lens dislocation",
        # not linked: only an Orphanet synonym of its exact equivalent names the gene
        "OMIM:700002": "Houge-like syndrome 4",
        # not linked, but its Orphanet equivalent is: left alone
        "OMIM:700003": "NOVEL1-related disorder",
        # a deletion syndrome names genes of a region
        "OMIM:700004": "SEIZ1-NOVEL1 contiguous gene deletion syndrome",
    }, equivalents=[("OMIM:700002", "ORPHA:1"), ("OMIM:700003", "ORPHA:2")],
        orphanet_labels={"ORPHA:1": "Houge-like syndrome type 4", "ORPHA:2": "Other"},
        synonyms={"ORPHA:1": ("NOVEL1-related neurodevelopmental disorder",)})
    g2 = copy.copy(genes)
    g2.disease_genes = {**genes.disease_genes, "ORPHA:2": (seiz1,)}
    got = links(kb, g2)
    assert got == {
        "OMIM:700001": ((lensb, "name", "LENSB-related lens dislocation"),),
        "OMIM:700002": ((novel, "name", "NOVEL1-related neurodevelopmental disorder"),),
    }
    assert "NOVEL1-related neurodevelopmental disorder" in names_of(kb, "OMIM:700002")
    # definitions only on request, and only "mutations in the GENE gene" outside negations
    kb.orphanet_definitions = {"ORPHA:1": "A disorder caused by mutations in the LENSB gene. "
                                          "Patients do not carry mutations in the SEIZ1 gene."}
    got = links(kb, g2, definitions=True)["OMIM:700002"]
    assert [(g, s) for g, s, _ in got] == [(novel, "name"), (lensb, "definition")]


def test_a_name_link_is_scored_and_explained(mini_engine, genes, tmp_path, monkeypatch):
    """OMIM:600002 has no gene in the fixture's gene file; an Orphanet synonym naming NOVEL1
    links it, the VCF's NOVEL1 variant then speaks for it, and the output says how."""
    from raredx.genotype import diagnose_with_variants, prepare_variants
    from raredx.genotype._output import genomic_to_dict

    kb = mini_engine.knowledge
    monkeypatch.setattr(kb, "equivalents", {**kb.equivalents, "OMIM:600002": ("ORPHA:77",)})
    monkeypatch.setattr(kb, "orphanet_synonyms",
                        {"ORPHA:77": ("NOVEL1-related lens-valve syndrome",)}, raising=False)
    vcf = tmp_path / "v.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##reference=GRCh38\n"
                   '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tp\n"
                   "chr4\t1301\t.\tC\tT\t50\tPASS\t.\tGT\t1/1\n")
    vs = prepare_variants(vcf, genes)
    patient = mini_engine.patient(["HP:0001083", "HP:0001634"])
    base = GenotypeParams.load()
    # (without the hypothesis that NOVEL1 is the disease's unknown gene: the name link alone)
    off = dataclasses.replace(base, gene_links_from_names=False,
                              unlinked_disease_log10_prior=float("-inf"))
    on = dataclasses.replace(base, gene_links_from_names=True)
    before = next(h for h in diagnose_with_variants(mini_engine, patient, vs, genes, top=20,
                                                    params=off).diseases
                  if h.disease_id == "OMIM:600002")
    assert before.gene is None and before.gene_link is None
    hypo = next(h for h in diagnose_with_variants(mini_engine, patient, vs, genes, top=20,
                                                  params=dataclasses.replace(
                                                      base, gene_links_from_names=False)).diseases
                if h.disease_id == "OMIM:600002")
    assert hypo.gene == "NOVEL1" and hypo.gene_link == "unknown_gene_hypothesis"
    d = diagnose_with_variants(mini_engine, patient, vs, genes, top=20, params=on)
    hit = next(h for h in d.diseases if h.disease_id == "OMIM:600002")
    assert hit.gene == "NOVEL1" and hit.gene_link == "name"
    assert "name" in hit.genotype_explanation and "NOVEL1-related" in hit.genotype_explanation
    assert hit.genotype_log10_lr > before.genotype_log10_lr
    out = genomic_to_dict(d, on)
    row = next(x for x in out["diseases"] if x["id"] == "OMIM:600002")
    assert row["gene_link"] == "name"
    gene = next(x for x in out["genes"] if x["symbol"] == "NOVEL1")
    assert "OMIM:600002" in gene["diseases"]
    # the gene file's own links say where they come from too
    lens = next(x for x in out["diseases"] if x["gene"] and x["gene"]["symbol"] == "LENSB")
    assert lens["gene_link"] == "hpo_gene_file"
