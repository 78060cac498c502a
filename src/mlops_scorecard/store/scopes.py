"""A department's (or the organization's) teams as the roll-up pages read them: every
unit in four columns, each team's latest :class:`~.summaries.Summary` and its trend's
points, from one joined query of the assessments and their stored summaries (what a
worker keeps of them between views is :mod:`.scope_cache`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from .models import Assessment, DerivedResult, Unit
from .rollup import subtree_map
from .summaries import BODY_HEAD, FORMAT, IN_LIMIT, KIND, Summary, SummaryRow, compute_bodies, summary_of

__all__ = [
    "Point",
    "Scope",
    "UnitRow",
    "decoded_summary",
    "own_assessments",
    "scope_summaries",
    "top_unit",
    "unit_rows",
]


@dataclass(frozen=True)
class UnitRow:
    """A unit as the roll-up pages need it (no ORM object: thousands of them are read)."""

    id: int
    parent_id: int | None
    name: str
    kind: str


def unit_rows(session: Session) -> list[UnitRow]:
    """Every unit that is not archived, by id: four columns, one query."""
    query = select(Unit.id, Unit.parent_id, Unit.name, Unit.kind).where(Unit.archived_at.is_(None))
    return [UnitRow(*r) for r in session.connection().execute(query.order_by(Unit.id))]


@dataclass(frozen=True, slots=True)
class Point:
    """An assessment as a trend needs it: when, and its scores."""

    date: dt.date
    overall: float | None
    dimensions: dict[str, float | None]


@dataclass(frozen=True)
class Scope:
    """A department's (or the organization's) teams: every unit, and per team below the
    scope its latest :class:`Summary` (``latest``) and every assessment with answers as a
    :class:`Point`, oldest first (``history``: the latest is its last)."""

    units: list[UnitRow]
    history: Mapping[int, Sequence[Point]]
    latest: dict[int, Summary]
    pending: dict[int, tuple[int, str]]
    #: teams with summaries left stale by the bound on one view's work (being refreshed)
    refreshing: frozenset[int] = frozenset()
    #: teams whose ``latest`` is a stored summary of an older revision, shown until refreshed
    stale: frozenset[int] = frozenset()


def decoded_summary(row: SummaryRow, body: str) -> tuple[Summary | None, Point | None] | None:
    """A stored body as the roll-ups use it: the summary and the trend's point, both
    ``None`` when nobody answered; ``None`` for a body of another format."""
    head, _, detail = body.partition("\n")
    data = json.loads(head)
    if not isinstance(data, dict) or data.get("v") != FORMAT:
        return None
    if not data.get("n"):
        return None, None
    return summary_of(row, data, detail), Point(row.date, data["overall"], data["dims"])


def _joined(session: Session, unit_ids: Collection[int]) -> list[tuple[SummaryRow, int | None, str | None]]:
    """:func:`_rows` with each one's stored summary (revision and body, ``None`` when there
    is none), in one query: a join, not thousands of ids sent back in IN lists."""
    query = (
        select(
            Assessment.id,
            Assessment.unit_id,
            Assessment.title,
            type_coerce(Assessment.date, String),
            Assessment.status,
            Assessment.revision,
            DerivedResult.revision,
            DerivedResult.body,
        )
        .outerjoin(
            DerivedResult, (DerivedResult.assessment_id == Assessment.id) & (DerivedResult.kind == KIND)
        )
        .where(Assessment.status != "draft", Assessment.archived_at.is_(None))
    )
    small = len(unit_ids) <= IN_LIMIT
    if small:
        query = query.where(Assessment.unit_id.in_(list(unit_ids)))
    keep = None if small else set(unit_ids)
    query = query.order_by(Assessment.unit_id, Assessment.date.desc(), Assessment.id.desc())
    out: list[tuple[SummaryRow, int | None, str | None]] = []
    for aid, unit_id, title, date, status, revision, stored, body in session.connection().execute(query):
        if keep is None or unit_id in keep:
            when = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date)[:10])
            out.append((SummaryRow(aid, unit_id, title, when, status, revision), stored, body))
    return out


def scope_summaries(session: Session, *, unit_id: int | None, limit: int | None = None) -> Scope:
    """The summaries of the teams below ``unit_id`` (every team for ``None``), computed
    where missing or stale and left in :attr:`Scope.pending` for the caller to store with
    :func:`store_summaries` (so a page reads in a read-only transaction and writes only
    when something changed). One pass over the assessments gives both the trend (every
    assessment with answers) and the latest of each team (the newest of them).

    With ``limit``, at most that many are computed (each team's newest first: the
    heatmap shows them); the others keep their last stored summary, even of an older
    revision (:attr:`Scope.stale`), and their teams are :attr:`Scope.refreshing`."""
    units = unit_rows(session)
    subtrees = subtree_map(units)
    teams = [u.id for u in units if u.kind == "team"] if unit_id is None else subtrees.get(unit_id, [])
    pending: dict[int, tuple[int, str]] = {}
    if not teams:
        return Scope(units, {}, {}, pending)
    joined = _joined(session, teams)
    stale = [
        r
        for r, stored, body in joined
        if stored != r.revision or body is None or not body.startswith(BODY_HEAD)
    ]
    left: set[int] = set()
    if limit is not None and len(stale) > limit:
        depth: dict[int, int] = {}
        rank: dict[int, int] = {}
        for r, _, _ in joined:  # by unit, newest first
            rank[r.id] = depth.get(r.unit_id, 0)
            depth[r.unit_id] = rank[r.id] + 1
        stale.sort(key=lambda r: rank[r.id])  # stable: by unit within a depth
        left = {r.id for r in stale[limit:]}
        stale = stale[:limit]
    fresh: dict[int, str] = {}
    for start in range(0, len(stale), IN_LIMIT):
        part = stale[start : start + IN_LIMIT]
        bodies = compute_bodies(session, part)
        fresh.update(bodies)
        pending.update((r.id, (r.revision, bodies[r.id])) for r in part if r.id in bodies)
    latest: dict[int, Summary] = {}
    newest_first: dict[int, list[Point]] = {}
    refreshing: set[int] = set()
    shown_stale: set[int] = set()
    for r, _, stored_body in joined:  # by unit, newest first
        if r.id in left:
            refreshing.add(r.unit_id)
        body = fresh.get(r.id, stored_body)
        if body is None:
            continue
        head, _, detail = body.partition("\n")
        data = json.loads(head)
        if not isinstance(data, dict) or data.get("v") != FORMAT or not data.get("n"):
            continue
        if r.unit_id not in latest:
            latest[r.unit_id] = summary_of(r, data, detail)
            if r.id in left:
                shown_stale.add(r.unit_id)
        newest_first.setdefault(r.unit_id, []).append(Point(r.date, data["overall"], data["dims"]))
    history = {u: points[::-1] for u, points in newest_first.items()}
    return Scope(units, history, latest, pending, frozenset(refreshing), frozenset(shown_stale))


def top_unit(session: Session) -> Unit | None:
    """The one unit at the top when it is not a team (the organization, whose roll-up
    the organization page is); ``None`` when several units (or a team) are at the top."""
    roots = list(
        session.scalars(select(Unit).where(Unit.parent_id.is_(None), Unit.archived_at.is_(None)).limit(2))
    )
    return roots[0] if len(roots) == 1 and roots[0].kind != "team" else None


def own_assessments(session: Session, *, unit_id: int) -> int:
    """How many assessments the unit itself has (a department usually has none)."""
    return int(
        session.scalar(select(func.count()).select_from(Assessment).where(Assessment.unit_id == unit_id)) or 0
    )
