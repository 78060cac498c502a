"""Storing summaries (:mod:`.summaries`) when results change, rather than when a page
first needs them: a large organization's first view would otherwise compute thousands.

Closing an assessment, importing an answers file and loading the demo call
:func:`refresh_summaries` in their own transaction; ``mlops-scorecard db summaries``
calls :func:`stale_rows` and :func:`refresh_batch` after an upgrade. Open assessments
changed by autosave stay lazy: a page computes the few that are stale, a bounded
number per view (:func:`~.scopes.scope_summaries`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from .models import Assessment, DerivedResult
from .summaries import BODY_HEAD, IN_LIMIT, KIND, SummaryRow, compute_bodies, store_summaries

__all__ = ["refresh_batch", "refresh_summaries", "stale_rows"]


def _summary_rows(session: Session, assessment_ids: Collection[int] | None) -> list[SummaryRow]:
    query = select(
        Assessment.id,
        Assessment.unit_id,
        Assessment.title,
        type_coerce(Assessment.date, String),
        Assessment.status,
        Assessment.revision,
    ).where(Assessment.status != "draft", Assessment.archived_at.is_(None))
    if assessment_ids is not None:
        query = query.where(Assessment.id.in_(list(assessment_ids)))
    out = []
    for aid, unit_id, title, date, status, revision in session.execute(query.order_by(Assessment.id)):
        when = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date)[:10])
        out.append(SummaryRow(aid, unit_id, title, when, status, revision))
    return out


def refresh_batch(session: Session, rows: Sequence[SummaryRow]) -> int:
    """Compute and store the summaries of ``rows`` in the caller's transaction; how many
    were stored."""
    stored = 0
    for start in range(0, len(rows), IN_LIMIT):
        part = rows[start : start + IN_LIMIT]
        bodies = compute_bodies(session, part)
        store_summaries(session, {r.id: (r.revision, bodies[r.id]) for r in part if r.id in bodies})
        stored += sum(1 for r in part if r.id in bodies)
    return stored


def refresh_summaries(session: Session, *, assessment_ids: Collection[int]) -> int:
    """Store the summaries of these assessments at their current revision (drafts and
    archived ones have none), in the caller's transaction: call it after the change and
    its :func:`~.revisions.bump_revision`. How many were stored."""
    if not assessment_ids:
        return 0
    session.flush()  # the revision and frozen result just set are what the summary reads
    ids = list(assessment_ids)
    rows = [
        r
        for start in range(0, len(ids), IN_LIMIT)
        for r in _summary_rows(session, ids[start : start + IN_LIMIT])
    ]
    return refresh_batch(session, rows)


def stale_rows(session: Session) -> list[SummaryRow]:
    """Every assessment (not a draft, not archived) whose stored summary is missing, of
    an older revision or of an older format, by id."""
    query = select(DerivedResult.assessment_id, DerivedResult.revision).where(
        DerivedResult.kind == KIND, DerivedResult.body.startswith(BODY_HEAD, autoescape=True)
    )
    fresh: dict[int, int] = {aid: revision for aid, revision in session.execute(query).all()}  # noqa: C416
    return [r for r in _summary_rows(session, None) if fresh.get(r.id) != r.revision]
