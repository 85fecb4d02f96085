"""Run the Alembic migrations (at startup, and from ``raredx users``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from raredx.store import Database


def upgrade(db: Database) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
