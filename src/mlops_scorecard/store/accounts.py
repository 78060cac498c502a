"""Accounts, passwords, API tokens, login throttling, browser sessions and the signing key."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError, PermissionDeniedError, RateLimitedError, ScorecardError
from . import throttle
from .models import ApiToken, MetaSetting, User, UserSession, utcnow
from .tokens import hash_token, new_token, plausible_token

__all__ = [
    "ROLES",
    "LoginCandidate",
    "LoginThrottle",
    "authenticate",
    "begin_login",
    "change_password",
    "configure_password_hashing",
    "create_api_token",
    "create_user",
    "end_session",
    "find_user",
    "finish_login",
    "get_user",
    "list_api_tokens",
    "list_users",
    "reset_password",
    "revoke_api_token",
    "secret_key",
    "set_active",
    "set_password",
    "set_role",
    "start_session",
    "user_for_api_token",
    "user_for_session",
    "verify_password",
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
    _check_password(password)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ConflictError(f"user {username!r} already exists")
    user = User(username=username, password_hash=_hasher.hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    """All accounts, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


@dataclass(frozen=True)
class LoginThrottle:
    """How failed logins slow down further attempts (see docs/architecture.md, Security).

    Failures are counted per (username, address) pair: the first ``free_failures`` cost
    nothing, then each further attempt of the pair waits ``first_delay`` seconds after the
    last failure, doubling up to ``max_delay``. The real user at another address is never
    slowed by an attacker's failures. Against one address trying many usernames, more
    than ``per_address`` failures in an hour refuse that address for a while.
    """

    free_failures: int = 5
    first_delay: int = 1
    max_delay: int = 900
    per_address: int = 100


def _login_keys(username: str, client: str) -> tuple[str, str]:
    name = username.strip().lower()
    return f"login:{name}|{client}", f"login-from:{client}"


def _login_wait(session: Session, *, username: str, client: str, rules: LoginThrottle) -> int:
    """Seconds the (username, address) pair must still wait; 0 when it may try now."""
    pair, address = _login_keys(username, client)
    now = utcnow()
    seen = throttle.recent(session, keys=[pair], window=throttle.KEEP)[pair]
    waits = [0]
    if seen.count >= rules.free_failures and seen.last is not None:
        doublings = min(seen.count - rules.free_failures, 30)
        delay = min(rules.max_delay, rules.first_delay * 2**doublings)
        until = seen.last + dt.timedelta(seconds=delay)
        if until > now:
            waits.append(throttle.seconds_until(until))
    hour = dt.timedelta(hours=1)
    spray = throttle.recent(session, keys=[address], window=hour)[address]
    if spray.count >= rules.per_address and spray.first is not None:
        waits.append(throttle.seconds_until(spray.first + hour))
    return max(waits)


@dataclass(frozen=True)
class LoginCandidate:
    """What a login attempt checks the password against, read before anything is written."""

    username: str
    client: str
    user_id: int | None  # None: no such active account (the hash is then only for timing)
    password_hash: str


def begin_login(
    session: Session, *, username: str, client: str = "", rules: LoginThrottle | None = None
) -> LoginCandidate:
    """Refuse a (username, ``client`` address) pair that must still wait, else what to verify.

    Raises :class:`RateLimitedError` with ``retry_after`` before the password is looked
    at, so attempts while waiting tell nothing. A short write: the attempt is counted for
    the pair before the password is checked (:func:`finish_login` forgets it on
    success), and pairs take turns, so attempts sent at once cannot all pass the limit.
    """
    pair, _ = _login_keys(username, client)
    throttle.one_at_a_time(session, key=pair)
    wait = _login_wait(session, username=username, client=client, rules=rules or LoginThrottle())
    if wait:
        raise RateLimitedError(
            f"too many failed logins for this account from your address; try again in {wait} s",
            retry_after=wait,
        )
    throttle.record(session, keys=[pair])
    user = session.scalar(select(User).where(User.username == username.strip()))
    return LoginCandidate(
        username=username,
        client=client,
        user_id=user.id if user is not None and user.active else None,
        password_hash=user.password_hash if user is not None else _DUMMY_HASH,
    )


def verify_password(candidate: LoginCandidate, password: str) -> bool:
    """Check the password (argon2: slow on purpose; call it outside any transaction)."""
    return _verify(candidate.password_hash, password) and candidate.user_id is not None


def finish_login(session: Session, *, candidate: LoginCandidate, ok: bool, password: str) -> User | None:
    """Count a failure, or clear the pair's failures and return the user (a short write).
    The pair's attempt was counted by :func:`begin_login`; a failure adds the address's."""
    pair, address = _login_keys(candidate.username, candidate.client)
    user = session.get(User, candidate.user_id) if ok and candidate.user_id is not None else None
    if user is None or not user.active:
        throttle.record(session, keys=[address])
        return None
    throttle.forget(session, key=pair)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    client: str = "",
    rules: LoginThrottle | None = None,
) -> User | None:
    """The user for a correct username and password, else ``None``, all in one session.

    :func:`begin_login`, :func:`verify_password` and :func:`finish_login` in a row; the
    web app calls them apart so that no write transaction waits on argon2.
    """
    candidate = begin_login(session, username=username, client=client, rules=rules)
    ok = verify_password(candidate, password)
    return finish_login(session, candidate=candidate, ok=ok, password=password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def get_user(session: Session, *, user_id: int) -> User:
    """The account with this id, or :class:`NotFoundError`."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id}")
    return user


def find_user(session: Session, *, username: str) -> User:
    """The account named ``username`` (404 when there is none)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    return user


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise ScorecardError("password must be at least 8 characters")
    if len(password) > 1000:
        raise ScorecardError("password must be at most 1000 characters")


def set_password(session: Session, *, user: User, password: str) -> None:
    """Give ``user`` a new password and end all their browser sessions."""
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def change_password(session: Session, *, user: User, current: str, new: str) -> None:
    """A user changes their own password: the current one must be right (403 if not)."""
    if not _verify(user.password_hash, current):
        raise PermissionDeniedError("the current password is not right")
    set_password(session, user=user, password=new)


def set_active(session: Session, *, user: User, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions (its API tokens stop working too).

    The last active admin cannot be disabled (409): nobody could manage accounts any more.
    """
    if not active and user.active and user.role == "admin":
        _keep_an_admin(session, user=user, doing="disable")
    user.active = active
    if not active:
        session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def set_role(session: Session, *, user: User, role: str) -> None:
    """Give ``user`` another role (admin, facilitator, viewer); the last active admin keeps
    theirs (409). Sessions stay: the role is read on every request."""
    if role not in ROLES:
        raise ScorecardError(f"unknown role {role!r} (use {', '.join(ROLES)})")
    if user.role == "admin" and role != "admin" and user.active:
        _keep_an_admin(session, user=user, doing="demote")
    user.role = role


def _keep_an_admin(session: Session, *, user: User, doing: str) -> None:
    # Row locks on the admins (PostgreSQL) so that two admins demoting each other at once
    # cannot both pass; SQLite has one writer at a time anyway.
    admins = session.scalars(select(User.id).where(User.role == "admin", User.active).with_for_update()).all()
    if set(admins) <= {user.id}:
        raise ConflictError(
            f"cannot {doing} {user.username!r}: it is the last active admin; make another user admin first"
        )


def reset_password(session: Session, *, user: User, password: str | None = None) -> str:
    """An admin gives ``user`` a new password (``None``: a random temporary one) and ends
    all their sessions; returns the password, to be shown once and never stored."""
    chosen = secrets.token_urlsafe(12) if password is None else password
    set_password(session, user=user, password=chosen)
    return chosen


def start_session(session: Session, *, user: User, max_age: int) -> str:
    """A new browser session for ``user``; returns the token for the cookie (only its hash is stored)."""
    now = utcnow()
    session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at < now))
    token = new_token()
    session.add(
        UserSession(
            user_id=user.id, token_hash=hash_token(token), expires_at=now + dt.timedelta(seconds=max_age)
        )
    )
    session.flush()
    return token


def end_session(session: Session, *, token: str) -> None:
    """End one browser session (logout); an unknown token is already ended."""
    session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))


def user_for_session(session: Session, *, token: str) -> User | None:
    """The active user of an unexpired browser session, else ``None``."""
    if not plausible_token(token):
        return None
    # One query on every signed-in request: the session row and its active user together.
    return session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == hash_token(token), UserSession.expires_at > utcnow(), User.active)
    )


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
