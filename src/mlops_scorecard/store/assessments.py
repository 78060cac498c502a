"""Assessments: a unit, a pinned framework version and question set, a status."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..answers import Answer as CoreAnswer
from ..answers import AnswerSet
from ..answers import Respondent as CoreRespondent
from ..errors import ConflictError, NotFoundError, ScorecardError
from ..framework import AnswerKey, Framework, QuestionSet, get_framework
from ..scoring import ScoreResult, score
from .models import Assessment, Respondent, utcnow
from .units import get_unit

__all__ = [
    "STATUSES",
    "answer_set",
    "assessment_framework",
    "create_assessment",
    "get_assessment",
    "list_assessments",
    "result_for",
    "set_status",
    "update_assessment",
]

STATUSES = ("draft", "open", "closed")


def _check_targets(framework: Framework, targets: dict[str, Any] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in (targets or {}).items():
        if framework.dimension(key) is None:
            raise ScorecardError(f"targets: unknown dimension {key!r}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ScorecardError(f"targets.{key}: must be a number from 0 to 100")
        out[key] = float(value)
    return out


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
) -> Assessment:
    """Create an assessment pinned to a framework version (the newest when none is given)."""
    get_unit(session, unit_id=unit_id)
    fw = get_framework(framework)
    title = title.strip()
    if not title or len(title) > 200:
        raise ScorecardError("title must be 1 to 200 characters")
    if question_set not in ("core", "full"):
        raise ScorecardError("question_set must be 'core' or 'full'")
    if status not in ("draft", "open"):
        raise ScorecardError("a new assessment is 'draft' or 'open'")
    a = Assessment(
        unit_id=unit_id,
        framework_id=fw.id,
        framework_version=fw.version,
        question_set=question_set,
        title=title,
        date=date or dt.date.today(),
        status=status,
        targets=_check_targets(fw, targets),
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


def list_assessments(session: Session, *, unit_ids: list[int] | None = None) -> list[Assessment]:
    """Assessments (of some units), oldest first by date."""
    query = select(Assessment).order_by(Assessment.date, Assessment.id)
    if unit_ids is not None:
        query = query.where(Assessment.unit_id.in_(unit_ids))
    return list(session.scalars(query))


def assessment_framework(assessment: Assessment) -> Framework:
    """The framework version the assessment is pinned to."""
    return get_framework(f"{assessment.framework_id}@{assessment.framework_version}")


def update_assessment(
    session: Session,
    *,
    assessment: Assessment,
    title: str | None = None,
    date: dt.date | None = None,
    targets: dict[str, Any] | None = None,
) -> Assessment:
    """Change title, date or targets; a closed assessment is frozen."""
    if assessment.status == "closed":
        raise ConflictError(f"assessment {assessment.id} is closed; reopen it to change it")
    if title is not None:
        if not title.strip() or len(title) > 200:
            raise ScorecardError("title must be 1 to 200 characters")
        assessment.title = title.strip()
    if date is not None:
        assessment.date = date
    if targets is not None:
        assessment.targets = _check_targets(assessment_framework(assessment), targets)
    return assessment


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
    return assessment


def respondents_of(session: Session, *, assessment: Assessment) -> list[Respondent]:
    """The assessment's respondents with their answers, in the order they joined."""
    return list(
        session.scalars(
            select(Respondent)
            .where(Respondent.assessment_id == assessment.id, Respondent.revoked_at.is_(None))
            .options(selectinload(Respondent.answers))
            .order_by(Respondent.id)
        )
    )


def answer_set(session: Session, *, assessment: Assessment, only_with_answers: bool = True) -> AnswerSet:
    """The assessment as a core answer set (what scoring, reports and export use).

    Anonymous respondents get no name; reports call them "respondent N".
    """
    people = []
    for r in respondents_of(session, assessment=assessment):
        if only_with_answers and not r.answers:
            continue
        people.append(
            CoreRespondent.model_construct(
                name=r.name or "",
                role=r.role or "",
                answers={
                    a.question_id: CoreAnswer.model_construct(
                        answer=cast(AnswerKey, a.answer),
                        comment=a.comment or "",
                        evidence=list(a.evidence or []),
                    )
                    for a in r.answers
                },
            )
        )
    return AnswerSet.model_construct(
        framework=f"{assessment.framework_id}@{assessment.framework_version}",
        question_set=cast(QuestionSet, assessment.question_set),
        unit=assessment.unit.name,
        title=assessment.title,
        date=assessment.date,
        respondents=people,
    )


def score_assessment(session: Session, *, assessment: Assessment) -> ScoreResult:
    """Score the assessment's current answers."""
    return score(assessment_framework(assessment), answer_set(session, assessment=assessment))


def result_for(session: Session, *, assessment: Assessment) -> dict[str, Any]:
    """The result as plain data: frozen for a closed assessment, computed otherwise."""
    if assessment.status == "closed" and assessment.frozen_result is not None:
        return assessment.frozen_result
    return score_assessment(session, assessment=assessment).to_dict()
