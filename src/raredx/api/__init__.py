"""The HTTP service: a FastAPI application over the engine and the case store.

Run it::

    pip install -e '.[service]'
    raredx users create alice --team genetics --password-stdin   # prints alice's API token once
    raredx serve --data-dir /path/to/release [--release next=/path/to/newer] \\
                 [--genes-dir /path/to/genes] [--database-url postgresql+psycopg://u@h/db] \\
                 [--host 127.0.0.1 --port 8000 --workers 2]

The web application is at ``/``; the OpenAPI document at ``/openapi.json``. Every request is
authenticated by ``Authorization: Bearer <token>`` or by the browser session cookie set by
``POST /api/login``. Main endpoints: ``POST /api/diagnose`` (terms or phenopacket; nothing
stored), ``POST /api/diagnose/phenopacket`` (upload), ``GET /api/terms?q=`` (typo-tolerant
search), ``GET /api/diseases/{id}``, ``GET /api/genes/{symbol}``, ``/api/cases`` (create, list,
read, ``PATCH`` with ``version`` → 409 when stale), ``POST /api/cases/{id}/analyses``
(re-analysis, e.g. ``{"release": "next"}``), ``GET /api/cases/{id}/diff``,
``POST /api/cases/{id}/vcf``, and ``.../analyses/{aid}/report.html|report.pdf``.
Every 4xx answer is ``{"detail": message, "field": path, "errors": [...]}``.

``create_app(Settings.from_env())`` builds the application (settings: :class:`Settings`).
"""

from raredx.api._app import create_app
from raredx.api._settings import Settings

__all__ = ["Settings", "create_app"]
