from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from service_server import Server, require_services

CHROMIUM = os.environ.get("RAREDX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _need_chromium() -> None:
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the python package playwright is not installed"
    if problem is None and not Path(CHROMIUM).exists():
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if problem:
        if require_services():
            pytest.fail(f"RAREDX_REQUIRE_SERVICES=1 but {problem}")
        pytest.skip(problem)


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory):
    _need_chromium()
    # a small upload limit, so the oversized-file test needs no large file
    srv = Server(tmp_path_factory.mktemp("web"),
                 env={"RAREDX_MAX_UPLOAD_BYTES": "200000"}).start()
    srv.tokens = {"dora": srv.user("dora", password="dora-password-1")}  # type: ignore[attr-defined]
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser(web_server: Server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, web_server: Server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(web_server.url + "/")
    yield pg
    ctx.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
