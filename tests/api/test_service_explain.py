"""Explanations on demand: ``explain_top`` in ``POST /api/diagnose`` and ``POST /api/explain``
(real HTTP, fixture release of 5 diseases)."""

from __future__ import annotations

import httpx
from service_server import Server

from raredx.api._schemas import EXPLAIN_TOP

PATIENT = {"present": ["HP:0001250", "HP:0000252", "HP:0001252"], "excluded": ["HP:0000518"],
           "sex": "female", "age_years": 2.5}


def test_diagnose_says_how_many_are_explained_and_how_to_get_the_rest(
        server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        part = c.post("/api/diagnose", json={"patient": PATIENT, "top": 5, "explain_top": 2})
        full = c.post("/api/diagnose", json={"patient": PATIENT, "top": 5, "explain_top": None})
        default = c.post("/api/diagnose", json={"patient": PATIENT, "top": 5})
    assert part.status_code == full.status_code == default.status_code == 200, part.text
    p, f, d = part.json(), full.json(), default.json()
    assert [bool(c["evidence"]) for c in p["candidates"]] == [True, True, False, False, False]
    assert p["explained"] == 2 and "ranked 3-5" in p["more_explanations"]
    assert "POST /api/explain" in p["more_explanations"]
    assert f["explained"] is None and f["more_explanations"] is None
    # the default explains EXPLAIN_TOP (5): here every one of the 5 candidates
    assert EXPLAIN_TOP >= 5
    assert d["explained"] == 5 and d["more_explanations"] is None
    assert d["candidates"] == f["candidates"]
    assert p["candidates"][:2] == f["candidates"][:2]


def test_explain_gives_what_diagnose_would_have_given(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        full = c.post("/api/diagnose", json={"patient": PATIENT, "top": 5,
                                              "explain_top": None}).json()
        ids = [x["disease_id"] for x in full["candidates"]]
        r = c.post("/api/explain", json={"patient": PATIENT, "candidates": ids[::-1]})
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["knowledge"] == full["knowledge"] and e["present"] == full["present"]
    assert e["n_candidates"] == full["n_candidates"]
    by_id = {x["disease_id"]: x for x in full["candidates"]}
    assert [x["requested"] for x in e["candidates"]] == ids[::-1]
    for x in e["candidates"]:
        want = by_id[x["disease_id"]]
        for k in ("label", "rank", "score", "probability", "evidence", "course"):
            assert x[k] == want[k], (x["disease_id"], k)


def test_explain_names_an_unknown_candidate(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        r = c.post("/api/explain", json={"patient": PATIENT,
                                         "candidates": ["OMIM:900001", "OMIM:123"]})
        empty = c.post("/api/explain", json={"patient": PATIENT, "candidates": []})
        anon = httpx.post(server.url + "/api/explain",
                          json={"patient": PATIENT, "candidates": ["OMIM:900001"]})
    assert r.status_code == 422 and r.json()["field"] == "candidates[1]"
    assert "'OMIM:123' is not a candidate disease" in r.json()["detail"]
    assert empty.status_code == 422
    assert anon.status_code == 401


def test_openapi_documents_explanations_on_demand(server: Server) -> None:
    doc = httpx.get(server.url + "/openapi.json").json()
    assert "/api/explain" in doc["paths"]
    text = doc["paths"]["/api/diagnose"]["post"]["description"]
    assert "explain_top" in text and "POST /api/explain" in text
    props = doc["components"]["schemas"]["DiagnoseIn"]["properties"]
    assert props["explain_top"]["default"] == EXPLAIN_TOP
