from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from service_server import Server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory):
    srv = Server(tmp_path_factory.mktemp("service"), env={
        "RAREDX_MAX_BODY_BYTES": "200000", "RAREDX_MAX_UPLOAD_BYTES": "100000"}).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def tokens(server: Server) -> dict[str, str]:
    return {
        "alice": server.user("alice", team="genetics", password="alice-password"),
        "bob": server.user("bob", team="genetics"),
        "carol": server.user("carol"),
    }
