"""Throttles counted in the database: events under a key, counted over a time window.

Kept in the database rather than in process memory so that every worker (and every
machine on PostgreSQL) sees the same counts. Failed logins and shared-link joins use it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from ..errors import RateLimitedError
from .models import RateEvent, utcnow

__all__ = [
    "KEEP",
    "JoinThrottle",
    "Recent",
    "check_joins",
    "forget",
    "one_at_a_time",
    "recent",
    "record",
    "seconds_until",
]

#: Events older than this are never counted by any throttle and are pruned.
KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Recent:
    """Events under one key within a window: how many, the first and the last."""

    count: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None


def _stored(key: str) -> str:
    # Keys hold client input (a username, an address); a long one keeps a hash of the rest.
    if len(key) <= 200:
        return key
    return key[:136] + hashlib.sha256(key.encode()).hexdigest()


def recent(session: Session, *, keys: list[str], window: dt.timedelta) -> dict[str, Recent]:
    """The events of each key within ``window`` (keys without events map to an empty ``Recent``)."""
    since = utcnow() - window
    stored = {_stored(key): key for key in keys}
    rows = session.execute(
        select(RateEvent.key, func.count(), func.min(RateEvent.at), func.max(RateEvent.at))
        .where(RateEvent.key.in_(list(stored)), RateEvent.at >= since)
        .group_by(RateEvent.key)
    ).all()
    found = {stored[key]: Recent(count, first, last) for key, count, first, last in rows}
    return {key: found.get(key, Recent()) for key in keys}


def one_at_a_time(session: Session, *, key: str) -> None:
    """Until this transaction ends, other transactions calling this with ``key`` wait.

    A throttle reads a count and then adds to it; two requests at once would both read
    the old count. PostgreSQL takes a transaction-level advisory lock on the key; SQLite
    needs nothing, as its writes already run one at a time (``BEGIN IMMEDIATE``)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def record(session: Session, *, keys: list[str]) -> None:
    """Count one event under each key (and prune events no throttle looks at any more)."""
    session.add_all([RateEvent(key=_stored(key)) for key in keys])
    session.execute(delete(RateEvent).where(RateEvent.at < utcnow() - KEEP))


def forget(session: Session, *, key: str) -> None:
    """Drop the events of one key (a successful login clears its failures)."""
    session.execute(delete(RateEvent).where(RateEvent.key == _stored(key)))


def seconds_until(moment: dt.datetime) -> int:
    """Whole seconds from now until ``moment`` (at least 1): a ``Retry-After`` value."""
    return max(1, math.ceil((moment - utcnow()).total_seconds()))


@dataclass(frozen=True)
class JoinThrottle:
    """How fast a shared link admits respondents: per address and link, and per link."""

    per_address: int = 20
    per_address_window: dt.timedelta = dt.timedelta(minutes=10)
    per_link_per_minute: int = 120


def check_joins(session: Session, *, link_id: int, client: str, rules: JoinThrottle) -> list[str]:
    """Refuse (429) a join through a shared link over either limit; the keys to count it under."""
    mine, everyone = f"join:{link_id}|{client}", f"join:{link_id}"
    minute = dt.timedelta(minutes=1)
    own = recent(session, keys=[mine], window=rules.per_address_window)[mine]
    if own.count >= rules.per_address and own.first is not None:
        wait = seconds_until(own.first + rules.per_address_window)
        raise RateLimitedError(
            f"too many respondents joined through this link from your address; try again in {wait} s",
            retry_after=wait,
        )
    total = recent(session, keys=[everyone], window=minute)[everyone]
    if total.count >= rules.per_link_per_minute and total.first is not None:
        wait = seconds_until(total.first + minute)
        raise RateLimitedError(
            f"too many respondents are joining through this link right now; try again in {wait} s",
            retry_after=wait,
        )
    return [mine, everyone]
