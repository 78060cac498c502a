"""One call per mutating route to put its change in the audit log: who (the signed-in
user, or the API token's user passed in), the assessment and its unit, one sentence."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from ..store import audit
from ..store.models import Assessment, AuditEvent
from .security import CurrentUser, session_user_info

__all__ = ["note", "note_status"]


def note(
    request: Request,
    session: Session,
    *,
    action: str,
    summary: str,
    assessment: Assessment | None = None,
    detail: dict[str, Any] | None = None,
    user: CurrentUser | None = None,
) -> AuditEvent:
    """Record ``action`` in the route's transaction. ``user`` is the API token's user;
    without it the browser session's (already checked by the route, so no query)."""
    return audit.record(
        session,
        user=user if user is not None else session_user_info(request),
        action=action,
        summary=summary,
        assessment_id=None if assessment is None else assessment.id,
        unit_id=None if assessment is None else assessment.unit_id,
        detail=detail,
    )


#: (old status, new status) -> (action id, verb of the summary).
_STEPS = {
    ("draft", "open"): ("assessment.open", "Opened"),
    ("closed", "open"): ("assessment.reopen", "Reopened"),
    ("open", "closed"): ("assessment.close", "Closed"),
    ("draft", "closed"): ("assessment.close", "Closed"),
    ("open", "draft"): ("assessment.draft", "Moved back to draft"),
}


def note_status(
    request: Request,
    session: Session,
    *,
    assessment: Assessment,
    status: str,
    user: CurrentUser | None = None,
) -> AuditEvent | None:
    """Record a status change of ``assessment`` to ``status``; call it before the change,
    while the assessment still has its old status (a refused change rolls both back).
    Setting the status it already has is no change and records nothing."""
    was = assessment.status
    if was == status:
        return None
    action, verb = _STEPS.get((was, status), ("assessment.status", f"Set to {status}"))
    return note(
        request,
        session,
        action=action,
        summary=f"{verb} the assessment {assessment.title!r}",
        assessment=assessment,
        detail={"from": was, "to": status},
        user=user,
    )
