"""API: the audit log (admins only), all of it or one assessment's, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from ...store.assessments import get_assessment
from ...store.audit import MAX_PER_PAGE, PER_PAGE, AuditFilter, AuditPage, query_log
from ..api_models.common import utc
from ..api_models.users import AuditEventOut, AuditPageOut
from ..context import state
from .api_common import Admin, AssessmentId, errors

router = APIRouter(tags=["audit"])

Page = Annotated[int, Query(ge=1, le=1_000_000, description="page number, 1 the newest")]
PerPage = Annotated[
    int, Query(ge=1, le=MAX_PER_PAGE, description=f"events per page (at most {MAX_PER_PAGE})")
]
UserName = Annotated[str, Query(max_length=100, description="only events by this username")]
Action = Annotated[
    str, Query(max_length=60, description="only this action; `invitation` matches `invitation.revoke` too")
]


def page_out(found: AuditPage) -> AuditPageOut:
    """A page of the log as the API shows it."""
    return AuditPageOut(
        events=[
            AuditEventOut(
                id=e.event.id,
                at=utc(e.event.at),
                user_id=e.event.user_id,
                username=e.event.username,
                action=e.event.action,
                summary=e.event.summary,
                assessment_id=e.event.assessment_id,
                unit_id=e.event.unit_id,
                detail=e.event.detail,
            )
            for e in found.entries
        ],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        pages=found.pages,
    )


@router.get("/audit", summary="Read the audit log", response_model=AuditPageOut, responses=errors(403, 422))
def audit_log(
    request: Request,
    admin: Admin,
    assessment_id: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="only this assessment's")
    ] = None,
    user: UserName = "",
    action: Action = "",
    page: Page = 1,
    per_page: PerPage = PER_PAGE,
) -> AuditPageOut:
    """Every change recorded, newest first, filtered by assessment, user and action
    (admin). No password or token is ever in the log."""
    where = AuditFilter(assessment_id=assessment_id, username=user.strip(), action=action.strip())
    with state(request).read() as session:
        return page_out(query_log(session, where=where, page=page, per_page=per_page))


@router.get(
    "/assessments/{assessment_id}/audit",
    summary="Read an assessment's audit log",
    response_model=AuditPageOut,
    responses=errors(403, 404, 422),
)
def assessment_audit(
    request: Request,
    assessment_id: AssessmentId,
    admin: Admin,
    user: UserName = "",
    action: Action = "",
    page: Page = 1,
    per_page: PerPage = PER_PAGE,
) -> AuditPageOut:
    """The changes to one assessment (its answers, plan, invitations, evidence, status),
    newest first (admin); 404 for an unknown assessment."""
    where = AuditFilter(assessment_id=assessment_id, username=user.strip(), action=action.strip())
    with state(request).read() as session:
        get_assessment(session, assessment_id=assessment_id)
        return page_out(query_log(session, where=where, page=page, per_page=per_page))
