"""Things derived from an assessment (its result, analysis, charts, intervals), computed
once per change and kept in ``derived_results``: one row per assessment and kind,
replaced when the assessment's revision moves on.

A row is valid while its ``etag`` equals :func:`derived_etag` of the assessment as it is
now. The tag digests the assessment's ``revision`` (moved on by every change to its
answers and respondents, :mod:`.revisions`) and everything else on the assessment's own
row that results derive from (status, targets, profile, question set, framework
version), a digest of the code (:func:`code_version`) and the kind with its parameters.
So an edit that forgot to bump the revision still invalidates whatever depends on the
row, changed code never serves a body older code wrote, and an HTTP ``If-None-Match`` can be answered from the
row already loaded, before anything is read or drawn.

Reads run in the caller's (read) session. A body computed on a miss is written in a
transaction of its own, one upsert statement long, so the SQLite write lock is held for
a statement and never while computing. Two workers computing the same thing both
succeed (the later write of the same revision wins); a write that cannot be made (the
database busy or locked, the assessment deleted meanwhile) is skipped: the request still
gets its body, the next one computes again. Call these from read sessions only: a body
computed inside a write transaction could store data that is then rolled back.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from .. import __version__
from .models import Assessment, DerivedResult, utcnow

__all__ = [
    "FORMAT",
    "SQLITE_WAIT_MS",
    "Derived",
    "assessments_etag",
    "cached_body",
    "code_version",
    "derived",
    "derived_etag",
    "derived_many",
    "derived_over",
    "store_bodies",
    "store_body",
]

log = logging.getLogger(__name__)

#: How long a cache write waits for SQLite's write lock before it gives up (ms).
SQLITE_WAIT_MS = 100
#: The shape of what is stored; raise it when a body's format changes within a version.
FORMAT = 1


@dataclass(frozen=True)
class Derived:
    """A derived body and the tag it is valid under; ``computed`` when this call made it."""

    etag: str
    body: str
    computed: bool


def _fingerprint(assessment: Assessment) -> list[Any]:
    """What results derive from on the assessment's own row (answers: its revision)."""
    return [
        assessment.id,
        assessment.revision,
        assessment.status,
        assessment.question_set,
        assessment.framework_id,
        assessment.framework_version,
        assessment.targets or {},
        assessment.profile or {},
    ]


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of this package's code, templates and data files: any change to how
    something is derived or drawn (a chart's palette, a rounding) makes every stored
    body stale, released or not. Computed once per process (a few milliseconds)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html", ".yaml", ".json", ".css", ".js") and path.is_file():
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _digest(parts: Iterable[Any]) -> str:
    text = json.dumps([code_version(), FORMAT, *parts], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def derived_etag(assessment: Assessment, kind: str, *params: Any) -> str:
    """The tag a derivative ``kind`` (with ``params``: a confidence, a role filter) of
    ``assessment`` is valid under now; also its HTTP entity tag."""
    return _digest([*_fingerprint(assessment), kind, *params])


def assessments_etag(assessments: Sequence[Assessment], kind: str, *params: Any) -> str:
    """A tag for something derived from several assessments (a unit's trend): it moves
    when any of them changes, or when one is added, removed, renamed or re-dated."""
    rows = [[*_fingerprint(a), a.title, a.date, a.unit_id, a.archived_at] for a in assessments]
    return _digest([rows, kind, *params])


def cached_body(session: Session, *, assessment_id: int, kind: str, etag: str) -> str | None:
    """The stored body of ``kind``, if it is valid under ``etag``."""
    row = session.execute(
        select(DerivedResult.etag, DerivedResult.body).where(
            DerivedResult.assessment_id == assessment_id, DerivedResult.kind == kind
        )
    ).first()
    return row.body if row is not None and row.etag == etag else None


def store_body(session: Session, *, assessment: Assessment, kind: str, etag: str, body: str) -> bool:
    """Write ``body`` as the assessment's ``kind`` (see :func:`store_bodies`)."""
    return store_bodies(session, [(assessment, kind, etag, body)])


def store_bodies(session: Session, items: Sequence[tuple[Assessment, str, str, str]]) -> bool:
    """Write each (assessment, kind, etag, body) in one short transaction of its own (not
    the session's), one statement; ``False`` when they could not be written (they are
    then only not cached). A row of a later revision is never replaced by an earlier one."""
    if not items:
        return True
    engine = session.get_bind().engine
    now = utcnow()
    rows = [
        {
            "assessment_id": a.id,
            "kind": kind,
            "revision": a.revision,
            "etag": etag,
            "body": body,
            "created_at": now,
        }
        for a, kind, etag, body in items
    ]
    dialect = engine.dialect.name
    try:
        with engine.connect() as conn:
            wait = None
            if dialect == "sqlite":
                # a cache write never waits long for the one write lock: skipped instead
                wait = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
                conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_WAIT_MS}")
            # the two databases the service runs on both have INSERT ... ON CONFLICT
            insert = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(DerivedResult)
            stmt = insert.values(rows)
            stmt = stmt.on_conflict_do_update(
                index_elements=[DerivedResult.assessment_id, DerivedResult.kind],
                set_={k: stmt.excluded[k] for k in ("revision", "etag", "body", "created_at")},
                where=DerivedResult.revision <= stmt.excluded.revision,
            )
            try:
                conn.execute(stmt)
                conn.commit()
            finally:
                if wait is not None:  # the pooled connection's own wait, as it was
                    conn.rollback()
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait)}")
    except (IntegrityError, OperationalError, DBAPIError) as exc:
        # an assessment was deleted meanwhile, or the database is busy: serve uncached
        log.info("derived results %s not stored: %s", sorted({k for _, k, _, _ in items}), exc)
        return False
    return True


def derived(
    session: Session,
    *,
    assessment: Assessment,
    kind: str,
    compute: Callable[[], str],
    params: Sequence[Any] = (),
) -> Derived:
    """The assessment's ``kind`` (with ``params``) from ``derived_results`` when it is
    still valid, else ``compute()``-d now and stored for the next request."""
    etag = derived_etag(assessment, kind, *params)
    body = cached_body(session, assessment_id=assessment.id, kind=kind, etag=etag)
    if body is not None:
        return Derived(etag, body, computed=False)
    body = compute()
    store_body(session, assessment=assessment, kind=kind, etag=etag, body=body)
    return Derived(etag, body, computed=True)


def derived_many(
    session: Session,
    *,
    assessments: Sequence[Assessment],
    kind: str,
    compute: Callable[[list[Assessment]], dict[int, str]],
    params: Sequence[Any] = (),
) -> dict[int, str]:
    """:func:`derived` of many assessments in one query: the valid stored bodies by
    assessment id, and ``compute(missing)`` (a body per id) for the rest, stored."""
    if not assessments:
        return {}
    tags = {a.id: derived_etag(a, kind, *params) for a in assessments}
    out: dict[int, str] = {}
    for aid, etag, body in session.execute(
        select(DerivedResult.assessment_id, DerivedResult.etag, DerivedResult.body).where(
            DerivedResult.assessment_id.in_(list(tags)), DerivedResult.kind == kind
        )
    ):
        if tags.get(aid) == etag:
            out[aid] = body
    missing = [a for a in assessments if a.id not in out]
    if missing:
        made = compute(missing)
        for a in missing:
            out[a.id] = made[a.id]
        store_bodies(session, [(a, kind, tags[a.id], made[a.id]) for a in missing])
    return out


def derived_over(
    session: Session,
    *,
    assessments: Sequence[Assessment],
    kind: str,
    compute: Callable[[], str],
    params: Sequence[Any] = (),
) -> Derived:
    """Something derived from several assessments (a unit's trend chart), valid under
    :func:`assessments_etag`: stored as the last assessment's ``kind`` (nothing stored
    without any), so it is drawn again only when one of them changes."""
    etag = assessments_etag(assessments, kind, *params)
    if not assessments:
        return Derived(etag, compute(), computed=True)
    owner = assessments[-1]
    body = cached_body(session, assessment_id=owner.id, kind=kind, etag=etag)
    if body is not None:
        return Derived(etag, body, computed=False)
    body = compute()
    store_body(session, assessment=owner, kind=kind, etag=etag, body=body)
    return Derived(etag, body, computed=True)
