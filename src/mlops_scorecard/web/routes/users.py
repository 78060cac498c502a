"""User management for admins: create accounts, change roles, disable and enable them,
reset passwords. Each change is one transaction with its audit event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ...errors import ConflictError, ScorecardError
from ...store import audit
from ...store.accounts import ROLES, create_user, get_user, list_users, reset_password, set_active, set_role
from ...store.models import User
from ..context import state
from ..errors import status_for
from ..params import form_text, parse_id
from ..security import CurrentUser, checked_form, require
from ..templating import render
from .pages import NO_STORE

router = APIRouter(include_in_schema=False)

#: What a redirect after a change says on the page (``?done=...&name=...``).
_DONE = {
    "created": "Created user {name}.",
    "role": "Changed the role of {name}.",
    "disabled": "Disabled {name}: signed out everywhere, API tokens stopped.",
    "enabled": "Enabled {name}.",
}


def _users_page(request: Request, status: int = 200, **extra: Any) -> Response:
    with state(request).read() as s:
        users = list_users(s)
    extra.setdefault("error", None)
    extra.setdefault("values", {})
    extra.setdefault("done", "")
    extra.setdefault("new_password", None)
    response = render(request, "admin_users.html", status_code=status, users=users, roles=ROLES, **extra)
    response.headers.update(NO_STORE)
    return response


@router.get("/admin/users")
def users_page(request: Request, done: str = "", name: str = "") -> Response:
    """Every account with its role and state, and the forms that change them (admin)."""
    require(request, "admin")
    message = _DONE[done].format(name=name[:100]) if done in _DONE else ""
    return _users_page(request, done=message)


@router.post("/admin/users")
async def user_create(request: Request) -> Response:
    """Create an account (admin)."""
    form = await checked_form(request, "admin")
    current = require(request, "admin")
    return await run_in_threadpool(_user_create, request, form, current)


def _user_create(request: Request, form: FormData, current: CurrentUser) -> Response:
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
            audit.record(
                s,
                user=current,
                action="user.create",
                summary=f"Created user {username} ({user.role})",
                detail={"user_id": user.id, "username": username, "role": user.role},
            )
    except ScorecardError as exc:
        return _users_page(request, status_for(exc), error=str(exc), values=values)
    return _done("created", username)


def _done(what: str, username: str) -> Response:
    return RedirectResponse(f"/admin/users?done={what}&name={quote(username)}", status_code=303)


def _change(request: Request, uid: int, change: Callable[[Session, User], str]) -> Response:
    """Run ``change`` on the user ``uid`` in one transaction; a refusal (the last admin,
    a bad role) is shown on the users page with its status, not as an error page."""
    try:
        with state(request).write() as s:
            row = get_user(s, user_id=uid)
            done = change(s, row)
            username = row.username
    except ScorecardError as exc:
        return _users_page(request, status_for(exc), error=str(exc))
    return _done(done, username)


@router.post("/admin/users/{user_id}/active")
async def user_active(request: Request, user_id: str) -> Response:
    """Disable or enable an account (admin): disabling ends its sessions and stops its API
    tokens; the last active admin cannot be disabled."""
    form = await checked_form(request, "admin")
    current = require(request, "admin")
    uid = parse_id(user_id, "user")
    active = form_text(form, "active", max_length=10) == "yes"

    def change(s: Session, row: User) -> str:
        if row.id == current.id and not active:
            raise ConflictError("you cannot disable your own account")
        was = row.active
        set_active(s, user=row, active=active)
        if was != active:
            audit.record(
                s,
                user=current,
                action="user.activate" if active else "user.deactivate",
                summary=f"{'Enabled' if active else 'Disabled'} user {row.username}",
                detail={"user_id": row.id, "username": row.username},
            )
        return "enabled" if active else "disabled"

    return await run_in_threadpool(_change, request, uid, change)


@router.post("/admin/users/{user_id}/role")
async def user_role(request: Request, user_id: str) -> Response:
    """Change an account's role (admin); the last active admin stays admin."""
    form = await checked_form(request, "admin")
    current = require(request, "admin")
    uid = parse_id(user_id, "user")
    role = form_text(form, "role", max_length=40)

    def change(s: Session, row: User) -> str:
        was = row.role
        set_role(s, user=row, role=role)
        if was != role:
            audit.record(
                s,
                user=current,
                action="user.role",
                summary=f"Changed the role of {row.username} from {was} to {role}",
                detail={"user_id": row.id, "username": row.username, "from": was, "to": role},
            )
        return "role"

    response = await run_in_threadpool(_change, request, uid, change)
    if uid == current.id and role != "admin" and response.status_code == 303:
        # demoted oneself: the users page is no longer open to this account
        return RedirectResponse("/", status_code=303)
    return response


@router.post("/admin/users/{user_id}/password")
async def user_password(request: Request, user_id: str) -> Response:
    """Reset an account's password (admin): to the one given, or to a random temporary
    one shown once on the page that answers. All the user's sessions end."""
    form = await checked_form(request, "admin")
    current = require(request, "admin")
    uid = parse_id(user_id, "user")
    chosen = form.get("password")
    if chosen is not None and (not isinstance(chosen, str) or len(chosen) > 1000):
        raise ScorecardError("password must be text of at most 1000 characters")
    given = chosen or None

    def reset() -> tuple[str, str]:
        with state(request).write() as s:
            row = get_user(s, user_id=uid)
            if row.id == current.id:
                raise ConflictError(
                    "change your own password on the Account page (it asks for the current one)"
                )
            password = reset_password(s, user=row, password=given)
            audit.record(
                s,
                user=current,
                action="user.password-reset",
                summary=f"Reset the password of {row.username} (their sessions ended)",
                detail={"user_id": row.id, "username": row.username, "generated": given is None},
            )
            return row.username, password

    try:
        username, password = await run_in_threadpool(reset)
    except ScorecardError as exc:
        return _users_page(request, status_for(exc), error=str(exc))
    shown = {"username": username, "password": password if given is None else None}
    return _users_page(request, new_password=shown, done=f"Reset the password of {username}.")
