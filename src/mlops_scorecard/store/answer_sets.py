"""A stored assessment as the core takes it: the framework version it is pinned to, and
its answers as core :class:`~mlops_scorecard.answers.AnswerSet` objects.

Revoked respondents are always left out: their answers are not part of any result.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..answers import Answer as CoreAnswer
from ..answers import AnswerSet
from ..answers import Respondent as CoreRespondent
from ..framework import ANSWER_KEYS, AnswerKey, Framework, QuestionSet, get_framework
from .models import Answer, Assessment, Respondent

__all__ = [
    "answer_set",
    "answer_sets_for",
    "assessment_framework",
    "respondents_of",
]


def assessment_framework(assessment: Assessment) -> Framework:
    """The framework version the assessment is pinned to: a built-in one, loaded once per
    process; never a file, whatever files lie in the server's working folder."""
    return get_framework(f"{assessment.framework_id}@{assessment.framework_version}", allow_files=False)


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


def answer_sets_for(
    session: Session, *, assessments: list[Assessment], details: bool = True
) -> dict[int, AnswerSet]:
    """:func:`answer_set` of many assessments in one query (plain rows, no ORM objects).

    Respondents without answers and revoked ones are left out, as in :func:`answer_set`.
    With ``details=False`` comments and evidence are not loaded and answers without them
    share objects: enough for scoring, and several times faster for thousands of answers.
    """
    out: dict[int, AnswerSet] = {}
    if not assessments:
        return out
    people: dict[int, list[CoreRespondent]] = {a.id: [] for a in assessments}
    columns: list[Any] = [
        Respondent.assessment_id,
        Respondent.id,
        Respondent.name,
        Respondent.role,
        Answer.question_id,
    ]
    columns += [Answer.answer, Answer.comment, Answer.evidence] if details else [Answer.answer]
    query = (
        select(*columns)
        .join(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id.in_(list(people)), Respondent.revoked_at.is_(None))
        .order_by(Respondent.assessment_id, Respondent.id, Answer.id)
    )
    # Core execution on the session's connection: ORM row processing would cost more
    # than the whole page may take.
    rows = session.connection().execute(query)
    shared = {
        k: CoreAnswer.model_construct(answer=cast(AnswerKey, k), comment="", evidence=[]) for k in ANSWER_KEYS
    }
    current_id: int | None = None
    current: dict[str, CoreAnswer] = {}
    for row in rows:
        aid, rid, name, role, qid, key = row[:6]
        if rid != current_id:
            current_id, current = rid, {}
            people[aid].append(
                CoreRespondent.model_construct(name=name or "", role=role or "", answers=current)
            )
        if details:
            current[qid] = CoreAnswer.model_construct(
                answer=cast(AnswerKey, key), comment=row[6] or "", evidence=list(row[7] or [])
            )
        else:
            current[qid] = shared.get(key) or CoreAnswer.model_construct(answer=key, comment="", evidence=[])
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
