"""`raredx serve` (the HTTP service and web application) and `raredx users` (accounts)."""

from __future__ import annotations

import os
import sys
from datetime import UTC
from pathlib import Path

import typer

from raredx.cli import app

users_app = typer.Typer(help="Manage the service's users and their API tokens.",
                        no_args_is_help=True)
app.add_typer(users_app, name="users")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port"),
    database_url: str | None = typer.Option(
        None, "--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://u:p@host/db "
        "(default: $RAREDX_DATABASE_URL or a SQLite file in the raredx data home)."),
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                            help="The default knowledge release directory."),
    genes_dir: Path | None = typer.Option(
        None, "--genes-dir", help="Gene knowledge for VCF uploads (default: $RAREDX_GENES_DIR; "
        "without it VCF uploads are refused)."),
    release: list[str] = typer.Option([], "--release",
                                      help="Another release for re-analysis, NAME=DIR (repeat)."),
    log_level: str = typer.Option("INFO", "--log-level"),
    workers: int = typer.Option(1, "--workers", min=1, max=32,
                                help="Worker processes (each loads the knowledge)."),
) -> None:
    """Start the HTTP API (OpenAPI document at /openapi.json) and the web application (at /)."""
    try:
        import uvicorn

        from raredx.api import Settings, create_app
        from raredx.api._middleware import configure_logging
        from raredx.api._settings import _parse_releases
    except ImportError as exc:  # pragma: no cover - depends on the install
        typer.echo(f"the service needs the `service` extra: pip install 'raredx[service]' ({exc})",
                   err=True)
        raise typer.Exit(2)
    configure_logging(log_level.upper())
    try:
        extra = _parse_releases(";".join(release))
    except ValueError as exc:
        typer.echo(f"--release: {exc}", err=True)
        raise typer.Exit(2)
    settings = Settings.from_env(database_url=database_url, data_dir=data_dir,
                                 genes_dir=genes_dir, **({"releases": extra} if extra else {}))
    common = {"host": host, "port": port, "access_log": False, "log_config": None,
              "log_level": log_level.lower(), "timeout_graceful_shutdown": 10}
    if workers == 1:
        uvicorn.run(create_app(settings), **common)  # type: ignore[arg-type]
        return
    # several processes: hand the settings over through the environment
    os.environ["RAREDX_DATABASE_URL"] = settings.database_url
    if settings.data_dir is not None:
        os.environ["RAREDX_DATA_DIR"] = str(settings.data_dir)
    if settings.genes_dir is not None:
        os.environ["RAREDX_GENES_DIR"] = str(settings.genes_dir)
    if settings.releases:
        os.environ["RAREDX_RELEASES"] = ";".join(f"{k}={v}" for k, v in settings.releases.items())
    os.environ["RAREDX_LOG_LEVEL"] = log_level.upper()
    # migrate once, before the workers race to do it
    from raredx.api._migrate import upgrade
    from raredx.store import Database

    db = Database(settings.database_url)
    upgrade(db)
    db.dispose()
    uvicorn.run("raredx.api._app:app_from_env", factory=True, workers=workers,
                **common)  # type: ignore[arg-type]


@users_app.command("create")
def users_create(
    name: str = typer.Argument(..., help="The user name (also the sign-in name)."),
    team: str | None = typer.Option(None, "--team", help="Team whose cases the user sees."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read a sign-in password from standard input."),
    database_url: str | None = typer.Option(None, "--database-url"),
) -> None:
    """Create a user (or a new token for an existing one) and print the API token once."""
    from sqlalchemy import select

    from raredx.api import Settings
    from raredx.api._migrate import upgrade
    from raredx.store import ApiToken, Database, User, hash_password, hash_secret, new_secret

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < 8:
            typer.echo("the password must have at least 8 characters", err=True)
            raise typer.Exit(2)
    db = Database(Settings.from_env(database_url=database_url).database_url)
    upgrade(db)
    token = new_secret()
    with db.session() as s:
        user = s.scalars(select(User).where(User.name == name)).first()
        if user is None:
            user = User(name=name, team=team)
            s.add(user)
            s.flush()
        elif team is not None:
            user.team = team
        if password is not None:
            user.password_hash = hash_password(password)
        s.add(ApiToken(user_id=user.id, token_hash=hash_secret(token), prefix=token[:8]))
        s.commit()
    db.dispose()
    typer.echo(token)


@users_app.command("list")
def users_list(database_url: str | None = typer.Option(None, "--database-url")) -> None:
    """List users with their team and number of active API tokens."""
    from sqlalchemy import func, select

    from raredx.api import Settings
    from raredx.api._migrate import upgrade
    from raredx.store import ApiToken, Database, User

    db = Database(Settings.from_env(database_url=database_url).database_url)
    upgrade(db)
    with db.session() as s:
        for u in s.scalars(select(User).order_by(User.name)):
            n = s.scalar(select(func.count()).select_from(ApiToken).where(
                ApiToken.user_id == u.id, ApiToken.revoked_at.is_(None)))
            typer.echo(f"{u.name}\tteam={u.team or '-'}\ttokens={n}\t"
                       f"password={'yes' if u.password_hash else 'no'}")
    db.dispose()


@users_app.command("revoke")
def users_revoke(
    name: str = typer.Argument(..., help="The user whose API tokens and sessions end now."),
    database_url: str | None = typer.Option(None, "--database-url"),
) -> None:
    """Revoke every API token of a user and end their browser sessions."""
    from datetime import datetime

    from sqlalchemy import delete, select, update

    from raredx.api import Settings
    from raredx.api._migrate import upgrade
    from raredx.store import ApiToken, Database, User, WebSession

    db = Database(Settings.from_env(database_url=database_url).database_url)
    upgrade(db)
    with db.session() as s:
        u = s.scalars(select(User).where(User.name == name)).first()
        if u is None:
            typer.echo(f"no user {name!r}", err=True)
            raise typer.Exit(1)
        res = s.execute(update(ApiToken).where(ApiToken.user_id == u.id,
                                               ApiToken.revoked_at.is_(None))
                        .values(revoked_at=datetime.now(UTC)))
        s.execute(delete(WebSession).where(WebSession.user_id == u.id))
        s.commit()
        typer.echo(f"revoked {res.rowcount} token(s) of {name}")  # type: ignore[attr-defined]
    db.dispose()
