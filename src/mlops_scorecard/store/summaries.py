"""Compact per-assessment summaries: what the organization and department pages need
of each assessment, stored so that a page of 5,000 teams never decodes 5,000 full results.

A summary (:class:`Summary`) holds the dimension scores, the overall score and level,
the respondent count, each score's spread over the respondents (the heatmap's
uncertainty marking, :mod:`.spreads`) and, per question, how many respondents gave the
scale's lowest answer out of how many gave a valued one. It is kept in
``derived_results`` with kind :data:`KIND` under the assessment's revision
(:mod:`.revisions`) and computed lazily: a missing or stale summary is computed from
the same functions the assessment's own page uses (:func:`.results.summary_results`:
frozen results for closed assessments) and stored in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from sqlalchemy import String, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .answer_sets import answer_codes
from .models import Assessment, DerivedResult
from .results import score_value, summary_results
from .spreads import Spread, half_width, spread

__all__ = [
    "BODY_HEAD",
    "FORMAT",
    "IN_LIMIT",
    "KIND",
    "Summary",
    "SummaryRow",
    "assessment_rows",
    "compute_bodies",
    "latest_summaries",
    "store_summaries",
    "summaries_for",
    "summary_of",
]

#: The ``derived_results.kind`` summaries are stored under.
KIND = "summary"
#: Bump when the body's shape changes: older bodies are then recomputed.
FORMAT = 3
#: How every body of this format begins (json.dumps keeps the keys in order).
BODY_HEAD = f'{{"v":{FORMAT},'
#: An IN list longer than this is filtered in Python instead (SQLite's parameter limit,
#: and a plan that stays a scan either way).
IN_LIMIT = 900


@dataclass(frozen=True)
class Summary:
    """One assessment as the roll-up pages see it.

    ``framework`` is ``id@version``; ``spreads`` maps each dimension id (and
    ``"overall"``) to (respondents with a score, standard deviation or ``None``);
    ``weak`` maps a question id to (respondents who gave the lowest valued answer,
    respondents who gave a valued answer), for questions with at least one lowest answer.
    """

    assessment_id: int
    unit_id: int
    title: str
    date: dt.date
    status: str
    revision: int
    framework: str
    question_set: str
    overall: float | None
    level: str | None
    level_name: str | None
    respondents: int
    dimensions: dict[str, float | None]
    detail: str = field(repr=False, default="")

    def _line(self, index: int) -> dict[str, Any]:
        lines = self.detail.split("\n")
        found = json.loads(lines[index]) if len(lines) > index else {}
        return found if isinstance(found, dict) else {}

    @cached_property
    def weak(self) -> dict[str, tuple[int, int]]:
        """Per question id with a lowest answer: (lowest answers, valued answers);
        decoded on first use."""
        return {k: (int(v[0]), int(v[1])) for k, v in self._line(0).items()}

    @cached_property
    def spreads(self) -> dict[str, tuple[int, float | None]]:
        """Per dimension id (and ``"overall"``): respondents with a score, and the
        standard deviation of their own scores (``None`` below two); decoded on first use."""
        return {k: (int(v[0]), v[1]) for k, v in self._line(1).items()}

    @cached_property
    def framework_id(self) -> str:
        """The framework's id, without the version."""
        return self.framework.split("@", 1)[0]

    def score(self, key: str) -> float | None:
        """A dimension's score, or the overall score for ``"overall"``."""
        return self.overall if key == "overall" else self.dimensions.get(key)

    def spread(self, key: str) -> Spread | None:
        """The :class:`~.spreads.Spread` of a dimension (or ``"overall"``), if stored."""
        found = self.spreads.get(key)
        if found is None:
            return None
        n, sd = found
        return Spread(n, sd, None if sd is None else half_width(sd, n))


@dataclass(frozen=True)
class SummaryRow:
    """The columns of an assessment a summary is read or computed for."""

    id: int
    unit_id: int
    title: str
    date: dt.date
    status: str
    revision: int


def _body(result: Mapping[str, Any], framework: str, question_set: str, stats: Mapping[str, Any]) -> str:
    # three JSON documents on three lines: the scores, which every page reads (the trend
    # reads them for every assessment); the lowest answers, which the weakest questions
    # read for each team's latest; the spreads, for the teams a page shows (50 at most)
    scores = {
        "v": FORMAT,
        "fw": framework,
        "qs": question_set,
        "overall": score_value(result.get("overall")),
        "level": result.get("level"),
        "level_name": result.get("level_name"),
        "n": int(result.get("respondent_count") or 0),
        "dims": {str(d.get("id")): score_value(d.get("score")) for d in result.get("dimensions") or []},
    }
    lines = [scores, stats.get("weak", {}), stats.get("sp", {})]
    return "\n".join(json.dumps(x, separators=(",", ":")) for x in lines)


def _summary(row: SummaryRow, body: str) -> Summary | None:
    head, _, detail = body.partition("\n")
    data = json.loads(head)
    if not isinstance(data, dict) or data.get("v") != FORMAT:
        return None
    return summary_of(row, data, detail)


def summary_of(row: SummaryRow, data: Mapping[str, Any], detail: str) -> Summary:
    """The :class:`Summary` of a row from its body's first line decoded (``data``) and the rest."""
    return Summary(
        assessment_id=row.id,
        unit_id=row.unit_id,
        title=row.title,
        date=row.date,
        status=row.status,
        revision=row.revision,
        framework=str(data["fw"]),
        question_set=str(data["qs"]),
        overall=data["overall"],
        level=data["level"],
        level_name=data["level_name"],
        respondents=int(data["n"]),
        dimensions=data["dims"],
        detail=detail,
    )


def _answer_stats(session: Session, assessments: Sequence[Assessment]) -> dict[int, dict[str, Any]]:
    """Per assessment id, the spreads of the respondents' own scores and the lowest-answer
    counts per question, from one query of the answers."""
    out: dict[int, dict[str, Any]] = {}
    for group in answer_codes(session, assessments=assessments):
        m = group.matrix
        fw = m.framework
        dims, overall = m.respondent_scores()
        keys = [d.id for d, _ in m.spans] + ["overall"]
        scores = np.concatenate([dims, overall[:, None]], axis=1) if m.size else np.zeros((0, len(keys)))
        lowest = fw.answer_keys.index(fw.ranked_keys[0])
        low = m.codes == lowest
        valued = ~np.isnan(m.values)
        owners = group.owners
        for member in group.members:
            rows = owners == member
            sp = {}
            for j, key in enumerate(keys):
                s = spread(score_value(float(v)) for v in scores[rows, j])
                sp[key] = [s.respondents, s.sd]
            low_n = low[rows].sum(axis=0)
            valued_n = valued[rows].sum(axis=0)
            weak = {
                q.id: [int(low_n[j]), int(valued_n[j])] for j, q in enumerate(m.questions) if low_n[j] > 0
            }
            out[assessments[member].id] = {"sp": sp, "weak": weak}
    return out


def compute_bodies(session: Session, rows: Sequence[SummaryRow]) -> dict[int, str]:
    """Summary bodies of ``rows``, computed now (full rows loaded: frozen results included)."""
    wanted = [r.id for r in rows]
    assessments = list(session.scalars(select(Assessment).where(Assessment.id.in_(wanted))))
    results = summary_results(session, assessments=assessments)
    stats = _answer_stats(session, assessments)
    return {
        a.id: _body(
            results[a.id], f"{a.framework_id}@{a.framework_version}", a.question_set, stats.get(a.id, {})
        )
        for a in assessments
    }


def store_summaries(session: Session, pending: Mapping[int, tuple[int, str]]) -> None:
    """Store summaries computed by a read (``pending``: assessment id -> (revision,
    body), :attr:`Scope.pending`) in the caller's write transaction. A newer revision
    already stored by a concurrent page view is kept (the ``where`` on the update)."""
    if not pending:
        return
    values = [
        {
            "assessment_id": aid,
            "kind": KIND,
            "revision": revision,
            "etag": f"{aid}-{revision}-{FORMAT}",
            "body": body,
            "created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        }
        for aid, (revision, body) in pending.items()
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(DerivedResult)
    table = DerivedResult.__table__
    stmt = stmt.on_conflict_do_update(
        index_elements=["assessment_id", "kind"],
        set_={k: stmt.excluded[k] for k in ("revision", "etag", "body", "created_at")},
        where=table.c.revision <= stmt.excluded.revision,
    )
    for start in range(0, len(values), 500):
        session.execute(stmt, values[start : start + 500])


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), IN_LIMIT):
        yield ids[start : start + IN_LIMIT]


def _summaries(
    session: Session, rows: Sequence[SummaryRow], pending: dict[int, tuple[int, str]] | None = None
) -> dict[int, Summary]:
    """The summaries of ``rows``: stored ones at the row's revision, the others computed
    now and stored in ``session``, or left in ``pending`` for the caller to store (a
    read-only session)."""
    stored: dict[int, tuple[int, str]] = {}
    ids = [r.id for r in rows]
    for chunk in _chunks(ids):
        for aid, revision, body in session.connection().execute(
            select(DerivedResult.assessment_id, DerivedResult.revision, DerivedResult.body).where(
                DerivedResult.kind == KIND, DerivedResult.assessment_id.in_(chunk)
            )
        ):
            stored[aid] = (revision, body)
    out: dict[int, Summary] = {}
    stale = []
    for r in rows:
        found = stored.get(r.id)
        summary = None if found is None or found[0] != r.revision else _summary(r, found[1])
        if summary is None:
            stale.append(r)
        else:
            out[r.id] = summary
    for start in range(0, len(stale), IN_LIMIT):
        part = stale[start : start + IN_LIMIT]
        bodies = compute_bodies(session, part)
        computed = {r.id: (r.revision, bodies[r.id]) for r in part if r.id in bodies}
        if pending is None:
            store_summaries(session, computed)
        else:
            pending.update(computed)
        for r in part:
            if r.id in bodies:
                summary = _summary(r, bodies[r.id])
                if summary is not None:
                    out[r.id] = summary
    return out


def _rows(session: Session, unit_ids: Collection[int] | None = None) -> list[SummaryRow]:
    """Every assessment that is not a draft nor archived (of ``unit_ids`` when given), by
    unit, newest first; the columns only, read without the ORM (20,000 rows at 5,000 teams).

    The revision is read before anything derived from it, so a summary is never stored
    under a revision newer than the answers it was computed from."""
    query = select(
        Assessment.id,
        Assessment.unit_id,
        Assessment.title,
        # as text on SQLite, parsed by date.fromisoformat: the dialect's own parsing costs
        # more than the query (PostgreSQL's driver gives dates either way)
        type_coerce(Assessment.date, String),
        Assessment.status,
        Assessment.revision,
    ).where(Assessment.status != "draft", Assessment.archived_at.is_(None))
    small = unit_ids is not None and len(unit_ids) <= IN_LIMIT
    if small and unit_ids is not None:
        query = query.where(Assessment.unit_id.in_(list(unit_ids)))
    query = query.order_by(Assessment.unit_id, Assessment.date.desc(), Assessment.id.desc())
    keep = None if unit_ids is None or small else set(unit_ids)
    out = []
    for aid, unit_id, title, date, status, revision in session.connection().execute(query):
        if keep is None or unit_id in keep:
            when = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date)[:10])
            out.append(SummaryRow(aid, unit_id, title, when, status, revision))
    return out


def assessment_rows(session: Session) -> list[SummaryRow]:
    """Every assessment that is not a draft nor archived, by unit, newest first: the
    columns a summary is read for, its revision included (what moves on with every
    save), in one query."""
    return _rows(session)


def summaries_for(session: Session, *, assessment_ids: Sequence[int]) -> dict[int, Summary]:
    """The summaries of these assessments (drafts and archived ones have none), computed
    and stored when missing or stale."""
    wanted = set(assessment_ids)
    return _summaries(session, [r for r in _rows(session) if r.id in wanted])


def latest_summaries(session: Session, *, unit_ids: Collection[int] | None = None) -> dict[int, Summary]:
    """Per unit id (of ``unit_ids``, or every unit), the summary of its newest assessment
    (by date) that is not a draft and has answers, as
    :func:`~mlops_scorecard.store.results.latest_results` picks it.

    An open assessment nobody has answered yet gives way to the one before it: the
    newest candidates are summarised first, the next only for the units that need it.
    """
    candidates: dict[int, list[SummaryRow]] = {}
    for r in _rows(session, unit_ids):
        candidates.setdefault(r.unit_id, []).append(r)
    found: dict[int, Summary] = {}
    depth = 0
    while True:
        wanted = [rows[depth] for rows in candidates.values() if len(rows) > depth]
        if not wanted:
            return found
        got = _summaries(session, wanted)
        for r in wanted:
            s = got.get(r.id)
            if s is not None and s.respondents:
                found[r.unit_id] = s
                del candidates[r.unit_id]
        depth += 1
