"""What the roll-up pages' check against the database reads (:mod:`.scope_cache`): the
open assessments' rows with their revisions, a fingerprint and the rows of the closed
ones, and whether anything was committed at all since the last look."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading

from sqlalchemy import String, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from .models import Assessment
from .summaries import SummaryRow

__all__ = ["Commits", "closed_fingerprint", "live_rows", "one_snapshot", "pg_snapshot"]


class Commits:
    """Whether anything was committed to a SQLite file: SQLite's ``PRAGMA data_version``
    on a connection of its own, which moves on whenever any other connection (of this
    process or another) commits, and the file's identity (a file replaced under the same
    name is another database). Microseconds, where reading the rows costs a hundred
    milliseconds at 5,000 teams; PostgreSQL has no such count, so it reads the rows."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._inode: tuple[int, int, int] | None = None

    def read(self) -> tuple[int, int, int, int] | None:
        """(the file's identity, its data version); ``None`` when it cannot be read. The
        identity holds the inode's change time: a file deleted and made again may get
        the same inode number, never the same change time."""
        with self._lock:
            try:
                st = os.stat(self._path)
                inode = (st.st_dev, st.st_ino, st.st_ctime_ns)
                if self._conn is None or inode != self._inode:
                    if self._conn is not None:
                        self._conn.close()
                    self._conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
                    self._inode = inode
                version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            except (OSError, sqlite3.Error):
                return None
            return (*inode, version)


def closed_fingerprint(session: Session) -> tuple[int, ...]:
    """A fingerprint of the closed assessments (that are not archived), from one
    aggregate of their own rows: a closed assessment's revision is its stored column
    (:mod:`.revisions`), and its title and date cannot change while it is closed, so it
    moves when one is closed, reopened, archived, restored, deleted, or bumped."""
    found = (
        session.connection()
        .execute(
            select(
                func.count(),
                func.coalesce(func.max(Assessment.id), 0),
                func.coalesce(func.sum(Assessment.id), 0),
                func.coalesce(func.sum(Assessment.stored_revision * Assessment.id), 0),
                func.coalesce(func.sum(Assessment.stored_revision), 0),
                func.coalesce(func.sum(Assessment.unit_id * Assessment.id), 0),
            ).where(Assessment.status == "closed", Assessment.archived_at.is_(None))
        )
        .one()
    )
    return tuple(int(v) for v in found)


def live_rows(session: Session, *, closed: bool) -> list[SummaryRow]:
    """The closed (or the open) assessments that are not archived, with their revision:
    for open ones the stored part plus their respondents' sums of their answers'
    revisions (:mod:`.revisions`), by the revision's own subquery per row on both
    databases: about three respondents per assessment, found by their index. At 5,000
    open assessments on PostgreSQL that is 30-50 ms where a grouped scan of the
    respondents takes 85-115 (it reads every respondent, closed assessments' too), and
    summing the answers took 175-310; on SQLite 45-90 ms, where summing the answers
    took 120-180."""
    live = (Assessment.status == ("closed" if closed else "open"), Assessment.archived_at.is_(None))
    columns = (
        Assessment.id,
        Assessment.unit_id,
        Assessment.title,
        # as text on SQLite, parsed by date.fromisoformat: the dialect's own parsing costs
        # more than the query (PostgreSQL's driver gives dates either way)
        type_coerce(Assessment.date, String),
        Assessment.status,
        Assessment.stored_revision,
    )
    answers_part = literal(0) if closed else Assessment.revision - Assessment.stored_revision
    query = select(*columns, answers_part).where(*live)
    out = []
    for aid, unit_id, title, date, status, stored, total in session.connection().execute(query):
        when = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date)[:10])
        out.append(SummaryRow(aid, unit_id, title, when, status, int(stored) + int(total or 0)))
    return out


def pg_snapshot(session: Session) -> str:
    """PostgreSQL's current snapshot (``xmin:xmax:in-progress ids``), in the session's
    transaction. Every transaction that writes is given an id: while none is given nor
    ends, the snapshot stays the same, so an unchanged snapshot means that nothing was
    committed (to any database of the server) since it was last read. The
    ``txid_`` form, which every supported version has."""
    return str(session.connection().exec_driver_sql("SELECT txid_current_snapshot()::text").scalar())


def one_snapshot(session: Session) -> None:
    """Have the session's reads see one snapshot of the database: on PostgreSQL a
    REPEATABLE READ transaction (under READ COMMITTED each statement sees its own, and an
    assessment closed between reading the open rows and the closed ones would be in
    neither), when its transaction has not begun; SQLite's read transactions do already."""
    if session.get_bind().engine.dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
