"""The HTTP API over real HTTP (uvicorn subprocess, httpx), on the hand-written fixture release."""

from __future__ import annotations

import json
import threading

import httpx
import pytest
from service_server import Server, pdf_text

PATIENT = {"present": ["HP:0001250", "HP:0000252", "HP:0001252"], "excluded": ["HP:0000518"],
           "sex": "female", "age_years": 2.5}


def _phenopacket(**extra: object) -> dict:
    packet = {
        "id": "packet-1",
        "subject": {"id": "subject-1", "sex": "FEMALE",
                    "timeAtLastEncounter": {"age": {"iso8601duration": "P2Y6M"}}},
        "phenotypicFeatures": [
            {"type": {"id": "HP:0001250", "label": "Seizure"}},
            {"type": {"id": "HP:0000252", "label": "Microcephaly"}},
            {"type": {"id": "HP:0001252", "label": "Hypotonia"}},
            {"type": {"id": "HP:0000518", "label": "Cataract"}, "excluded": True},
        ],
        "metaData": {"created": "2026-01-01T00:00:00Z"},
    }
    packet.update(extra)
    return packet


def test_health_and_openapi(server: Server) -> None:
    r = httpx.get(server.url + "/api/health")
    assert r.status_code == 200 and r.json()["releases"] == ["hpo-2099-01-01", "next"]
    paths = httpx.get(server.url + "/openapi.json").json()["paths"]
    for p in ("/api/diagnose", "/api/terms", "/api/cases", "/api/diseases/{disease_id}",
              "/api/cases/{case_id}/diff"):
        assert p in paths


def test_diagnose_terms_ranks_and_states_knowledge(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        r = c.post("/api/diagnose", json={"patient": PATIENT, "top": 5})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["knowledge"]["hpo"] == "2099-01-01" and d["knowledge"]["annotations"] == "2099-01-01"
    assert set(d["knowledge"]["files_sha256"]) == {"hp.obo", "phenotype.hpoa"}
    assert d["n_candidates"] == 5 and len(d["candidates"]) == 5
    ranks = [c["disease_id"] for c in d["candidates"]]
    # Alpha (seizure, microcephaly, hypotonia) first; Beta (NOT seizure, has cataract) last
    assert ranks[0] == "OMIM:900001" and ranks[-1] == "OMIM:900002"
    assert abs(sum(c["probability"] for c in d["candidates"]) - 1.0) < 1e-6
    beta = d["candidates"][-1]
    kinds = {(e["term"], e["kind"]) for e in beta["evidence"]}
    assert ("HP:0000518", "contradicted") in kinds and ("HP:0001250", "negated") in kinds
    assert d["present"][0] == {"id": "HP:0001250", "label": "Seizure"}


def test_diagnose_alternative_id_is_mapped_with_a_warning(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        r = c.post("/api/diagnose", json={"patient": {"present": ["HP:0001251"]}})
    assert r.status_code == 200
    d = r.json()
    assert d["present"] == [{"id": "HP:0001250", "label": "Seizure"}]
    assert any("alternative" in i["message"] for i in d["issues"])


def test_diagnose_phenopacket_json_and_upload_agree(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        a = c.post("/api/diagnose", json={"phenopacket": _phenopacket()}).json()
        b = c.post("/api/diagnose/phenopacket",
                   files={"file": ("p.json", json.dumps(_phenopacket()), "application/json")})
        assert b.status_code == 200, b.text
        terms = c.post("/api/diagnose", json={"patient": PATIENT}).json()
    assert [x["disease_id"] for x in a["candidates"]] == [
        x["disease_id"] for x in b.json()["candidates"]] == [
        x["disease_id"] for x in terms["candidates"]]
    assert a["sex"] == "female" and a["age_years"] == pytest.approx(2.5)


def test_phenopacket_answer_is_never_read(server: Server, tokens: dict) -> None:
    answer = {"interpretations": [{"id": "i", "diagnosis": {"disease": {
        "id": "OMIM:900003", "label": "Gamma disease"}}}],
        "diseases": [{"term": {"id": "OMIM:900003", "label": "Gamma disease"}}]}
    with server.client(tokens["alice"]) as c:
        plain = c.post("/api/diagnose", json={"phenopacket": _phenopacket()}).json()
        told = c.post("/api/diagnose", json={"phenopacket": _phenopacket(**answer)}).json()
    assert plain["candidates"] == told["candidates"]


@pytest.mark.parametrize("body, status, field, words", [
    ({"patient": {"present": ["HP:0001250", "HP:9999999"]}}, 422, "present[1]",
     "not a term of HPO"),
    ({"patient": {"present": ["seizure"]}}, 422, "present[0]", "not an HPO term id"),
    ({"patient": {"present": ["HP:0001250"], "excluded": ["HP:0000005"]}}, 422, "excluded[0]",
     "cannot be matched"),
    ({"patient": {"present": []}}, 422, "present", "At least one observed"),
    ({"patient": {"present": ["HP:0001250"], "age_years": -3}}, 422, "patient.age_years",
     "greater than or equal to 0"),
    ({"patient": {"present": ["HP:0001250"], "sex": "F"}}, 422, "patient.sex", "Input should be"),
    ({"patient": {"presnt": ["HP:0001250"]}}, 422, "patient.presnt", "unknown field"),
    ({}, 422, "patient", "either `patient`"),
    ({"phenopacket": {"foo": 1}}, 422, "phenopacket", "not a phenopacket"),
    ({"phenopacket": {"subject": {"id": "x"}, "phenotypicFeatures": [
        {"type": {"id": "HP:0001250"}, "excluded": True}]}}, 422, "phenopacket",
     "no usable observed phenotypic feature"),
    ({"patient": {"present": ["HP:0001250"]}, "release": "nope"}, 422, "release",
     "Unknown knowledge release"),
])
def test_bad_diagnose_input_is_a_4xx_naming_the_field(server: Server, tokens: dict, body: dict,
                                                     status: int, field: str, words: str) -> None:
    with server.client(tokens["alice"]) as c:
        r = c.post("/api/diagnose", json=body)
    assert r.status_code == status, r.text
    j = r.json()
    assert j["field"] == field
    assert words in j["detail"] or any(words in e["message"] for e in j["errors"]), j


def test_malformed_json_is_400(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        r = c.post("/api/diagnose", content=b'{"patient": {"present": [', headers={
            "content-type": "application/json"})
    assert r.status_code == 400
    assert "not valid JSON" in r.json()["detail"]


def test_uploads_malformed_nonjson_and_oversized(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        bad = c.post("/api/diagnose/phenopacket",
                     files={"file": ("p.json", b'{"subject": {\n "id": }', "application/json")})
        assert bad.status_code == 400
        assert "line 2" in bad.json()["detail"] and bad.json()["field"] == "phenopacket"
        binary = c.post("/api/diagnose/phenopacket",
                        files={"file": ("p.json", b"\x1f\x8b\x08\xff\xfe\x00", "x/y")})
        assert binary.status_code == 415 and "not a text" in binary.json()["detail"]
        big = c.post("/api/diagnose/phenopacket",
                     files={"file": ("p.json", b" " * 300_000, "application/json")})
        assert big.status_code == 413 and "too large" in big.json()["detail"]
        big_json = c.post("/api/diagnose", content=b'{"x": "' + b"a" * 300_000 + b'"}',
                          headers={"content-type": "application/json"})
        assert big_json.status_code == 413

        def chunks():  # no Content-Length: the limit is enforced while reading
            yield b'{"x": "'
            for _ in range(40):
                yield b"a" * 10_000
            yield b'"}'
        chunked = c.post("/api/diagnose", content=chunks(),
                         headers={"content-type": "application/json"})
        assert chunked.status_code == 413 and "too large" in chunked.json()["detail"]


def test_missing_wrong_and_malformed_tokens_are_401(server: Server) -> None:
    with server.client() as c:
        r = c.get("/api/cases")
        assert r.status_code == 401 and "API token" in r.json()["detail"]
    with server.client("not-a-real-token") as c:
        r = c.get("/api/cases")
        assert r.status_code == 401 and "not valid" in r.json()["detail"]
    r = httpx.get(server.url + "/api/cases", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401 and "Bearer" in r.json()["detail"]


def test_term_search_synonyms_typos_and_ids(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        def first(q: str) -> dict:
            r = c.get("/api/terms", params={"q": q})
            assert r.status_code == 200
            return r.json()[0]
        assert first("hypotnia")["id"] == "HP:0001252"  # typo
        hit = first("floppy bab")  # synonym, being typed
        assert hit["id"] == "HP:0001252" and hit["matched_synonym"] == "Floppy baby"
        assert first("HP:0001250")["label"] == "Seizure"
        assert first("kidny cyst")["id"] == "HP:0000107"
        assert first("seiz")["id"] == "HP:0001250"
        # not phenotypic abnormalities: inheritance and onset terms are not offered
        assert all(h["id"] != "HP:0000006" for h in c.get("/api/terms", params={
            "q": "autosomal dominant"}).json())


def test_disease_page(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        r = c.get("/api/diseases/OMIM:900002")
        assert r.status_code == 200
        d = r.json()
        assert d["label"] == "Beta syndrome (fixture)"
        anns = {a["term"]: a for a in d["annotations"]}
        assert anns["HP:0001250"]["negated"] is True
        assert anns["HP:0004322"]["frequency"] == pytest.approx(0.75)
        assert d["inheritance"] == [{"id": "HP:0000006", "label": "Autosomal dominant inheritance"}]
        assert d["cross_references"]["OMIM"] == ["OMIM:900002"]
        assert c.get("/api/diseases/OMIM:123").status_code == 404
        z = c.get("/api/diseases/OMIM:900005", params={"release": "next"})
        assert z.status_code == 200 and z.json()["knowledge"]["hpo"] == "2099-02-01"


def _create(c: httpx.Client, title: str = "case", patient: dict | None = None) -> dict:
    r = c.post("/api/cases", json={"title": title, "patient": patient or PATIENT})
    assert r.status_code == 201, r.text
    return r.json()


def test_cases_are_private_to_owner_and_team(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as alice, server.client(tokens["bob"]) as bob, \
            server.client(tokens["carol"]) as carol:
        case = _create(alice, "private case")
        cid, aid = case["id"], case["analyses"][0]["id"]
        assert case["version"] == 1 and case["analyses"][0]["knowledge"]["hpo"] == "2099-01-01"
        assert bob.get(f"/api/cases/{cid}").status_code == 200  # same team
        assert cid in [x["id"] for x in bob.get("/api/cases").json()]
        for method, path, body in [
            ("GET", f"/api/cases/{cid}", None),
            ("PATCH", f"/api/cases/{cid}", {"version": 1, "title": "mine"}),
            ("POST", f"/api/cases/{cid}/analyses", {}),
            ("GET", f"/api/cases/{cid}/analyses/{aid}", None),
            ("GET", f"/api/cases/{cid}/analyses/{aid}/report.html", None),
            ("GET", f"/api/cases/{cid}/analyses/{aid}/report.pdf", None),
            ("GET", f"/api/cases/{cid}/diff", None),
            ("DELETE", f"/api/cases/{cid}", None),
        ]:
            r = carol.request(method, path, json=body)
            assert r.status_code == 404, (method, path, r.status_code)
            assert "belongs to someone else" in r.json()["detail"]
        assert cid not in [x["id"] for x in carol.get("/api/cases").json()]
        assert alice.get(f"/api/cases/{cid}").json()["title"] == "private case"


def test_optimistic_concurrency(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as alice, server.client(tokens["bob"]) as bob:
        cid = _create(alice, "shared")["id"]
        ok = alice.patch(f"/api/cases/{cid}", json={"version": 1, "notes": "first"})
        assert ok.status_code == 200 and ok.json()["version"] == 2
        stale = bob.patch(f"/api/cases/{cid}", json={"version": 1, "notes": "overwrite"})
        assert stale.status_code == 409
        assert stale.json()["field"] == "version" and "version 2" in stale.json()["detail"]
        assert alice.get(f"/api/cases/{cid}").json()["notes"] == "first"
        # a changed patient is validated (strictly) and analysed again
        bad = alice.patch(f"/api/cases/{cid}", json={"version": 2, "patient": {
            "present": ["HP:0001250", "HP:1234567"]}})
        assert bad.status_code == 422 and bad.json()["field"] == "present[1]"
        good = alice.patch(f"/api/cases/{cid}", json={"version": 2, "patient": {
            "present": ["HP:0000107"]}})
        assert good.status_code == 200 and len(good.json()["analyses"]) == 2
        assert good.json()["analyses"][-1]["case_version"] == 3

    # many concurrent edits from version 3: exactly one wins, the others get 409
    results: list[int] = []

    def edit(k: int) -> None:
        with server.client(tokens["alice"]) as c:
            results.append(c.patch(f"/api/cases/{cid}", json={
                "version": 3, "notes": f"edit {k}"}).status_code)
    threads = [threading.Thread(target=edit, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [409] * 7
    with server.client(tokens["alice"]) as c:
        assert c.get(f"/api/cases/{cid}").json()["version"] == 4


def test_reanalysis_against_another_release_and_diff(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        case = _create(c, "reanalyse me", {"present": ["HP:0001250", "HP:0001252", "HP:0000252"]})
        cid = case["id"]
        assert c.get(f"/api/cases/{cid}/diff").status_code == 422
        r = c.post(f"/api/cases/{cid}/analyses", json={"release": "next"})
        assert r.status_code == 201, r.text
        a = r.json()
        assert a["release"] == "next" and a["knowledge"]["hpo"] == "2099-02-01"
        assert a["result"]["candidates"][0]["disease_id"] == "OMIM:900005"  # Zeta is new
        diff = c.get(f"/api/cases/{cid}/diff").json()
        rows = {x["disease_id"]: x for x in diff["rows"]}
        assert rows["OMIM:900005"]["change"] == "new" and rows["OMIM:900005"]["rank_after"] == 1
        assert rows["OMIM:900001"]["rank_before"] == 1 and rows["OMIM:900001"]["change"] == "down"
        assert diff["before"]["knowledge"]["hpo"] == "2099-01-01"
        assert c.post(f"/api/cases/{cid}/analyses", json={"release": "nope"}).status_code == 422
        assert len(c.get(f"/api/cases/{cid}").json()["analyses"]) == 2


def test_reports_state_the_knowledge_versions(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        case = _create(c, "Report <b>case</b>")
        cid, aid = case["id"], case["analyses"][0]["id"]
        sha = case["analyses"][0]["knowledge"]["files_sha256"]["phenotype.hpoa"]
        h = c.get(f"/api/cases/{cid}/analyses/{aid}/report.html")
        assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
        assert "HPO</th><td><code>2099-01-01" in h.text and sha in h.text
        assert "Alpha syndrome (fixture)" in h.text
        assert "Report &lt;b&gt;case&lt;/b&gt;" in h.text  # escaped
        p = c.get(f"/api/cases/{cid}/analyses/{aid}/report.pdf")
        assert p.status_code == 200 and p.content.startswith(b"%PDF-")
        text = pdf_text(p.content)
        assert "HPO: 2099-01-01" in text and sha in text
        assert c.get(f"/api/cases/{cid}/analyses/nope/report.pdf").status_code == 404


def test_browser_session_login(server: Server, tokens: dict) -> None:
    with httpx.Client(base_url=server.url) as c:
        bad = c.post("/api/login", json={"username": "alice", "password": "wrong"})
        assert bad.status_code == 401 and bad.json()["field"] == "password"
        r = c.post("/api/login", json={"username": "alice", "password": "alice-password"})
        assert r.status_code == 200
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
        # httpx does not send Secure cookies over http: hand it over explicitly
        sid = r.cookies["raredx_session"]
        c.cookies.set("raredx_session", sid)
        assert c.get("/api/me").json() == {"name": "alice", "team": "genetics"}
        assert c.post("/api/cases", json={"patient": PATIENT}).status_code == 201
        forged = c.post("/api/cases", json={"patient": PATIENT},
                        headers={"Origin": "http://evil.example"})
        assert forged.status_code == 403
        # the stateless diagnose endpoint checks the session the same way (its own fast path)
        assert c.post("/api/diagnose", json={"patient": PATIENT}).status_code == 200
        assert c.post("/api/diagnose", json={"patient": PATIENT},
                      headers={"Origin": "http://evil.example"}).status_code == 403
        assert c.post("/api/logout").status_code == 200
        c.cookies.set("raredx_session", sid)
        assert c.get("/api/me").status_code == 401
        assert c.post("/api/diagnose", json={"patient": PATIENT}).status_code == 401
    # an API token also works as the password of its own user
    with httpx.Client(base_url=server.url) as c:
        assert c.post("/api/login", json={"username": "bob",
                                           "password": tokens["bob"]}).status_code == 200
        assert c.post("/api/login", json={"username": "carol",
                                           "password": tokens["bob"]}).status_code == 401


def test_no_patient_data_in_logs(server: Server, tokens: dict) -> None:
    secret_title = "Zebediah Quux-Secret"
    packet = _phenopacket(id="PKT-SECRET-7731")
    packet["subject"]["id"] = "SUBJECT-SECRET-7731"
    with server.client(tokens["alice"]) as c:
        assert c.post("/api/cases", json={"title": secret_title, "notes": "NOTE-SECRET-7731",
                                          "phenopacket": packet}).status_code == 201
        assert c.post("/api/cases/phenopacket", data={"title": "UPLOAD-SECRET-7731"}, files={
            "file": ("p.json", json.dumps(packet), "application/json")}).status_code == 201
        c.get("/api/terms", params={"q": "QUERY-SECRET-7731"})
        c.post("/api/diagnose", json={"patient": {"present": ["HP:7731731"]}})
        c.post("/api/diagnose", content=b'{"SECRET-7731": ', headers={
            "content-type": "application/json"})
    log = server.log()
    assert "POST /api/cases 201" in log  # the access log is on
    for secret in ("SECRET-7731", "Zebediah", "HP:7731731", "HP:0000252"):
        assert secret not in log


def test_users_cli_list_and_revoke(server: Server) -> None:
    import subprocess
    import sys

    token = server.user("erin", team="genetics")
    with server.client(token) as c:
        assert c.get("/api/me").status_code == 200
    run = [sys.executable, "-c", "from raredx.cli import main; main()", "users"]
    out = subprocess.run([*run, "list"], env=server.env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert "erin\tteam=genetics\ttokens=1" in out
    assert token not in out
    res = subprocess.run([*run, "revoke", "erin"], env=server.env, capture_output=True, text=True,
                         timeout=120, check=True)
    assert "revoked 1 token(s)" in res.stdout
    with server.client(token) as c:
        r = c.get("/api/me")
        assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_timestamps_are_utc(server: Server, tokens: dict) -> None:
    with server.client(tokens["alice"]) as c:
        case = _create(c, "when")
    assert case["created_at"].endswith(("Z", "+00:00"))
    assert case["analyses"][0]["created_at"].endswith(("Z", "+00:00"))


def test_questions_what_to_examine_next(server: Server, tokens: dict) -> None:
    body = {"patient": {"present": ["HP:0001250"], "sex": "female"}, "n": 4}
    with server.client(tokens["alice"]) as c:
        r = c.post("/api/questions", json=body)
        assert r.status_code == 200, r.text
        d = r.json()
        assert d["release"] == "hpo-2099-01-01" and d["knowledge"]["hpo"] == "2099-01-01"
        qs = d["questions"]
        assert 1 <= len(qs) <= 4
        gains = [q["information_gain_bits"] for q in qs]
        assert gains == sorted(gains, reverse=True) and gains[0] > 0
        for q in qs:
            assert q["id"] != "HP:0001250" and q["kind"] in ("exam", "test")
            assert q["kind"] == ("test" if q["needs_test"] else "exam")
            # each question names the candidates it would speak for
            assert q["supports_if_present"] or q["supports_if_absent"]
        # Macrocephaly separates Delta (has it) from the others
        macro = next(q for q in qs if q["id"] == "HP:0000256")
        assert [x["id"] for x in macro["supports_if_present"]] == ["OMIM:900004"]
        # a feature answered "unknown" is not asked again
        again = c.post("/api/questions", json={**body, "asked": [qs[0]["id"]]}).json()
        assert qs[0]["id"] not in [q["id"] for q in again["questions"]]
        # answering present moves the differential towards the candidates it supports
        d0 = c.post("/api/diagnose", json={"patient": body["patient"], "explain_top": 0}).json()
        d1 = c.post("/api/diagnose", json={"patient": {**body["patient"], "present": [
            "HP:0001250", "HP:0000256"]}, "explain_top": 0}).json()
        assert d1["candidates"][0]["disease_id"] == "OMIM:900004"
        assert d0["candidates"][0]["disease_id"] != "OMIM:900004"
        bad = c.post("/api/questions", json={**body, "asked": ["HP:7654321"]})
        assert bad.status_code == 422 and bad.json()["field"] == "asked[0]"
        bad = c.post("/api/questions", json={"patient": {"present": ["HP:0001250", "nope"]}})
        assert bad.status_code == 422 and bad.json()["field"] == "present[1]"
    assert httpx.post(server.url + "/api/questions", json=body).status_code == 401


def test_answers_supersede_what_they_imply(server: Server, tokens: dict) -> None:
    # the web app applies answers through the server, as `raredx next` and the simulation do
    seizure, gtcs = "HP:0001250", "HP:0002069"  # gtcs is a kind of seizure

    def ans(c, present, excluded, term, reply):
        r = c.post("/api/questions/answer", json={
            "patient": {"present": present, "excluded": excluded}, "term": term,
            "reply": reply})
        assert r.status_code == 200, r.text
        return r.json()["present"], r.json()["excluded"]

    with server.client(tokens["alice"]) as c:
        # a more specific present answer replaces the general term (one finding, not two)
        assert ans(c, [seizure, "HP:0000256"], [], gtcs, "present") == (
            ["HP:0000256", gtcs], [])
        # an absent answer above a present term contradicts it: the latest answer wins
        assert ans(c, [gtcs, "HP:0000256"], [], seizure, "absent") == (
            ["HP:0000256"], [seizure])
        # a present answer drops an exclusion at or above it; unknown changes nothing
        assert ans(c, ["HP:0000256"], [seizure], gtcs, "present") == (
            ["HP:0000256", gtcs], [])
        assert ans(c, [seizure], [], gtcs, "unknown") == ([seizure], [])
        bad = c.post("/api/questions/answer", json={
            "patient": {"present": [seizure]}, "term": "HP:7654321", "reply": "present"})
        assert bad.status_code == 422 and bad.json()["field"] == "term"
        bad = c.post("/api/questions/answer", json={
            "patient": {"present": [seizure]}, "term": gtcs, "reply": "maybe"})
        assert bad.status_code == 422 and bad.json()["field"] == "reply"
    assert httpx.post(server.url + "/api/questions/answer", json={
        "patient": {"present": [seizure]}, "term": gtcs, "reply": "present"}).status_code == 401


def test_reports_render_unicode_labels_and_titles(server: Server, tokens: dict) -> None:
    label = "Elevated α-fetoprotein (≥ 2× normal, Müller–Weiß)"
    title = "Öztürk α-case ≥ 1"
    with server.client(tokens["alice"]) as c:
        made = c.post("/api/cases", json={"title": title, "patient": {
            "present": ["HP:0001250", "HP:0006254"], "sex": "male"}})
        assert made.status_code == 201, made.text
        cid, aid = made.json()["id"], made.json()["analyses"][-1]["id"]
        pdf = c.get(f"/api/cases/{cid}/analyses/{aid}/report.pdf")
        html = c.get(f"/api/cases/{cid}/analyses/{aid}/report.html").text
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    text = pdf_text(pdf.content)
    assert "HPO: 2099-01-01" in text
    for s in (label, title):
        assert s in text and s in html
    assert "?" not in text.split("Observed:", 1)[1].split("\n", 1)[0]
