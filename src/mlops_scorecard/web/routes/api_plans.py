"""API: an assessment's improvement plan: read it, track its items, reorder, export.

The plan is derived from the assessment's current answers; what is stored is what a
facilitator changed (``store/plans.py``). Viewers read, facilitators change. Closed
assessments are tracked too: status, owner, due date and order are not answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ...store.assessments import get_assessment
from ...store.plans import MAX_NOTE, MAX_OWNER, plan_for, reorder, reset_order, update_item
from ...store.tracked_plan import TrackedPlan
from ..api_models import FrameworkRefOut, check_text
from ..context import state
from ..views.plans import export_plan
from .api_common import AssessmentId, Facilitator, Viewer, errors

router = APIRouter(tags=["plans"])

Status = Literal["open", "in-progress", "done", "accepted-risk"]
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
ItemKey = Annotated[str, StringConstraints(min_length=1, max_length=80), AfterValidator(check_text)]
OwnerText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_OWNER), AfterValidator(check_text)
]
NoteText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE), AfterValidator(check_text)
]


class PlanItemPatch(BaseModel):
    """What to change about an item; a field left out keeps its value. ``owner`` or
    ``note`` ``""`` and ``due`` ``null`` clear them."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    owner: OwnerText | None = Field(default=None, description='who does it (free text); "" clears it')
    due: dt.date | None = Field(default=None, description="YYYY-MM-DD; null clears the due date")
    note: NoteText | None = Field(default=None, description='free text; "" clears it')


class PlanOrderIn(BaseModel):
    """The new order: every item's question id once, first to last."""

    model_config = ConfigDict(extra="forbid")

    question_ids: list[ItemKey] = Field(max_length=1000, examples=[["gov-policies", "gov-strategy"]])


class PlanItemOut(BaseModel):
    """One action of the plan: its question, what to do, the answers now, what doing it is
    worth, and how the work on it stands."""

    rank: int = Field(description="position in the plan (after any manual order)")
    computed_rank: int = Field(description="position by the ranking rule")
    key: str = Field(description="the question id", examples=["gov-policies"])
    question: str
    set: str = Field(description="core or extended")
    weight: float
    dimension: str = Field(description="dimension id")
    dimension_title: str
    dimension_score: float
    recommendation: str
    value: float = Field(description="mean value of the answers now (0-1)")
    distribution: dict[str, int] = Field(description="answers now: yes, partly, no, na, unknown, unanswered")
    gain: float = Field(description="points the dimension score gains if everyone answered yes")
    overall_gain: float | None = Field(description="points the overall score gains (null without one)")
    status: Status
    owner: str
    due: dt.date | None
    note: str
    updated_at: dt.datetime | None = Field(description="when the item was last changed (null: never)")


class PlanOut(BaseModel):
    """An assessment's improvement plan."""

    assessment_id: int
    framework: FrameworkRefOut
    question_set: str
    overall: float | None
    ranking: str = Field(description="the ranking rule")
    manual_order: bool = Field(description="true when a facilitator reordered the plan")
    items: list[PlanItemOut]
    orphans: list[str] = Field(description="stored items whose question is no longer a gap")


def plan_out(tracked: TrackedPlan) -> PlanOut:
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
    responses={
        200: {
            "description": "The plan, in the format asked for",
            "content": {
                "text/markdown": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        },
        **errors(404, 422),
    },
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
