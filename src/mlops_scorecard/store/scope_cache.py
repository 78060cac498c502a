"""The teams' summaries as this worker last read them, checked against the database on
every view, so that a roll-up page after one change reads and decodes only what changed.

A view first asks whether anything was committed since the worker last read the rows
(:mod:`.scope_rows`: SQLite's data version, PostgreSQL's snapshot); when nothing was, it
reads nothing more. Otherwise it reads the units, the open assessments' rows with their
revisions (the revision moves on with every save and every other change results derive
from, :mod:`.revisions`) and a fingerprint of the closed ones (their rows too when it
moved), and compares them with what the worker holds. Only the assessments whose row
differs, or that are new, have their stored summaries read and decoded (or computed,
when stale, as :func:`~.scopes.scope_summaries` does, at most ``limit`` per view); only
their teams' latest summary and trend points are rebuilt. Nothing is trusted without
that check: a worker holding nothing, or something older, shows the same numbers after
more work, and several workers (or machines) each see every change once it is committed.

Bounded: one :class:`SummaryCache` per database (the last :data:`DATABASES_KEPT`), and
none for a database of more than :data:`MAX_KEPT` assessments (about 1 KB each: a
summary's text and its decoded scores), whose pages compute from what they read.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import DerivedResult
from .rollup import subtree_map
from .scope_rows import Commits, closed_fingerprint, live_rows, one_snapshot, pg_snapshot
from .scopes import Point, Scope, UnitRow, decoded_summary, unit_rows
from .summaries import BODY_HEAD, IN_LIMIT, KIND, Summary, SummaryRow, compute_bodies

__all__ = [
    "DATABASES_KEPT",
    "MAX_KEPT",
    "Known",
    "Snapshot",
    "SummaryCache",
    "TeamState",
    "drop_caches",
    "summary_cache",
]

#: Databases whose summaries a worker keeps (tests and benchmarks open several).
DATABASES_KEPT = 4
#: Past this many assessments a database's summaries are not kept (memory: ~1 KB each).
MAX_KEPT = 40_000
#: Snapshots back that :meth:`SummaryCache.changed_since` can name the changed teams of.
_LOG = 64
# snapshot versions are unique across caches: a roll-up kept under one is never taken
# for another database's, or for a cache dropped and made again
_VERSIONS = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Known:
    """An assessment as last read: its row, the revision of the summary held (``None``:
    none stored), and what the roll-up uses of it (``None``: no summary, or nobody
    answered)."""

    row: SummaryRow
    held: int | None
    summary: Summary | None
    point: Point | None


@dataclass(frozen=True, slots=True)
class TeamState:
    """A unit's latest summary and trend points (oldest first); ``refreshing`` when one of
    its summaries was left stale by the bound on a view's work, ``stale`` when the latest
    shown is one of those."""

    latest: Summary | None
    history: tuple[Point, ...]
    refreshing: bool = False
    stale: bool = False


@dataclass(frozen=True)
class Snapshot:
    """Everything the roll-ups read, as of one view: immutable, shared between threads."""

    version: int
    units: list[UnitRow]
    teams: Mapping[int, TeamState]
    subtrees: Mapping[int, list[int]] = field(repr=False)

    def scope(self, unit_id: int | None, pending: Mapping[int, tuple[int, str]] | None = None) -> Scope:
        """The :class:`~.scopes.Scope` of the teams below ``unit_id`` (every team for ``None``)."""
        teams = (
            [u.id for u in self.units if u.kind == "team"]
            if unit_id is None
            else self.subtrees.get(unit_id, [])
        )
        latest: dict[int, Summary] = {}
        history: dict[int, Sequence[Point]] = {}
        refreshing: set[int] = set()
        stale: set[int] = set()
        for t in teams:
            state = self.teams.get(t)
            if state is None:
                continue
            if state.latest is not None:
                latest[t] = state.latest
            if state.history:
                history[t] = state.history
            if state.refreshing:
                refreshing.add(t)
            if state.stale:
                stale.add(t)
        return Scope(
            self.units, history, latest, dict(pending or {}), frozenset(refreshing), frozenset(stale)
        )


def _team_state(rows: Iterable[SummaryRow], known: Mapping[int, Known]) -> TeamState:
    """A unit's state from its rows (newest first) and what is known of each."""
    latest: Summary | None = None
    newest_first: list[Point] = []
    refreshing = stale = False
    for r in rows:
        k = known.get(r.id)
        if k is None:
            continue
        left = k.held != r.revision
        refreshing = refreshing or left
        if k.summary is None or k.point is None:
            continue
        if latest is None:
            latest, stale = k.summary, left
        newest_first.append(k.point)
    return TeamState(latest, tuple(reversed(newest_first)), refreshing, stale)


class SummaryCache:
    """One database's assessments as last read (see the module's notes); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[int, Known] = {}
        self._snapshot: Snapshot | None = None
        # (version before, version, units whose state changed; None: the units changed)
        self._changes: deque[tuple[int, int, frozenset[int] | None]] = deque(maxlen=_LOG)
        # the closed assessments' fingerprint and rows as last read; the open ones' ids;
        # the assessments whose summary the bound on a view's work left stale
        self._closed: tuple[tuple[int, ...], list[SummaryRow]] | None = None
        self._open: set[int] = set()
        self._retry: set[int] = set()
        self._probe: Commits | None = None
        self._mark: tuple[object, ...] | None = None

    def changed_since(self, version: int) -> frozenset[int] | None:
        """The units whose state changed after snapshot ``version``; ``None`` when that is
        not known (too long ago, another cache's, or the units themselves changed)."""
        with self._lock:
            current = self._snapshot.version if self._snapshot is not None else 0
            out: set[int] = set()
            for before, after, units in reversed(self._changes):
                if after != current or units is None:
                    return None
                out |= units
                current = before
                if current == version:
                    return frozenset(out)
            return frozenset() if current == version else None

    def refresh(self, session: Session, *, limit: int | None) -> tuple[Snapshot, dict[int, tuple[int, str]]]:
        """The snapshot as of now and the summaries computed for it (assessment id ->
        (revision, body), for the caller to store with
        :func:`~.summaries.store_summaries`). Reads the units, the open assessments'
        rows and a fingerprint of the closed ones (their rows too when it moved); the
        stored summaries only of the assessments whose row changed; nothing when no
        transaction has committed since the last read (:meth:`commits`)."""
        one_snapshot(session)
        mark = self._commits(session)
        with self._lock:
            if mark is not None and mark == self._mark and self._snapshot is not None and not self._retry:
                # nothing committed since the rows of this snapshot were read
                return self._snapshot, {}
        units = unit_rows(session)
        closed_key = closed_fingerprint(session)
        open_rows = live_rows(session, closed=False)
        with self._lock:
            reread = self._closed is None or closed_key != self._closed[0]
            closed_rows = (
                live_rows(session, closed=True) if reread or self._closed is None else self._closed[1]
            )
            if len(closed_rows) + len(open_rows) > MAX_KEPT:  # nothing kept: computed from what was read
                self._known, self._snapshot, self._closed, self._retry = {}, None, None, set()
                self._changes.clear()
                self._mark = None
                return SummaryCache()._refresh(session, units, open_rows, closed_rows, True, limit)
            out = self._refresh(session, units, open_rows, closed_rows, reread, limit)
            self._closed = (closed_key, closed_rows)
            # read before the rows: a commit after it moves it on, so it is never newer
            # than what the snapshot holds
            self._mark = mark
            return out

    def _commits(self, session: Session) -> tuple[object, ...] | None:
        """What moves on with every commit to the session's database: on a SQLite file
        :meth:`~.scope_rows.Commits.read`, on PostgreSQL :func:`~.scope_rows.pg_snapshot`;
        ``None`` (always read the rows) for an in-memory database."""
        url = session.get_bind().engine.url
        if url.get_backend_name() == "postgresql":
            return ("postgresql", pg_snapshot(session))
        path = url.database
        if url.get_backend_name() != "sqlite" or not path or path == ":memory:" or "mode=memory" in str(url):
            return None
        if self._probe is None:
            self._probe = Commits(os.path.expanduser(path))
        return self._probe.read()

    def _refresh(
        self,
        session: Session,
        units: list[UnitRow],
        open_rows: list[SummaryRow],
        closed_rows: list[SummaryRow],
        reread: bool,
        limit: int | None,
    ) -> tuple[Snapshot, dict[int, tuple[int, str]]]:
        known = self._known
        old = self._snapshot
        # what may have changed: the open assessments, the closed ones when their
        # fingerprint moved, and those whose summary was left stale by the bound
        candidates = [*open_rows, *closed_rows] if reread else open_rows
        if self._retry and not reread:
            candidates = [*candidates, *(r for r in closed_rows if r.id in self._retry)]
        changed = [
            r for r in candidates if (k := known.get(r.id)) is None or k.row != r or k.held != r.revision
        ]
        if reread:
            present = {r.id for r in open_rows} | {r.id for r in closed_rows}
            removed = [aid for aid in known if aid not in present]
        else:
            now_open = {r.id for r in open_rows}
            removed = [aid for aid in self._open if aid not in now_open]
        units_changed = old is None or units != old.units
        if old is not None and not changed and not removed and not units_changed:
            return old, {}
        rows = [*open_rows, *closed_rows]
        fresh, pending = _read_changed(session, rows, changed, limit)
        affected: set[int] = {r.unit_id for r in changed}
        for aid in removed:
            gone = known.pop(aid, None)
            if gone is not None:
                affected.add(gone.row.unit_id)
        for r in changed:
            was = known.get(r.id)
            if was is not None:
                affected.add(was.row.unit_id)
        known.update(fresh)
        self._open = {r.id for r in open_rows}
        self._retry = {aid for aid, k in fresh.items() if k.held != k.row.revision} | {
            aid for aid in self._retry if aid not in fresh and aid in known
        }
        by_unit: dict[int, list[SummaryRow]] = {}
        for r in rows:
            if r.unit_id in affected:
                by_unit.setdefault(r.unit_id, []).append(r)
        teams = dict(old.teams) if old is not None else {}
        for unit_id in affected:
            state = _team_state(_newest_first(by_unit.get(unit_id, [])), known)
            if state.latest is None and not state.history and not state.refreshing:
                teams.pop(unit_id, None)
            else:
                teams[unit_id] = state
        version = next(_VERSIONS)
        subtrees = subtree_map(units) if old is None or units_changed else old.subtrees
        self._snapshot = Snapshot(version, units, teams, subtrees)
        before = old.version if old is not None else 0
        self._changes.append((before, version, None if units_changed else frozenset(affected)))
        return self._snapshot, pending


def _newest_first(rows: list[SummaryRow]) -> list[SummaryRow]:
    """A unit's rows newest first (by date, then id), as the trend and the latest read them."""
    return sorted(rows, key=lambda r: (r.date, r.id), reverse=True)


def _stored(session: Session, changed: Sequence[SummaryRow]) -> dict[int, tuple[int, str]]:
    """The stored summaries (revision, body) of ``changed``: one query per
    :data:`IN_LIMIT` ids, or one over all when more changed (a first view)."""
    query = select(DerivedResult.assessment_id, DerivedResult.revision, DerivedResult.body).where(
        DerivedResult.kind == KIND
    )
    out: dict[int, tuple[int, str]] = {}
    if len(changed) > IN_LIMIT:
        wanted = {r.id for r in changed}
        for aid, revision, body in session.connection().execute(query):
            if aid in wanted:
                out[aid] = (revision, body)
    elif changed:
        ids = [r.id for r in changed]
        for aid, revision, body in session.connection().execute(
            query.where(DerivedResult.assessment_id.in_(ids))
        ):
            out[aid] = (revision, body)
    return out


def _read_changed(
    session: Session, rows: Sequence[SummaryRow], changed: Sequence[SummaryRow], limit: int | None
) -> tuple[dict[int, Known], dict[int, tuple[int, str]]]:
    """What is now known of the ``changed`` rows, and the summaries computed for them:
    the stale ones, at most ``limit`` (each team's newest first, as
    :func:`~.scopes.scope_summaries`)."""
    stored = _stored(session, changed)
    stale = [
        r
        for r in changed
        if (s := stored.get(r.id)) is None or s[0] != r.revision or not s[1].startswith(BODY_HEAD)
    ]
    if limit is not None and len(stale) > limit:
        depth: dict[int, int] = {}
        rank: dict[int, int] = {}
        for r in sorted(rows, key=lambda r: (r.unit_id, -r.date.toordinal(), -r.id)):  # newest first
            rank[r.id] = depth.get(r.unit_id, 0)
            depth[r.unit_id] = rank[r.id] + 1
        stale.sort(key=lambda r: rank[r.id])  # stable: by unit within a depth
        stale = stale[:limit]
    pending: dict[int, tuple[int, str]] = {}
    for start in range(0, len(stale), IN_LIMIT):
        part = stale[start : start + IN_LIMIT]
        bodies = compute_bodies(session, part)
        for r in part:
            if r.id in bodies:
                pending[r.id] = stored[r.id] = (r.revision, bodies[r.id])
    fresh: dict[int, Known] = {}
    for r in changed:
        found = stored.get(r.id)
        decoded = None if found is None else decoded_summary(r, found[1])
        if found is None or decoded is None:  # none stored, or an older format left stale
            fresh[r.id] = Known(r, None, None, None)
        else:
            fresh[r.id] = Known(r, found[0], *decoded)
    return fresh, pending


_CACHES: OrderedDict[str, SummaryCache] = OrderedDict()
_CACHES_LOCK = threading.Lock()


def summary_cache(database: str) -> SummaryCache:
    """The :class:`SummaryCache` of ``database`` (its URL), made on first use; the
    least recently used beyond :data:`DATABASES_KEPT` is dropped."""
    with _CACHES_LOCK:
        found = _CACHES.get(database)
        if found is None:
            found = _CACHES[database] = SummaryCache()
        _CACHES.move_to_end(database)
        while len(_CACHES) > DATABASES_KEPT:
            _CACHES.popitem(last=False)
        return found


def drop_caches() -> None:
    """Forget every database's summaries (what a new worker holds: nothing)."""
    with _CACHES_LOCK:
        _CACHES.clear()
