"""API: user accounts (admins only): list, create, change role or state, reset a password.
Each change records its audit event in the same transaction."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter, Request

from ...errors import ConflictError
from ...store import audit
from ...store.accounts import create_user, get_user, list_users, reset_password, set_active, set_role
from ...store.models import User
from ..api_models.common import utc
from ..api_models.users import PasswordIn, PasswordReset, Role, UserIn, UserOut, UserPatch
from ..context import state
from .api_common import Admin, ItemId, errors

router = APIRouter(tags=["users"])


def user_out(user: User) -> UserOut:
    """An account as the API shows it."""
    return UserOut(
        id=user.id,
        username=user.username,
        role=cast(Role, user.role),
        active=user.active,
        created_at=utc(user.created_at),
    )


@router.get("/users", summary="List user accounts", response_model=list[UserOut], responses=errors(403))
def users_list(request: Request, admin: Admin) -> list[UserOut]:
    """Every account, by username (admin)."""
    with state(request).read() as session:
        return [user_out(u) for u in list_users(session)]


@router.post(
    "/users",
    summary="Create a user account",
    status_code=201,
    response_model=UserOut,
    responses=errors(403, 409, 422),
)
def users_create(request: Request, body: UserIn, admin: Admin) -> UserOut:
    """A new account with a role (admin); 409 when the username is taken."""
    with state(request).write() as session:
        user = create_user(session, username=body.username, password=body.password, role=body.role)
        audit.record(
            session,
            user=admin,
            action="user.create",
            summary=f"Created user {user.username} ({user.role})",
            detail={"user_id": user.id, "username": user.username, "role": user.role},
        )
        return user_out(user)


@router.get(
    "/users/{user_id}", summary="Get a user account", response_model=UserOut, responses=errors(403, 404, 422)
)
def users_get(request: Request, user_id: ItemId, admin: Admin) -> UserOut:
    """One account (admin)."""
    with state(request).read() as session:
        return user_out(get_user(session, user_id=user_id))


@router.patch(
    "/users/{user_id}",
    summary="Change a user's role or disable/enable the account",
    response_model=UserOut,
    responses=errors(403, 404, 409, 422),
)
def users_update(request: Request, user_id: ItemId, body: UserPatch, admin: Admin) -> UserOut:
    """Change ``role``, ``active`` or both (admin). Disabling ends the user's sessions and
    stops their API tokens. 409 for the last active admin (it keeps its role and stays
    active) and for disabling your own account."""
    with state(request).write() as session:
        user = get_user(session, user_id=user_id)
        if body.role is not None and body.role != user.role:
            was = user.role
            set_role(session, user=user, role=body.role)
            audit.record(
                session,
                user=admin,
                action="user.role",
                summary=f"Changed the role of {user.username} from {was} to {body.role}",
                detail={"user_id": user.id, "username": user.username, "from": was, "to": body.role},
            )
        if body.active is not None and body.active != user.active:
            if user.id == admin.id and not body.active:
                raise ConflictError("you cannot disable your own account")
            set_active(session, user=user, active=body.active)
            audit.record(
                session,
                user=admin,
                action="user.activate" if body.active else "user.deactivate",
                summary=f"{'Enabled' if body.active else 'Disabled'} user {user.username}",
                detail={"user_id": user.id, "username": user.username},
            )
        return user_out(user)


@router.post(
    "/users/{user_id}/password",
    summary="Reset a user's password",
    response_model=PasswordReset,
    responses=errors(403, 404, 409, 422),
)
def users_password(
    request: Request, user_id: ItemId, admin: Admin, body: PasswordIn | None = None
) -> PasswordReset:
    """Give the user a new password (admin): the one in the body, or with an empty body
    a random temporary one, returned only here. The user's browser sessions end; their
    API tokens keep working (revoke those apart). Your own password: ``/account``."""
    with state(request).write() as session:
        user = get_user(session, user_id=user_id)
        if user.id == admin.id:
            raise ConflictError("change your own password on the Account page (it asks for the current one)")
        chosen = None if body is None else body.password
        password = reset_password(session, user=user, password=chosen)
        audit.record(
            session,
            user=admin,
            action="user.password-reset",
            summary=f"Reset the password of {user.username} (their sessions ended)",
            detail={"user_id": user.id, "username": user.username, "generated": chosen is None},
        )
        return PasswordReset(user=user_out(user), password=password if chosen is None else None)
