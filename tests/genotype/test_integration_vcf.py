"""Integration: the real gene knowledge, a dev case spiked into the lifted Pfeiffer exome.

Needs ``../shared/data`` (skipped only when it is absent).
"""

from __future__ import annotations

import json
import zipfile

import pytest

from raredx.genotype import diagnose_with_variants, prepare_variants
from raredx.io import install_genes, load_genes
from raredx.io._spike import load_background, spike_lines, write_bgzf

pytestmark = pytest.mark.integration

CASE = "DNA2/phenopackets/PMID_37055165_Individual_F2_1.json"


@pytest.fixture(scope="module")
def engine(shared_data):
    from raredx.engine import EngineConfig, build_engine

    return build_engine(EngineConfig(shared_data / "hpo-2026-06-06"), log=lambda _m: None)


@pytest.fixture(scope="module")
def genes(shared_data):
    return load_genes(shared_data, log=lambda _m: None)


@pytest.fixture(scope="module")
def background(shared_data):
    v = shared_data / "variants"
    return load_background(v / "Pfeiffer.GRCh37.vcf.gz", None, v / "hg19ToHg38.over.chain.gz")


def test_install_genes_from_the_shared_copy_verifies_checksums(shared_data, tmp_path):
    target = install_genes(shared_data, tmp_path / "genes", log=lambda _m: None)
    assert sorted(p.name for p in target.iterdir()) == sorted([
        "MANE.GRCh38.v1.5.summary.txt.gz", "gencode_v44_hg38_genes.tsv.gz",
        "genes_to_phenotype.txt.gz", "hgnc_complete_set.txt.gz",
        "mane_select_hg38_exons.bed.gz"])


def test_background_is_lifted_and_cleaned(background):
    assert background.removed_spiked == 1  # the FGFR2 variant of the Exomiser demo
    assert len(background.records) > 36_000 and 1_900 < sum(background.rare) < 2_416
    assert all(r[2] == "." and "DB" not in r[7].split(";") for r in background.records)
    assert all(r[0].startswith("chr") for r in background.records)


def _spiked_and_ranked(case, structural, engine, genes, background, shared_data, tmp_path):
    """The case's causal variants spiked into the rare background and ranked, from the file."""
    from raredx.benchmark._vcf import causal_variants, spike_seed

    z = zipfile.ZipFile(shared_data / "phenopacket-store-dev.zip")
    data = json.loads(z.read(case))
    spikes, gene_ids, problems = causal_variants(data, structural)
    rare = background.subset(True)
    _, merged = spike_lines(rare, spikes, spike_seed(data, case))
    vcf = tmp_path / "spiked.vcf.gz"
    write_bgzf(vcf, rare.header + ["\t".join(r) for r in merged])
    (tmp_path / "case.json").write_bytes(z.read(case))
    patient = engine.read_phenopacket(tmp_path / "case.json")
    vs = prepare_variants(vcf, genes)
    d = diagnose_with_variants(engine, patient, vs, genes, top=20, top_genes=6000)
    return data, spikes, gene_ids, problems, d, vs, merged


def test_spiked_case_ranks_its_gene_first_and_fast_path_agrees(
        engine, genes, background, shared_data, tmp_path):
    from raredx.benchmark._vcf import run_vcf_benchmark

    data, spikes, gene_ids, problems, d, vs, merged = _spiked_and_ranked(
        CASE, None, engine, genes, background, shared_data, tmp_path)
    assert spikes and not problems
    assert vs.summary["records"] == len(merged) and not vs.summary["skipped"]
    true_gene = genes.genes[genes.gene(gene_ids[0])].symbol
    assert d.genes[0].symbol == true_gene
    full_gene_rank = next(g.rank for g in d.genes if g.symbol == true_gene)
    # the benchmark's fast path (background annotated once, spikes parsed alone) agrees
    rep = run_vcf_benchmark(
        engine, genes, shared_data / "phenopacket-store-dev.zip",
        shared_data / "variants" / "Pfeiffer.GRCh37.vcf.gz",
        shared_data / "variants" / "hg19ToHg38.over.chain.gz",
        select=lambda names: [CASE], log=lambda _m: None)
    (row,) = rep["rows"]
    assert row["as-is/rare/gene"] == full_gene_rank == 1
    truth = data["interpretations"][0]["diagnosis"]["disease"]["id"]
    full_disease_rank = min((h.rank for h in d.diseases
                             if h.disease_id in {engine.candidate_ids[c]
                                                 for c in engine.candidates_for(truth)}),
                            default=None)
    if full_disease_rank is not None:
        assert row["as-is/rare/disease"] == full_disease_rank


SV_CASE = "DNA2/phenopackets/PMID_37055165_Individual_F1_1.json"  # "Deletion exon 15"


def test_a_case_with_a_labelled_deletion_is_spiked_as_a_structural_allele(
        engine, genes, background, shared_data, tmp_path):
    from raredx.benchmark._structural import structural_span
    from raredx.benchmark._vcf import causal_variants, run_vcf_benchmark

    data, spikes, gene_ids, problems, d, vs, _ = _spiked_and_ranked(
        SV_CASE, lambda vd: structural_span(vd, genes, None), engine, genes, background,
        shared_data, tmp_path)
    assert causal_variants(data)[2] == ["a causal variant without vcfRecord"]
    assert not problems and any(s.alt == "<DEL>" and s.end for s in spikes)
    assert not vs.summary["skipped"]
    true_gene = genes.genes[genes.gene(gene_ids[0])].symbol
    assert d.genes[0].symbol == true_gene == "DNA2"
    assert any(e.variant.alt == "<DEL>" and e.annotation.effect.value == "exon_loss_variant"
               for e in d.genes[0].variants)
    rep = run_vcf_benchmark(
        engine, genes, shared_data / "phenopacket-store-dev.zip",
        shared_data / "variants" / "Pfeiffer.GRCh37.vcf.gz",
        shared_data / "variants" / "hg19ToHg38.over.chain.gz",
        select=lambda names: [SV_CASE, CASE], log=lambda _m: None, structural=True)
    (row,) = rep["rows"]  # CASE has no structural variant: not a case of this selection
    assert row["case"].endswith(SV_CASE) and row["as-is/rare/gene"] == 1


def test_susceptibility_and_deletion_region_links_are_not_scored(engine, genes):
    from raredx.genotype import GenotypeParams
    from raredx.genotype._links import unscored_links

    got = unscored_links(engine.knowledge, genes, GenotypeParams.load())
    # spondyloarthropathy, susceptibility to, 1
    assert got[(genes.gene("HLA-B"), "OMIM:106300")] == "susceptibility"
    assert got[(genes.gene("TBL2"), "ORPHA:904")] == "contiguous gene"  # Williams syndrome
    assert (genes.gene("FBN1"), "OMIM:154700") not in got  # Marfan syndrome
    assert (genes.gene("EHMT1"), "OMIM:610253") not in got  # Kleefstra syndrome 1
    # mitochondrial genes lie close together but each causes its diseases
    assert not any(genes.genes[g].chrom == "chrM" and why == "contiguous gene"
                   for (g, _), why in got.items())
