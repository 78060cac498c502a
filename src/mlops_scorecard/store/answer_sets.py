"""A stored assessment as the core takes it: the framework version it is pinned to, and
its answers as core :class:`~mlops_scorecard.answers.AnswerSet` objects or, for many
assessments at once, as answer codes in score matrices (:func:`answer_codes`).

Revoked respondents are always left out: their answers are not part of any result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from ..answers import Answer as CoreAnswer
from ..answers import AnswerSet
from ..answers import Respondent as CoreRespondent
from ..framework import Framework, QuestionSet, get_framework
from ..matrix import UNANSWERED, ScoreMatrix, key_codes
from .frameworks import resolve
from .models import Answer, Assessment, Respondent

__all__ = [
    "AnswerCodes",
    "answer_codes",
    "answer_set",
    "answer_sets_for",
    "assessment_framework",
    "respondents_of",
]


def assessment_framework(assessment: Assessment) -> Framework:
    """The framework version the assessment is pinned to: a built-in or a published one,
    parsed once per process; never a file, whatever files lie in the server's working folder."""
    ref = f"{assessment.framework_id}@{assessment.framework_version}"
    session = object_session(assessment)
    return get_framework(ref, allow_files=False) if session is None else resolve(session, ref)


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
                        answer=a.answer,
                        choices=None if a.choices is None else tuple(a.choices),
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
        profile=dict(assessment.profile or {}),
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
    columns += (
        [Answer.answer, Answer.comment, Answer.evidence, Answer.choices] if details else [Answer.answer]
    )
    query = (
        select(*columns)
        .join(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id.in_(list(people)), Respondent.revoked_at.is_(None))
        .order_by(Respondent.assessment_id, Respondent.id, Answer.id)
    )
    # Core execution on the session's connection: ORM row processing would cost more
    # than the whole page may take.
    rows = session.connection().execute(query)
    shared: dict[str, CoreAnswer] = {}
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
                answer=key,
                choices=None if row[8] is None else tuple(row[8]),
                comment=row[6] or "",
                evidence=list(row[7] or []),
            )
        else:
            # without details the choices are left out too: scoring reads the key alone
            found = shared.get(key)
            if found is None:
                found = shared[key] = CoreAnswer.model_construct(answer=key, comment="", evidence=[])
            current[qid] = found
    for a in assessments:
        out[a.id] = AnswerSet.model_construct(
            framework=f"{a.framework_id}@{a.framework_version}",
            question_set=cast(QuestionSet, a.question_set),
            unit="",
            title=a.title,
            date=a.date,
            profile=dict(a.profile or {}),
            respondents=people[a.id],
        )
    return out


def _profile_key(assessment: Assessment) -> str:
    return json.dumps(assessment.profile or {}, sort_keys=True)


@dataclass(frozen=True, eq=False)
class AnswerCodes:
    """The answers of the assessments that share one framework version, question set and profile,
    as one score matrix: a row per respondent with answers, in the order the rows came.

    ``members`` are the indexes (into the assessments asked for) of the assessments of
    this group, answered or not; ``owners`` gives each row's assessment, by the same index.
    """

    matrix: ScoreMatrix
    members: list[int]
    owners: npt.NDArray[np.int64]


def answer_codes(session: Session, *, assessments: Sequence[Assessment]) -> list[AnswerCodes]:
    """The answers of many assessments as :class:`AnswerCodes`, one per framework version,
    question set and profile, from one query and no ORM objects (what scoring needs, nothing more).

    Revoked respondents and those without answers have no row; answers to questions
    outside the set, or with keys the scale does not know, are left out as scoring does.
    """
    if not assessments:
        return []
    position = {a.id: i for i, a in enumerate(assessments)}
    # the profile too: it decides which questions are not applicable, column by column
    groups: dict[tuple[str, str, str, str], list[int]] = {}
    for i, a in enumerate(assessments):
        group = (a.framework_id, a.framework_version, a.question_set, _profile_key(a))
        groups.setdefault(group, []).append(i)
    # per group: framework, question set, question index, and the cells as flat lists of
    # numbers (rows are consumed as they come: keeping thousands of row objects alive
    # would cost more in garbage collection than the query itself)
    prepared = []
    group_of: dict[int, int] = {}
    for g, members in enumerate(groups.values()):
        first = assessments[members[0]]
        qset = cast(QuestionSet, first.question_set)
        fw = assessment_framework(first)
        index = {q.id: i for i, (_, q) in enumerate(fw.iter_questions(qset))}
        prepared.append((fw, qset, index, key_codes(fw)))
        for i in members:
            group_of[assessments[i].id] = g
    people: list[dict[int, int]] = [{} for _ in prepared]
    owners: list[list[int]] = [[] for _ in prepared]
    r_idx: list[list[int]] = [[] for _ in prepared]
    q_idx: list[list[int]] = [[] for _ in prepared]
    cells: list[list[int]] = [[] for _ in prepared]
    result = session.connection().execute(
        select(Respondent.assessment_id, Respondent.id, Answer.question_id, Answer.answer)
        .join(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id.in_(list(position)), Respondent.revoked_at.is_(None))
    )
    for aid, rid, qid, key in result:
        g = group_of[aid]
        seen = people[g]
        r = seen.get(rid)
        if r is None:
            r = seen[rid] = len(owners[g])
            owners[g].append(position[aid])
        code = prepared[g][3][key]
        j = prepared[g][2].get(qid)
        if code != UNANSWERED and j is not None:
            r_idx[g].append(r)
            q_idx[g].append(j)
            cells[g].append(code)
    out = []
    for g, ((fw, qset, index, _), members) in enumerate(zip(prepared, groups.values(), strict=True)):
        codes = np.full((len(owners[g]), len(index)), UNANSWERED, dtype=np.int8)
        codes[r_idx[g], q_idx[g]] = cells[g]
        # the same matrix as score() builds from an answer set: the same values and formulas
        profile = assessments[members[0]].profile
        matrix = ScoreMatrix.from_codes(fw, qset, codes, profile=profile)
        out.append(AnswerCodes(matrix, members, np.array(owners[g], dtype=np.int64)))
    return out
