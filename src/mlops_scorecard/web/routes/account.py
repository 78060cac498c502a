"""The signed-in user's API tokens and password, and user management for admins."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ...errors import ConflictError, NotFoundError, PermissionDeniedError, ScorecardError
from ...store.accounts import (
    ROLES,
    change_password,
    create_api_token,
    create_user,
    get_user,
    list_api_tokens,
    list_users,
    revoke_api_token,
    set_active,
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
            return create_api_token(s, user=_user_row(s, current), name=name)[1]

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
            revoke_api_token(s, token_id=tid, user=_user_row(s, current))

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


def _users_page(request: Request, status: int = 200, **extra: Any) -> Response:
    with state(request).read() as s:
        users = list_users(s)
    extra.setdefault("error", None)
    extra.setdefault("values", {})
    extra.setdefault("created", "")
    return render(request, "admin_users.html", status_code=status, users=users, roles=ROLES, **extra)


@router.get("/admin/users")
def users_page(request: Request, created: str = "") -> Response:
    """Every account with its role (admin)."""
    require(request, "admin")
    return _users_page(request, created=created[:100])


@router.post("/admin/users")
async def user_create(request: Request) -> Response:
    """Create an account (admin)."""
    form = await checked_form(request, "admin")
    return await run_in_threadpool(_user_create, request, form)


def _user_create(request: Request, form: FormData) -> Response:
    values = {
        "username": form_text(form, "username", max_length=300),
        "role": form_text(form, "role", max_length=40),
    }
    password = form.get("password")
    try:
        if not isinstance(password, str) or len(password) > 1000:
            raise ScorecardError("password must be text of at most 1000 characters")
        with state(request).write() as s:
            user = create_user(s, username=values["username"], password=password, role=values["role"])
            username = user.username
    except ScorecardError as exc:
        status = 409 if isinstance(exc, ConflictError) else 422
        return _users_page(request, status, error=str(exc), values=values)
    return RedirectResponse(f"/admin/users?created={quote(username)}", status_code=303)


@router.post("/admin/users/{user_id}/active")
async def user_active(request: Request, user_id: str) -> Response:
    """Disable or enable an account (admin): disabling ends its sessions and stops its API tokens."""
    form = await checked_form(request, "admin")
    current = require(request, "admin")
    uid = parse_id(user_id, "user")
    active = form_text(form, "active", max_length=10) == "yes"

    def change() -> None:
        with state(request).write() as s:
            row = get_user(s, user_id=uid)
            if row.id == current.id and not active:
                raise ConflictError("you cannot disable your own account")
            set_active(s, user=row, active=active)

    await run_in_threadpool(change)
    return RedirectResponse("/admin/users", status_code=303)
