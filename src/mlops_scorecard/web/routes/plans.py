"""The improvement plan on the pages: the assessment page's plan section and its forms,
the unit page's open items and "done since the last assessment", and the exports.

Every change is a plain form POST (CSRF checked) answered with a redirect back to the
item, so the plan can be tracked without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...analysis.trends import Trend
from ...errors import NotFoundError, ScorecardError
from ...format import fmt_delta, fmt_score
from ...planning import RANKING_RULE, STATUSES, PlanItem
from ...store.assessments import get_assessment
from ...store.models import Assessment
from ...store.plans import (
    MAX_NOTE,
    MAX_OWNER,
    STATUS_LABELS,
    DoneItem,
    TrackedPlan,
    done_since,
    plan_for,
    reorder,
    reset_order,
    update_item,
)
from ..context import state
from ..params import parse_id
from ..security import form_text, require
from ..views import PLAN_EXPORT_TYPES, export_plan
from .pages import checked_form

__all__ = ["PlanRow", "PlanView", "UnitPlanView", "assessment_plan", "router", "unit_plan"]

router = APIRouter(include_in_schema=False)

_ANSWERS = [
    ("yes", "Yes"),
    ("partly", "Partly"),
    ("no", "No"),
    ("na", "N/A"),
    ("unknown", "Don't know"),
    ("unanswered", "No answer"),
]
_OPEN = ("open", "in-progress")


# --- view models --------------------------------------------------------------------------


def _gain(value: float | None) -> str:
    return fmt_delta(value)


@dataclass(frozen=True)
class PlanRow:
    """One plan item as a page shows it."""

    key: str
    rank: int
    computed_rank: int
    question: str
    extended: bool
    dimension_id: str
    dimension_title: str
    dimension_score: str
    recommendation: str
    value: str
    distribution: list[tuple[str, str, int, float]]
    gain: str
    overall_gain: str
    status: str
    status_label: str
    owner: str
    due: str
    note: str
    first: bool
    last: bool


def _row(it: PlanItem, note: str, first: bool, last: bool) -> PlanRow:
    counts = [(k, label, int(it.distribution.get(k, 0))) for k, label in _ANSWERS]
    total = sum(c for _, _, c in counts) or 1
    return PlanRow(
        key=it.key,
        rank=it.rank,
        computed_rank=it.computed_rank,
        question=it.question_text,
        extended=it.question_set != "core",
        dimension_id=it.dimension_id,
        dimension_title=it.dimension_title,
        dimension_score=fmt_score(it.dimension_score),
        recommendation=it.recommendation,
        value=fmt_score(100 * it.value, 0),
        distribution=[(k, label, c, 100.0 * c / total) for k, label, c in counts],
        gain=_gain(it.gain),
        overall_gain=_gain(it.overall_gain),
        status=it.status,
        status_label=STATUS_LABELS.get(it.status, it.status),
        owner=it.owner,
        due="" if it.due is None else it.due.isoformat(),
        note=note,
        first=first,
        last=last,
    )


def _rows(tracked: TrackedPlan) -> list[PlanRow]:
    n = len(tracked.items)
    return [_row(it, tracked.notes.get(it.key, ""), i == 0, i == n - 1) for i, it in enumerate(tracked.items)]


@dataclass(frozen=True)
class PlanView:
    """The assessment page's plan section."""

    rows: list[PlanRow]
    manual_order: bool
    empty_message: str
    counts: list[tuple[str, str, int]]
    ranking: str = RANKING_RULE
    statuses: list[tuple[str, str]] = field(default_factory=lambda: [(s, STATUS_LABELS[s]) for s in STATUSES])
    max_owner: int = MAX_OWNER
    max_note: int = MAX_NOTE


def _counts(items: list[PlanItem]) -> list[tuple[str, str, int]]:
    return [(s, STATUS_LABELS[s], sum(1 for it in items if it.status == s)) for s in STATUSES]


def assessment_plan(session: Session, *, assessment: Assessment) -> PlanView:
    """What the assessment page's plan section shows."""
    tracked = plan_for(session, assessment=assessment)
    return PlanView(
        rows=_rows(tracked),
        manual_order=tracked.manual_order,
        empty_message=tracked.plan.empty_message(),
        counts=_counts(tracked.items),
    )


@dataclass(frozen=True)
class ChangeRow:
    """A dimension's score change between the last two assessments, with the plan items
    done in that time."""

    title: str
    before: str
    after: str
    change: str
    direction: str
    items: list[DoneItem]
    total: bool = False


@dataclass(frozen=True)
class UnitPlanView:
    """The unit page's plan sections."""

    assessment_id: int
    title: str
    date: str
    open_rows: list[PlanRow]
    counts: list[tuple[str, str, int]]
    item_count: int
    previous_id: int | None = None
    previous_title: str = ""
    previous_date: str = ""
    changes: list[ChangeRow] = field(default_factory=list)
    done_count: int = 0


def _change(before: float | None, after: float | None) -> tuple[str, str]:
    if before is None or after is None:
        return "", ""
    text = fmt_delta(after - before)
    # the direction follows the figure shown: a change that reads +0.0 is "same"
    shown = float(text)
    return text, "up" if shown > 0 else "down" if shown < 0 else "same"


def unit_plan(request: Request, *, unit_id: int, trend: Trend) -> UnitPlanView | None:
    """The open items of the unit's latest assessment with answers and, beside each
    dimension's change since the assessment before, the items of that one's plan marked
    done; ``None`` when no assessment has answers."""
    if not trend.points:
        return None
    latest = trend.points[-1]
    with state(request).read() as s:
        tracked = plan_for(s, assessment=get_assessment(s, assessment_id=latest.assessment_id))
        since = (
            done_since(s, unit_id=unit_id, before_date=latest.date, before_id=latest.assessment_id)
            if len(trend.points) > 1
            else None
        )
    rows = [r for r in _rows(tracked) if r.status in _OPEN]
    view = UnitPlanView(
        assessment_id=latest.assessment_id,
        title=latest.title,
        date=latest.date.isoformat(),
        open_rows=rows,
        counts=_counts(tracked.items),
        item_count=len(tracked.items),
    )
    if since is None or since.previous is None:
        return view
    previous = next((p for p in trend.points if p.assessment_id == since.previous.id), trend.points[-2])
    done = since.by_dimension()
    changes = []
    for did, title in trend.dimensions:
        before, after = previous.scores.get(did), latest.scores.get(did)
        text, direction = _change(before, after)
        changes.append(
            ChangeRow(title, fmt_score(before), fmt_score(after), text, direction, done.get(did, []))
        )
    text, direction = _change(previous.overall, latest.overall)
    changes.append(
        ChangeRow(
            "Overall", fmt_score(previous.overall), fmt_score(latest.overall), text, direction, [], True
        )
    )
    return UnitPlanView(
        assessment_id=view.assessment_id,
        title=view.title,
        date=view.date,
        open_rows=view.open_rows,
        counts=view.counts,
        item_count=view.item_count,
        previous_id=previous.assessment_id,
        previous_title=previous.title,
        previous_date=previous.date.isoformat(),
        changes=changes,
        done_count=len(since.items),
    )


# --- exports ---------------------------------------------------------------------------------


@router.get("/assessments/{assessment_id}/plan.{fmt}")
def plan_export(request: Request, assessment_id: str, fmt: str) -> Response:
    """The plan as a Markdown checklist, CSV or JSON (viewer)."""
    require(request, "viewer")
    if fmt not in PLAN_EXPORT_TYPES:
        raise NotFoundError(f"no plan format {fmt!r} (use md, csv or json)")
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        body, media_type, name = export_plan(s, assessment=a, fmt=fmt)
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
