"""Logging in and out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...errors import RateLimitedError
from ...store.accounts import (
    LoginThrottle,
    begin_login,
    end_session,
    finish_login,
    start_session,
    verify_password,
)
from ..context import state
from ..params import form_text
from ..security import check_csrf, login, logout, session_token, session_user_info
from ..templating import render

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
    rules = LoginThrottle(
        free_failures=app.settings.login_free_failures,
        first_delay=app.settings.login_first_delay,
        max_delay=app.settings.login_max_delay,
        per_address=app.settings.login_failures_per_address,
    )

    def check() -> str | None:
        # argon2 takes tens of milliseconds of CPU: in the thread pool, never on the event
        # loop, and between two short writes, so no write transaction waits on it.
        with app.write() as session:
            candidate = begin_login(session, username=username, client=client, rules=rules)
        ok = verify_password(candidate, password)
        with app.write() as session:
            user = finish_login(session, candidate=candidate, ok=ok, password=password)
            if user is None:
                return None
            return start_session(session, user=user, max_age=app.settings.session_max_age)

    try:
        token = await run_in_threadpool(check)
    except RateLimitedError as exc:
        response = render(request, "login.html", status_code=429, next=next_url, error=str(exc))
        response.headers["Retry-After"] = str(exc.retry_after or 1)
        return response
    if token is None:
        return render(
            request, "login.html", status_code=401, next=next_url, error="wrong username or password"
        )
    login(request, token)
    return RedirectResponse(next_url, status_code=303)


@router.post("/logout")
async def logout_submit(request: Request) -> Response:
    """End the session, in the database too: a copy of the cookie no longer works."""
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    token = session_token(request)

    def end() -> None:
        with state(request).write() as session:
            end_session(session, token=token)

    if token:
        await run_in_threadpool(end)
    logout(request)
    return RedirectResponse("/login", status_code=303)
