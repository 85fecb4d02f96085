"""The sign-in rate limit: failed attempts are counted per account and per client address in
the database (so every worker process sees them); past the limit, sign-in answers 429 with
``Retry-After`` before the password is even checked."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from raredx.api._errors import ApiError
from raredx.store import LoginFailure, hash_secret


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def login_keys(username: str, client: str | None) -> list[str]:
    """Hashed counter keys: the account (case-insensitive) and the client address."""
    return [hash_secret(f"user:{username.strip().lower()}"),
            hash_secret(f"ip:{client or 'unknown'}")]


def check(s: Session, keys: list[str], max_failures: int, window_s: int) -> None:
    """429 when any key has ``max_failures`` failures within the window; ``Retry-After`` says
    when the oldest of the counted ones leaves the window."""
    now = datetime.now(UTC)
    since = now - timedelta(seconds=window_s)
    wait = 0.0
    for k in keys:
        times = s.scalars(select(LoginFailure.at).where(
            LoginFailure.key_hash == k, LoginFailure.at > since)
            .order_by(LoginFailure.at.desc()).limit(max_failures)).all()
        if len(times) >= max_failures:
            free_at = _aware(times[max_failures - 1]) + timedelta(seconds=window_s)
            wait = max(wait, (free_at - now).total_seconds())
    if wait > 0:
        secs = max(1, math.ceil(wait))
        minutes = max(1, math.ceil(secs / 60))
        raise ApiError(429, f"Too many failed sign-in attempts. Please wait {minutes} "
                       f"minute{'s' if minutes > 1 else ''} and try again.", "password",
                       headers={"Retry-After": str(secs)})


def record_failure(s: Session, keys: list[str], window_s: int) -> None:
    now = datetime.now(UTC)
    s.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(seconds=window_s)))
    for k in keys:
        s.add(LoginFailure(key_hash=k, at=now))
    s.commit()


def clear_account(s: Session, account_key: str) -> None:
    """A successful sign-in clears its account's counter (not the address's: signing in to
    one's own account must not reset a guessing budget for others)."""
    s.execute(delete(LoginFailure).where(LoginFailure.key_hash == account_key))
