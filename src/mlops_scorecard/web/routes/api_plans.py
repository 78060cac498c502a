"""API: an assessment's improvement plan: read it, track its items, reorder, export,
create its issues in GitHub. Every change records an audit event.

The plan is derived from the assessment's current answers; what is stored is what a
facilitator changed (``store/plans.py``). Viewers read, facilitators change. Closed
assessments are tracked too: status, owner, due date and order are not answers.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy.orm import Session

from ...planning.backlog import ordered
from ...planning.github import push_issues
from ...store.assessments import get_assessment
from ...store.audit import record
from ...store.models import User
from ...store.plans import plan_for, reorder, reset_order, update_item
from ...store.tracked_plan import TrackedPlan
from ..api_models.plans import (
    GitHubIssueOut,
    GitHubPushIn,
    GitHubPushOut,
    PlanItemOut,
    PlanItemPatch,
    PlanOrderIn,
    PlanOut,
)
from ..context import state
from ..security import CurrentUser
from ..views.plans import export_context, export_plan
from .api_common import AssessmentId, Facilitator, Viewer, errors, file_responses

router = APIRouter(tags=["plans"])

QuestionKey = Annotated[
    str,
    Path(
        min_length=1,
        max_length=80,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="the item's question id",
        examples=["gov-policies"],
    ),
]


#: The export formats: the file formats, then the issue trackers'.
ExportFormat = Literal["md", "csv", "json", "github", "jira"]
_FILE_FORMAT = {"github": "github.json", "jira": "jira.csv"}


def plan_out(tracked: TrackedPlan, order: str = "plan") -> PlanOut:
    """The plan as tracked, as the API shows it (items in ``order``: plan or gain)."""
    data = tracked.to_dict()
    if order == "gain":
        data["items"] = [tracked.item_dict(it) for it in ordered(tracked.plan, "gain")]
    return PlanOut.model_validate(data)


def _by(session: Session, user: CurrentUser) -> User | None:
    return session.get(User, user.id)


@router.get(
    "/assessments/{assessment_id}/plan",
    summary="The improvement plan",
    response_model=PlanOut,
    responses=errors(404, 422),
)
def plan_get(
    request: Request,
    assessment_id: AssessmentId,
    _user: Viewer,
    order: Annotated[
        Literal["plan", "gain"],
        Query(description="plan: the ranking rule or the manual order; gain: by gain to the overall score"),
    ] = "plan",
) -> PlanOut:
    """The ranked actions from the gaps in the assessment's current answers, with their
    status, owner, due date, effort and note, and the focus list (see docs/plan.md)."""
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        return plan_out(plan_for(session, assessment=a), order)


@router.get(
    "/assessments/{assessment_id}/plan/export",
    summary="Download the plan (Markdown checklist, CSV, JSON, GitHub issues or Jira CSV)",
    response_class=Response,
    responses=file_responses(
        "The plan, in the format asked for",
        {
            "text/markdown": {"type": "string"},
            "text/csv": {"type": "string"},
            "application/json": {"type": "object"},
        },
        404,
        422,
    ),
)
def plan_export(
    request: Request,
    assessment_id: AssessmentId,
    _user: Viewer,
    format: Annotated[ExportFormat, Query(description="export format")] = "md",
) -> Response:
    """The plan as a Markdown checklist (done items ticked), CSV (one row per item), JSON,
    GitHub issues (a JSON list of ``{title, body, labels}`` for ``gh api``) or a CSV file
    for Jira's importer; the last two hold the open and in-progress items only."""
    fmt = _FILE_FORMAT.get(format, format)
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        body, media_type, name = export_plan(
            plan_for(session, assessment=a), assessment=a, fmt=fmt, base_url=str(request.base_url)
        )
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.put(
    "/assessments/{assessment_id}/plan/order",
    summary="Reorder the plan",
    response_model=PlanOut,
    responses=errors(403, 404, 422),
)
def plan_order(
    request: Request, assessment_id: AssessmentId, body: PlanOrderIn, user: Facilitator
) -> PlanOut:
    """Set the order of the whole plan: every item's question id once. An id that is not
    an item is 404; a repeated id or a missing item (the plan changed: reload) is 422."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        return plan_out(reorder(session, assessment=a, question_ids=body.question_ids, by=_by(session, user)))


@router.delete(
    "/assessments/{assessment_id}/plan/order",
    summary="Back to the ranking rule's order",
    response_model=PlanOut,
    responses=errors(403, 404, 422),
)
def plan_order_reset(request: Request, assessment_id: AssessmentId, user: Facilitator) -> PlanOut:
    """Forget the manual order; statuses, owners, due dates, efforts and notes stay."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        return plan_out(reset_order(session, assessment=a, by=_by(session, user)))


@router.post(
    "/assessments/{assessment_id}/plan/github",
    summary="Create the plan's open items as GitHub issues",
    response_model=GitHubPushOut,
    status_code=201,
    responses=errors(403, 404, 422, 429),
)
def plan_github(
    request: Request, assessment_id: AssessmentId, body: GitHubPushIn, user: Facilitator
) -> GitHubPushOut:
    """One issue per open or in-progress item, through GitHub's REST API with the token
    given (used for this call only, never stored). GitHub's refusals (bad token,
    unknown repository, no permission, rate limit) are 422 or 429 with the reason; a
    refusal half-way names the issues already created. The push is in the audit log."""
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        tracked = plan_for(session, assessment=a)
        issues = tracked.github_issues(export_context(tracked, assessment=a, base_url=str(request.base_url)))
    outcome = push_issues(
        issues, repo=body.repo, token=body.token, api_url=state(request).settings.github_api_url
    )
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        done = outcome.created
        record(
            session,
            user=_by(session, user),
            action="plan.export",
            summary=f"Created {len(done)} of {len(issues)} GitHub issues in {body.repo}"
            + ("" if outcome.error is None else f" (stopped: {str(outcome.error)[:200]})"),
            assessment_id=a.id,
            unit_id=a.unit_id,
            detail={
                "target": "github",
                "repo": body.repo,
                "issues": [{"number": i.number, "url": i.url} for i in done],
                "error": None if outcome.error is None else str(outcome.error),
            },
        )
    created = outcome.raise_for_error()
    return GitHubPushOut(
        repo=body.repo, created=[GitHubIssueOut(number=c.number, url=c.url, title=c.title) for c in created]
    )


@router.patch(
    "/assessments/{assessment_id}/plan/{question_id}",
    summary="Change a plan item's status, owner, due date or note",
    response_model=PlanItemOut,
    responses=errors(403, 404, 422),
)
def plan_item_patch(
    request: Request,
    assessment_id: AssessmentId,
    question_id: QuestionKey,
    body: PlanItemPatch,
    user: Facilitator,
) -> PlanItemOut:
    """Change the fields given. The question must be an item of the plan now (404
    otherwise). Works on closed assessments too: tracking is not answering."""
    fields = body.model_fields_set
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        tracked = update_item(
            session,
            assessment=a,
            question_id=question_id,
            status=body.status,
            owner=body.owner,
            due_date=(body.due or "") if "due" in fields else None,
            note=body.note,
            effort=body.effort,
            by=_by(session, user),
        )
        return PlanItemOut.model_validate(tracked.item_dict(tracked.item(question_id)))
