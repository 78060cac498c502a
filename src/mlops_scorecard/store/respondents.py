"""Respondents of an assessment and their personal invitations.

A named invitation is a respondent row with a personal token; the token is stored
hashed, and the plain token is shown once, in the link. Respondents who join through a
shared link (:mod:`.share_links`) and those of an uploaded file (:mod:`.answers`) are
respondents too, and count against the same limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError
from ..framework.profiles import profile_effect
from .answer_sets import assessment_framework
from .invitation_list import InvitationLine
from .models import Answer, Assessment, Respondent, utcnow
from .revisions import bump_revision
from .tokens import hash_token, new_token, plausible_token

__all__ = [
    "AUDIENCES",
    "MAX_RESPONDENTS_PER_ASSESSMENT",
    "Audience",
    "Contact",
    "check_writable",
    "contacts_of",
    "create_invitation",
    "create_invitations",
    "mail_audiences",
    "make_room",
    "mark_mailed",
    "named_respondent",
    "not_applicable_ids",
    "progress_of",
    "reissue_link",
    "respondent_for_token",
    "restore_respondent",
    "revoke_respondent",
]


def check_writable(assessment: Assessment) -> None:
    """Refuse (409) a change to who answers a closed assessment."""
    if assessment.status == "closed":
        raise ConflictError("this assessment is closed; answers can no longer change")


#: Respondents an assessment may hold in all (the web service's setting
#: ``MLOPS_SCORECARD_MAX_RESPONDENTS_PER_ASSESSMENT`` changes it).
MAX_RESPONDENTS_PER_ASSESSMENT = 10_000


def make_room(session: Session, *, assessment: Assessment, adding: int, limit: int, source: str) -> None:
    """Refuse (409) ``adding`` more respondents when the assessment would pass ``limit``;
    ``source`` names what adds them in the message."""
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
    email: str = "",
    max_respondents: int = MAX_RESPONDENTS_PER_ASSESSMENT,
) -> tuple[Respondent, str]:
    """A personal invitation: a respondent and the token of their link (shown once).
    Refused (409) when the assessment already holds ``max_respondents``."""
    check_writable(assessment)
    make_room(session, assessment=assessment, adding=1, limit=max_respondents, source="invitation")
    r, token = _new_invitation(assessment, name=name, role=role, email=email)
    session.add(r)
    session.flush()
    return r, token


def _new_invitation(assessment: Assessment, *, name: str, role: str, email: str) -> tuple[Respondent, str]:
    token = new_token()
    r = Respondent(
        assessment_id=assessment.id,
        token_hash=hash_token(token),
        name=name.strip()[:200] or None,
        role=role.strip()[:100],
        email=email.strip()[:320] or None,
        source="invitation",
    )
    return r, token


def create_invitations(
    session: Session,
    *,
    assessment: Assessment,
    people: Sequence[InvitationLine],
    max_respondents: int = MAX_RESPONDENTS_PER_ASSESSMENT,
) -> list[tuple[Respondent, str]]:
    """A personal invitation for everyone of a pasted list (see
    :func:`~.invitation_list.parse_invitation_list`), all or none: a name already
    invited and not revoked is refused (409) naming its line, and so is a list that
    would take the assessment past ``max_respondents``."""
    check_writable(assessment)
    wanted = {p.name.casefold(): p for p in people}
    taken = session.scalars(
        select(Respondent.name).where(
            Respondent.assessment_id == assessment.id,
            Respondent.revoked_at.is_(None),
            Respondent.name.is_not(None),
        )
    )
    clashes = sorted(
        (wanted[n.casefold()] for n in taken if n and n.casefold() in wanted), key=lambda p: p.line
    )
    if clashes:
        raise ConflictError(
            ["Nobody was invited; these people are invited already:"]
            + [f"{p.place or p.line}: {p.name!r} is already invited to this assessment" for p in clashes[:10]]
        )
    make_room(
        session, assessment=assessment, adding=len(people), limit=max_respondents, source="invitation list"
    )
    made = [_new_invitation(assessment, name=p.name, role=p.role, email=p.email) for p in people]
    session.add_all(r for r, _ in made)
    session.flush()
    return made


def _respondent(session: Session, assessment: Assessment, respondent_id: int) -> Respondent:
    r = session.get(Respondent, respondent_id)
    if r is None or r.assessment_id != assessment.id:
        raise NotFoundError(f"no respondent {respondent_id} in assessment {assessment.id}")
    return r


def revoke_respondent(session: Session, *, assessment: Assessment, respondent_id: int) -> Respondent:
    """Invalidate a respondent's link and leave their answers out of the results
    (:func:`restore_respondent` undoes it). Moves the assessment's revision on."""
    r = _respondent(session, assessment, respondent_id)
    check_writable(assessment)
    if r.revoked_at is None:
        r.revoked_at = utcnow()
        bump_revision(session, assessment_id=assessment.id)
    session.flush()  # the progress read next in the same transaction sees the revocation
    return r


def restore_respondent(session: Session, *, assessment: Assessment, respondent_id: int) -> Respondent:
    """Undo a revocation: the link works again and the answers count again. Refused
    (409) when someone of the same name was invited since. Moves the revision on."""
    r = _respondent(session, assessment, respondent_id)
    check_writable(assessment)
    if r.revoked_at is None:
        return r
    if r.name and named_respondent(session, assessment=assessment, name=r.name) is not None:
        raise ConflictError(
            f"{r.name!r} has been invited again since this link was revoked; "
            "revoke that invitation first to restore this one"
        )
    r.revoked_at = None
    bump_revision(session, assessment_id=assessment.id)
    session.flush()
    return r


def reissue_link(session: Session, *, assessment: Assessment, respondent_id: int) -> tuple[Respondent, str]:
    """A new personal link for a respondent, who keeps every answer: the old link stops
    working (404). For personal invitations and uploaded respondents (who get their first
    link, to reopen what the file said), whether they submitted or not; not for anonymous
    shared-link respondents, whose answers a new link would show to whoever holds it, nor
    revoked ones (409). The results do not change, so the revision stays."""
    r = _respondent(session, assessment, respondent_id)
    check_writable(assessment)
    if r.source == "shared":
        raise ConflictError(
            "an anonymous respondent from the shared link cannot get a new link: "
            "it would show their answers to whoever holds it"
        )
    if r.revoked_at is not None:
        raise ConflictError("this respondent's link is revoked; restore it before re-issuing it")
    token = new_token()
    r.token_hash = hash_token(token)
    session.flush()
    return r, token


#: Who a mailing goes to: those never sent an invitation by mail; those who have not
#: started; those who started and have not submitted; everyone who has not submitted.
Audience = Literal["uninvited", "not_started", "in_progress", "not_submitted"]
AUDIENCES: tuple[Audience, ...] = ("uninvited", "not_started", "in_progress", "not_submitted")


@dataclass(frozen=True)
class Contact:
    """How a respondent is reached: their address and when they were last mailed."""

    id: int
    name: str
    email: str | None
    source: str
    invited_at: dt.datetime | None
    reminded_at: dt.datetime | None


def contacts_of(session: Session, *, assessment: Assessment) -> dict[int, Contact]:
    """Every respondent's address and mail stamps, by id (one query, no answers)."""
    rows = session.execute(
        select(
            Respondent.id,
            Respondent.name,
            Respondent.email,
            Respondent.source,
            Respondent.invited_at,
            Respondent.reminded_at,
        ).where(Respondent.assessment_id == assessment.id)
    )
    return {r[0]: Contact(r[0], r[1] or "", r[2], r[3], r[4], r[5]) for r in rows}


def mark_mailed(
    session: Session,
    *,
    assessment: Assessment,
    sent: Iterable[tuple[int, str | None]],
    kind: Literal["invited_at", "reminded_at"],
    at: dt.datetime | None = None,
) -> int:
    """Stamp ``kind`` on the respondents whose mail went out. Each of ``sent`` is a
    respondent id and, when the mail carried a new link, that link's token hash, set
    in the same statement (only while the respondent is not revoked: a link revoked
    meanwhile stays revoked). Returns how many were stamped."""
    when = at or utcnow()
    rows = list(sent)
    active = (Respondent.assessment_id == assessment.id, Respondent.revoked_at.is_(None))
    count = 0
    # the same stamp for everyone mailed without a new link: one statement, however many
    plain = [rid for rid, token_hash in rows if token_hash is None]
    if plain:
        result = session.execute(
            update(Respondent)
            .where(Respondent.id.in_(plain), *active)
            .values({kind: when})
            .execution_options(synchronize_session=False)
        )
        count += int(getattr(result, "rowcount", 0) or 0)
    for rid, token_hash in rows:
        if token_hash is None:
            continue
        result = session.execute(
            update(Respondent)
            .where(Respondent.id == rid, *active)
            .values({kind: when, "token_hash": token_hash})
            .execution_options(synchronize_session=False)
        )
        count += int(getattr(result, "rowcount", 0) or 0)
    return count


def respondent_for_token(session: Session, *, token: str) -> tuple[Respondent, Assessment]:
    """The respondent behind a personal link, with their assessment."""
    if not plausible_token(token):
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


def progress_of(
    session: Session, *, assessment: Assessment, not_counted: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """Every respondent of the assessment (revoked ones too) with how many questions
    they answered, in the order they joined; one query, no answers loaded. Answers to
    the questions ``not_counted`` are not counted; by default those the assessment's
    context (profile) makes not applicable, which an import may still have answered.

    The count is the one the save path keeps (``respondents.answered``), less the
    answers to ``not_counted`` questions (only those are read, through the unique key).

    Each row: ``id``, ``name`` (``None`` when anonymous), ``role``, ``source``,
    ``created_at``, ``submitted_at``, ``revoked_at``, ``answered``.
    """
    if not_counted is None:
        not_counted = not_applicable_ids(assessment)
    columns = (
        Respondent.id,
        Respondent.name,
        Respondent.role,
        Respondent.source,
        Respondent.created_at,
        Respondent.submitted_at,
        Respondent.revoked_at,
    )
    query = select(*columns, Respondent.answered)
    if not_counted:
        query = (
            select(*columns, Respondent.answered - func.count(Answer.id))
            .outerjoin(
                Answer,
                (Answer.respondent_id == Respondent.id) & Answer.question_id.in_(list(not_counted)),
            )
            .group_by(*columns, Respondent.answered)
        )
    rows = session.execute(query.where(Respondent.assessment_id == assessment.id).order_by(Respondent.id))
    keys = ("id", "name", "role", "source", "created_at", "submitted_at", "revoked_at", "answered")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def not_applicable_ids(assessment: Assessment) -> list[str]:
    """The questions the assessment's context makes not applicable (none without one)."""
    if not assessment.profile:
        return []
    effect = profile_effect(assessment_framework(assessment), assessment.profile)
    return sorted(effect.not_applicable)


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


def mail_audiences(
    progress: Iterable[dict[str, Any]], contacts: dict[int, Contact]
) -> dict[Audience, list[Contact]]:
    """The personal invitations (not revoked) in each :data:`Audience`, from the rows of
    :func:`progress_of` and :func:`contacts_of`; with or without an email address (the
    caller mails those with one and counts the others)."""
    out: dict[Audience, list[Contact]] = {a: [] for a in AUDIENCES}
    for row in progress:
        c = contacts.get(int(row["id"]))
        if c is None or c.source != "invitation" or row.get("revoked_at") is not None:
            continue
        if c.invited_at is None:
            out["uninvited"].append(c)
        if row.get("submitted_at") is None:
            out["not_submitted"].append(c)
            out["not_started" if not row.get("answered") else "in_progress"].append(c)
    return out
