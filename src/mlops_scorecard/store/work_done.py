"""The work done since the last assessment: the items of its plan marked done, with the
points each was expected to gain, for the next assessment's pages and reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from ..framework import QuestionSet
from .answer_sets import assessment_framework
from .models import Answer, Assessment, Respondent
from .plans import assemble_plan, derived_plan, plan_rows

__all__ = [
    "DoneItem",
    "DoneSince",
    "done_items",
    "done_since",
]


@dataclass(frozen=True)
class DoneItem:
    """A plan item marked done, with the assessment whose plan it belongs to and the
    points it was expected to gain (``None`` when the question is no longer a gap)."""

    assessment_id: int
    assessment_title: str
    assessment_date: dt.date
    question_id: str
    question_text: str
    dimension_id: str
    dimension_title: str
    gain: float | None
    overall_gain: float | None
    owner: str
    note: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class DoneSince:
    """The items done from the plan of ``previous`` (the assessment before), if any."""

    previous: Assessment | None
    items: list[DoneItem]

    def by_dimension(self) -> dict[str, list[DoneItem]]:
        """The items per dimension id, in plan order."""
        out: dict[str, list[DoneItem]] = {}
        for it in self.items:
            out.setdefault(it.dimension_id, []).append(it)
        return out


def done_items(session: Session, *, assessment: Assessment) -> list[DoneItem]:
    """The items of the assessment's plan marked done, in plan order; done items whose
    question is no longer a gap follow (with no gain)."""
    rows = plan_rows(session, assessment=assessment)
    if not any(r.status == "done" for r in rows.values()):
        return []
    tracked = assemble_plan(assessment, derived_plan(session, assessment=assessment), rows)
    fw = assessment_framework(assessment)
    asked = {q.id for _, q in fw.iter_questions(cast(QuestionSet, assessment.question_set))}
    out: list[DoneItem] = []

    def add(key: str, gain: float | None, overall_gain: float | None) -> None:
        found = fw.question(key)
        if found is None or key not in asked:
            return
        dim, q = found
        row = rows[key]
        out.append(
            DoneItem(
                assessment_id=assessment.id,
                assessment_title=assessment.title,
                assessment_date=assessment.date,
                question_id=key,
                question_text=q.text,
                dimension_id=dim.id,
                dimension_title=dim.title,
                gain=gain,
                overall_gain=overall_gain,
                owner=row.owner,
                note=row.note,
                updated_at=row.updated_at,
            )
        )

    for it in tracked.items:
        if it.status == "done":
            add(it.key, it.gain, it.overall_gain)
    for key in tracked.plan.orphans:
        if rows[key].status == "done":
            add(key, None, None)
    return out


def done_since(
    session: Session, *, unit_id: int, before_date: dt.date, before_id: int | None = None
) -> DoneSince:
    """The plan items done since the unit's last assessment before ``before_date``.

    The *last assessment* is the unit's newest assessment with answers dated before
    ``before_date`` (with ``before_id``, also one on that date with a smaller id), and
    the items are those of its plan marked done: the work done between it and the next
    assessment, that the next assessment's scores should show. ``previous`` is ``None``
    when there is no such assessment.
    """
    answered = exists(
        select(Respondent.id)
        .join(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id == Assessment.id, Respondent.revoked_at.is_(None))
    )
    earlier = Assessment.date < before_date
    if before_id is not None:
        earlier = or_(earlier, and_(Assessment.date == before_date, Assessment.id < before_id))
    previous = session.scalar(
        select(Assessment)
        .where(Assessment.unit_id == unit_id, earlier, answered)
        .order_by(Assessment.date.desc(), Assessment.id.desc())
        .limit(1)
    )
    if previous is None:
        return DoneSince(None, [])
    return DoneSince(previous, done_items(session, assessment=previous))
