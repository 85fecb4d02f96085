"""ASGI middleware: request size limits, security headers, a ``Server-Timing`` header, and an
access log free of patient data (method, route template, status, duration, user id: never
bodies, query strings or ids)."""

from __future__ import annotations

import json
import logging
import time
import traceback
from typing import Any

log = logging.getLogger("raredx.api.access")

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_CSP = (b"content-security-policy",
        (b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
         b"frame-ancestors 'none'; form-action 'self'"))


class _TooLarge(Exception):
    pass


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k == name:
            return v.decode("latin-1")
    return None


class ServiceMiddleware:
    def __init__(self, app: Any, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        ctype = _header(scope, b"content-type") or ""
        limit = self.max_upload if ctype.startswith("multipart/") else self.max_body
        # multipart framing adds a little: allow it on top of the file limit
        limit = limit + 64_000 if ctype.startswith("multipart/") else limit
        status = {"code": 0}
        started = {"v": False}
        over = {"v": False, "answered": False}
        msg = (f"The request is too large (limit {limit // 1000} kB for "
               f"{'file uploads' if ctype.startswith('multipart/') else 'JSON bodies'}).")

        async def send_wrapper(message: dict[str, Any]) -> None:
            if over["v"]:
                # the body went over the limit while the app read it (the app may have turned
                # that into a 400): answer 413 instead, once, and drop the app's answer
                if not over["answered"]:
                    over["answered"] = True
                    await reject(msg)
                return
            await emit(message)

        async def emit(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started["v"] = True
                status["code"] = message["status"]
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [h for h in _HEADERS if h[0] not in names]
                if b"content-security-policy" not in names:
                    headers.append(_CSP)
                # time in the server until the answer starts (the load benchmark reads it to
                # tell server time from time spent in the load generator)
                headers.append((b"server-timing", b"app;dur=%.2f" % (
                    (time.perf_counter() - start) * 1000)))
                message["headers"] = headers
            await send(message)

        async def reject(msg: str) -> None:
            body = json.dumps({"detail": msg, "field": "body", "errors": [
                {"field": "body", "message": msg}]}).encode()
            await emit({"type": "http.response.start", "status": 413, "headers": [
                (b"content-type", b"application/json"), (b"connection", b"close"),
                (b"content-length", str(len(body)).encode())]})
            await emit({"type": "http.response.body", "body": body})

        try:
            declared = _header(scope, b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                await reject(msg)
                return
            seen = {"n": 0}

            async def receive_wrapper() -> dict[str, Any]:
                message = await receive()
                if message["type"] == "http.request":
                    seen["n"] += len(message.get("body", b""))
                    if seen["n"] > limit:
                        over["v"] = True
                        raise _TooLarge()
                return message

            try:
                await self.app(scope, receive_wrapper, send_wrapper)
            except _TooLarge:
                if not started["v"] and not over["answered"]:
                    over["answered"] = True
                    await reject(msg)
            except Exception as exc:  # noqa: BLE001
                # never let the server print the exception: its message may hold patient data
                route = getattr(scope.get("route"), "path", "?")
                frames = "".join(traceback.format_tb(exc.__traceback__))
                logging.getLogger("raredx.api").error(
                    "unhandled %s in %s %s\n%s", type(exc).__name__, scope.get("method"), route,
                    frames)
                if not started["v"]:
                    body = json.dumps({"detail": "Internal error; it has been logged without "
                                       "patient data.", "field": None, "errors": []}).encode()
                    await send_wrapper({"type": "http.response.start", "status": 500,
                                        "headers": [(b"content-type", b"application/json")]})
                    await send_wrapper({"type": "http.response.body", "body": body})
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or ("static" if scope["path"].startswith(
                "/static/") else "unmatched")
            uid = (scope.get("state") or {}).get("user_id", "-")
            log.info("%s %s %s %.1fms user=%s", scope.get("method"), path, status["code"],
                     (time.perf_counter() - start) * 1000, uid)


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr: our access log and errors; uvicorn's own access log (which prints query
    strings) stays off."""
    root = logging.getLogger("raredx")
    if not any(getattr(h, "_raredx", False) for h in root.handlers):
        h = logging.StreamHandler()
        h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        h._raredx = True  # type: ignore[attr-defined]
        root.addHandler(h)
    root.setLevel(level)
    root.propagate = False
    logging.getLogger("uvicorn.access").disabled = True
