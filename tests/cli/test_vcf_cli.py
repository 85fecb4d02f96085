"""`raredx diagnose-vcf`, `spike-vcf`, `benchmark-vcf` and `data install-genes` (CliRunner)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from raredx.cli import app

runner = CliRunner()
GENES = Path(__file__).resolve().parents[1] / "fixtures" / "genes_mini"
HEAD = ("##fileformat=VCFv4.2\n##reference=GRCh38\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        '##INFO=<ID=DB,Number=0,Type=Flag,Description="dbSNP">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tp\n")


def phenopacket(path: Path, variants=()) -> Path:
    gis = [{"variantInterpretation": {"variationDescriptor": {
        "geneContext": {"valueId": g, "symbol": g},
        "vcfRecord": {"genomeAssembly": "hg38", "chrom": c, "pos": p, "ref": r, "alt": a},
        "allelicState": {"label": z}}}} for g, c, p, r, a, z in variants]
    data = {"id": "case-1", "subject": {"id": "s", "sex": "FEMALE"},
            "phenotypicFeatures": [{"type": {"id": "HP:0001250"}}, {"type": {"id": "HP:0001263"}}],
            "interpretations": [{"diagnosis": {"disease": {"id": "OMIM:100200"},
                                               "genomicInterpretations": gis}}],
            "metaData": {}}
    path.write_text(json.dumps(data))
    return path


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_diagnose_vcf_json_and_table(tmp_path, mini_release):
    pp = phenopacket(tmp_path / "case.json")
    vcf = tmp_path / "p.vcf"
    vcf.write_text(HEAD + "chr3\t6100\t.\tAT\tA\t50\tPASS\t.\tGT\t0/1\n"
                   "chr3\tbad\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\n")
    common = ["--vcf", str(vcf), "--data-dir", str(mini_release), "--genes-dir", str(GENES)]
    r = invoke("diagnose-vcf", str(pp), *common, "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout[r.stdout.index("{"):])
    assert out["diseases"][0]["id"] == "OMIM:100200"
    assert out["genes"][0]["symbol"] == "SEIZ2" and out["genes"][0]["variants"][0]["pos"] == 6100
    assert out["variants"]["skipped"] == {"malformed line": 1}
    assert any(i["where"].endswith(":7") for i in out["issues"])
    r = invoke("diagnose-vcf", str(pp), *common, "--format", "jsonl")
    assert r.exit_code == 0 and json.loads(r.stdout.strip().splitlines()[-1])["id"] == "case-1"
    r = invoke("diagnose-vcf", str(pp), *common)
    assert r.exit_code == 0 and "SEIZ2" in r.stdout and "OMIM:100200" in r.stdout


def test_diagnose_with_vcf_or_note_writes_output_and_refuses_unused_options(tmp_path,
                                                                            mini_release):
    pp = phenopacket(tmp_path / "case.json")
    vcf = tmp_path / "p.vcf"
    vcf.write_text(HEAD + "chr3\t6100\t.\tAT\tA\t50\tPASS\t.\tGT\t0/1\n")
    common = ["--vcf", str(vcf), "--data-dir", str(mini_release), "--genes-dir", str(GENES)]
    out = tmp_path / "out.json"
    r = invoke("diagnose", str(pp), *common, "--format", "json", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "{" not in r.stdout and json.loads(out.read_text())["genes"][0]["symbol"] == "SEIZ2"
    table = tmp_path / "out.txt"
    r = invoke("diagnose-vcf", str(pp), *common, "--output", str(table))
    assert r.exit_code == 0 and "SEIZ2" in table.read_text() and "SEIZ2" not in r.stdout
    note = tmp_path / "note.txt"
    note.write_text("A girl with seizures.\n")
    noted = tmp_path / "note.json"
    r = invoke("diagnose", "--note", str(note), "--data-dir", str(mini_release), "-f", "json",
               "-o", str(noted))
    assert r.exit_code == 0, r.output
    assert json.loads(noted.read_text())["extraction"]["terms"] and "{" not in r.stdout
    # options that the VCF and note pipelines do not use are refused, not silently dropped
    r = invoke("diagnose", str(pp), *common, "--sex", "male", "--explain-top", "2")
    assert r.exit_code == 2 and "--sex, --explain-top: not used with --vcf" in r.output
    r = invoke("diagnose", "--present", "HP:0001250", "--ped", "f.ped",
               "--data-dir", str(mini_release))
    assert r.exit_code == 2 and "--ped: only used with --vcf" in r.output


def test_diagnose_vcf_batch_reads_each_phenopackets_own_vcf(tmp_path, mini_release):
    cohort = tmp_path / "cohort"
    (cohort / "a").mkdir(parents=True)
    (cohort / "b").mkdir()
    (cohort / "a" / "p.vcf").write_text(HEAD + "chr3\t6100\t.\tAT\tA\t50\tPASS\t.\tGT\t0/1\n")
    with_vcf = phenopacket(cohort / "a" / "case.json")
    data = json.loads(with_vcf.read_text())
    data["files"] = [{"uri": "p.vcf", "fileAttributes": {"fileFormat": "vcf"}}]
    with_vcf.write_text(json.dumps(data))
    phenopacket(cohort / "b" / "no_vcf.json")  # names no VCF: fails, the batch goes on
    gone = phenopacket(cohort / "b" / "gone.json")  # names a VCF that is not there
    gone.write_text(json.dumps({**json.loads(gone.read_text()), "files": [{"uri": "x.vcf"}]}))
    (cohort / "b" / "broken.json").write_text('{"id": ')
    common = ["--data-dir", str(mini_release), "--genes-dir", str(GENES)]
    out = tmp_path / "out.jsonl"
    r = invoke("diagnose-vcf", str(cohort), *common, "-o", str(out))
    assert r.exit_code == 1, r.output
    recs = {Path(x["source"]).name: x for x in map(json.loads, out.read_text().splitlines())}
    assert set(recs) == {"case.json", "no_vcf.json", "broken.json", "gone.json"}
    assert str(cohort / "b" / "x.vcf") in recs["gone.json"]["error"]["message"]
    assert recs["case.json"]["genes"][0]["symbol"] == "SEIZ2"
    assert recs["no_vcf.json"]["error"]["reason"] == "not exactly one VCF in `files`"
    # broken JSON is named as `raredx diagnose` names it (the same decoder), with its position
    assert recs["broken.json"]["error"]["reason"] == "malformed JSON"
    assert "line 1, column 8" in recs["broken.json"]["error"]["message"]
    assert "4 case(s): 1 ranked, 3 failed" in r.output
    # options for one patient are refused in a batch; so is a table
    assert invoke("diagnose-vcf", str(cohort), *common, "--vcf", "x.vcf").exit_code == 2
    assert invoke("diagnose-vcf", str(cohort), *common, "-f", "table").exit_code == 2
    # `raredx diagnose` ranks on the phenotype and says which VCFs it did not read
    r = invoke("diagnose", str(cohort / "a"), "--data-dir", str(mini_release))
    assert r.exit_code == 0 and "name a VCF in `files`" in r.output


def test_benchmark_with_vcf_spikes_each_case_into_the_background(tmp_path, mini_release):
    cases = tmp_path / "cases"
    cases.mkdir()
    phenopacket(cases / "case.json", [("SEIZ2", "chr3", 6100, "AT", "A", "heterozygous")])
    bg = tmp_path / "bg.vcf"
    bg.write_text(HEAD + "".join(f"chr3\t{p}\t{i}\tG\tA\t50\tPASS\t.\tGT\t0/1\n"
                                 for p, i in ((1200, "."), (2300, "rs1"), (7000, "."))))
    # a second case whose publications are its disease's only source: leave-publication-out
    # empties OMIM:100200, and the strict protocol drops its gene link too
    cited = phenopacket(cases / "cited.json",
                        [("SEIZ2", "chr3", 6100, "AT", "A", "heterozygous")])
    data = json.loads(cited.read_text())
    data["metaData"] = {"externalReferences": [{"id": "PMID:6000006"}, {"id": "PMID:6000007"}]}
    cited.write_text(json.dumps(data))
    out = tmp_path / "report"
    r = invoke("benchmark", str(cases), "--vcf", str(bg), "--data-dir", str(mini_release),
               "--genes-dir", str(GENES), "-o", str(out))
    assert r.exit_code == 0, r.output
    rep = json.loads((out / "report.json").read_text())
    row = next(x for x in rep["rows"] if x["case"].endswith("cited.json"))
    # with the link, the variant lifts the emptied disease (it borrows its series' profile,
    # the same as OMIM:100100's) to first place; without it, the two tie and the id decides
    assert row["leave-publication-out/rare/disease"] == 1
    assert row["leave-publication-out-strict/rare/disease"] == 2
    # SEIZ2 is then only the cause of an undescribed disease (phenotype LR 1, the novel-disease
    # prior), behind SEIZ1, whose disease fits and which carries no variant
    assert row["leave-publication-out/rare/gene"] == 1
    assert row["leave-publication-out-strict/rare/gene"] == 2
    plain = next(x for x in rep["rows"] if x["case"].endswith("case.json"))
    assert plain["leave-publication-out-strict/rare/disease"] == plain[
        "leave-publication-out/rare/disease"] == 1
    rep["rows"] = [plain]
    summary = rep["summary"]
    # the phenotype alone does not tell SEIZ2 from SEIZ1; the spiked variant does
    assert summary["leave-publication-out/phenotype/gene"]["top1"] == 0.0, summary
    assert summary["leave-publication-out/rare/gene"]["top1"] == 100.0, summary
    assert "leave-publication-out-strict/rare/gene" in summary
    assert "phenotype + VCF, rare background" in (out / "report.md").read_text()
    # options of the phenotype benchmark that the VCF benchmark has no use for are refused
    r = invoke("benchmark", str(cases), "--vcf", str(bg), "--limit", "3")
    assert r.exit_code == 2 and "--limit: not used with --vcf" in r.output
    r = invoke("benchmark", str(cases), "--genes-dir", str(GENES))
    assert r.exit_code == 2 and "go with --vcf" in r.output


def test_diagnose_vcf_bad_input_exits_1(tmp_path, mini_release):
    pp = phenopacket(tmp_path / "case.json")
    vcf = tmp_path / "p.vcf"
    vcf.write_text(HEAD.replace("##reference=GRCh38\n", "") + "chr3\t6100\t.\tAT\tA\t50\tPASS\t.\tGT\t0/1\n")
    r = invoke("diagnose-vcf", str(pp), "--vcf", str(vcf), "--data-dir", str(mini_release),
               "--genes-dir", str(GENES))
    assert r.exit_code == 1 and "--assembly" in r.output
    r = invoke("diagnose-vcf", str(pp), "--vcf", str(vcf), "--data-dir", str(mini_release),
               "--genes-dir", str(GENES), "--assembly", "GRCh38", "--sample", "x")
    assert r.exit_code == 1 and "'x' is not in the VCF" in r.output


def test_spike_vcf_copies_a_background_record(tmp_path):
    bg = tmp_path / "bg.vcf"
    bg.write_text(HEAD.replace("GT\\tp", "GT:DP\\tp").replace("\tp\n", "\tmanuel\n") +
                  "chr1\t100\trs1\tA\tG\t77\tPASS\tAC=1;DB;DP=9\tGT:DP\t0/1:9\n"
                  "chr1\t200\t.\tC\tT\t88\tPASS\tAC=2;DP=12\tGT:DP\t1/1:12\n"
                  "chr2\t50\t.\tC\tT\t66\tPASS\tAC=1;SPIKED\tGT:DP\t0/1:30\n")
    pp = phenopacket(tmp_path / "case.json", [("SEIZ2", "chr3", 6100, "AT", "A", "homozygous")])
    out = tmp_path / "spiked.vcf.gz"
    r = invoke("spike-vcf", str(pp), "--background", str(bg), "--out", str(out))
    assert r.exit_code == 0, r.output
    with gzip.open(out, "rt") as f:
        lines = [x.rstrip("\n") for x in f if not x.startswith("##")]
    assert lines[1:] == [
        "chr1\t100\t.\tA\tG\t77\tPASS\tAC=1;DP=9\tGT:DP\t0/1:9",  # dbSNP id and flag cleared
        "chr1\t200\t.\tC\tT\t88\tPASS\tAC=2;DP=12\tGT:DP\t1/1:12",
        "chr3\t6100\t.\tAT\tA\t88\tPASS\tAC=2;DP=12\tGT:DP\t1/1:12",  # from the 1/1 record
    ]  # the previously spiked record (INFO SPIKED) is gone
    rare = tmp_path / "rare.vcf.gz"
    r = invoke("spike-vcf", str(pp), "--background", str(bg), "--out", str(rare), "--rare-only")
    with gzip.open(rare, "rt") as f:
        assert sum(1 for x in f if not x.startswith("#")) == 2
    r = invoke("spike-vcf", str(phenopacket(tmp_path / "none.json")), "--background", str(bg),
               "--out", str(out))
    assert r.exit_code == 1 and "no causal variant" in r.output


def test_spike_vcf_structural_spikes_a_labelled_deletion(tmp_path, raredx_cache):
    bg = tmp_path / "bg.vcf"
    bg.write_text(HEAD + "chr1\t100\t.\tA\tG\t77\tPASS\tDP=9\tGT\t0/1\n")
    data = json.loads(phenopacket(tmp_path / "case.json").read_text())
    data["interpretations"][0]["diagnosis"]["genomicInterpretations"] = [
        {"variantInterpretation": {"variationDescriptor": {
            "label": "DEL ex 2-3", "geneContext": {"symbol": "LENSB"},
            "structuralType": {"label": "chromosomal_deletion"},
            "allelicState": {"label": "heterozygous"}}}}]
    pp = tmp_path / "sv.json"
    pp.write_text(json.dumps(data))
    out = tmp_path / "spiked.vcf.gz"
    r = invoke("spike-vcf", str(pp), "--background", str(bg), "--out", str(out))
    assert r.exit_code == 1 and "no causal variant" in r.output  # not without --structural
    r = invoke("spike-vcf", str(pp), "--background", str(bg), "--out", str(out),
               "--structural", "--genes-dir", str(GENES))
    assert r.exit_code == 0, r.output
    with gzip.open(out, "rt") as f:
        lines = [x.rstrip("\n") for x in f if not x.startswith("#")]
    assert lines[-1] == "chr2\t11900\t.\tN\t<DEL>\t77\tPASS\tDP=9;SVTYPE=DEL;END=15400\tGT\t0/1"


def test_install_genes_checks_checksums(tmp_path):
    r = invoke("data", "install-genes", "--from", str(GENES), "--target", str(tmp_path / "g"))
    assert r.exit_code == 1 and "is not the pinned" in r.output


def test_diagnose_vcf_finds_the_vcf_in_the_phenopacket_files(tmp_path, mini_release):
    pp = phenopacket(tmp_path / "case.json")
    data = json.loads(pp.read_text())
    (tmp_path / "seq").mkdir()
    (tmp_path / "seq" / "p.vcf").write_text(
        HEAD.replace("##reference=GRCh38\n", "") + "chr3\t6100\t.\tAT\tA\t50\tPASS\t.\tGT\t0/1\n")
    data["files"] = [{"uri": "seq/p.vcf", "fileAttributes": {"fileFormat": "VCF",
                                                            "genomeAssembly": "GRCh38"}}]
    pp.write_text(json.dumps(data))
    r = invoke("diagnose-vcf", str(pp), "--data-dir", str(mini_release), "--genes-dir",
               str(GENES), "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout[r.stdout.index("{"):])["genes"][0]["symbol"] == "SEIZ2"
    data["files"] = []
    pp.write_text(json.dumps(data))
    r = invoke("diagnose-vcf", str(pp), "--data-dir", str(mini_release), "--genes-dir",
               str(GENES))
    assert r.exit_code == 1 and "give --vcf" in r.output


def test_a_link_read_from_hpo_2025_11_24_says_so(tmp_path, mini_release):
    # the gene file raredx derives with hpo3 marks the links it inferred (raredx.io._hpo3)
    genes = tmp_path / "genes"
    genes.mkdir()
    for p in GENES.iterdir():
        if p.name != "genes_to_phenotype.txt":
            (genes / p.name).symlink_to(p)
    rows = (GENES / "genes_to_phenotype.txt").read_text().splitlines()
    (genes / "genes_to_phenotype.txt").write_text("\n".join(
        [rows[0] + "\tlink_source"]
        + [r + ("\thpo3_inferred" if "\tSEIZ2\t" in r else "\thpo_gene_file") for r in rows[1:]])
        + "\n")
    pp = phenopacket(tmp_path / "case.json")
    vcf = tmp_path / "p.vcf"
    vcf.write_text(HEAD + "chr3\t6100\t.\tAT\tA\t50\tPASS\t.\tGT\t0/1\n")
    r = invoke("diagnose-vcf", str(pp), "--vcf", str(vcf), "--data-dir", str(mini_release),
               "--genes-dir", str(genes), "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout[r.stdout.index("{"):])
    gene = out["genes"][0]
    assert gene["symbol"] == "SEIZ2" and gene["disease_link"] == "hpo3_inferred"
    assert "HPO 2025-11-24" in gene["explanation"]
    hit = next(d for d in out["diseases"] if d["id"] == "OMIM:100200")
    assert hit["gene_link"] == "hpo3_inferred"
    seiz1 = next(d for d in out["diseases"] if d["id"] == "OMIM:100100")
    assert seiz1["gene_link"] == "hpo_gene_file"
