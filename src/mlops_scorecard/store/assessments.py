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
    "answer_sets_for",
    "assessment_framework",
    "create_assessment",
    "get_assessment",
    "latest_results",
    "list_assessments",
    "result_for",
    "results_for",
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


def answer_sets_for(session: Session, *, assessments: list[Assessment]) -> dict[int, AnswerSet]:
    """:func:`answer_set` of many assessments in one query (plain rows, no ORM objects).

    Respondents without answers and revoked ones are left out, as in :func:`answer_set`.
    """
    from .models import Answer

    out: dict[int, AnswerSet] = {}
    if not assessments:
        return out
    people: dict[int, list[CoreRespondent]] = {a.id: [] for a in assessments}
    rows = session.execute(
        select(
            Respondent.assessment_id,
            Respondent.id,
            Respondent.name,
            Respondent.role,
            Answer.question_id,
            Answer.answer,
            Answer.comment,
            Answer.evidence,
        )
        .join(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id.in_(list(people)), Respondent.revoked_at.is_(None))
        .order_by(Respondent.assessment_id, Respondent.id, Answer.id)
    )
    current_id: int | None = None
    current: dict[str, CoreAnswer] = {}
    for aid, rid, name, role, qid, key, comment, evidence in rows:
        if rid != current_id:
            current_id, current = rid, {}
            people[aid].append(CoreRespondent.model_construct(name=name or "", role=role or "", answers=current))
        current[qid] = CoreAnswer.model_construct(
            answer=cast(AnswerKey, key), comment=comment or "", evidence=list(evidence or [])
        )
    for a in assessments:
        out[a.id] = AnswerSet.model_construct(
            framework=f"{a.framework_id}@{a.framework_version}",
            question_set=cast(QuestionSet, a.question_set),
            unit="",
            title=a.title,
            date=a.date,
            respondents=people[a.id],
        )
    return out


def results_for(session: Session, *, assessments: list[Assessment]) -> dict[int, dict[str, Any]]:
    """:func:`result_for` of many assessments: frozen results as stored, the rest scored
    from answers loaded in one query."""
    out: dict[int, dict[str, Any]] = {}
    live = []
    for a in assessments:
        if a.status == "closed" and a.frozen_result is not None:
            out[a.id] = a.frozen_result
        else:
            live.append(a)
    sets = answer_sets_for(session, assessments=live)
    for a in live:
        out[a.id] = score(assessment_framework(a), sets[a.id]).to_dict()
    return out


def latest_results(session: Session) -> dict[int, tuple[Assessment, dict[str, Any]]]:
    """Per unit id, its newest assessment (by date) that has answers, with its result.

    Drafts are skipped; an open assessment nobody has answered yet gives way to the one
    before it. A few queries whatever the number of units.
    """
    candidates: dict[int, list[int]] = {}
    for aid, unit_id in session.execute(
        select(Assessment.id, Assessment.unit_id)
        .where(Assessment.status != "draft")
        .order_by(Assessment.unit_id, Assessment.date.desc(), Assessment.id.desc())
    ):
        candidates.setdefault(unit_id, []).append(aid)
    found: dict[int, tuple[Assessment, dict[str, Any]]] = {}
    depth = 0
    while True:
        wanted = [ids[depth] for ids in candidates.values() if len(ids) > depth]
        if not wanted:
            return found
        batch = list(session.scalars(select(Assessment).where(Assessment.id.in_(wanted))))
        results = results_for(session, assessments=batch)
        for a in batch:
            if results[a.id].get("respondent_count"):
                found[a.unit_id] = (a, results[a.id])
                del candidates[a.unit_id]
        depth += 1
