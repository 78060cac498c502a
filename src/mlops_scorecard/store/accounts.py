"""Accounts, passwords, API tokens, login rate limiting and the session signing key."""

from __future__ import annotations

import datetime as dt
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError, RateLimitedError, ScorecardError
from .models import ApiToken, LoginAttempt, MetaSetting, User, utcnow
from .tokens import hash_token, new_token

__all__ = [
    "ROLES",
    "authenticate",
    "configure_password_hashing",
    "create_api_token",
    "create_user",
    "list_api_tokens",
    "list_users",
    "revoke_api_token",
    "secret_key",
    "user_for_api_token",
]

ROLES = ("admin", "facilitator", "viewer")
_hasher = PasswordHasher()


def configure_password_hashing(*, time_cost: int = 3, memory_cost: int = 65536) -> None:
    """Change the argon2 cost (tests use a cheap one; production keeps the defaults)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    _DUMMY_HASH = _hasher.hash("not-a-password")


API_TOKEN_PREFIX = "msc_"
# A constant hash to verify against when the user does not exist, so that the time a
# failed login takes does not tell whether a username exists.
_DUMMY_HASH = _hasher.hash("not-a-password")


def create_user(session: Session, *, username: str, password: str, role: str) -> User:
    """Create an account; the password is stored as an argon2 hash."""
    username = username.strip()
    if not username or len(username) > 100:
        raise ScorecardError("username must be 1 to 100 characters")
    if role not in ROLES:
        raise ScorecardError(f"unknown role {role!r} (use {', '.join(ROLES)})")
    if len(password) < 8:
        raise ScorecardError("password must be at least 8 characters")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ConflictError(f"user {username!r} already exists")
    user = User(username=username, password_hash=_hasher.hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    """All accounts, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


def authenticate(
    session: Session, *, username: str, password: str, client: str = "", limit: int = 10
) -> User | None:
    """The user for a correct username and password, else ``None``.

    Failed attempts are recorded per username and per client address; past ``limit``
    in 15 minutes a :class:`RateLimitedError` is raised before the password is checked.
    """
    since = utcnow() - dt.timedelta(minutes=15)
    keys = [f"user:{username.strip().lower()}"] + ([f"client:{client}"] if client else [])
    counts = session.execute(
        select(LoginAttempt.key, func.count())
        .where(LoginAttempt.key.in_(keys), LoginAttempt.at >= since)
        .group_by(LoginAttempt.key)
    ).all()
    recent = max((n for _, n in counts), default=0)
    if recent >= limit:
        raise RateLimitedError("too many failed logins; wait 15 minutes and try again")
    user = session.scalar(select(User).where(User.username == username.strip()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        session.add_all([LoginAttempt(key=k) for k in keys])
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def create_api_token(session: Session, *, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user``; the plain token is returned once and never stored."""
    name = name.strip() or "token"
    plain = new_token(API_TOKEN_PREFIX)
    token = ApiToken(user_id=user.id, name=name[:100], token_hash=hash_token(plain))
    session.add(token)
    session.flush()
    return token, plain


def list_api_tokens(session: Session, *, user: User | None = None) -> list[ApiToken]:
    """API tokens (of one user, or all), newest first."""
    query = select(ApiToken).order_by(ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


def revoke_api_token(session: Session, *, token_id: int, user: User) -> ApiToken:
    """Revoke a token; admins may revoke anyone's, others only their own."""
    token = session.get(ApiToken, token_id)
    if token is None or (user.role != "admin" and token.user_id != user.id):
        raise NotFoundError(f"no API token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def user_for_api_token(session: Session, *, token: str) -> User | None:
    """The active user behind a valid, unrevoked API token."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    # Writing on every request would serialize API reads on SQLite; a minute is precise enough.
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
        row.last_used_at = now
    return row.user


def secret_key(session: Session) -> str:
    """The key that signs session cookies: created once, shared by every worker."""
    row = session.get(MetaSetting, "secret_key")
    if row is None:
        row = MetaSetting(key="secret_key", value=secrets.token_urlsafe(48))
        session.add(row)
        session.flush()
    return row.value
