"""The signed-in user's API tokens and password (user management for admins: ``users``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...errors import NotFoundError, PermissionDeniedError, ScorecardError
from ...store import audit
from ...store.accounts import (
    change_password,
    create_api_token,
    get_user,
    list_api_tokens,
    revoke_api_token,
    start_session,
)
from ...store.models import User
from ..context import state
from ..params import form_text, parse_id
from ..security import CurrentUser, checked_form, login, require
from ..templating import render
from .pages import NO_STORE

router = APIRouter(include_in_schema=False)


def _user_row(session: Session, current: CurrentUser) -> User:
    try:
        return get_user(session, user_id=current.id)
    except NotFoundError:  # deleted while signed in
        raise NotFoundError("your account no longer exists") from None


def _account_page(request: Request, current: CurrentUser, **extra: Any) -> Response:
    with state(request).read() as s:
        tokens = list_api_tokens(s, user=_user_row(s, current))
    extra.setdefault("new_token", None)
    extra.setdefault("error", None)
    extra.setdefault("password_error", None)
    extra.setdefault("password_changed", False)
    response = render(request, "account.html", tokens=tokens, **extra)
    response.headers.update(NO_STORE)
    return response


@router.get("/account")
def account(request: Request) -> Response:
    """The user's API tokens: name, created, last used, revoked."""
    return _account_page(request, require(request, "viewer"))


@router.post("/account/tokens")
async def token_create(request: Request) -> Response:
    """A new API token; the plain token is on this page once and never again."""
    form = await checked_form(request, "viewer")
    current = require(request, "viewer")
    name = form_text(form, "name", max_length=100)
    if not name:
        return _account_page(request, current, status_code=422, error="give the token a name (what uses it?)")

    def create() -> str:
        with state(request).write() as s:
            token, plain = create_api_token(s, user=_user_row(s, current), name=name)
            audit.record(
                s,
                user=current,
                action="token.create",
                summary=f"Created API token {token.name!r}",
                detail={"token_id": token.id, "name": token.name},
            )
            return plain

    plain = await run_in_threadpool(create)
    return _account_page(request, current, status_code=201, new_token=plain, new_name=name)


@router.post("/account/tokens/{token_id}/revoke")
async def token_revoke(request: Request, token_id: str) -> Response:
    """Revoke one of the user's tokens (admins: anyone's)."""
    await checked_form(request, "viewer")
    current = require(request, "viewer")
    tid = parse_id(token_id, "API token")

    def revoke() -> None:
        with state(request).write() as s:
            token = revoke_api_token(s, token_id=tid, user=_user_row(s, current))
            audit.record(
                s,
                user=current,
                action="token.revoke",
                summary=f"Revoked API token {token.name!r} of {token.user.username}",
                detail={"token_id": token.id, "name": token.name, "owner": token.user.username},
            )

    await run_in_threadpool(revoke)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password")
async def password_change(request: Request) -> Response:
    """Change one's own password; every other session of the account ends."""
    form = await checked_form(request, "viewer")
    current = require(request, "viewer")
    old, new = form.get("current_password"), form.get("new_password")
    if not isinstance(old, str) or not isinstance(new, str):
        raise ScorecardError("fill in the current and the new password")
    max_age = state(request).settings.session_max_age

    def change() -> str:
        with state(request).write() as s:
            row = _user_row(s, current)
            change_password(s, user=row, current=old, new=new)
            return start_session(s, user=row, max_age=max_age)

    try:
        token = await run_in_threadpool(change)
    except ScorecardError as exc:
        status = 403 if isinstance(exc, PermissionDeniedError) else 422
        return _account_page(request, current, status_code=status, password_error=str(exc))
    # This browser keeps a fresh session; copies of the old cookie no longer work.
    login(request, token)
    return _account_page(request, current, password_changed=True)
