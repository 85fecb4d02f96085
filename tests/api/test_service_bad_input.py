"""Bad input to the HTTP API: no credential is a 401 before any body check, bad bodies are 4xx
naming the field, unknown ids are 404 (never a 500)."""

from __future__ import annotations

import httpx
import pytest
from service_server import Server

PATIENT = {"present": ["HP:0001250"]}


@pytest.mark.parametrize("path, kwargs", [
    ("/api/diagnose", {"json": {"patient": PATIENT, "top": "many"}}),
    ("/api/explain", {"json": {"patient": PATIENT}}),
    ("/api/questions", {"json": {"n": 1000}}),
    ("/api/diagnose/phenopacket", {"data": {"top": "1"}}),
    ("/api/cases/phenopacket", {"data": {"title": "x"}}),
    ("/api/cases/abc/vcf", {"data": {}}),
    ("/api/diagnose", {"content": b'{"patient": {', "headers": {
        "content-type": "application/json"}}),
    ("/api/cases", {"content": b'{"patient": {', "headers": {
        "content-type": "application/json"}}),
])
def test_no_credential_is_401_even_with_a_bad_body(server: Server, path, kwargs) -> None:
    r = httpx.post(server.url + path, **kwargs)
    assert r.status_code == 401, r.text
    assert r.json()["detail"].startswith("Sign in, or send an API token")


@pytest.mark.parametrize("method, path, kwargs, status, field", [
    ("POST", "/api/diagnose", {"content": b'{"patient": {', "headers": {
        "content-type": "application/json"}}, 400, "body"),
    ("POST", "/api/diagnose", {"json": [1, 2]}, 422, "body"),
    ("POST", "/api/diagnose", {"json": {"patient": {"present": [1250]}}}, 422,
     "patient.present[0]"),
    ("POST", "/api/diagnose", {"json": {"patient": {"present": ["HP:12"]}}}, 422, "present[0]"),
    ("POST", "/api/diagnose", {"json": {"phenopacket": {"phenotypicFeatures": "x"}}}, 422,
     "phenopacket"),
    ("POST", "/api/explain", {"json": {"patient": PATIENT, "candidates": ["OMIM:1"]}}, 422,
     "candidates[0]"),
    ("POST", "/api/diagnose/phenopacket", {"files": {"file": ("a.json", b"{oops")}}, 400,
     "phenopacket"),
    ("GET", "/api/terms/HP:9999999", {}, 404, None),
    ("GET", "/api/diseases/OMIM:1", {}, 404, None),
    ("GET", "/api/cases/nope", {}, 404, None),
    ("GET", "/api/cases/nope/analyses/nope/report.pdf", {}, 404, None),
])
def test_bad_input_is_a_4xx_naming_the_field(server: Server, tokens: dict, method, path,
                                             kwargs, status, field) -> None:
    with server.client(tokens["carol"]) as c:
        r = c.request(method, path, **kwargs)
    assert r.status_code == status, r.text
    assert r.json()["field"] == field


VCF_HEAD = ("##fileformat=VCFv4.2\n##reference=GRCh38\n"
            '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tp\n")
VCF_LINE = "chr3\t6100\t.\tAT\tA\t50\tPASS\t.\tGT\t0/1\n"


@pytest.fixture(scope="module")
def gene_server(tmp_path_factory: pytest.TempPathFactory):
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    srv = Server(tmp_path_factory.mktemp("badvcf"), data_dir=fixtures / "mini_release",
                 extra_args=("--genes-dir", str(fixtures / "genes_mini"))).start()
    srv.token = srv.user("val")  # type: ignore[attr-defined]
    yield srv
    srv.stop()


@pytest.mark.parametrize("vcf, advice", [
    (VCF_HEAD.replace("##reference=GRCh38\n", "") + VCF_LINE,
     "add a `##reference=GRCh38` header line"),
    (VCF_HEAD.replace("\tp\n", "\tp\tq\n") + VCF_LINE.replace("0/1\n", "0/1\t0/0\n"),
     "upload a VCF with the patient's sample only"),
    (VCF_HEAD.replace("GRCh38", "GRCh37") + VCF_LINE, "lift it over to GRCh38 before"),
])
def test_vcf_messages_name_the_upload_and_advise_api_callers(gene_server: Server, vcf,
                                                             advice) -> None:
    with gene_server.client(gene_server.token) as c:  # type: ignore[attr-defined]
        cid = c.post("/api/cases", json={"patient": PATIENT}).json()["id"]
        r = c.post(f"/api/cases/{cid}/vcf", files={"file": ("family.vcf", vcf.encode())})
        assert r.status_code == 422, r.text
        detail = r.json()["detail"]
        assert detail.startswith("The VCF cannot be used: family.vcf: ") and advice in detail
        assert "--" not in detail.split("(or use")[0] and "/tmp" not in detail
        assert c.get(f"/api/cases/{cid}").json()["version"] == 1  # the case is unchanged


def test_vcf_issues_name_the_uploaded_file(gene_server: Server) -> None:
    with gene_server.client(gene_server.token) as c:  # type: ignore[attr-defined]
        cid = c.post("/api/cases", json={"patient": PATIENT}).json()["id"]
        vcf = VCF_HEAD + "chr3\tabc\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\n" + VCF_LINE
        r = c.post(f"/api/cases/{cid}/vcf", files={"file": ("mine.vcf", vcf.encode())})
        assert r.status_code == 201, r.text
        assert [i["where"] for i in r.json()["result"]["issues"]] == ["mine.vcf:5"]
