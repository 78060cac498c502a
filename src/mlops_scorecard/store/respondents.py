"""Respondents of an assessment and their personal invitations.

A named invitation is a respondent row with a personal token; the token is stored
hashed, and the plain token is shown once, in the link. Respondents who join through a
shared link (:mod:`.share_links`) and those of an uploaded file (:mod:`.answers`) are
respondents too, and count against the same limit.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError
from ..framework.profiles import profile_effect
from .answer_sets import assessment_framework
from .models import Answer, Assessment, Respondent, utcnow
from .revisions import bump_revision
from .tokens import hash_token, new_token, plausible_token

__all__ = [
    "MAX_RESPONDENTS_PER_ASSESSMENT",
    "check_writable",
    "create_invitation",
    "make_room",
    "named_respondent",
    "not_applicable_ids",
    "progress_of",
    "respondent_for_token",
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
    max_respondents: int = MAX_RESPONDENTS_PER_ASSESSMENT,
) -> tuple[Respondent, str]:
    """A personal invitation: a respondent and the token of their link (shown once).
    Refused (409) when the assessment already holds ``max_respondents``."""
    check_writable(assessment)
    make_room(session, assessment=assessment, adding=1, limit=max_respondents, source="invitation")
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


def revoke_respondent(session: Session, *, assessment: Assessment, respondent_id: int) -> Respondent:
    """Invalidate a respondent's link and leave their answers out of the results."""
    r = session.get(Respondent, respondent_id)
    if r is None or r.assessment_id != assessment.id:
        raise NotFoundError(f"no respondent {respondent_id} in assessment {assessment.id}")
    check_writable(assessment)
    r.revoked_at = r.revoked_at or utcnow()
    bump_revision(session, assessment_id=assessment.id)  # their answers leave the results
    session.flush()  # the progress read next in the same transaction sees the revocation
    return r


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

    Each row: ``id``, ``name`` (``None`` when anonymous), ``role``, ``source``,
    ``created_at``, ``submitted_at``, ``revoked_at``, ``answered``.
    """
    if not_counted is None:
        not_counted = not_applicable_ids(assessment)
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
        .outerjoin(
            Answer,
            (Answer.respondent_id == Respondent.id) & Answer.question_id.notin_(list(not_counted))
            if not_counted
            else Answer.respondent_id == Respondent.id,
        )
        .where(Respondent.assessment_id == assessment.id)
        .group_by(Respondent.id)
        .order_by(Respondent.id)
    )
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
