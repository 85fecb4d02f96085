"""The application factory."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from raredx import __version__
from raredx.api._errors import (
    ApiError,
    api_error_handler,
    http_handler,
    validation_handler,
)
from raredx.api._middleware import ServiceMiddleware
from raredx.api._migrate import upgrade
from raredx.api._releases import Releases
from raredx.api._routes import router
from raredx.api._settings import Settings
from raredx.store import Database

log = logging.getLogger("raredx.api")
WEB = Path(__file__).resolve().parent.parent / "web" / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the FastAPI application; the database is migrated and the default knowledge release
    loaded at startup."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        upgrade(db)
        app.state.db = db
        app.state.releases.load_default()
        log.info("ready: knowledge %s", app.state.releases.names()[0])
        yield
        db.dispose()

    app = FastAPI(
        title="raredx",
        version=__version__,
        description="Rare-disease differential diagnosis from HPO phenotypes: diagnose, term "
        "search, disease pages, stored cases with analyses, re-analysis and reports.",
        lifespan=lifespan,
        # the interactive pages load their scripts from a CDN: not offline, and not allowed by our
        # content security policy; the OpenAPI document itself is at /openapi.json
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.releases = Releases(settings.data_dir, settings.releases, settings.genes_dir)
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_handler)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> Any:
        return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})

    app.add_middleware(ServiceMiddleware, max_body=settings.max_body_bytes,  # type: ignore[arg-type]
                       max_upload=settings.max_upload_bytes)
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (each worker process builds its app from ``RAREDX_*``)."""
    from raredx.api._middleware import configure_logging

    configure_logging(os.environ.get("RAREDX_LOG_LEVEL", "INFO"))
    return create_app(Settings.from_env())
