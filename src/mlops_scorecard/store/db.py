"""Engines, sessions, transactions and migrations.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy
timeout, so one process can serve many requests while another reads. PostgreSQL is
used through psycopg 3. The schema is only ever changed by Alembic migrations.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ScorecardError

__all__ = [
    "DatabaseError",
    "current_revision",
    "downgrade",
    "head_revision",
    "make_engine",
    "needs_migration",
    "normalize_url",
    "session_factory",
    "transaction",
    "upgrade",
    "write_connection",
]


class DatabaseError(ScorecardError):
    """A database that cannot be reached, is locked, or has the wrong schema."""


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` as psycopg 3 URLs; check the rest."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"not a database URL: {url!r} (e.g. sqlite:///path/scorecard.db)") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql")
    return url


def make_engine(url: str, *, create_folder: bool = True, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the settings this app relies on."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and create_folder:
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # SQLAlchemy, not the driver, starts transactions (see _sqlite_begin).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A write transaction takes the write lock at BEGIN. A deferred one that reads
            # first and writes later fails at once with "database is locked" when another
            # connection wrote in between, whatever the busy timeout.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if _WRITING.get() else "BEGIN")

        _WRITE_LOCKS[engine] = threading.Lock()
        return engine
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


#: Seconds a pooled PostgreSQL connection may sit unused before it is checked on checkout.
PING_AFTER_IDLE = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle (the database may have
    restarted meanwhile). SQLAlchemy's ``pool_pre_ping`` checks every checkout: three of
    the seven round trips of an answer save (BEGIN, SELECT 1, ROLLBACK)."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            cursor = dbapi_conn.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_conn.rollback()
        except Exception as exc:  # any failure: the pool replaces the connection
            raise DisconnectionError(str(exc)) from exc


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


_WRITING: contextvars.ContextVar[bool] = contextvars.ContextVar("msc_writing", default=False)
#: One writer at a time per SQLite engine in this process. SQLite allows one writer
#: anyway; queueing on a Python lock hands over at once, where SQLite's busy handler
#: sleeps and retries (tail latencies of hundreds of milliseconds under load).
_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit at the end, roll everything back on any error."""
    bind = factory.kw.get("bind")
    lock = _WRITE_LOCKS.get(bind) if isinstance(bind, Engine) else None
    with lock or contextlib.nullcontext():
        marker = _WRITING.set(True)
        try:
            with factory() as session, session.begin():
                yield session
        finally:
            _WRITING.reset(marker)


@contextlib.contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A Core connection in a write transaction, as :func:`transaction` gives a session
    (the same SQLite writer lock and ``BEGIN IMMEDIATE``): for a hot path that needs
    no ORM objects. Committed when the block ends, rolled back on any error."""
    lock = _WRITE_LOCKS.get(engine)
    with lock or contextlib.nullcontext():
        marker = _WRITING.set(True)
        try:
            with engine.begin() as conn:
                yield conn
        finally:
            _WRITING.reset(marker)


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """The newest migration this version of the code knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at; ``None`` for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_migration(engine: Engine) -> bool:
    """True when the database is behind the code's newest migration."""
    return current_revision(engine) != head_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to ``revision`` (for tests of the migrations and for rollbacks)."""
    from alembic import command

    command.downgrade(_alembic_config(engine), revision)
