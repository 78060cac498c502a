"""Answers as stored: one saved at a time (with revision checks), one respondent's
replaced, an answers file imported; and read back for the survey and the pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..answers import Answer as CoreAnswer
from ..answers import AnswerSet, check_answers
from ..errors import ConflictError, ScorecardError
from .answer_sets import assessment_framework
from .models import Answer, Assessment, Respondent, utcnow
from .respondents import MAX_RESPONDENTS_PER_ASSESSMENT, make_room
from .revisions import bump_revision
from .saving import SavedAnswer, SaveTarget, answer_key_for, store_answer

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


def target_of(respondent: Respondent, assessment: Assessment) -> SaveTarget:
    """What :func:`~.saving.store_answer` needs of loaded rows."""
    return SaveTarget(
        respondent_id=respondent.id,
        answered=respondent.answered,
        assessment_id=assessment.id,
        status=assessment.status,
        framework_ref=f"{assessment.framework_id}@{assessment.framework_version}",
        question_set=assessment.question_set,
        profile=assessment.profile,
    )


__all__ += ["target_of"]


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
) -> SavedAnswer:
    """Save one answer at once (insert or update) for loaded rows: the statements of
    :func:`~.saving.store_answer`, with the session's copies of the respondent (its
    ``answered``) and of the answer kept as stored.

    ``answer`` is a key of the framework's scale; for a multiple-choice question,
    ``choices`` (the selected choice ids; empty: none selected) may be given instead,
    and the key is the one they give (:func:`answer_key_for`), whatever ``answer`` says.
    ``expected_revision`` is the revision the client last saw (0 for "none yet"); when
    the stored answer has moved on (another tab saved), :class:`ConflictError` is
    raised and nothing changes.
    """
    saved = store_answer(
        session,
        target=target_of(respondent, assessment),
        question_id=question_id,
        answer=answer,
        choices=choices,
        comment=comment,
        evidence=evidence,
        expected_revision=expected_revision,
        framework=assessment_framework(assessment),
    )
    _keep_session_current(session, respondent, saved)
    return saved


def _keep_session_current(session: Session, respondent: Respondent, saved: SavedAnswer) -> None:
    # The save ran as Core statements: the session's objects do not know about it.
    set_committed_value(respondent, "answered", saved.answered)
    for obj in session.identity_map.values():
        if isinstance(obj, Answer) and obj.id == saved.id:
            for name in ("answer", "choices", "comment", "evidence", "revision", "updated_at"):
                set_committed_value(obj, name, getattr(saved, name))
    if saved.first and "answers" in respondent.__dict__:
        session.expire(respondent, ["answers"])  # the new row is not in the loaded list


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
            answered=len(person.answers),
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
    session.flush()
    bump_revision(session, assessment_id=assessment.id)
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
    """How many answers the respondent has stored, as the save path keeps it
    (``respondents.answered``; no count of the answers)."""
    found = session.scalar(select(Respondent.answered).where(Respondent.id == respondent.id))
    return int(found or 0)


def replace_answers(
    session: Session,
    *,
    respondent: Respondent,
    assessment: Assessment,
    answers: Mapping[str, CoreAnswer],
    role: str = "",
) -> list[SavedAnswer]:
    """Replace all of one respondent's answers with ``answers`` (e.g. an uploaded file).

    Answers the file does not hold are removed; the others are saved as blind saves
    (revisions move on, so an open survey tab gets a conflict instead of overwriting).
    Runs in the caller's transaction: all or nothing. The respondent's ``role`` is set
    when they have none yet; a name is never taken over.
    """
    if assessment.status != "open":
        raise ConflictError(f"this assessment is {assessment.status}; answers cannot be saved")
    # before the removals: the bump folds in the answers' revisions as they are now
    bump_revision(session, assessment_id=assessment.id)
    target = target_of(respondent, assessment)
    framework = assessment_framework(assessment)
    saved = [
        store_answer(
            session,
            target=target,
            question_id=qid,
            answer=a.answer,
            choices=a.choices,
            comment=a.comment,
            evidence=list(a.evidence),
            framework=framework,
        )
        for qid, a in answers.items()
    ]
    for one in saved:
        _keep_session_current(session, respondent, one)
    removal = delete(Answer).where(Answer.respondent_id == respondent.id)
    if answers:
        removal = removal.where(Answer.question_id.notin_(list(answers)))
    session.execute(removal.execution_options(synchronize_session=False))
    counted = select(func.count()).select_from(Answer).where(Answer.respondent_id == respondent.id)
    session.execute(
        update(Respondent)
        .where(Respondent.id == respondent.id)
        .values(answered=counted.scalar_subquery())
        .execution_options(synchronize_session=False)
    )
    if role and not respondent.role:
        respondent.role = role.strip()[:100]
    session.flush()
    session.expire(respondent, ["answers", "answered"])  # removed and added rows
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
