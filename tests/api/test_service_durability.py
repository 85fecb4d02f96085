"""A stored case survives a restart and a killed worker, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import threading
from pathlib import Path

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
