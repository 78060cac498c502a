"""An assessment's revision: the one number everything derived from its answers is
cached under (results, analysis, charts, summaries, HTTP ETags).

The revision is not one stored counter. A save does not touch the assessment's row:
on PostgreSQL, 50 respondents saving into one assessment would otherwise queue on that
row's lock (each holds it until its commit, fsync included), so saves would run one
at a time. Instead the revision is read from the answers themselves:

    revision = assessments.revision + sum(answers.revision)    while not closed
             = assessments.revision + sum(respondents.answer_revisions)
    revision = assessments.revision                            once closed

The sum is not read from the answers (54 rows per respondent, 270,000 open ones at 5,000
teams for the organization page's check) but from ``respondents.answer_revisions``, each
respondent's sum of their answers' revisions, which triggers on ``answers`` keep in the
same transaction as the change (migration 0007 says how): the same number, one row per
respondent. A save so writes its respondent's row too, a lock only that respondent's
other saves wait on.

Every save moves one answer's own revision on by one (a first save inserts it at 1), so
the sum moves on with every save, without a shared row. Everything else that changes
what results derive from (answers removed or imported, a respondent revoked or
restored, an agreed answer, targets, profile or question set edited, close, reopen)
calls :func:`bump_revision`, which sets ``assessments.revision`` to the revision as read
now plus one (``A := A + sum + 1``). So the number only ever grows:

- a bump adds at least one, whatever the status becomes in the same transaction
  (closing drops the sum from the formula, which the bump has already folded in);
- removing answers lowers the sum, so whoever removes answers bumps *before* removing
  them (:func:`~mlops_scorecard.store.answers.replace_answers` does): the bump adds
  the sum as it was, more than the removal takes away.

A closed assessment's revision is its column alone: pages of many closed assessments
read no answers for it. Read the revision with :func:`current_revision`,
:func:`current_revisions` or, inside a larger query, :func:`revision_column` (never
``Assessment.revision`` alone, which misses saves), and read it *before* the answers
a derived result is computed from: under READ COMMITTED a save may land between the two
reads, and a result computed from newer answers under an older revision is harmless
(the next reader sees a newer revision), the reverse is not.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from .models import Assessment, Respondent

__all__ = ["bump_revision", "current_revision", "current_revisions", "revision_column"]


def _answer_sum(assessment_id: int) -> ColumnElement[int]:
    """The sum of the answers' own revisions of an assessment (0 without answers), read
    from the respondents' sums the triggers keep."""
    return func.coalesce(
        select(func.sum(Respondent.answer_revisions))
        .where(Respondent.assessment_id == assessment_id)
        .scalar_subquery(),
        0,
    )


def revision_column() -> ColumnElement[int]:
    """The assessments' revision as a column expression for a query over
    ``assessments`` (labelled ``revision``): the stored part alone for closed
    assessments, plus the answers' revisions for the others (computed only for those
    rows). ``Assessment.revision`` is the same expression (a read-only column property)."""
    return Assessment.revision.expression.label("revision")


def bump_revision(session: Session, *, assessment_id: int) -> None:
    """Move the assessment's revision on (in the caller's transaction), so every
    cached derivative of it is stale. One UPDATE computed by the database, so two
    concurrent changes cannot both write the same next value. Call it before removing
    answers, not after (see the module's notes)."""
    session.execute(
        update(Assessment)
        .where(Assessment.id == assessment_id)
        .values(stored_revision=Assessment.stored_revision + _answer_sum(assessment_id) + 1)
        .execution_options(synchronize_session=False)
    )
    # the loaded object's column is stale now; the next access reads it again
    for obj in session.identity_map.values():
        if isinstance(obj, Assessment) and obj.id == assessment_id:
            session.expire(obj, ["stored_revision", "revision"])


def current_revision(session: Session, *, assessment_id: int) -> int:
    """The assessment's revision as stored now (0 for an unknown id), in one query."""
    found = session.scalar(select(revision_column()).where(Assessment.id == assessment_id))
    return int(found or 0)


def current_revisions(session: Session, *, assessment_ids: Iterable[int]) -> dict[int, int]:
    """The revisions of many assessments in one query per 500 ids (unknown ids left out)."""
    ids = list(dict.fromkeys(assessment_ids))
    out: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for aid, revision in session.execute(
            select(Assessment.id, revision_column()).where(Assessment.id.in_(chunk))
        ):
            out[int(aid)] = int(revision)
    return out
