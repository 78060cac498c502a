"""API: an assessment's improvement plan: read it, track its items, reorder, export.

The plan is derived from the assessment's current answers; what is stored is what a
facilitator changed (``store/plans.py``). Viewers read, facilitators change. Closed
assessments are tracked too: status, owner, due date and order are not answers.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from ...store.assessments import get_assessment
from ...store.plans import plan_for, reorder, reset_order, update_item
from ...store.tracked_plan import TrackedPlan
from ..api_models.plans import PlanItemOut, PlanItemPatch, PlanOrderIn, PlanOut
from ..context import state
from ..views.plans import export_plan
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


def plan_out(tracked: TrackedPlan) -> PlanOut:
    """The plan as tracked, as the API shows it."""
    return PlanOut.model_validate(tracked.to_dict())


@router.get(
    "/assessments/{assessment_id}/plan",
    summary="The improvement plan",
    response_model=PlanOut,
    responses=errors(404, 422),
)
def plan_get(request: Request, assessment_id: AssessmentId, _user: Viewer) -> PlanOut:
    """The ranked actions from the gaps in the assessment's current answers, with their
    status, owner, due date and note (see docs/analysis.md for the ranking rule)."""
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        return plan_out(plan_for(session, assessment=a))


@router.get(
    "/assessments/{assessment_id}/plan/export",
    summary="Download the plan (Markdown checklist, CSV or JSON)",
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
    format: Annotated[Literal["md", "csv", "json"], Query(description="export format")] = "md",
) -> Response:
    """The plan as a Markdown checklist (done items ticked), CSV (one row per item) or JSON."""
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        body, media_type, name = export_plan(plan_for(session, assessment=a), assessment=a, fmt=format)
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
    request: Request, assessment_id: AssessmentId, body: PlanOrderIn, _user: Facilitator
) -> PlanOut:
    """Set the order of the whole plan: every item's question id once. An id that is not
    an item is 404; a repeated id or a missing item (the plan changed: reload) is 422."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        return plan_out(reorder(session, assessment=a, question_ids=body.question_ids))


@router.delete(
    "/assessments/{assessment_id}/plan/order",
    summary="Back to the ranking rule's order",
    response_model=PlanOut,
    responses=errors(403, 404, 422),
)
def plan_order_reset(request: Request, assessment_id: AssessmentId, _user: Facilitator) -> PlanOut:
    """Forget the manual order; statuses, owners, due dates and notes stay."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        return plan_out(reset_order(session, assessment=a))


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
    _user: Facilitator,
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
        )
        return PlanItemOut.model_validate(tracked.item_dict(tracked.item(question_id)))
