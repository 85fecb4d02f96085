"""VCF uploads: phenotype + genotype analyses of a stored case (mini release + genes_mini)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from service_server import Server, pdf_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HEAD = ("##fileformat=VCFv4.2\n##reference=GRCh38\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tp\n")
VCF = HEAD + "chr3\t6100\t.\tAT\tA\t50\tPASS\t.\tGT\t0/1\n"
PATIENT = {"present": ["HP:0001250", "HP:0001263"]}


@pytest.fixture(scope="module")
def gene_server(tmp_path_factory: pytest.TempPathFactory):
    srv = Server(tmp_path_factory.mktemp("vcf"), data_dir=FIXTURES / "mini_release",
                 extra_args=("--genes-dir", str(FIXTURES / "genes_mini")),
                 env={"RAREDX_MAX_UPLOAD_BYTES": "50000"}).start()
    srv.token = srv.user("vera")  # type: ignore[attr-defined]
    yield srv
    srv.stop()


def test_vcf_upload_ranks_by_phenotype_and_genotype(gene_server: Server) -> None:
    with gene_server.client(gene_server.token) as c:  # type: ignore[attr-defined]
        case = c.post("/api/cases", json={"patient": PATIENT}).json()
        first = case["analyses"][0]["top"]
        # phenotype only: the two seizure disorders are annotated identically (a tie)
        assert {first[0]["disease_id"], first[1]["disease_id"]} == {"OMIM:100100", "OMIM:100200"}
        r = c.post(f"/api/cases/{case['id']}/vcf",
                   files={"file": ("p.vcf.gz", gzip.compress(VCF.encode()), "application/gzip")})
        assert r.status_code == 201, r.text
        a = r.json()
        top = a["result"]["candidates"][0]
        assert top["disease_id"] == "OMIM:100200" and top["gene"] == "SEIZ2"
        assert top["gene_link"] == "hpo_gene_file"  # the fixture's gene file links it
        assert top["genotype_log10_lr"] > 0 and top["variants"][0]["pos"] == 6100
        assert top["evidence"], "the phenotype explanation is kept"
        assert a["result"]["explained"] is None and a["result"]["more_explanations"] is None
        assert a["knowledge"]["genes"] and len(a["knowledge"]["vcf_sha256"]) == 64
        assert a["result"]["genotype"]["genes"][0]["symbol"] == "SEIZ2"
        # re-analysis keeps using the stored VCF
        again = c.post(f"/api/cases/{case['id']}/analyses", json={}).json()
        assert again["result"]["candidates"][0]["gene"] == "SEIZ2"


def test_bad_vcf_uploads(gene_server: Server, tmp_path: Path) -> None:
    with gene_server.client(gene_server.token) as c:  # type: ignore[attr-defined]
        cid = c.post("/api/cases", json={"patient": PATIENT}).json()["id"]
        notvcf = c.post(f"/api/cases/{cid}/vcf", files={"file": ("p.vcf", b"hello\tworld\n")})
        assert notvcf.status_code == 415 and notvcf.json()["field"] == "vcf"
        assert "not a VCF" in notvcf.json()["detail"]
        badgz = c.post(f"/api/cases/{cid}/vcf", files={"file": ("p.vcf.gz", b"\x1f\x8b\x08junk")})
        assert badgz.status_code == 415
        big = c.post(f"/api/cases/{cid}/vcf", files={"file": ("p.vcf", VCF.encode() * 400)})
        assert big.status_code == 413 and "too large" in big.json()["detail"]
        broken = c.post(f"/api/cases/{cid}/vcf", files={
            "file": ("p.vcf", (HEAD.replace("\tp\n", "\n") + "chr3\t1\n").encode())})
        assert broken.status_code == 422 and broken.json()["field"] == "vcf"
        other = gene_server.user("walt")
    with gene_server.client(other) as c:
        r = c.post(f"/api/cases/{cid}/vcf", files={"file": ("p.vcf", VCF.encode())})
        assert r.status_code == 404


def test_vcf_refused_without_gene_knowledge(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        cid = c.post("/api/cases", json={"patient": {"present": ["HP:0001250"]}}).json()["id"]
        r = c.post(f"/api/cases/{cid}/vcf", files={"file": ("p.vcf", VCF.encode())})
        assert r.status_code == 422 and "no gene knowledge" in r.json()["detail"]
        assert len(c.get(f"/api/cases/{cid}").json()["analyses"]) == 1


def test_reports_name_the_gene_knowledge_and_vcf(gene_server: Server) -> None:
    with gene_server.client(gene_server.token) as c:  # type: ignore[attr-defined]
        cid = c.post("/api/cases", json={"patient": PATIENT}).json()["id"]
        a = c.post(f"/api/cases/{cid}/vcf", files={"file": ("p.vcf", VCF.encode())}).json()
        html = c.get(f"/api/cases/{cid}/analyses/{a['id']}/report.html").text
        assert "Gene knowledge" in html and a["knowledge"]["vcf_sha256"] in html
        assert "Gene SEIZ2" in html and "chr3:6100" in html
        pdf = c.get(f"/api/cases/{cid}/analyses/{a['id']}/report.pdf").content
        assert "Gene SEIZ2" in pdf_text(pdf)


def test_gene_and_disease_pages_with_gene_knowledge(gene_server: Server, server: Server,
                                                   tokens: dict) -> None:
    with gene_server.client(gene_server.token) as c:  # type: ignore[attr-defined]
        g = c.get("/api/genes/SEIZ2")
        assert g.status_code == 200, g.text
        j = g.json()
        assert j["chrom"] and [d["id"] for d in j["diseases"]] == ["OMIM:100200"]
        assert j["diseases"][0]["inheritance"][0]["label"] == "Autosomal dominant inheritance"
        assert c.get("/api/genes/MFS1").json()["symbol"] == "FBN1"  # previous symbol
        assert c.get("/api/genes/NOPE1").status_code == 404
        d = c.get("/api/diseases/OMIM:100200").json()
        assert d["genes"] == [{"symbol": "SEIZ2", "hgnc_id": d["genes"][0]["hgnc_id"]}]
    with server.client(tokens["alice"]) as c:
        r = c.get("/api/genes/SEIZ2")
        assert r.status_code == 404 and "no gene knowledge" in r.json()["detail"]


def test_vcf_scores_state_their_rule_and_phenotype_weight(gene_server: Server) -> None:
    from raredx.genotype import GenotypeParams

    w = GenotypeParams.load().phenotype_weight
    with gene_server.client(gene_server.token) as c:  # type: ignore[attr-defined]
        case = c.post("/api/cases", json={"patient": PATIENT}).json()
        plain = c.get(f"/api/cases/{case['id']}/analyses/{case['analyses'][0]['id']}").json()
        assert plain["result"]["score_rule"] is None
        assert all(x["phenotype_weight"] is None for x in plain["result"]["candidates"])
        a = c.post(f"/api/cases/{case['id']}/vcf", files={"file": ("p.vcf", VCF.encode())}).json()
        r = a["result"]
        assert r["score_rule"] == r["genotype"]["score_rule"]
        assert "phenotype_weight" in r["score_rule"] and "genotype" in r["score_rule"]
        assert r["candidates"]
        for x in r["candidates"]:
            assert x["phenotype_weight"] == w
            want = w * x["phenotype_log10_lr"] + x["genotype_log10_lr"]
            assert abs(x["score"] - want) < 1e-3, x
