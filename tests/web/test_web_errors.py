"""Bad input is shown next to the field it concerns (real headless Chromium)."""

from __future__ import annotations

import json

import httpx
from service_server import Server
from web_helpers import login


def test_oversized_phenopacket_is_reported_at_the_file_field(page, tmp_path) -> None:
    login(page)
    packet = {"id": "big", "subject": {"id": "s"},
              "phenotypicFeatures": [{"type": {"id": "HP:0001250"}}]}
    # just over the limit (read and refused by the route) and far over it (refused by the
    # size guard before the body is read): both are the file's problem
    for size in (210_000, 600_000):
        f = tmp_path / f"big{size}.json"
        f.write_text(json.dumps({**packet, "notes": "x" * size}))
        page.set_input_files("#phenopacket", str(f))
        page.click("#btn-analyse")
        page.wait_for_selector("#err-phenopacket:has-text('too large')")
        assert page.get_attribute("#phenopacket", "aria-invalid") == "true"
        assert page.text_content("#err-form") == ""
        page.evaluate("document.querySelector('#err-phenopacket').textContent = ''")
    assert page.locator("#candidates li.cand").count() == 0


def test_a_case_gone_from_the_list_is_explained_there(page, web_server: Server) -> None:
    login(page)
    auth = {"Authorization": f"Bearer {web_server.tokens['dora']}"}
    made = httpx.post(web_server.url + "/api/cases", headers=auth, json={
        "title": "soon deleted", "patient": {"present": ["HP:0001250"]}})
    assert made.status_code == 201
    page.click("#btn-cases")
    page.wait_for_selector("#cases-table button:has-text('soon deleted')")
    httpx.delete(web_server.url + f"/api/cases/{made.json()['id']}", headers=auth)
    page.click("#cases-table button:has-text('soon deleted')")
    page.wait_for_selector("#err-cases:has-text('No case')")
    assert not page.is_hidden("#view-cases")


def test_too_many_failed_sign_ins_are_explained_at_the_password(browser,
                                                                web_server: Server) -> None:
    # its own account and client address (through the local proxy header), so the other
    # tests' sign-ins are not limited
    web_server.user("lena", password="lena-password-1")
    ctx = browser.new_context(extra_http_headers={"X-Forwarded-For": "10.77.0.1"})
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    pg.goto(web_server.url + "/")
    pg.wait_for_selector("#view-login:not([hidden])")
    pg.fill("#login-username", "lena")
    statuses = []
    for _ in range(11):
        pg.fill("#login-password", "not-her-password")
        with pg.expect_response("**/api/login") as resp:
            pg.click("#login-form button[type=submit]")
        statuses.append(resp.value.status)
    assert statuses == [401] * 10 + [429]
    pg.wait_for_selector("#err-password:has-text('Too many failed sign-in attempts')")
    ctx.close()
