"""Answers as stored: one saved at a time (with revision checks), one respondent's
replaced, an answers file imported; and read back for the survey and the pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..answers import Answer as CoreAnswer
from ..answers import AnswerSet, check_answers
from ..errors import ConflictError, NotFoundError, ScorecardError
from ..framework import Framework, answer_for_choices, choice_problems
from .answer_sets import assessment_framework
from .models import Answer, Assessment, Respondent, utcnow
from .respondents import MAX_RESPONDENTS_PER_ASSESSMENT, make_room
from .revisions import bump_revision

__all__ = [
    "answer_key_for",
    "answered_count",
    "comments_of",
    "import_answer_set",
    "replace_answers",
    "respondent_answers",
    "save_answer",
    "submit",
]


def save_answer(
    session: Session,
    *,
    respondent: Respondent,
    assessment: Assessment,
    question_id: str,
    answer: str = "",
    choices: Sequence[str] | None = None,
    comment: str = "",
    evidence: list[str] | None = None,
    expected_revision: int | None = None,
) -> Answer:
    """Save one answer at once (insert or update).

    ``answer`` is a key of the framework's scale; for a multiple-choice question,
    ``choices`` (the selected choice ids; empty: none selected) may be given instead,
    and the key is the one they give (:func:`answer_key_for`), whatever ``answer`` says.
    ``expected_revision`` is the revision the client last saw (0 for "none yet"); when
    the stored answer has moved on (another tab saved), :class:`ConflictError` is
    raised and nothing changes.
    """
    if assessment.status != "open":
        raise ConflictError(f"this assessment is {assessment.status}; answers cannot be saved")
    fw = assessment_framework(assessment)
    found = fw.question(question_id)
    if found is None:
        raise NotFoundError(f"unknown question {question_id!r}")
    if assessment.question_set == "core" and found[1].set != "core":
        raise ScorecardError(f"question {question_id!r} is not in this assessment's question set")
    answer, choices = answer_key_for(fw, question_id, answer, choices)
    if len(comment) > 5000:
        raise ScorecardError("comment is longer than 5000 characters")
    evidence = [e.strip() for e in (evidence or []) if e.strip()][:50]
    # cached results move on with the answer (a refused save rolls the transaction back)
    bump_revision(session, assessment_id=assessment.id)
    mine = (Answer.respondent_id == respondent.id, Answer.question_id == question_id)
    values = {
        "answer": answer,
        "choices": None if choices is None else list(choices),
        "comment": comment.strip(),
        "evidence": evidence,
    }
    if _update_answer(session, mine, values, expected_revision):
        return _stored_answer(session, mine)
    stored = session.scalar(select(Answer.revision).where(*mine))
    if stored is not None and expected_revision is None and _update_answer(session, mine, values, None):
        # a blind save whose first UPDATE ran just before another's first insert committed
        return _stored_answer(session, mine)
    if stored is not None or expected_revision not in (None, 0):
        # the revision moved on, or the answer the client saw was removed (an upload)
        raise ConflictError(
            f"answer to {question_id!r} was changed elsewhere (revision {stored or 0}, you had "
            f"{expected_revision}); reload to see it"
        )
    row = Answer(respondent_id=respondent.id, question_id=question_id, revision=1, **values)
    try:
        if session.get_bind().dialect.name == "sqlite":
            # One writer at a time (BEGIN IMMEDIATE): no other insert can come between.
            session.add(row)
            session.flush()
        else:
            # Two first saves of the same answer can race (two tabs, a double click):
            # the loser's insert fails on the unique key inside this savepoint only.
            with session.begin_nested():
                session.add(row)
    except IntegrityError:
        if expected_revision is not None or not _update_answer(session, mine, values, None):
            raise ConflictError(
                f"answer to {question_id!r} was just saved elsewhere; reload to see it"
            ) from None
        return _stored_answer(session, mine)
    return row


def answer_key_for(
    framework: Framework, question_id: str, answer: str, choices: Sequence[str] | None
) -> tuple[str, tuple[str, ...] | None]:
    """The key and choices to store for an answer to a question of ``framework``
    (which must exist): ``answer`` checked against the scale, or, when ``choices`` are
    given, checked against the question's choices and the key they give. Raises
    :class:`ScorecardError` (422) naming the allowed keys or choices."""
    found = framework.question(question_id)
    assert found is not None
    question = found[1]
    if choices is None:
        if answer not in framework.scale_keys:
            raise ScorecardError(
                f"unknown answer {answer!r} for {question_id!r} (use {', '.join(framework.scale_keys)})"
            )
        return answer, None
    selected = tuple(choices)
    problems = choice_problems(question, selected)
    if problems:
        raise ScorecardError(f"answer to {question_id!r}: " + "; ".join(problems))
    return answer_for_choices(framework, question, selected).key, selected


def _update_answer(
    session: Session, mine: tuple[Any, ...], values: dict[str, Any], expected_revision: int | None
) -> bool:
    """Update the stored answer in one statement; False when no row matched.

    The revision check is part of the UPDATE's WHERE clause and the increment is done by
    the database, so two concurrent saves cannot both pass a check made on a value read
    earlier: on PostgreSQL the second waits for the first's row lock, then finds the
    revision moved on (no row) or, for a blind save, increments the new value.
    """
    stmt = update(Answer).where(*mine)
    if expected_revision is not None:
        stmt = stmt.where(Answer.revision == expected_revision)
    stmt = stmt.values(**values, revision=Answer.revision + 1, updated_at=utcnow())
    result = session.execute(stmt.execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0))


def _stored_answer(session: Session, mine: tuple[Any, ...]) -> Answer:
    # populate_existing: the session may hold this row as loaded before the UPDATE
    row = session.scalar(select(Answer).where(*mine).execution_options(populate_existing=True))
    assert row is not None
    return row


def submit(session: Session, *, respondent: Respondent, assessment: Assessment) -> Respondent:
    """Mark the respondent's answers as submitted (they may still change them while open)."""
    if assessment.status != "open":
        raise ConflictError(f"this assessment is {assessment.status}; it cannot take submissions")
    respondent.submitted_at = utcnow()
    return respondent


def import_answer_set(
    session: Session,
    *,
    assessment: Assessment,
    answers: AnswerSet,
    source: str = "upload",
    max_respondents: int = MAX_RESPONDENTS_PER_ASSESSMENT,
) -> list[Respondent]:
    """Add every respondent of an answers file to the assessment, in one transaction.

    The file must be for the assessment's framework (and version, when it names one)
    and question set. Respondents whose name already exists are refused, so an upload
    twice does not double the answers; so is a file that would take the assessment
    past ``max_respondents``. Every check is linear in the file's size.
    """
    if assessment.status == "closed":
        raise ConflictError("this assessment is closed; answers can no longer be added")
    fw = assessment_framework(assessment)
    check_answers(answers, fw, source=source)
    if answers.question_set != assessment.question_set:
        raise ScorecardError(
            f"{source}: the file uses the {answers.question_set!r} question set; "
            f"this assessment uses {assessment.question_set!r}"
        )
    try:
        make_room(
            session,
            assessment=assessment,
            adding=len(answers.respondents),
            limit=max_respondents,
            source=source,
        )
    except ConflictError as exc:
        # a file past the limit is a problem with the file (422), as the per-file cap is
        raise ScorecardError(str(exc)) from None
    existing = set(
        session.scalars(
            select(Respondent.name).where(
                Respondent.assessment_id == assessment.id, Respondent.name.is_not(None)
            )
        )
    )
    added = []
    for i, person in enumerate(answers.respondents):
        if person.name and person.name in existing:
            raise ConflictError(
                f"{source}: respondent {person.name!r} already has answers in this assessment"
            )
        r = Respondent(
            assessment_id=assessment.id,
            token_hash=None,
            name=person.name or None,
            role=person.role,
            source="upload",
            submitted_at=utcnow(),
        )
        r.answers = [
            Answer(
                question_id=qid,
                answer=a.answer,
                choices=None if a.choices is None else list(a.choices),
                comment=a.comment,
                evidence=list(a.evidence),
                revision=1,
            )
            for qid, a in person.answers.items()
        ]
        session.add(r)
        added.append(r)
        del i
    bump_revision(session, assessment_id=assessment.id)
    session.flush()
    return added


def respondent_answers(respondent: Respondent) -> dict[str, dict[str, Any]]:
    """A respondent's answers as plain data, with revisions (for the survey page)."""
    return {
        a.question_id: {
            "answer": a.answer,
            "choices": a.choices,
            "comment": a.comment,
            "evidence": a.evidence,
            "revision": a.revision,
        }
        for a in respondent.answers
    }


def answered_count(session: Session, *, respondent: Respondent) -> int:
    """How many questions the respondent has answered (every stored answer counts:
    :func:`save_answer` admits only questions of the assessment's set)."""
    found = session.scalar(
        select(func.count()).select_from(Answer).where(Answer.respondent_id == respondent.id)
    )
    return int(found or 0)


def replace_answers(
    session: Session,
    *,
    respondent: Respondent,
    assessment: Assessment,
    answers: Mapping[str, CoreAnswer],
    role: str = "",
) -> list[Answer]:
    """Replace all of one respondent's answers with ``answers`` (e.g. an uploaded file).

    Answers the file does not hold are removed; the others are saved through
    :func:`save_answer` (revisions move on, so an open survey tab gets a conflict
    instead of overwriting). Runs in the caller's transaction: all or nothing. The
    respondent's ``role`` is set when they have none yet; a name is never taken over.
    """
    if assessment.status != "open":
        raise ConflictError(f"this assessment is {assessment.status}; answers cannot be saved")
    saved = [
        save_answer(
            session,
            respondent=respondent,
            assessment=assessment,
            question_id=qid,
            answer=a.answer,
            choices=a.choices,
            comment=a.comment,
            evidence=list(a.evidence),
        )
        for qid, a in answers.items()
    ]
    for row in session.scalars(select(Answer).where(Answer.respondent_id == respondent.id)):
        if row.question_id not in answers:
            session.delete(row)
    bump_revision(session, assessment_id=assessment.id)
    if role and not respondent.role:
        respondent.role = role.strip()[:100]
    session.flush()
    session.expire(respondent, ["answers"])  # the collection may still hold removed rows
    return saved


def comments_of(session: Session, *, assessment: Assessment) -> dict[str, list[str]]:
    """The comments given per question id (without who gave them), oldest first;
    revoked respondents' comments are left out like their answers."""
    out: dict[str, list[str]] = {}
    for qid, comment in session.execute(
        select(Answer.question_id, Answer.comment)
        .join(Respondent, Answer.respondent_id == Respondent.id)
        .where(
            Respondent.assessment_id == assessment.id,
            Respondent.revoked_at.is_(None),
            Answer.comment != "",
        )
        .order_by(Answer.id)
    ):
        out.setdefault(qid, []).append(comment)
    return out
