"""Agreed answers of calibration meetings, stored per assessment and question.

The respondents' own answers are never touched: an agreed answer is a row of its own
(``agreed_answers``), and the agreed scores are computed from both
(:func:`~mlops_scorecard.analysis.calibration.calibrate`). Recording, changing or
removing one moves the assessment's revision on and records an audit event
(``calibration.agree``) in the caller's transaction. A closed assessment's results are
frozen, so it refuses them (409) until it is reopened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis.calibration import MAX_NOTE, Agreed, Calibration, agreed_key, calibrate, meeting_agenda
from ..analysis.hotspots import Hotspot
from ..errors import ConflictError, NotFoundError, ScorecardError
from ..framework import Framework, QuestionSet
from ..framework.profiles import profile_effect
from ..matrix import ScoreMatrix
from ..privacy import viewer_answers
from .analysis import assessment_answers
from .answer_sets import answer_set, assessment_framework
from .assessments import lock_assessment
from .audit import record
from .models import AgreedAnswer, Assessment, User, utcnow
from .revisions import bump_revision

__all__ = [
    "ACTION",
    "Meeting",
    "agreed_answers",
    "assessment_calibration",
    "load_meeting",
    "record_agreed",
    "remove_agreed",
]

#: The audit log's action id for every change of an agreed answer.
ACTION = "calibration.agree"


def _agreed(row: AgreedAnswer, username: str | None) -> Agreed:
    return Agreed(
        question_id=row.question_id,
        answer=row.answer,
        choices=None if row.choices is None else tuple(row.choices),
        note=row.note,
        agreed_at=row.agreed_at,
        agreed_by=username or "",
    )


def agreed_answers(session: Session, *, assessment_id: int) -> list[Agreed]:
    """The assessment's agreed answers (with who recorded each), by question id."""
    rows = session.execute(
        select(AgreedAnswer, User.username)
        .outerjoin(User, User.id == AgreedAnswer.agreed_by)
        .where(AgreedAnswer.assessment_id == assessment_id)
        .order_by(AgreedAnswer.question_id)
    )
    return [_agreed(row, name) for row, name in rows]


def _open_for_agreement(session: Session, assessment_id: int) -> Assessment:
    """The assessment, locked for the change; :class:`ConflictError` when closed."""
    a = lock_assessment(session, assessment_id=assessment_id)
    if a.status == "closed":
        raise ConflictError(
            f"assessment {a.id} is closed and its results are frozen; reopen it to record or change agreed answers"
        )
    return a


def _row(session: Session, assessment_id: int, question_id: str) -> AgreedAnswer | None:
    return session.scalar(
        select(AgreedAnswer).where(
            AgreedAnswer.assessment_id == assessment_id, AgreedAnswer.question_id == question_id
        )
    )


def record_agreed(
    session: Session,
    *,
    assessment_id: int,
    question_id: str,
    answer: str,
    choices: Sequence[str] | None = None,
    note: str = "",
    user_id: int | None,
) -> tuple[Agreed, bool]:
    """Record (or change) the answer the meeting agreed on for ``question_id``; returns
    it and whether it is new. :class:`NotFoundError` for an unknown assessment or a
    question outside its set, :class:`ConflictError` when it is closed,
    :class:`ScorecardError` for an answer off the scale or a note too long."""
    a = _open_for_agreement(session, assessment_id)
    fw = assessment_framework(a)
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ScorecardError(f"the note on {question_id!r} is {len(note)} characters; keep it to {MAX_NOTE}")
    effect = profile_effect(fw, a.profile or {}) if fw.profile else None
    key, selected = agreed_key(
        fw,
        cast(QuestionSet, a.question_set),
        question_id,
        answer,
        choices,
        not_applicable=None if effect is None else effect.not_applicable,
    )
    user = None if user_id is None else session.get(User, user_id)
    row = _row(session, a.id, question_id)
    created = row is None
    before = None if row is None else {"answer": row.answer, "note": row.note}
    if row is None:
        row = AgreedAnswer(assessment_id=a.id, question_id=question_id)
        session.add(row)
    row.answer = key
    row.choices = None if selected is None else list(selected)
    row.note = note
    row.agreed_at = utcnow()
    row.agreed_by = None if user is None else user.id
    session.flush()
    bump_revision(session, assessment_id=a.id)
    label = fw.scale[key].label if key in fw.scale else key
    record(
        session,
        user=user,
        action=ACTION,
        summary=f"Agreed answer to {question_id} {'recorded' if created else 'changed'}: {label}",
        assessment_id=a.id,
        unit_id=a.unit_id,
        detail={"question": question_id, "answer": key, "note": note, "before": before},
    )
    return _agreed(row, None if user is None else user.username), created


def remove_agreed(session: Session, *, assessment_id: int, question_id: str, user_id: int | None) -> None:
    """Remove the agreed answer to ``question_id`` (the respondents' answers count again).
    :class:`NotFoundError` when there is none, :class:`ConflictError` when closed."""
    a = _open_for_agreement(session, assessment_id)
    row = _row(session, a.id, question_id)
    if row is None:
        raise NotFoundError(f"assessment {a.id} has no agreed answer to {question_id!r}")
    before = {"answer": row.answer, "note": row.note}
    session.delete(row)
    session.flush()
    bump_revision(session, assessment_id=a.id)
    user = None if user_id is None else session.get(User, user_id)
    record(
        session,
        user=user,
        action=ACTION,
        summary=f"Agreed answer to {question_id} removed",
        assessment_id=a.id,
        unit_id=a.unit_id,
        detail={"question": question_id, "answer": None, "before": before},
    )


def assessment_calibration(
    session: Session, *, assessment: Assessment, matrix: ScoreMatrix | None = None
) -> Calibration:
    """The assessment's individual and agreed scores; ``matrix`` is its score matrix
    when the caller has built it already (the assessment page has)."""
    agreed = agreed_answers(session, assessment_id=assessment.id)
    if matrix is None:
        matrix = ScoreMatrix.build(
            assessment_framework(assessment), answer_set(session, assessment=assessment)
        )
    return calibrate(matrix, agreed)


@dataclass(frozen=True)
class Meeting:
    """What the presentation view needs: the agenda (split questions, largest
    disagreement first), the matrix of the answers as viewers see them (no names, small
    roles merged: the screen is shared) and the calibration so far."""

    framework: Framework
    agenda: list[Hotspot]
    shared: ScoreMatrix
    calibration: Calibration


def load_meeting(session: Session, *, assessment: Assessment) -> Meeting:
    """The meeting of ``assessment`` (answers with their comments, in one query)."""
    fw = assessment_framework(assessment)
    answers = assessment_answers(session, assessment=assessment)
    m = ScoreMatrix.build(fw, answers)
    shown, order = viewer_answers(answers)
    shared = m.take(order, answers=shown)
    # the agenda on the viewers' rows: its comments then carry no names either
    return Meeting(
        fw, meeting_agenda(shared), shared, calibrate(m, agreed_answers(session, assessment_id=assessment.id))
    )
