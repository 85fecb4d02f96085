"""The sign-in rate limit (10 failed attempts per 15 minutes, per account and per client
address) over real HTTP, on its own server so the other tests' sign-ins are not counted."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from service_server import Server


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    srv = Server(tmp_path_factory.mktemp("limit")).start()
    srv.user("rita", password="rita-password-1")
    srv.user("sam", password="sam-password-1")
    yield srv
    srv.stop()


def _login(srv: Server, user: str, password: str, ip: str) -> httpx.Response:
    # uvicorn takes the client address from X-Forwarded-For when the proxy is local
    return httpx.post(srv.url + "/api/login", json={"username": user, "password": password},
                      headers={"X-Forwarded-For": ip}, timeout=60)


def test_account_is_limited_after_ten_failures(limited: Server) -> None:
    for _ in range(10):
        assert _login(limited, "rita", "wrong", "10.0.0.1").status_code == 401
    blocked = _login(limited, "rita", "rita-password-1", "10.0.0.1")
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 900
    body = blocked.json()
    assert body["field"] == "password" and "Too many failed sign-in attempts" in body["detail"]
    # the account stays locked from another address, even with the right password ...
    assert _login(limited, "rita", "rita-password-1", "10.0.0.2").status_code == 429
    assert _login(limited, "RITA", "rita-password-1", "10.0.0.2").status_code == 429
    # ... while another account from that address signs in
    assert _login(limited, "sam", "sam-password-1", "10.0.0.2").status_code == 200


def test_address_is_limited_across_accounts(limited: Server) -> None:
    for k in range(10):  # one failure each for ten different names: no account reaches 10
        assert _login(limited, f"guess{k}", "wrong", "10.0.0.3").status_code == 401
    r = _login(limited, "sam", "sam-password-1", "10.0.0.3")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert _login(limited, "sam", "sam-password-1", "10.0.0.4").status_code == 200


def test_success_clears_the_account_counter(limited: Server) -> None:
    for _ in range(9):
        assert _login(limited, "sam", "wrong", "10.0.0.5").status_code == 401
    assert _login(limited, "sam", "sam-password-1", "10.0.0.6").status_code == 200
    for _ in range(9):  # a fresh budget for the account (the address 10.0.0.7 is new too)
        assert _login(limited, "sam", "wrong", "10.0.0.7").status_code == 401
    assert _login(limited, "sam", "sam-password-1", "10.0.0.7").status_code == 200


def test_failures_are_counted_across_worker_processes(tmp_path: Path) -> None:
    srv = Server(tmp_path, extra_args=("--workers", "2"),
                 env={"RAREDX_LOGIN_MAX_FAILURES": "4"}).start()
    try:
        srv.user("tess", password="tess-password-1")
        # fresh connections: the two workers take turns accepting them
        codes = [_login(srv, "tess", "wrong", "10.0.1.1").status_code for _ in range(4)]
        assert codes == [401] * 4
        assert _login(srv, "tess", "tess-password-1", "10.0.1.2").status_code == 429
    finally:
        srv.stop()
