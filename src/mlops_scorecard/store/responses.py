"""Invitations, respondents and their answers; import and export of answers files.

A named invitation is a respondent row with a personal token. A shared link is
anonymous: each visitor becomes a new respondent with no name and a personal token of
their own. Tokens are stored hashed; the plain token is shown once, in the link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..answers import Answer as CoreAnswer
from ..answers import AnswerSet, check_answers
from ..errors import ConflictError, NotFoundError, ScorecardError
from ..framework import ANSWER_KEYS
from . import throttle
from .answer_sets import assessment_framework
from .models import Answer, Assessment, Respondent, ShareLink, utcnow
from .throttle import JoinThrottle
from .tokens import hash_token, new_token

__all__ = [
    "MAX_LINK_RESPONDENTS",
    "MAX_RESPONDENTS_PER_ASSESSMENT",
    "answered_count",
    "comments_of",
    "create_invitation",
    "create_share_link",
    "import_answer_set",
    "join_shared",
    "list_share_links",
    "named_respondent",
    "progress_of",
    "replace_answers",
    "respondent_for_token",
    "revoke_respondent",
    "revoke_share_link",
    "save_answer",
    "share_link_for_token",
    "submit",
]


def _writable(assessment: Assessment) -> None:
    if assessment.status == "closed":
        raise ConflictError("this assessment is closed; answers can no longer change")


#: Respondents an assessment may hold in all (the web service's setting
#: ``MLOPS_SCORECARD_MAX_RESPONDENTS_PER_ASSESSMENT`` changes it).
MAX_RESPONDENTS_PER_ASSESSMENT = 10_000


def _make_room(session: Session, *, assessment: Assessment, adding: int, limit: int, source: str) -> None:
    """Refuse ``adding`` more respondents when the assessment would pass ``limit``."""
    held = int(
        session.scalar(
            select(func.count()).select_from(Respondent).where(Respondent.assessment_id == assessment.id)
        )
        or 0
    )
    if held + adding > limit:
        raise ConflictError(
            f"{source}: the assessment has {held:,} respondents and this adds {adding:,}; "
            f"the limit is {limit:,} per assessment (MLOPS_SCORECARD_MAX_RESPONDENTS_PER_ASSESSMENT)"
        )


def create_invitation(
    session: Session,
    *,
    assessment: Assessment,
    name: str = "",
    role: str = "",
    max_respondents: int = MAX_RESPONDENTS_PER_ASSESSMENT,
) -> tuple[Respondent, str]:
    """A personal invitation: a respondent and the token of their link (shown once).
    Refused (409) when the assessment already holds ``max_respondents``."""
    _writable(assessment)
    _make_room(session, assessment=assessment, adding=1, limit=max_respondents, source="invitation")
    token = new_token()
    r = Respondent(
        assessment_id=assessment.id,
        token_hash=hash_token(token),
        name=name.strip()[:200] or None,
        role=role.strip()[:100],
        source="invitation",
    )
    session.add(r)
    session.flush()
    return r, token


#: The largest cap a shared link may have.
MAX_LINK_RESPONDENTS = 100_000


def create_share_link(
    session: Session, *, assessment: Assessment, max_respondents: int | None = None
) -> tuple[ShareLink, str]:
    """A shared link: everyone who opens it answers anonymously (no name stored).

    ``max_respondents`` caps how many respondents it admits (``None``: no cap).
    """
    _writable(assessment)
    if max_respondents is not None and not 1 <= max_respondents <= MAX_LINK_RESPONDENTS:
        raise ScorecardError(f"the most respondents of a shared link must be 1 to {MAX_LINK_RESPONDENTS}")
    token = new_token()
    link = ShareLink(
        assessment_id=assessment.id, token_hash=hash_token(token), max_respondents=max_respondents, joined=0
    )
    session.add(link)
    session.flush()
    return link, token


def revoke_share_link(session: Session, *, assessment: Assessment, link_id: int) -> ShareLink:
    """Stop a shared link from admitting new respondents (answers given stay)."""
    link = session.get(ShareLink, link_id)
    if link is None or link.assessment_id != assessment.id:
        raise NotFoundError(f"no shared link {link_id} in assessment {assessment.id}")
    link.revoked_at = link.revoked_at or utcnow()
    return link


def revoke_respondent(session: Session, *, assessment: Assessment, respondent_id: int) -> Respondent:
    """Invalidate a respondent's link and leave their answers out of the results."""
    r = session.get(Respondent, respondent_id)
    if r is None or r.assessment_id != assessment.id:
        raise NotFoundError(f"no respondent {respondent_id} in assessment {assessment.id}")
    _writable(assessment)
    r.revoked_at = r.revoked_at or utcnow()
    return r


def join_shared(
    session: Session,
    *,
    token: str,
    role: str = "",
    client: str = "",
    rules: JoinThrottle | None = None,
    max_respondents: int = MAX_RESPONDENTS_PER_ASSESSMENT,
) -> tuple[Respondent, str]:
    """Admit a new anonymous respondent through a shared link's token.

    Joins are throttled per (link, ``client`` address) and per link (429); a link with
    a cap, or an assessment holding ``max_respondents``, admits no one more (409).
    """
    link, assessment = share_link_for_token(session, token=token)
    if assessment.status != "open":
        raise ConflictError(f"this assessment is {assessment.status}, not open for answers")
    # Joins through one link take turns (a row lock on PostgreSQL; SQLite has one writer
    # already): otherwise parallel joins all count the same recent joins and pass the limits.
    session.execute(select(ShareLink.id).where(ShareLink.id == link.id).with_for_update())
    _make_room(session, assessment=assessment, adding=1, limit=max_respondents, source="shared link")
    keys = throttle.check_joins(session, link_id=link.id, client=client, rules=rules or JoinThrottle())
    # One conditional UPDATE: two visitors at the same moment cannot both take the last place.
    taken = session.execute(
        update(ShareLink)
        .where(
            ShareLink.id == link.id,
            or_(ShareLink.max_respondents.is_(None), ShareLink.joined < ShareLink.max_respondents),
        )
        .values(joined=ShareLink.joined + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) != 1:
        raise ConflictError(
            f"this shared link is full: it admits {link.max_respondents} respondents and all have joined; "
            "ask the facilitator for a new link"
        )
    throttle.record(session, keys=keys)
    personal = new_token()
    r = Respondent(
        assessment_id=assessment.id,
        token_hash=hash_token(personal),
        name=None,
        role=role[:100],
        source="shared",
    )
    session.add(r)
    session.flush()
    return r, personal


def respondent_for_token(session: Session, *, token: str) -> tuple[Respondent, Assessment]:
    """The respondent behind a personal link, with their assessment."""
    if not token or len(token) > 200:
        raise NotFoundError("this link is not valid")
    # One query for both: this runs on every autosave.
    row = session.execute(
        select(Respondent, Assessment)
        .join(Assessment, Assessment.id == Respondent.assessment_id)
        .where(Respondent.token_hash == hash_token(token))
    ).first()
    if row is None or row[0].revoked_at is not None:
        raise NotFoundError("this link is not valid (it may have been revoked)")
    return row[0], row[1]


def save_answer(
    session: Session,
    *,
    respondent: Respondent,
    assessment: Assessment,
    question_id: str,
    answer: str,
    comment: str = "",
    evidence: list[str] | None = None,
    expected_revision: int | None = None,
) -> Answer:
    """Save one answer at once (insert or update).

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
    if answer not in ANSWER_KEYS or answer not in fw.scale:
        raise ScorecardError(
            f"unknown answer {answer!r} (use {', '.join(k for k in ANSWER_KEYS if k in fw.scale)})"
        )
    if len(comment) > 5000:
        raise ScorecardError("comment is longer than 5000 characters")
    evidence = [e.strip() for e in (evidence or []) if e.strip()][:50]
    mine = (Answer.respondent_id == respondent.id, Answer.question_id == question_id)
    values = {"answer": answer, "comment": comment.strip(), "evidence": evidence}
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
        _make_room(
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
    return added


def respondent_answers(respondent: Respondent) -> dict[str, dict[str, Any]]:
    """A respondent's answers as plain data, with revisions (for the survey page)."""
    return {
        a.question_id: {
            "answer": a.answer,
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


def share_link_for_token(session: Session, *, token: str) -> tuple[ShareLink, Assessment]:
    """The valid (not revoked) shared link behind ``token``, with its assessment; admits nobody."""
    if not token or len(token) > 200:
        raise NotFoundError("this link is not valid")
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    if link is None or link.revoked_at is not None:
        raise NotFoundError("this link is not valid (it may have been revoked)")
    assessment = session.get(Assessment, link.assessment_id)
    assert assessment is not None
    return link, assessment


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
            comment=a.comment,
            evidence=list(a.evidence),
        )
        for qid, a in answers.items()
    ]
    for row in session.scalars(select(Answer).where(Answer.respondent_id == respondent.id)):
        if row.question_id not in answers:
            session.delete(row)
    if role and not respondent.role:
        respondent.role = role.strip()[:100]
    session.flush()
    session.expire(respondent, ["answers"])  # the collection may still hold removed rows
    return saved


def progress_of(session: Session, *, assessment: Assessment) -> list[dict[str, Any]]:
    """Every respondent of the assessment (revoked ones too) with how many questions
    they answered, in the order they joined; one query, no answers loaded.

    Each row: ``id``, ``name`` (``None`` when anonymous), ``role``, ``source``,
    ``created_at``, ``submitted_at``, ``revoked_at``, ``answered``.
    """
    rows = session.execute(
        select(
            Respondent.id,
            Respondent.name,
            Respondent.role,
            Respondent.source,
            Respondent.created_at,
            Respondent.submitted_at,
            Respondent.revoked_at,
            func.count(Answer.id),
        )
        .outerjoin(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id == assessment.id)
        .group_by(Respondent.id)
        .order_by(Respondent.id)
    )
    keys = ("id", "name", "role", "source", "created_at", "submitted_at", "revoked_at", "answered")
    return [dict(zip(keys, row, strict=True)) for row in rows]


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


def list_share_links(session: Session, *, assessment: Assessment) -> list[ShareLink]:
    """The assessment's shared links (revoked ones too), oldest first."""
    return list(
        session.scalars(
            select(ShareLink).where(ShareLink.assessment_id == assessment.id).order_by(ShareLink.id)
        )
    )


def named_respondent(session: Session, *, assessment: Assessment, name: str) -> Respondent | None:
    """The assessment's active (not revoked) respondent with this name, if any."""
    return session.scalar(
        select(Respondent)
        .where(
            Respondent.assessment_id == assessment.id,
            Respondent.name == name,
            Respondent.revoked_at.is_(None),
        )
        .limit(1)
    )
