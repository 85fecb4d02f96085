"""The HTTP service: a FastAPI application over the engine and the case store.

``create_app(Settings.from_env())`` builds it; ``raredx serve`` runs it with uvicorn.
"""

from raredx.api._app import create_app
from raredx.api._settings import Settings

__all__ = ["Settings", "create_app"]
