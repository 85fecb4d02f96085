"""Start the real service (uvicorn in a subprocess on a free port) for the API and web tests.

The knowledge is the hand-written release under ``tests/fixtures/service`` (release-a is the
default; release-b is offered as ``next`` for re-analysis); the cache is a temporary directory.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "service"
RELEASE_A = FIXTURES / "release-a"
RELEASE_B = FIXTURES / "release-b"


def require_services() -> bool:
    """True in CI (``RAREDX_REQUIRE_SERVICES=1``): missing Chromium/PostgreSQL fail, not skip."""
    return os.environ.get("RAREDX_REQUIRE_SERVICES", "") == "1"


def _die_with_parent() -> None:
    """Linux: the server gets SIGKILL when the test process dies (no orphans after a killed
    test run)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path, database_url: str | None = None, env: dict | None = None,
                 data_dir: Path = RELEASE_A, extra_args: tuple[str, ...] = (
                     "--release", f"next={RELEASE_B}")) -> None:
        self.tmp = tmp
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.database_url = database_url or f"sqlite:///{tmp / 'service.sqlite3'}"
        self.env = {**os.environ, "RAREDX_CACHE": str(tmp / "cache"),
                    "RAREDX_HOME": str(tmp / "home"), "RAREDX_DATABASE_URL": self.database_url,
                    "RAREDX_SECURE_COOKIES": "1", **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log_path = tmp / "server.log"
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.port = free_port()
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from raredx.cli import main; main()", "serve",
             "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", str(self.data_dir),
             *self.extra_args],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"server exited: {self.log()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not start: {self.log()}")

    def stop(self, kill: bool = False) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def user(self, name: str, team: str | None = None, password: str | None = None) -> str:
        """Create a user with the real CLI; returns the API token it printed."""
        args = [sys.executable, "-c", "from raredx.cli import main; main()", "users", "create",
                name]
        if team:
            args += ["--team", team]
        if password:
            args += ["--password-stdin"]
        res = subprocess.run(args, env=self.env, input=(password or "") + "\n",
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        token = res.stdout.strip().splitlines()[-1]
        assert len(token) >= 40
        return token

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


def pdf_text(data: bytes) -> str:
    """The text of a PDF (its fonts are embedded TrueType subsets, so the raw bytes do not
    show it), with runs of spaces made one (the extraction sometimes doubles them)."""
    import io
    import re

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r" {2,}", " ", text)
