"""Who is asking and what they may do: sessions, roles, CSRF, API tokens.

Browser users log in with a password and get a signed session cookie (HttpOnly,
SameSite=Lax) holding a session token and a CSRF token. The token's hash is a row in
``user_sessions``, checked on every request, so logout, a new password or deactivation
end the session at once (a signed cookie alone would stay valid until it expires). Every form carries that token.
Automation uses API tokens (``Authorization: Bearer msc_...``), which need no CSRF
check because a browser never sends them on its own. Respondents need no account:
the long token in their link is their only credential.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from ..errors import PermissionDeniedError, ScorecardError
from ..store.accounts import user_for_api_token, user_for_session
from .context import state

__all__ = [
    "ROLE_RANK",
    "CurrentUser",
    "LoginRequired",
    "api_user",
    "check_csrf",
    "checked_form",
    "csrf_token",
    "login",
    "logout",
    "require",
    "session_token",
    "session_user_info",
]

ROLE_RANK = {"viewer": 1, "facilitator": 2, "admin": 3}


class LoginRequired(ScorecardError):
    """No (valid) session: HTML pages redirect to the login page, the API answers 401."""


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user, detached from any database session."""

    id: int
    username: str
    role: str

    def can(self, role: str) -> bool:
        """True when this user's role is at least ``role``."""
        return ROLE_RANK.get(self.role, 0) >= ROLE_RANK[role]


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a form whose token does not match the session's (403)."""
    expected = request.session.get("csrf")
    sent = submitted or request.headers.get("x-csrf-token") or ""
    if not expected or not hmac.compare_digest(str(expected), sent):
        raise PermissionDeniedError(
            "the form has expired or did not come from this site; reload the page and try again"
        )


def login(request: Request, session_token: str) -> None:
    """Put a session started with ``start_session`` in the cookie (a new CSRF token too)."""
    request.session.clear()
    request.session["sid"] = session_token
    request.session["csrf"] = secrets.token_urlsafe(32)
    request.state.user = None


def session_token(request: Request) -> str:
    """The session token of the cookie ("" when there is none)."""
    token = request.session.get("sid") if "session" in request.scope else None
    return token if isinstance(token, str) else ""


def logout(request: Request) -> None:
    """Forget the cookie's session (the route ends it in the database first)."""
    request.session.clear()


def session_user_info(request: Request) -> CurrentUser | None:
    """The user of the session cookie, checked against the database, or ``None``."""
    cached = getattr(request.state, "user", None)
    if cached is not None:
        return cached if isinstance(cached, CurrentUser) else None
    token = session_token(request)
    user = None
    if token:
        with state(request).read() as session:
            row = user_for_session(session, token=token)
            if row is not None:
                user = CurrentUser(row.id, row.username, row.role)
    request.state.user = user or False
    return user


def require(request: Request, role: str = "viewer") -> CurrentUser:
    """The signed-in user, who must have at least ``role``."""
    user = session_user_info(request)
    if user is None:
        raise LoginRequired("please log in")
    if not user.can(role):
        raise PermissionDeniedError(f"this needs the {role} role; you are {user.role}")
    return user


def api_user(request: Request, session: Session, role: str = "viewer") -> CurrentUser:
    """The user behind the request's API token, who must have at least ``role``."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise LoginRequired("an API token is required: Authorization: Bearer msc_...")
    row = user_for_api_token(session, token=token.strip())
    if row is None:
        raise LoginRequired("the API token is not valid (unknown or revoked)")
    user = CurrentUser(row.id, row.username, row.role)
    if not user.can(role):
        raise PermissionDeniedError(f"this needs the {role} role; the token's user is {user.role}")
    return user


async def checked_form(request: Request, role: str) -> FormData:
    """The submitted form of a user with at least ``role``, after the CSRF check."""
    require(request, role)
    form = await request.form()
    token = form.get("csrf_token")
    check_csrf(request, token if isinstance(token, str) else None)
    return form
