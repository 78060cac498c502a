"""Security headers on every response, set in one place.

Pages may not be framed (``X-Frame-Options`` and CSP ``frame-ancestors``, against
clickjacking), scripts come only from ``/static`` (CSP), content types are not
sniffed, and respondent links (``/r/``, ``/join/``) send no ``Referer`` so their token
cannot leak to another site. Inline ``style`` attributes are allowed: the pages draw
bars and heat-map cells with them, and a style cannot run code. HSTS is sent only when
the request came over HTTPS (directly or through a trusted proxy), since over plain
HTTP a browser ignores it and on localhost it would pin the wrong site.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["DOCS_CSP", "PAGE_CSP", "SecurityHeaders", "security_headers"]

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: The API docs (Swagger UI) load their script and styles from a CDN and start with an inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_COMMON = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _respondent_path(path: str) -> bool:
    return path.startswith(("/r/", "/join/"))


def security_headers(path: str, scheme: str) -> list[tuple[bytes, bytes]]:
    """The security headers of a response to ``path`` served over ``scheme``."""
    extra = [
        *_COMMON,
        (b"content-security-policy", (DOCS_CSP if path == "/api/docs" else PAGE_CSP).encode()),
        (b"referrer-policy", b"no-referrer" if _respondent_path(path) else b"same-origin"),
    ]
    if scheme == "https":
        extra.append(_HSTS)
    return extra


class SecurityHeaders:
    """Add the security headers to every HTTP response (a header a route set itself wins)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(str(scope.get("path", "")), str(scope.get("scheme", "")))

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                message["headers"] = headers + [(n, v) for n, v in extra if n not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
