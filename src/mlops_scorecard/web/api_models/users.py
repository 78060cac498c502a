"""API bodies of user accounts (admins only) and of the audit log. A password appears
only in ``PasswordReset``, once, when the service chose it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, StringConstraints

from .common import StrictIn, check_text

__all__ = [
    "AuditEventOut",
    "AuditPageOut",
    "PasswordIn",
    "PasswordReset",
    "Role",
    "UserIn",
    "UserOut",
    "UserPatch",
]

Role = Literal["admin", "facilitator", "viewer"]
Username = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(check_text)
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=1000), AfterValidator(check_text)]


class UserOut(BaseModel):
    """An account (never its password)."""

    id: int
    username: str
    role: Role
    active: bool
    created_at: dt.datetime


class UserIn(StrictIn):
    """A new account."""

    username: Username
    password: Password
    role: Role = "viewer"


class UserPatch(StrictIn):
    """What to change about an account: its role, whether it is active (``false`` ends
    its sessions and stops its API tokens), or both. The last active admin keeps both."""

    role: Role | None = None
    active: bool | None = None


class PasswordIn(StrictIn):
    """A password reset: the new password, or none for a random temporary one."""

    password: Password | None = None


class PasswordReset(BaseModel):
    """The reset's outcome: the user's sessions have ended. ``password`` is the temporary
    password when the service chose it (shown this once), else ``null``."""

    user: UserOut
    password: str | None


class AuditEventOut(BaseModel):
    """One change: when, who (``null`` user for the system or an anonymous respondent),
    what (an action id and a sentence), where, and the change as plain data."""

    id: int
    at: dt.datetime
    user_id: int | None
    username: str
    action: str
    summary: str
    assessment_id: int | None
    unit_id: int | None
    detail: dict[str, Any] | None


class AuditPageOut(BaseModel):
    """One page of the log, newest first."""

    events: list[AuditEventOut]
    total: int
    page: int
    per_page: int
    pages: int
