"""The FastAPI application: middleware, error handling, and the routes.

``create_app`` refuses a database that needs a migration, so a worker never runs
against a schema it does not know. All state lives in the database and the signed
session cookie, so any number of workers can serve the same database.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request as StarletteRequest
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from .. import __version__
from ..errors import RateLimitedError, ScorecardError
from ..settings import Settings
from ..store.accounts import secret_key
from ..store.db import DatabaseError, make_engine, needs_migration, session_factory
from .capacity import install_render_limit
from .context import AppState
from .errors import error_response, status_for, wants_json
from .headers import SecurityHeaders, security_headers
from .logs import redact_tokens_in_logs

__all__ = ["create_app"]

log = logging.getLogger("mlops_scorecard.web")


class BodySizeLimit:
    """Refuse request bodies above the limit (413) before they are read into memory."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(self.limit, send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(self.limit, send)


#: ``\u0000`` in JSON text, unless its backslash is itself escaped (``\\u0000`` is text).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_BOUNDARY = re.compile(rb"boundary=([^;]+)", re.IGNORECASE)
NUL_MESSAGE = "the request contains a NUL character (\\u0000), which no field can hold"


def has_nul(scope: Scope, body: bytes) -> bool:
    """Whether the path, the query string or a field of the body holds a NUL, raw or escaped.

    Uploaded files are left to the answers reader, which names the real problem (a
    UTF-16 file is "not UTF-8 text", not "a NUL character").
    """
    if "\x00" in scope.get("path", "") or b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
        return True
    content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
    media = content_type.split(b";", 1)[0].strip().lower()
    if media == b"application/x-www-form-urlencoded":
        return b"\x00" in unquote_to_bytes(body)
    if media.endswith(b"json"):
        return b"\x00" in body or _JSON_NUL.search(body) is not None
    if media == b"multipart/form-data" and b"\x00" in body:
        boundary = _BOUNDARY.search(content_type)
        if boundary is None:
            return True
        for part in body.split(b"--" + boundary.group(1).strip(b'"')):
            headers, _, value = part.partition(b"\r\n\r\n")
            if b"\x00" in value and b"filename=" not in headers:
                return True
    return False  # YAML bodies: the answers reader refuses NUL there, escaped ("\0") or raw


class RejectNul:
    """Answer 422 to any request carrying a NUL character, before a route sees it.

    No field of the service holds one, and PostgreSQL refuses to store it (a 500 deep in
    a route); one check at the edge covers the path, query strings, form fields and JSON
    bodies, on every database (uploaded files go through the answers reader, which
    refuses NUL too). The body is buffered to be checked
    (``BodySizeLimit``, outside this middleware, bounds it) and then replayed.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if has_nul(scope, body):
            response = error_response(StarletteRequest(scope), 422, NUL_MESSAGE)
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class ServerTiming:
    """Add ``Server-Timing: app;dur=<ms>`` to every response (what the benchmarks read)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - start) * 1000
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"server-timing", f"app;dur={ms:.2f}".encode())]
            await send(message)

        await self.app(scope, receive, timed_send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(limit: int, send: Send) -> None:
    body = f'{{"detail": "request body is larger than {limit // 1024} KiB"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None, *, check_migrations: bool = True) -> FastAPI:
    """Build the app for ``settings`` (from the environment when not given)."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    if check_migrations and needs_migration(engine):
        raise DatabaseError(
            f"the database at {settings.database_url} needs a migration: run `mlops-scorecard db upgrade`"
        )
    sessions = session_factory(engine)
    key = settings.secret_key
    if not key:
        try:
            with sessions() as s, s.begin():
                key = secret_key(s)
        except IntegrityError:  # another worker created it at the same moment
            with sessions() as s:
                key = secret_key(s)

    app = FastAPI(
        title="mlops-scorecard",
        version=__version__,
        description="Team MLOps assessments: units, assessments, invitations, responses, results and reports.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.scorecard = AppState(settings=settings, engine=engine, sessions=sessions)
    redact_tokens_in_logs()
    # Inside the session middleware (the error page reads the session), inside the body limit.
    app.add_middleware(RejectNul)
    app.add_middleware(
        SessionMiddleware,
        secret_key=key,
        session_cookie="msc_session",
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(BodySizeLimit, limit=settings.max_upload_bytes)
    app.add_middleware(ServerTiming)
    app.add_middleware(SecurityHeaders)
    if settings.forwarded_allow_ips:
        # Outermost, so the throttles, HSTS and cookies see the client's real address and scheme.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")

    @app.exception_handler(ScorecardError)
    async def _library_error(request: Request, exc: ScorecardError) -> Response:
        response = error_response(request, status_for(exc), str(exc))
        if isinstance(exc, RateLimitedError) and exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(OperationalError)
    async def _database_down(request: Request, exc: OperationalError) -> Response:
        return error_response(request, 503, "the database is busy or unavailable; try again in a moment")

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        log.warning(
            "%s %s: integrity error: %s", request.method, request.url.path, str(exc.orig).splitlines()[0]
        )
        return error_response(
            request, 409, "this clashes with a change saved at the same moment; reload and try again"
        )

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": jsonable_errors(exc)}, status_code=422)
        return error_response(request, 422, "; ".join(_one_line(e) for e in exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("%s %s: unexpected error", request.method, request.url.path, exc_info=exc)
        response = error_response(request, 500, "something went wrong on our side; the error has been logged")
        # Starlette sends this from its outermost middleware, outside SecurityHeaders
        for name, value in security_headers(request.url.path, request.url.scheme):
            response.headers.setdefault(name.decode(), value.decode())
        return response

    from .routes import register

    register(app)
    install_render_limit(app, settings.render_concurrency)
    return app


def _one_line(error: Any) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
    return f"{loc}: {error.get('msg', 'invalid')}" if loc else str(error.get("msg", "invalid"))


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Validation errors as JSON-safe data (the input echo is left out)."""
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
