"""One error shape for every 4xx: ``{"detail": message, "field": path|null, "errors": [...]}``.

``field`` names the input the problem concerns (``present[2]``, ``phenopacket``, ``age_years``)
so the web application can show the message next to that field.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("raredx.api")


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None,
                 errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.errors = errors or ([{"field": field, "message": message}] if field else [])
        self.headers = headers


def _body(message: str, field: str | None, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"detail": message, "field": field, "errors": errors}


def _loc(loc: tuple | list) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "form")]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


async def api_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(_body(exc.message, exc.field, exc.errors), status_code=exc.status,
                        headers=exc.headers)


def _needs_credential(request: Request) -> bool:
    """Whether the matched route checks its caller (a ``credential_given`` or user dependency
    anywhere in its dependency tree)."""
    from raredx.api._deps import credential_given
    from raredx.api._routes import _user

    route = request.scope.get("route")
    stack = list(getattr(getattr(route, "dependant", None), "dependencies", []))
    while stack:
        d = stack.pop()
        call = getattr(d, "call", None)
        if call is credential_given or call is _user:
            return True
        stack.extend(getattr(d, "dependencies", []))
    return False


async def validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for e in exc.errors():
        if e.get("type") == "json_invalid":
            # FastAPI decodes the body before it runs any dependency: a caller with no
            # credential still gets its 401 first, and learns nothing about the body
            if _needs_credential(request):
                from raredx.api._deps import credential_given

                try:
                    await credential_given(request)
                except ApiError as denied:
                    return await api_error_handler(request, denied)
            why = (e.get("ctx") or {}).get("error", "")
            pos = e["loc"][-1] if e.get("loc") else "?"
            msg = f"The request body is not valid JSON ({why} at character {pos})."
            return JSONResponse(_body(msg, "body", [{"field": "body", "message": msg}]), 400)
        field = _loc(e.get("loc", ()))
        msg = str(e.get("msg", "invalid value"))
        if e.get("type") == "extra_forbidden":
            msg = "unknown field (check its spelling)"
        elif e.get("type") == "missing":
            msg = "this field is required"
        errors.append({"field": field or "body", "message": msg})
    summary = "; ".join(f"{x['field']}: {x['message']}" for x in errors) or "invalid request"
    first = errors[0]["field"] if errors else None
    return JSONResponse(_body(f"Invalid request: {summary}", first, errors), 422)


async def http_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    msg = {404: "Not found.", 405: "Method not allowed."}.get(exc.status_code, str(exc.detail))
    return JSONResponse(_body(msg, None, []), exc.status_code, headers=exc.headers)
