"""An assessment's revision: the one number everything derived from its answers is
cached under (results, analysis, charts, summaries, HTTP ETags). Any change to what
results are computed from moves it on: an answer saved or removed, a respondent
revoked or restored, an agreed answer recorded, the targets, profile or question set
edited, the assessment closed or reopened."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Assessment

__all__ = ["bump_revision", "current_revision"]


def bump_revision(session: Session, *, assessment_id: int) -> None:
    """Move the assessment's revision on (in the caller's transaction), so every
    cached derivative of it is stale. One UPDATE, incremented by the database, so two
    concurrent changes cannot both write the same next value."""
    session.execute(
        update(Assessment)
        .where(Assessment.id == assessment_id)
        .values(revision=Assessment.revision + 1)
        .execution_options(synchronize_session=False)
    )


def current_revision(session: Session, *, assessment_id: int) -> int:
    """The assessment's revision as stored now (not a value the session loaded earlier)."""
    found = session.scalar(select(Assessment.revision).where(Assessment.id == assessment_id))
    return int(found or 0)
