"""Logging in and out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ...errors import RateLimitedError
from ...store.accounts import authenticate
from ..context import render, state
from ..security import check_csrf, form_text, login, logout, session_user_info

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only local paths: an open redirect to another host would help phishing.
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    """The login form."""
    if session_user_info(request):
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login")
async def login_submit(request: Request) -> Response:
    """Check the password; failed attempts are rate limited per user and address."""
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    username = form_text(form, "username", max_length=100)
    password = str(form.get("password", ""))[:1000]
    next_url = _safe_next(form_text(form, "next", "/", max_length=500))
    app = state(request)
    client = request.client.host if request.client else ""
    try:
        with app.write() as session:
            user = authenticate(
                session,
                username=username,
                password=password,
                client=client,
                limit=app.settings.login_attempts_per_15min,
            )
    except RateLimitedError as exc:
        return render(request, "login.html", status_code=429, next=next_url, error=str(exc))
    if user is None:
        return render(
            request, "login.html", status_code=401, next=next_url, error="wrong username or password"
        )
    login(request, user)
    return RedirectResponse(next_url, status_code=303)


@router.post("/logout")
async def logout_submit(request: Request) -> Response:
    """End the session."""
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    logout(request)
    return RedirectResponse("/login", status_code=303)
