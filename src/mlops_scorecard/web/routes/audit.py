"""The audit log page (admins only): every change, newest first, filtered by assessment,
user and action, a page at a time."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...errors import ScorecardError
from ...store.audit import PER_PAGE, AuditFilter, actions_in_log, query_log, users_in_log
from ..context import state
from ..params import whole_number
from ..security import require
from ..templating import render
from ..views.audit import audit_rows, page_link
from .pages import NO_STORE

router = APIRouter(include_in_schema=False)


def audit_filter(assessment: str, user: str, action: str) -> AuditFilter:
    """The filter a query string asks for; a malformed assessment id is a 422."""
    assessment_id = None
    if assessment.strip():
        assessment_id = whole_number(assessment.strip())
        if not assessment_id:
            raise ScorecardError(
                f"assessment must be an assessment's id (a whole number), not {assessment[:40]!r}"
            )
    return AuditFilter(assessment_id=assessment_id, username=user.strip()[:100], action=action.strip()[:60])


def page_number(page: str) -> int:
    """The page a query string asks for (1 when empty); anything else but a whole number is a 422."""
    if not page:
        return 1
    number = whole_number(page, maximum=1_000_000)
    if not number:
        raise ScorecardError(f"page must be a whole number from 1, not {page[:40]!r}")
    return number


@router.get("/admin/audit")
def audit_page(
    request: Request, assessment: str = "", user: str = "", action: str = "", page: str = ""
) -> Response:
    """The audit log with its filters (admin)."""
    require(request, "admin")
    where = audit_filter(assessment, user, action)
    number = page_number(page)
    with state(request).read() as s:
        found = query_log(s, where=where, page=number, per_page=PER_PAGE)
        actions = actions_in_log(s)
        usernames = users_in_log(s)
    response = render(
        request,
        "audit.html",
        log=found,
        rows=audit_rows(found),
        where=where,
        actions=actions,
        usernames=usernames,
        newer=page_link(where, number - 1) if number > 1 else None,
        older=page_link(where, number + 1) if found.has_next else None,
    )
    response.headers.update(NO_STORE)
    return response
