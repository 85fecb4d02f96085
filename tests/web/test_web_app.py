"""The web application in a real headless Chromium (Playwright, Debian's chromium)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from service_server import Server
from web_helpers import add_feature, login


def test_sign_in_errors_are_shown_next_to_the_field(page) -> None:
    page.wait_for_selector("#view-login:not([hidden])")
    page.click("#login-form button[type=submit]")
    assert "Enter your user name" in page.text_content("#err-username")
    page.fill("#login-username", "dora")
    page.fill("#login-password", "not-her-password")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#err-password:has-text('Wrong user name or password')")
    login(page)
    assert page.text_content("#whoami").startswith("dora")


def test_features_differential_explanation_comparison_and_reports(page, web_server: Server) -> None:
    login(page)
    add_feature(page, "seizre", "HP:0001250")  # typo
    add_feature(page, "small hea", "HP:0000252")  # synonym, still being typed
    # keyboard: type, arrow down, enter
    page.fill("#term-input", "hypotonia")
    page.wait_for_selector("#term-list li[data-id='HP:0001252']")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#features li[data-term='HP:0001252']")
    add_feature(page, "catarac", "HP:0000518")
    page.click("#features li[data-term='HP:0000518'] .toggle")  # mark absent
    assert page.get_attribute("#features li[data-term='HP:0000518'] .toggle",
                              "aria-pressed") == "false"
    page.fill("#case-title", "web case 1")
    page.fill("#age", "2.5")
    page.select_option("#sex", "female")
    page.click("#btn-analyse")
    page.wait_for_selector("#candidates li.cand")
    names = page.locator("#candidates .cname").all_text_contents()
    assert "Alpha syndrome (fixture)" in names[0] and "Beta syndrome (fixture)" in names[-1]
    assert "HPO 2099-01-01" in page.text_content("#versions")
    probs = page.locator("#candidates .prob").all_text_contents()
    assert all(p.endswith("%") for p in probs)

    # explanation of the last candidate: contradicting features listed
    page.click("#candidates li.cand:last-child .cname")
    last = page.locator("#candidates li.cand:last-child .evidence")
    assert "Contradicting features" in last.text_content()
    assert "Cataract" in last.locator(".group.contradicting").text_content()
    page.click("#candidates li.cand:first-child .cname")
    assert "Matched features" in page.text_content("#candidates li.cand:first-child .evidence")

    # side by side
    page.check("#candidates li.cand:nth-child(1) .cmp")
    page.check("#candidates li.cand:nth-child(5) .cmp")
    page.wait_for_selector("#compare:not([hidden])")
    heads = page.locator("#compare-table thead th").all_text_contents()
    assert len(heads) == 3 and "Alpha" in heads[1] and "Beta" in heads[2]
    assert page.locator("#compare-table tbody tr").count() == 4

    # reports
    href = page.get_attribute("#report-html", "href")
    r = page.request.get(web_server.url + href)
    assert r.ok and "2099-01-01" in r.text() and "web case 1" in r.text()
    with page.expect_download() as dl:
        page.click("#report-pdf")
    with open(dl.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"

    # the disease page
    page.click("#candidates li.cand:first-child .evidence button.link")
    page.wait_for_selector("#disease-dialog[open] h2:has-text('Alpha syndrome')")
    body = page.text_content("#disease-body")
    assert "50%" in body and "null" not in body
    assert "Autosomal recessive inheritance" in body


def test_input_errors_are_shown_next_to_their_fields(page, tmp_path) -> None:
    login(page)
    page.click("#btn-analyse")
    assert "at least one observed" in page.text_content("#err-features")
    add_feature(page, "seizure", "HP:0001250")
    page.fill("#age", "200")
    page.click("#btn-analyse")
    page.wait_for_selector("#err-age:has-text('less than or equal to 130')")
    assert page.get_attribute("#age", "aria-invalid") == "true"
    page.fill("#age", "")
    bad = tmp_path / "broken.json"
    bad.write_text('{"subject": {"id": "x"},\n "phenotypicFeatures": [')
    page.set_input_files("#phenopacket", str(bad))
    page.click("#btn-analyse")
    page.wait_for_selector("#err-phenopacket:has-text('not valid JSON')")
    assert "line 2" in page.text_content("#err-phenopacket")
    notpkt = tmp_path / "list.json"
    notpkt.write_text("[1, 2, 3]")
    page.set_input_files("#phenopacket", str(notpkt))
    page.click("#btn-analyse")
    page.wait_for_selector("#err-phenopacket:has-text('not a phenopacket')")
    assert page.locator("#candidates li.cand").count() == 0


def test_phenopacket_upload_reanalysis_diff_and_case_list(page, tmp_path) -> None:
    login(page)
    packet = {"id": "pp-1", "subject": {"id": "s1", "sex": "MALE"}, "phenotypicFeatures": [
        {"type": {"id": "HP:0001250"}}, {"type": {"id": "HP:0001252"}},
        {"type": {"id": "HP:0000252"}}, {"type": {"id": "HP:1234567"}}]}
    f = tmp_path / "packet.json"
    f.write_text(json.dumps(packet))
    page.fill("#case-title", "uploaded case")
    page.set_input_files("#phenopacket", str(f))
    page.click("#btn-analyse")
    page.wait_for_selector("#candidates li.cand")
    assert page.locator("#features li").count() == 3  # loaded from the analysed case
    assert "HP:1234567" in page.text_content("#issues")  # the skipped term is reported
    assert page.input_value("#release-select") == "next"
    page.click("#btn-reanalyse")
    page.wait_for_selector("#diff:not([hidden])")
    diff = page.text_content("#diff-table")
    assert "Zeta syndrome (fixture)" in diff and "new" in diff
    assert "HPO 2099-02-01" in page.text_content("#versions")
    assert "Zeta syndrome" in page.locator("#candidates .cname").first.text_content()
    page.click("#btn-cases")
    page.wait_for_selector("#view-cases:not([hidden])")
    page.click("#cases-table button:has-text('uploaded case')")
    page.wait_for_selector("#view-work:not([hidden]) #candidates li.cand")
    assert page.input_value("#case-title") == "uploaded case"


def test_stale_edit_is_refused_and_explained(page, web_server: Server) -> None:
    login(page)
    add_feature(page, "renal cyst", "HP:0000107")
    page.fill("#case-title", "contended case")
    page.click("#btn-analyse")
    page.wait_for_selector("#candidates li.cand")
    badge = page.text_content("#case-badge")
    cases = httpx.get(web_server.url + "/api/cases", headers={
        "Authorization": f"Bearer {web_server.tokens['dora']}"}).json()
    cid = next(c["id"] for c in cases if c["title"] == "contended case")
    assert cid[:8] in badge
    r = httpx.patch(web_server.url + f"/api/cases/{cid}", json={"version": 1, "notes": "x"},
                    headers={"Authorization": f"Bearer {web_server.tokens['dora']}"})
    assert r.status_code == 200
    add_feature(page, "short stature", "HP:0004322")
    page.click("#btn-analyse")
    page.wait_for_selector("#err-form:has-text('changed by someone else')")
    page.click("#err-form button:has-text('Reload')")
    page.wait_for_selector("#case-badge:has-text('version 2')")


def test_readable_on_a_tablet(browser, web_server: Server) -> None:
    ctx = browser.new_context(viewport={"width": 768, "height": 1024}, is_mobile=True,
                              has_touch=True)
    pg = ctx.new_page()
    pg.goto(web_server.url + "/")
    login(pg)
    add_feature(pg, "seizure", "HP:0001250")
    pg.click("#btn-analyse")
    pg.wait_for_selector("#candidates li.cand")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 768
    size = pg.evaluate("parseFloat(getComputedStyle(document.querySelector('.cname')).fontSize)")
    assert size >= 14
    ctx.close()


def test_vcf_upload_shows_genes_and_variants(browser, tmp_path_factory) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    srv = Server(tmp_path_factory.mktemp("webvcf"), data_dir=fixtures / "mini_release",
                 extra_args=("--genes-dir", str(fixtures / "genes_mini"))).start()
    try:
        srv.user("vic", password="vic-password-1")
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = ctx.new_page()
        pg.set_default_timeout(20_000)
        pg.goto(srv.url + "/")
        login(pg, "vic", "vic-password-1")
        add_feature(pg, "seizure", "HP:0001250")
        add_feature(pg, "global developmental", "HP:0001263")
        bad = tmp_path_factory.mktemp("files") / "notes.vcf"
        bad.write_text("this is not a VCF\n")
        pg.set_input_files("#vcf", str(bad))
        pg.click("#btn-analyse")
        pg.wait_for_selector("#err-vcf:has-text('not a VCF')")
        good = bad.with_name("p.vcf")
        good.write_text("##fileformat=VCFv4.2\n##reference=GRCh38\n"
                        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tp\n"
                        "chr3\t6100\t.\tAT\tA\t50\tPASS\t.\tGT\t0/1\n")
        pg.set_input_files("#vcf", str(good))
        pg.click("#btn-analyse")
        pg.wait_for_selector("#versions:has-text('VCF')")
        assert pg.get_attribute("#candidates li.cand:first-child", "data-disease") == "OMIM:100200"
        pg.click("#candidates li.cand:first-child .cname")
        gen = pg.text_content("#candidates li.cand:first-child .group.genotype")
        assert "SEIZ2" in gen and "chr3:6100" in gen
        ctx.close()
    finally:
        srv.stop()
