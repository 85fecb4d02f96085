""""What to examine next" in the web application (real headless Chromium)."""

from __future__ import annotations

from web_helpers import add_feature, login


def _questions(page) -> list[str]:
    page.wait_for_selector("#questions li.question")
    return page.locator("#questions li.question").evaluate_all(
        "els => els.map(e => e.dataset.term)")


def test_answering_suggested_features_updates_the_differential(page) -> None:
    login(page)
    add_feature(page, "seizure", "HP:0001250")
    page.fill("#case-title", "questions case")
    page.click("#btn-analyse")
    page.wait_for_selector("#candidates li.cand")
    first = page.locator("#candidates .cname").first.text_content()
    assert "Delta" not in first
    asked = _questions(page)
    assert "HP:0001250" not in asked and "HP:0000256" in asked
    item = page.locator("#questions li[data-term='HP:0000256']")
    # how it is checked, and which candidate it speaks for
    assert item.locator(".kind").text_content()
    assert "Delta syndrome (fixture)" in item.locator(".sep").first.text_content()

    # "unknown": not asked again, the differential stays
    other = next(t for t in asked if t != "HP:0000256")
    page.click(f"#questions li[data-term='{other}'] .a-unknown")
    page.wait_for_selector(f"#questions li[data-term='{other}']", state="detached")
    assert page.locator("#candidates .cname").first.text_content() == first
    badge = page.text_content("#case-badge")
    assert "version 1" in badge

    # "present": the feature joins the case, which is analysed again; Delta now leads
    page.click("#questions li[data-term='HP:0000256'] .a-present")
    page.wait_for_selector("#case-badge:has-text('version 2')")
    page.wait_for_selector("#features li.present[data-term='HP:0000256']")
    page.wait_for_selector("#candidates li.cand:first-child:has-text('Delta syndrome')")
    after = _questions(page)
    assert "HP:0000256" not in after and other not in after

    # "absent": recorded as an absent feature
    nxt = after[0]
    page.click(f"#questions li[data-term='{nxt}'] .a-absent")
    page.wait_for_selector("#case-badge:has-text('version 3')")
    page.wait_for_selector(f"#features li.absent[data-term='{nxt}']")
    assert nxt not in _questions(page)
