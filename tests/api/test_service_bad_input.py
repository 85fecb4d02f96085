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
