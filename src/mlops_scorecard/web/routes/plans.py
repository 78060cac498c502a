"""The improvement plan on the pages: the forms that change it and the exports (the
sections that show it are ``web/views/plans.py``).

Every change is a plain form POST (CSRF checked) answered with a redirect back to the
item, so the plan can be tracked without JavaScript.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...errors import NotFoundError, ScorecardError
from ...store.assessments import get_assessment
from ...store.plans import MAX_NOTE, MAX_OWNER, plan_for, reorder, reset_order, update_item
from ..context import state
from ..params import form_text, parse_id
from ..security import checked_form, require
from ..views.plans import PLAN_EXPORT_TYPES, export_plan

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# --- exports ---------------------------------------------------------------------------------


@router.get("/assessments/{assessment_id}/plan.{fmt}")
def plan_export(request: Request, assessment_id: str, fmt: str) -> Response:
    """The plan as a Markdown checklist, CSV or JSON (viewer)."""
    require(request, "viewer")
    if fmt not in PLAN_EXPORT_TYPES:
        raise NotFoundError(f"no plan format {fmt!r} (use md, csv or json)")
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        body, media_type, name = export_plan(plan_for(s, assessment=a), assessment=a, fmt=fmt)
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


# --- changes (facilitator; forms) --------------------------------------------------------------


def _back(aid: int, key: str | None = None) -> RedirectResponse:
    anchor = f"plan-item-{key}" if key else "plan"
    return RedirectResponse(f"/assessments/{aid}#{anchor}", status_code=303)


def _key(question_id: str) -> str:
    if not question_id or len(question_id) > 80:
        raise NotFoundError("no such plan item")
    return question_id


@router.post("/assessments/{assessment_id}/plan/order/reset")
async def plan_reset(request: Request, assessment_id: str) -> Response:
    """Back to the ranking rule's order."""
    await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")

    def change() -> None:
        with state(request).write() as s:
            reset_order(s, assessment=get_assessment(s, assessment_id=aid))

    await run_in_threadpool(change)
    return _back(aid)


@router.post("/assessments/{assessment_id}/plan/order")
async def plan_order(request: Request, assessment_id: str) -> Response:
    """The whole order at once: the form's ``question_id`` fields, first to last."""
    form = await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    keys = [v for v in form.getlist("question_id") if isinstance(v, str)]
    if len(keys) > 1000:
        raise ScorecardError("too many items")

    def change() -> None:
        with state(request).write() as s:
            reorder(s, assessment=get_assessment(s, assessment_id=aid), question_ids=keys)

    await run_in_threadpool(change)
    return _back(aid)


@router.post("/assessments/{assessment_id}/plan/{question_id}/move")
async def plan_move(request: Request, assessment_id: str, question_id: str) -> Response:
    """Move an item one place up or down (``direction``), or to the top or the bottom."""
    form = await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    key = _key(question_id)
    direction = form_text(form, "direction", max_length=10)
    if direction not in ("up", "down", "top", "bottom"):
        raise ScorecardError("direction must be up, down, top or bottom")

    def change() -> None:
        with state(request).write() as s:
            a = get_assessment(s, assessment_id=aid)
            keys = [it.key for it in plan_for(s, assessment=a).items]
            if key not in keys:
                raise NotFoundError(f"question {key!r} is not in the plan of assessment {aid}")
            i = keys.index(key)
            keys.pop(i)
            j = {"up": max(0, i - 1), "down": min(len(keys), i + 1), "top": 0, "bottom": len(keys)}[direction]
            keys.insert(j, key)
            reorder(s, assessment=a, question_ids=keys)

    await run_in_threadpool(change)
    return _back(aid, key)


@router.post("/assessments/{assessment_id}/plan/{question_id}")
async def plan_item_update(request: Request, assessment_id: str, question_id: str) -> Response:
    """Change an item's status, owner, due date and note (the fields the form sends)."""
    form = await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    key = _key(question_id)
    values: dict[str, Any] = {}
    for name, limit in (("status", 40), ("owner", MAX_OWNER), ("due_date", 40), ("note", MAX_NOTE)):
        if name in form:
            values[name] = form_text(form, name, max_length=limit)

    def change() -> None:
        with state(request).write() as s:
            update_item(s, assessment=get_assessment(s, assessment_id=aid), question_id=key, **values)

    await run_in_threadpool(change)
    return _back(aid, key)
