"""The improvement plan on the pages: the forms that change it, the exports and the push
of its issues to GitHub (the sections that show it are ``web/views/plans.py``).

Every change is a plain form POST (CSRF checked) answered with a redirect back to the
item, so the plan can be tracked without JavaScript. ``static/plan.js`` posts the same
forms with ``Accept: application/json`` and gets the item and the order back instead,
so a change is saved without reloading the page. Each change records an audit event.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...errors import NotFoundError, ScorecardError
from ...planning.github import CreatedIssue, PushOutcome, check_repo, push_issues
from ...store.assessments import get_assessment
from ...store.audit import record
from ...store.models import User
from ...store.plans import MAX_NOTE, MAX_OWNER, STATUS_LABELS, plan_for, reorder, reset_order, update_item
from ...store.tracked_plan import TrackedPlan
from ..context import state
from ..errors import wants_json
from ..params import form_text, parse_id
from ..security import CurrentUser, checked_form, require
from ..templating import render
from ..views.plans import PLAN_EXPORT_TYPES, export_context, export_plan, plan_title

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# --- exports ---------------------------------------------------------------------------------


@router.get("/assessments/{assessment_id}/plan.{fmt}")
def plan_export(request: Request, assessment_id: str, fmt: str) -> Response:
    """The plan as a Markdown checklist, CSV, JSON, GitHub issues (JSON) or a Jira CSV (viewer)."""
    require(request, "viewer")
    if fmt not in PLAN_EXPORT_TYPES:
        raise NotFoundError(f"no plan format {fmt!r} (use md, csv, json, github.json or jira.csv)")
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        body, media_type, name = export_plan(
            plan_for(s, assessment=a), assessment=a, fmt=fmt, base_url=str(request.base_url)
        )
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


# --- changes (facilitator; forms) --------------------------------------------------------------


def _answer(request: Request, aid: int, tracked: TrackedPlan, key: str | None = None) -> Response:
    """A redirect back to the item for a form, the changed plan for ``plan.js``."""
    if not wants_json(request):
        anchor = f"plan-item-{key}" if key else "plan"
        return RedirectResponse(f"/assessments/{aid}#{anchor}", status_code=303)
    body: dict[str, Any] = {
        "order": [it.key for it in tracked.items],
        "manual_order": tracked.manual_order,
        "counts": {s: sum(1 for it in tracked.items if it.status == s) for s in STATUS_LABELS},
    }
    if key is not None:
        item = tracked.item_dict(tracked.item(key))
        item["status_label"] = STATUS_LABELS.get(item["status"], item["status"])
        body["item"] = item
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def _key(question_id: str) -> str:
    if not question_id or len(question_id) > 80:
        raise NotFoundError("no such plan item")
    return question_id


def _by(session: Session, user: CurrentUser) -> User | None:
    """The signed-in user's row, for the audit event."""
    return session.get(User, user.id)


@router.post("/assessments/{assessment_id}/plan/order/reset")
async def plan_reset(request: Request, assessment_id: str) -> Response:
    """Back to the ranking rule's order."""
    await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")

    def change() -> TrackedPlan:
        with state(request).write() as s:
            return reset_order(s, assessment=get_assessment(s, assessment_id=aid), by=_by(s, user))

    return _answer(request, aid, await run_in_threadpool(change))


@router.post("/assessments/{assessment_id}/plan/order")
async def plan_order(request: Request, assessment_id: str) -> Response:
    """The whole order at once: the form's ``question_id`` fields, first to last."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    keys = [v for v in form.getlist("question_id") if isinstance(v, str)]
    if len(keys) > 1000:
        raise ScorecardError("too many items")

    def change() -> TrackedPlan:
        with state(request).write() as s:
            return reorder(
                s, assessment=get_assessment(s, assessment_id=aid), question_ids=keys, by=_by(s, user)
            )

    return _answer(request, aid, await run_in_threadpool(change))


def moved(keys: list[str], folded: set[str], key: str, direction: str) -> list[str]:
    """``keys`` with ``key`` one place up or down, or to the top or the bottom, among the
    items of its own fold (near "yes" or not): a move past a folded item shows nothing."""
    peers = [k for k in keys if (k in folded) == (key in folded)]
    i = peers.index(key)
    j = {"up": max(0, i - 1), "down": min(len(peers) - 1, i + 1), "top": 0, "bottom": len(peers) - 1}[
        direction
    ]
    if i == j:
        return list(keys)
    out = [k for k in keys if k != key]
    target = peers[j]
    at = out.index(target)
    out.insert(at if j < i else at + 1, key)
    return out


@router.post("/assessments/{assessment_id}/plan/{question_id}/move")
async def plan_move(request: Request, assessment_id: str, question_id: str) -> Response:
    """Move an item one place up or down (``direction``), or to the top or the bottom."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    key = _key(question_id)
    direction = form_text(form, "direction", max_length=10)
    if direction not in ("up", "down", "top", "bottom"):
        raise ScorecardError("direction must be up, down, top or bottom")

    def change() -> TrackedPlan:
        with state(request).write() as s:
            a = get_assessment(s, assessment_id=aid)
            items = plan_for(s, assessment=a).items
            keys = [it.key for it in items]
            if key not in keys:
                raise NotFoundError(f"question {key!r} is not in the plan of assessment {aid}")
            folded = {it.key for it in items if it.near_yes}
            return reorder(s, assessment=a, question_ids=moved(keys, folded, key, direction), by=_by(s, user))

    return _answer(request, aid, await run_in_threadpool(change), key)


# --- GitHub issues (facilitator) ------------------------------------------------------------


@router.post("/assessments/{assessment_id}/plan/github")
async def plan_github(request: Request, assessment_id: str) -> Response:
    """Create the plan's open items as issues in a GitHub repository with the token the
    form sends (used for this push only, never stored), and show what was created."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    repo = check_repo(form_text(form, "repo", max_length=200))
    token = form_text(form, "token", max_length=500)
    api_url = state(request).settings.github_api_url
    base_url = str(request.base_url)

    def issues() -> tuple[list[dict[str, Any]], str]:
        with state(request).read() as s:
            a = get_assessment(s, assessment_id=aid)
            tracked = plan_for(s, assessment=a)
            return tracked.github_issues(
                export_context(tracked, assessment=a, base_url=base_url)
            ), plan_title(a)

    found, title = await run_in_threadpool(issues)
    # the network calls run outside any database transaction: GitHub may be slow
    outcome: PushOutcome = await run_in_threadpool(
        lambda: push_issues(found, repo=repo, token=token, api_url=api_url)
    )

    def log() -> None:
        with state(request).write() as s:
            a = get_assessment(s, assessment_id=aid)
            _record_push(s, _by(s, user), a.id, a.unit_id, repo, outcome, len(found))

    await run_in_threadpool(log)
    created = outcome.raise_for_error()
    return render(
        request,
        "plan_github.html",
        aid=aid,
        title=title,
        repo=repo,
        created=created,
    )


def _record_push(
    session: Session, by: User | None, aid: int, unit_id: int, repo: str, outcome: PushOutcome, asked: int
) -> None:
    issues: list[CreatedIssue] = outcome.created
    summary = f"Created {len(issues)} of {asked} GitHub issues in {repo}"
    if outcome.error is not None:
        summary += f" (stopped: {str(outcome.error)[:200]})"
    record(
        session,
        user=by,
        action="plan.export",
        summary=summary,
        assessment_id=aid,
        unit_id=unit_id,
        detail={
            "target": "github",
            "repo": repo,
            "issues": [{"number": i.number, "url": i.url} for i in issues],
            "error": None if outcome.error is None else str(outcome.error),
        },
    )


# the catch-all item route comes last: /plan/github and /plan/order are not items
@router.post("/assessments/{assessment_id}/plan/{question_id}")
async def plan_item_update(request: Request, assessment_id: str, question_id: str) -> Response:
    """Change an item's status, owner, due date, effort and note (the fields the form sends)."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    key = _key(question_id)
    values: dict[str, Any] = {}
    for name, limit in (
        ("status", 40),
        ("owner", MAX_OWNER),
        ("due_date", 40),
        ("note", MAX_NOTE),
        ("effort", 20),
    ):
        if name in form:
            values[name] = form_text(form, name, max_length=limit)

    def change() -> TrackedPlan:
        with state(request).write() as s:
            a = get_assessment(s, assessment_id=aid)
            return update_item(s, assessment=a, question_id=key, by=_by(s, user), **values)

    return _answer(request, aid, await run_in_threadpool(change), key)
