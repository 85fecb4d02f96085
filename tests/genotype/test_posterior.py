"""The disease posterior with a VCF: its temperature by genotype support and record length."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from raredx.genotype import GenotypeParams

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "genes_mini"


def _p(**kw):
    return dataclasses.replace(GenotypeParams.load(), **kw)


def test_factor_by_genotype_support_and_length():
    p = _p(posterior_temperature_factor=0.8, posterior_genotype_threshold=0.0,
           posterior_strong_genotype_factor=0.5, posterior_length_exponent=0.0)
    assert p.posterior_factor(8, 1.3) == pytest.approx(0.4)  # the top candidate's gene speaks
    assert p.posterior_factor(8, 0.0) == pytest.approx(0.8)  # not above the threshold
    assert p.posterior_factor(8, -1.5) == pytest.approx(0.8)  # no gene, or no variant in it
    q = dataclasses.replace(p, posterior_length_exponent=0.5, posterior_reference_terms=4.0)
    assert q.posterior_factor(16, -1.0) == pytest.approx(0.8 * 2.0)
    assert q.posterior_factor(None, -1.0) == pytest.approx(0.8)
    assert q.posterior_factor(0, -1.0) == pytest.approx(0.8)
    # the neutral defaults of the dataclass leave the plain factor
    plain = GenotypeParams(**{**{f.name: getattr(p, f.name) for f in dataclasses.fields(p)},
                              "posterior_genotype_threshold": 1e9,
                              "posterior_strong_genotype_factor": 1.0})
    assert plain.posterior_factor(8, 5.0) == pytest.approx(0.8)


def test_the_temperature_changes_probabilities_not_ranks(mini_engine, tmp_path, raredx_cache):
    from raredx.genotype import diagnose_with_variants, prepare_variants
    from raredx.io import load_genes

    genes = load_genes(FIX, log=lambda m: None)
    vcf = tmp_path / "v.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##reference=GRCh38\n"
                   '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tp\n"
                   "chr15\t3100\t.\tCA\tC\t50\tPASS\t.\tGT\t0/1\n")
    vs = prepare_variants(vcf, genes)
    patient = mini_engine.patient(["HP:0001166", "HP:0001083"])
    flat = _p(posterior_temperature_factor=0.8, posterior_genotype_threshold=1e9,
              posterior_strong_genotype_factor=1.0)
    sharp = dataclasses.replace(flat, posterior_genotype_threshold=0.0,
                                posterior_strong_genotype_factor=0.5)
    a = diagnose_with_variants(mini_engine, patient, vs, genes, top=10, params=flat)
    b = diagnose_with_variants(mini_engine, patient, vs, genes, top=10, params=sharp)
    assert [h.disease_id for h in a.diseases] == [h.disease_id for h in b.diseases]
    assert [h.score for h in a.diseases] == [h.score for h in b.diseases]
    top = b.diseases[0]
    assert top.gene == "FBN1" and top.genotype_log10_lr > 0
    assert top.probability > a.diseases[0].probability  # sharper when the gene speaks
