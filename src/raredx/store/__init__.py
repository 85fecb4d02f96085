"""The case store: users, API tokens, browser sessions, cases and their analyses (SQLAlchemy 2).

SQLite by default, PostgreSQL with a ``postgresql+psycopg://`` URL. The schema is created and
upgraded by the Alembic migrations in :mod:`raredx.api.migrations` (run at startup).
"""

from raredx.store._db import Database, hash_password, hash_secret, new_secret, verify_password
from raredx.store._models import (
    Analysis,
    ApiToken,
    Base,
    Case,
    CaseFile,
    LoginFailure,
    User,
    WebSession,
)

__all__ = [
    "Analysis",
    "ApiToken",
    "Base",
    "Case",
    "CaseFile",
    "Database",
    "LoginFailure",
    "User",
    "WebSession",
    "hash_password",
    "hash_secret",
    "new_secret",
    "verify_password",
]
