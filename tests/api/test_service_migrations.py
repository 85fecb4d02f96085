"""Alembic migrations: a database made by an older revision is upgraded at startup, data kept."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from raredx.api._migrate import upgrade
from raredx.store import Database

MIGRATIONS = Path(__file__).resolve().parents[2] / "src" / "raredx" / "api" / "migrations"


def test_upgrade_from_first_revision_keeps_cases(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, name) VALUES (1, 'old')"))
        conn.execute(text(
            "INSERT INTO cases (id, owner_id, title, notes, patient, version) VALUES "
            "('c1', 1, 'kept', '', '{\"present\": [\"HP:0001250\"]}', 3)"))
    assert "case_files" not in inspect(db.engine).get_table_names()
    upgrade(db)
    upgrade(db)  # idempotent
    assert {"case_files", "login_failures"} <= set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT title, version FROM cases")).one() == ("kept", 3)
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
    db.dispose()
