"""The audit log: who changed what in an assessment, its plan, its invitations, or an
account. Every mutating route records one event in the same transaction as its change,
so the log and the data cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from ..errors import ScorecardError
from .models import Assessment, AuditEvent

__all__ = [
    "PER_PAGE",
    "Actor",
    "AuditFilter",
    "AuditPage",
    "actions_in_log",
    "query_log",
    "record",
    "users_in_log",
]

_Q = TypeVar("_Q", bound=Select[*tuple[Any, ...]])

#: Events per page unless the caller asks for another number (at most ``MAX_PER_PAGE``).
PER_PAGE = 50
MAX_PER_PAGE = 200

# Keys of ``detail`` that could carry a secret; their values are never written.
_SECRET_KEYS = ("password", "token", "secret")


class Actor(Protocol):
    """Who acted: a :class:`~.models.User` row, or the web layer's signed-in user."""

    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...


def record(
    session: Session,
    *,
    user: Actor | None,
    action: str,
    summary: str,
    assessment_id: int | None = None,
    unit_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event to the log (in the caller's transaction).

    ``action`` is a short dotted id (``assessment.update``, ``invitation.revoke``,
    ``plan.item``, ``user.role``); ``summary`` one sentence for people ("Revoked
    Ana's link"); ``detail`` what changed, as plain data (never a token or password:
    a key that names one has its value replaced). ``user`` is ``None`` for the system
    or an anonymous respondent; a ``CurrentUser`` (id and username) serves too.
    """
    event = AuditEvent(
        user_id=None if user is None else user.id,
        username="" if user is None else user.username,
        assessment_id=assessment_id,
        unit_id=unit_id,
        action=action[:60],
        summary=summary,
        detail=None if detail is None else _without_secrets(detail),
    )
    session.add(event)
    return event


def _without_secrets(detail: dict[str, Any]) -> dict[str, Any]:
    # A defence in depth: callers put no secret in ``detail``, and if one ever does by
    # mistake (``{"token": ...}``) the log still holds none.
    return {
        key: "(hidden)" if any(word == key.lower().rsplit("_", 1)[-1] for word in _SECRET_KEYS) else value
        for key, value in detail.items()
    }


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show: all of them, or those of one assessment, one user (by
    username, as kept in the log) and one action (``invitation`` also matches
    ``invitation.revoke``)."""

    assessment_id: int | None = None
    username: str = ""
    action: str = ""

    def apply(self, query: _Q) -> _Q:
        """``query`` (over :class:`AuditEvent`) narrowed to this filter."""
        if self.assessment_id is not None:
            query = query.where(AuditEvent.assessment_id == self.assessment_id)
        if self.username:
            query = query.where(AuditEvent.username == self.username)
        if self.action:
            query = query.where(
                or_(
                    AuditEvent.action == self.action,
                    AuditEvent.action.startswith(self.action + ".", autoescape=True),
                )
            )
        return query


@dataclass(frozen=True)
class AuditEntry:
    """One event as listed, with the title of its assessment when it still exists."""

    event: AuditEvent
    assessment_title: str | None


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first, and where it sits in the whole."""

    entries: list[AuditEntry]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the filtered log has (at least one, even when empty)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        """Whether an older page follows."""
        return self.page < self.pages


__all__ += ["MAX_PER_PAGE", "AuditEntry"]


def query_log(
    session: Session, *, where: AuditFilter | None = None, page: int = 1, per_page: int = PER_PAGE
) -> AuditPage:
    """The events matching ``where``, newest first, ``per_page`` at a time (page 1 is the newest)."""
    if page < 1:
        raise ScorecardError(f"page must be 1 or more, not {page}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ScorecardError(f"per_page must be 1 to {MAX_PER_PAGE}, not {per_page}")
    where = where or AuditFilter()
    total = session.scalar(where.apply(select(func.count()).select_from(AuditEvent))) or 0
    rows = session.execute(
        where.apply(
            select(AuditEvent, Assessment.title)
            .outerjoin(Assessment, Assessment.id == AuditEvent.assessment_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    entries = [AuditEntry(event=event, assessment_title=title) for event, title in rows]
    return AuditPage(entries=entries, total=int(total), page=page, per_page=per_page)


def actions_in_log(session: Session) -> list[str]:
    """Every action id the log holds, for a filter's choices."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def users_in_log(session: Session) -> list[str]:
    """Every username the log names (accounts since deleted too), for a filter's choices."""
    return list(
        session.scalars(
            select(AuditEvent.username)
            .where(AuditEvent.username != "")
            .distinct()
            .order_by(AuditEvent.username)
        )
    )
