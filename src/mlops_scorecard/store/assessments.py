"""Assessments: a unit, a pinned framework version and question set, a status; edited,
archived and deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from ..analysis.targets import check_targets
from ..errors import ConflictError, FrameworkError, NotFoundError, ScorecardError
from ..framework import Framework
from ..framework.profiles import check_profile
from .answer_sets import assessment_framework
from .frameworks import resolve
from .models import Answer, Assessment, Respondent, utcnow
from .results import score_assessment
from .revisions import bump_revision
from .summary_refresh import refresh_summaries
from .units import default_targets_for, get_unit

__all__ = [
    "STATUSES",
    "archive_assessment",
    "create_assessment",
    "delete_assessment",
    "get_assessment",
    "has_answers",
    "list_assessments",
    "lock_assessment",
    "set_status",
    "update_assessment",
]

STATUSES = ("draft", "open", "closed")


def _check_targets(framework: Framework, targets: dict[str, Any] | None) -> dict[str, float]:
    # given in the framework's unit (points when it counts them), stored on 0-100
    return check_targets(framework, targets or {})


def _check_profile(framework: Framework, profile: Mapping[str, Any] | None) -> dict[str, str] | None:
    """The context answers as stored (``None``: none), or a :class:`ScorecardError`
    naming the unknown question or option and what this framework allows."""
    if not profile:
        return None
    bad = [k for k, v in profile.items() if not isinstance(k, str) or not isinstance(v, str)]
    if bad:
        raise ScorecardError(f"profile.{bad[0]}: the answer must be an option id (text)")
    try:
        check_profile(framework, profile)
    except FrameworkError as exc:
        raise ScorecardError(exc.problems) from None
    # what was chosen, not the defaults: a default stays the framework's to change
    return {str(k): str(v) for k, v in profile.items()}


def create_assessment(
    session: Session,
    *,
    unit_id: int,
    title: str,
    date: dt.date | None = None,
    framework: str = "mlops-scorecard",
    question_set: str = "core",
    targets: dict[str, Any] | None = None,
    status: str = "draft",
    profile: Mapping[str, Any] | None = None,
) -> Assessment:
    """Create an assessment pinned to a framework version, built-in or published (the
    newest when no version is given), with its ``profile``: context question id ->
    option id of that framework. ``targets`` are in the framework's unit (points out of
    its ``points`` when it counts points, else 0-100) and stored on 0-100; ``None``
    takes the default targets of the nearest unit up the tree that has some (those of
    the framework's dimensions)."""
    unit = get_unit(session, unit_id=unit_id)
    if unit.archived_at is not None:
        raise ConflictError(f"unit {unit.name!r} is archived; restore it to add assessments")
    fw = resolve(session, framework, lock=True)
    title = title.strip()
    if not title or len(title) > 200:
        raise ScorecardError("title must be 1 to 200 characters")
    if question_set not in ("core", "full"):
        raise ScorecardError("question_set must be 'core' or 'full'")
    if status not in ("draft", "open"):
        raise ScorecardError("a new assessment is 'draft' or 'open'")
    if targets is None:
        inherited, _ = default_targets_for(session, unit_id=unit_id)
        stored = {d.id: inherited[d.id] for d in fw.dimensions if d.id in inherited}
    else:
        stored = _check_targets(fw, targets)
    a = Assessment(
        unit_id=unit_id,
        framework_id=fw.id,
        framework_version=fw.version,
        question_set=question_set,
        title=title,
        date=date or dt.date.today(),
        status=status,
        targets=stored,
        profile=_check_profile(fw, profile),
    )
    session.add(a)
    session.flush()
    return a


def get_assessment(session: Session, *, assessment_id: int) -> Assessment:
    """The assessment with this id, or :class:`NotFoundError`."""
    a = session.get(Assessment, assessment_id)
    if a is None:
        raise NotFoundError(f"no assessment {assessment_id}")
    return a


def list_assessments(
    session: Session, *, unit_ids: list[int] | None = None, archived: bool | None = False
) -> list[Assessment]:
    """Assessments (of some units), oldest first by date: those not archived
    (``archived=True``: only the archived ones; ``None``: all)."""
    query = select(Assessment).order_by(Assessment.date, Assessment.id)
    if unit_ids is not None:
        query = query.where(Assessment.unit_id.in_(unit_ids))
    if archived is not None:
        query = query.where(
            Assessment.archived_at.is_not(None) if archived else Assessment.archived_at.is_(None)
        )
    return list(session.scalars(query))


def has_answers(session: Session, *, assessment_id: int) -> bool:
    """Whether anyone (revoked respondents too) has an answer stored in the assessment."""
    found = session.scalar(
        select(Answer.id)
        .join(Respondent, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id == assessment_id)
        .limit(1)
    )
    return found is not None


def update_assessment(
    session: Session,
    *,
    assessment: Assessment,
    title: str | None = None,
    date: dt.date | None = None,
    targets: dict[str, Any] | None = None,
    profile: Mapping[str, Any] | None = None,
    question_set: str | None = None,
) -> list[str]:
    """Change title, date, targets, the profile (``profile`` replaces every context
    answer; ``{}`` clears them) or the question set (only while nobody has answered:
    answers given to one set would be read against another). A closed assessment is
    frozen. Returns the names of the fields that changed; a change the results derive
    from (targets, profile, question set) moves the assessment's revision on."""
    if assessment.status == "closed":
        raise ConflictError(f"assessment {assessment.id} is closed; reopen it to change it")
    changed: list[str] = []
    if question_set is not None and question_set != assessment.question_set:
        if question_set not in ("core", "full"):
            raise ScorecardError("question_set must be 'core' or 'full'")
        if has_answers(session, assessment_id=assessment.id):
            raise ConflictError(
                f"assessment {assessment.id} has answers; the question set can change only while nobody has answered"
            )
    if title is not None:
        title = title.strip()  # as create_assessment: the limit is on the title kept
        if not title or len(title) > 200:
            raise ScorecardError("title must be 1 to 200 characters")
        if title != assessment.title:
            assessment.title = title
            changed.append("title")
    if date is not None and date != assessment.date:
        assessment.date = date
        changed.append("date")
    if targets is not None:
        checked = _check_targets(assessment_framework(assessment), targets)
        if checked != (assessment.targets or {}):
            assessment.targets = checked
            changed.append("targets")
    if profile is not None:
        kept = _check_profile(assessment_framework(assessment), profile)
        if kept != assessment.profile:
            assessment.profile = kept
            changed.append("profile")
    if question_set is not None and question_set != assessment.question_set:
        assessment.question_set = question_set
        changed.append("question_set")
    if {"targets", "profile", "question_set"} & set(changed):
        bump_revision(session, assessment_id=assessment.id)
    return changed


def archive_assessment(session: Session, *, assessment: Assessment, archived: bool = True) -> bool:
    """Archive an assessment (hidden from lists, trends and roll-ups; its page, answers
    and results stay) or restore it. Returns whether anything changed."""
    if (assessment.archived_at is not None) == archived:
        return False
    if not archived and assessment.unit.archived_at is not None:
        raise ConflictError(f"unit {assessment.unit.name!r} is archived; restore it first")
    assessment.archived_at = utcnow() if archived else None
    return True


def delete_assessment(session: Session, *, assessment: Assessment) -> None:
    """Delete an assessment with its respondents, answers, links, plan and evidence
    (the database's cascades); the audit log keeps its events."""
    session.delete(assessment)
    session.flush()


def set_status(session: Session, *, assessment: Assessment, status: str) -> Assessment:
    """Open, close or reopen. Closing freezes the answers and stores the result."""
    if status not in STATUSES:
        raise ScorecardError(f"unknown status {status!r} (use {', '.join(STATUSES)})")
    if status == assessment.status:
        return assessment
    if status == "draft" and assessment.status == "closed":
        raise ConflictError("a closed assessment can be reopened, not turned back into a draft")
    if status == "closed":
        assessment.frozen_result = score_assessment(session, assessment=assessment).to_dict()
        assessment.closed_at = utcnow()
    else:
        assessment.frozen_result = None
        assessment.closed_at = None
    assessment.status = status
    bump_revision(session, assessment_id=assessment.id)
    if status == "closed":
        # the frozen result is at hand: its summary now costs little, where a large
        # organization's page computing it later would cost a page view
        refresh_summaries(session, assessment_ids=[assessment.id])
    return assessment


def lock_assessment(session: Session, *, assessment_id: int) -> Assessment:
    """Lock an assessment for the rest of the transaction and load it fresh.

    A check followed by a write (no respondent of that name yet, then add them) must not
    interleave with the same in another transaction. A no-op ``UPDATE`` of the row takes
    PostgreSQL's row lock, and on SQLite the database's write lock (waiting up to the busy
    timeout), so a second transaction doing the same waits here and then sees the first's
    rows. Call it before the check. :class:`NotFoundError` for an unknown id.
    """
    result = session.execute(
        update(Assessment)
        .where(Assessment.id == assessment_id)
        .values(status=Assessment.status)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount == 0:
        raise NotFoundError(f"no assessment {assessment_id}")
    a = session.get(Assessment, assessment_id, populate_existing=True)
    if a is None:  # pragma: no cover - deleted between the two statements is impossible under the lock
        raise NotFoundError(f"no assessment {assessment_id}")
    return a
