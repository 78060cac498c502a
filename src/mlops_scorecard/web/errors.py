"""Library errors as HTTP answers, in one place: each :class:`ScorecardError` kind maps to
one status, and an error reaches an API client as ``{"detail": ...}`` and a browser as a
page, never as a traceback. ``web/app.py`` installs the handlers; a route that shows an
error inside its own page (the survey's upload form) takes the status from here too.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ..errors import ConflictError, NotFoundError, PermissionDeniedError, RateLimitedError, ScorecardError
from ..store.db import DatabaseError
from .security import LoginRequired
from .templating import templates

__all__ = ["error_response", "status_for", "wants_json"]

_STATUS: list[tuple[type[ScorecardError], int]] = [
    (LoginRequired, 401),
    (NotFoundError, 404),
    (ConflictError, 409),
    (PermissionDeniedError, 403),
    (RateLimitedError, 429),
    (DatabaseError, 503),
]


def status_for(exc: ScorecardError) -> int:
    """The HTTP status a library error maps to (422 for plain bad input)."""
    for kind, code in _STATUS:
        if isinstance(exc, kind):
            return code
    return 422


def wants_json(request: Request) -> bool:
    """API routes and clients asking for JSON get JSON errors; browsers get a page."""
    path = request.url.path
    if path.startswith("/api/") or path.endswith((".json",)) or "/answers" in path:
        return True
    return "application/json" in request.headers.get("accept", "") and "text/html" not in request.headers.get(
        "accept", ""
    )


def error_response(request: Request, status: int, message: str) -> Response:
    """A JSON ``{"detail": ...}`` or the error page, never a traceback."""
    if status == 401 and not wants_json(request):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message, "user": None, "csrf_token": ""},
        status_code=status,
    )
