"""Shared links: one anonymous link for many respondents.

Everyone who opens a shared link becomes a new respondent with no name and a personal
token of their own. Tokens are stored hashed; the plain token is shown once, in the link.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError, ScorecardError
from . import throttle
from .models import Assessment, Respondent, ShareLink, utcnow
from .respondents import MAX_RESPONDENTS_PER_ASSESSMENT, check_writable, make_room
from .throttle import JoinThrottle
from .tokens import hash_token, new_token, plausible_token

__all__ = [
    "MAX_LINK_RESPONDENTS",
    "create_share_link",
    "join_shared",
    "list_share_links",
    "revoke_share_link",
    "share_link_for_token",
]

#: The largest cap a shared link may have.
MAX_LINK_RESPONDENTS = 100_000


def create_share_link(
    session: Session, *, assessment: Assessment, max_respondents: int | None = None
) -> tuple[ShareLink, str]:
    """A shared link: everyone who opens it answers anonymously (no name stored).

    ``max_respondents`` caps how many respondents it admits (``None``: no cap).
    """
    check_writable(assessment)
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
    make_room(session, assessment=assessment, adding=1, limit=max_respondents, source="shared link")
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
        role=role.strip()[:100],
        source="shared",
    )
    session.add(r)
    session.flush()
    return r, personal


def share_link_for_token(session: Session, *, token: str) -> tuple[ShareLink, Assessment]:
    """The valid (not revoked) shared link behind ``token``, with its assessment; admits nobody."""
    if not plausible_token(token):
        raise NotFoundError("this link is not valid")
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    if link is None or link.revoked_at is not None:
        raise NotFoundError("this link is not valid (it may have been revoked)")
    assessment = session.get(Assessment, link.assessment_id)
    assert assessment is not None
    return link, assessment


def list_share_links(session: Session, *, assessment: Assessment) -> list[ShareLink]:
    """The assessment's shared links (revoked ones too), oldest first."""
    return list(
        session.scalars(
            select(ShareLink).where(ShareLink.assessment_id == assessment.id).order_by(ShareLink.id)
        )
    )
