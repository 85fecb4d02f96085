"""Helpers for driving the web application in the browser tests."""

from __future__ import annotations


def login(pg, user: str = "dora", password: str = "dora-password-1") -> None:
    pg.fill("#login-username", user)
    pg.fill("#login-password", password)
    pg.click("#login-form button[type=submit]")
    pg.wait_for_selector("#view-work:not([hidden])")


def add_feature(pg, typed: str, expect_id: str) -> None:
    pg.fill("#term-input", typed)
    pg.wait_for_selector(f"#term-list li[data-id='{expect_id}']")
    pg.click(f"#term-list li[data-id='{expect_id}']")
    pg.wait_for_selector(f"#features li[data-term='{expect_id}']")
