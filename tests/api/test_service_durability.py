"""A stored case survives a restart and a killed worker, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from service_server import Server, require_services

PATIENT = {"present": ["HP:0001250", "HP:0000252"], "excluded": ["HP:0000518"]}


def _survives(srv: Server, tag: str) -> None:
    token = srv.user(f"durable-{tag}")
    with srv.client(token) as c:
        ids = []
        for k in range(3):
            r = c.post("/api/cases", json={"title": f"{tag} {k}", "patient": PATIENT})
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        edited = c.patch(f"/api/cases/{ids[0]}", json={"version": 1, "notes": "kept"})
        assert edited.status_code == 200
    srv.stop(kill=True)  # SIGKILL: no shutdown hooks, no flushing
    srv.start()
    with srv.client(token) as c:
        for cid in ids:
            r = c.get(f"/api/cases/{cid}")
            assert r.status_code == 200
            assert len(r.json()["analyses"]) == 1
        assert c.get(f"/api/cases/{ids[0]}").json()["notes"] == "kept"
        stale = c.patch(f"/api/cases/{ids[0]}", json={"version": 1, "notes": "lost"})
        assert stale.status_code == 409
    srv.stop()  # a clean restart too
    srv.start()
    with srv.client(token) as c:
        assert sorted(x["id"] for x in c.get("/api/cases").json()) == sorted(ids)


def test_sqlite_case_survives_killed_worker_and_restart(tmp_path: Path) -> None:
    srv = Server(tmp_path).start()
    try:
        _survives(srv, "sqlite")
    finally:
        srv.stop()


def _postgres_url() -> str:
    url = os.environ.get("RAREDX_TEST_POSTGRES_URL", "")
    if not url:
        if require_services():
            pytest.fail("RAREDX_REQUIRE_SERVICES=1 but RAREDX_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server (set RAREDX_TEST_POSTGRES_URL)")
    return url


def test_postgresql_cases_durability_and_concurrency(tmp_path: Path) -> None:
    url = _postgres_url()
    srv = Server(tmp_path, database_url=url).start()
    try:
        _survives(srv, f"pg-{os.getpid()}")
        token = srv.user(f"pg-concurrent-{os.getpid()}")
        with srv.client(token) as c:
            cid = c.post("/api/cases", json={"patient": PATIENT}).json()["id"]
        codes: list[int] = []

        def edit(k: int) -> None:
            with srv.client(token) as c:
                codes.append(c.patch(f"/api/cases/{cid}", json={
                    "version": 1, "notes": f"edit {k}"}).status_code)
        threads = [threading.Thread(target=edit, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(codes) == [200] + [409] * 7
    finally:
        srv.stop()


def test_postgresql_fast_auth_paths_and_login_limit(tmp_path: Path) -> None:
    """The plain-SQL authentication of the stateless endpoints (token and session cookie) and
    the sign-in counter, on PostgreSQL (its parameter style and timestamp types differ)."""
    url = _postgres_url()
    srv = Server(tmp_path, database_url=url, env={"RAREDX_LOGIN_MAX_FAILURES": "3"}).start()
    try:
        name = f"pg-auth-{os.getpid()}"
        # the database outlives a test run: addresses of this run only
        net = f"10.{(os.getpid() >> 8) % 250}.{os.getpid() % 250}"
        token = srv.user(name, password="pg-password-1")
        with srv.client(token) as c:
            assert c.post("/api/diagnose", json={"patient": PATIENT}).status_code == 200
            assert c.post("/api/questions", json={"patient": PATIENT}).status_code == 200
        with srv.client("not-a-token") as c:
            assert c.post("/api/diagnose", json={"patient": PATIENT}).status_code == 401
        with httpx.Client(base_url=srv.url) as c:
            r = c.post("/api/login", json={"username": name, "password": "pg-password-1"})
            assert r.status_code == 200
            c.cookies.set("raredx_session", r.cookies["raredx_session"])
            assert c.post("/api/diagnose", json={"patient": PATIENT}).status_code == 200
            for _ in range(3):
                assert c.post("/api/login", json={"username": name, "password": "x"},
                              headers={"X-Forwarded-For": f"{net}.1"}).status_code == 401
            r = c.post("/api/login", json={"username": name, "password": "pg-password-1"},
                       headers={"X-Forwarded-For": f"{net}.2"})
            assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    finally:
        srv.stop()


def _children(pid: int) -> list[int]:
    """The server's live worker processes (multiprocessing spawn children, not zombies nor the
    resource tracker)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmd = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z" and b"spawn_main" in cmd:
            out.append(int(stat.parent.name))
    return out


def test_killed_worker_loses_no_case_and_is_replaced(tmp_path: Path) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to find the worker processes")
    srv = Server(tmp_path, extra_args=("--workers", "2")).start()
    try:
        token = srv.user("worker-test")
        with srv.client(token) as c:
            ids = [c.post("/api/cases", json={"patient": PATIENT}).json()["id"] for _ in range(4)]
        assert srv.proc is not None
        deadline = time.monotonic() + 60
        workers = _children(srv.proc.pid)
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = _children(srv.proc.pid)
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        # the other worker keeps serving; every stored case is there
        with srv.client(token) as c:
            for cid in ids:
                r = None
                for _ in range(50):  # a request may hit the dying worker's closed connection
                    try:
                        r = c.get(f"/api/cases/{cid}")
                        break
                    except httpx.TransportError:
                        time.sleep(0.2)
                assert r is not None and r.status_code == 200
            assert c.post("/api/cases", json={"patient": PATIENT}).status_code == 201
        # the supervisor starts a replacement
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            now = _children(srv.proc.pid)
            if victim not in now and len(now) >= 2:
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"no replacement worker (children now {_children(srv.proc.pid)})")
    finally:
        srv.stop()
