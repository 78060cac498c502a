"""The audit log: who changed what in an assessment, its plan, its invitations, or an
account. Every mutating route records one event in the same transaction as its change,
so the log and the data cannot disagree."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent, User

__all__ = ["record"]


def record(
    session: Session,
    *,
    user: User | None,
    action: str,
    summary: str,
    assessment_id: int | None = None,
    unit_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event to the log (in the caller's transaction).

    ``action`` is a short dotted id (``assessment.update``, ``invitation.revoke``,
    ``plan.item``, ``user.role``); ``summary`` one sentence for people ("Revoked
    Ana's link"); ``detail`` what changed, as plain data (never a token or password).
    ``user`` is ``None`` for the system or an anonymous respondent.
    """
    event = AuditEvent(
        user_id=None if user is None else user.id,
        username="" if user is None else user.username,
        assessment_id=assessment_id,
        unit_id=unit_id,
        action=action[:60],
        summary=summary,
        detail=detail,
    )
    session.add(event)
    return event
