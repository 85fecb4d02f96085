from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _data_home() -> Path:
    env = os.environ.get("RAREDX_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "raredx"


def _parse_releases(text: str) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, path = part.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise ValueError(f"RAREDX_RELEASES: expected NAME=DIR, got {part!r}")
        out[name.strip()] = Path(path.strip())
    return out


@dataclass(frozen=True)
class Settings:
    """Service settings. ``from_env`` reads ``RAREDX_*`` environment variables.

    - ``database_url``: SQLAlchemy URL (``RAREDX_DATABASE_URL``); default a SQLite file in the
      raredx data home.
    - ``data_dir``: the default knowledge release (``RAREDX_DATA_DIR``; ``None``: the installed
      default release).
    - ``releases``: further named releases for re-analysis (``RAREDX_RELEASES="name=DIR;..."``).
    - ``max_body_bytes`` / ``max_upload_bytes``: request size limits (JSON / file uploads).
    - ``genes_dir``: gene knowledge for VCF files (``RAREDX_GENES_DIR``; ``None``: VCF uploads
      are refused, the service never installs it by itself).
    - ``login_max_failures`` / ``login_window_seconds``: the sign-in rate limit; after this many
      failed attempts for one account, or from one client address, within the window, sign-in
      answers 429 with ``Retry-After`` (``RAREDX_LOGIN_MAX_FAILURES``,
      ``RAREDX_LOGIN_WINDOW_SECONDS``; default 10 per 15 minutes).
    - ``secure_cookies``: mark the session cookie ``Secure`` (``RAREDX_SECURE_COOKIES=0`` to
      turn off behind plain HTTP that is not localhost).
    """

    database_url: str = ""
    data_dir: Path | None = None
    releases: dict[str, Path] = field(default_factory=dict)
    max_body_bytes: int = 1_000_000
    max_upload_bytes: int = 20_000_000
    session_hours: float = 12.0
    secure_cookies: bool = True
    top: int = 20
    genes_dir: Path | None = None
    login_max_failures: int = 10
    login_window_seconds: int = 900

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "database_url": env.get("RAREDX_DATABASE_URL", ""),
            "data_dir": Path(env["RAREDX_DATA_DIR"]) if env.get("RAREDX_DATA_DIR") else None,
            "releases": _parse_releases(env.get("RAREDX_RELEASES", "")),
            "max_body_bytes": int(env.get("RAREDX_MAX_BODY_BYTES", 1_000_000)),
            "max_upload_bytes": int(env.get("RAREDX_MAX_UPLOAD_BYTES", 20_000_000)),
            "session_hours": float(env.get("RAREDX_SESSION_HOURS", 12.0)),
            "secure_cookies": env.get("RAREDX_SECURE_COOKIES", "1") not in ("0", "false", "no"),
            "genes_dir": Path(env["RAREDX_GENES_DIR"]) if env.get("RAREDX_GENES_DIR") else None,
            "login_max_failures": int(env.get("RAREDX_LOGIN_MAX_FAILURES", 10)),
            "login_window_seconds": int(env.get("RAREDX_LOGIN_WINDOW_SECONDS", 900)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        s = cls(**values)  # type: ignore[arg-type]
        if not s.database_url:
            home = _data_home()
            home.mkdir(parents=True, exist_ok=True)
            s = cls(**{**values, "database_url": f"sqlite:///{home / 'raredx.sqlite3'}"})  # type: ignore[arg-type]
        return s
