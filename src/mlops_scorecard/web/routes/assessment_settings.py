"""An assessment's settings (facilitator): title, date, question set and targets edited;
archived and restored; deleted after a confirmation page. Each change is one
transaction with its audit event."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ...analysis.targets import targets_in_unit
from ...errors import ConflictError, ScorecardError
from ...format import fmt_number
from ...framework import Framework
from ...store.accounts import get_user
from ...store.answer_sets import assessment_framework
from ...store.assessments import (
    archive_assessment,
    delete_assessment,
    get_assessment,
    has_answers,
    update_assessment,
)
from ...store.audit import record
from ...store.units import unit_path
from ..context import state
from ..params import form_text, parse_id
from ..security import CurrentUser, checked_form, require
from ..templating import render
from ..views.crumbs import unit_crumbs

__all__ = ["form_targets", "router"]

router = APIRouter(include_in_schema=False)


def form_targets(values: dict[str, str], fw: Framework) -> dict[str, float]:
    """The form's ``target_<dimension>`` fields, typed in the framework's unit, as
    numbers by dimension id (blank: no target); the store checks the range."""
    targets: dict[str, float] = {}
    for key, text in values.items():
        if not key.startswith("target_") or not text:
            continue
        did = key[len("target_") :]
        dim = fw.dimension(did)
        if dim is None:
            raise ScorecardError(f"target for {did!r}: not a dimension of {fw.title} {fw.version}")
        try:
            targets[did] = float(text)
        except ValueError:
            raise ScorecardError(f"target for {dim.title}: {text!r} is not a number") from None
    return targets


def _edit_page(
    request: Request,
    aid: int,
    *,
    status: int = 200,
    error: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=aid)
        fw = assessment_framework(a)
        locked = has_answers(s, assessment_id=a.id)
        unit = a.unit
        path = unit_path(s, unit=unit)
        shown = targets_in_unit(fw, a.targets or {})
    if values is None:
        values = {"title": a.title, "date": a.date.isoformat(), "question_set": a.question_set}
        values.update({f"target_{k}": fmt_number(v, 2).rstrip("0").rstrip(".") for k, v in shown.items()})
    return render(
        request,
        "assessment_edit.html",
        status_code=status,
        a=a,
        unit=unit,
        framework=fw,
        dimensions=[(d.id, d.title) for d in fw.dimensions],
        locked=locked,
        error=error,
        values=values,
        crumbs=unit_crumbs(path, (a.title, f"/assessments/{a.id}"), ("Settings", None)),
    )


@router.get("/assessments/{assessment_id}/edit")
def assessment_edit(request: Request, assessment_id: str) -> Response:
    """The settings form: title, date, question set (while nobody has answered) and
    targets; archive and delete."""
    require(request, "facilitator")
    return _edit_page(request, parse_id(assessment_id, "assessment"))


@router.post("/assessments/{assessment_id}/edit")
async def assessment_edit_save(request: Request, assessment_id: str) -> Response:
    """Save the settings; on bad input the form comes back with the reason (409 or 422)."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    return await run_in_threadpool(_save, request, aid, form, user)


def _save(request: Request, aid: int, form: FormData, user: CurrentUser) -> Response:
    values = {k: form_text(form, k, max_length=300) for k in ("title", "date", "question_set")}
    for key in form:
        if isinstance(key, str) and key.startswith("target_") and len(values) < 200:
            values[key[:90]] = form_text(form, key, max_length=20)
    try:
        try:
            date = dt.date.fromisoformat(values["date"])
        except ValueError:
            raise ScorecardError(f"date {values['date']!r} is not a date (use YYYY-MM-DD)") from None
        with state(request).write() as s:
            a = get_assessment(s, assessment_id=aid)
            fw = assessment_framework(a)
            changed = update_assessment(
                s,
                assessment=a,
                title=values["title"],
                date=date,
                question_set=values["question_set"] or a.question_set,
                targets=form_targets(values, fw),
            )
            if changed:
                record(
                    s,
                    user=get_user(s, user_id=user.id),
                    action="assessment.update",
                    summary=f"Changed {', '.join(c.replace('_', ' ') for c in changed)} of {a.title!r}",
                    assessment_id=a.id,
                    unit_id=a.unit_id,
                    detail={"changed": changed},
                )
    except ScorecardError as exc:
        status = 409 if isinstance(exc, ConflictError) else 422
        return _edit_page(request, aid, status=status, error=str(exc), values=values)
    return RedirectResponse(f"/assessments/{aid}?saved=1", status_code=303)


@router.post("/assessments/{assessment_id}/archive")
async def assessment_archive(request: Request, assessment_id: str) -> Response:
    """Archive (``archived=1``) or restore (``archived=0``) the assessment."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    archived = form_text(form, "archived", max_length=1) != "0"

    def change() -> None:
        with state(request).write() as s:
            a = get_assessment(s, assessment_id=aid)
            if archive_assessment(s, assessment=a, archived=archived):
                record(
                    s,
                    user=get_user(s, user_id=user.id),
                    action="assessment.archive" if archived else "assessment.restore",
                    summary=f"{'Archived' if archived else 'Restored'} {a.title!r}",
                    assessment_id=a.id,
                    unit_id=a.unit_id,
                )

    await run_in_threadpool(change)
    return RedirectResponse(f"/assessments/{aid}", status_code=303)


def _delete_page(request: Request, aid: int, *, status: int = 200, error: str | None = None) -> Response:
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=aid)
        unit = a.unit
        answered = has_answers(s, assessment_id=a.id)
        crumbs = unit_crumbs(unit_path(s, unit=unit), (a.title, f"/assessments/{a.id}"), ("Delete", None))
    return render(
        request,
        "assessment_delete.html",
        status_code=status,
        a=a,
        unit=unit,
        error=error,
        answered=answered,
        crumbs=crumbs,
    )


@router.get("/assessments/{assessment_id}/delete")
def assessment_delete_confirm(request: Request, assessment_id: str) -> Response:
    """The confirmation step: what goes with the assessment, and its title to type."""
    require(request, "facilitator")
    return _delete_page(request, parse_id(assessment_id, "assessment"))


@router.post("/assessments/{assessment_id}/delete")
async def assessment_delete(request: Request, assessment_id: str) -> Response:
    """Delete the assessment once its title is typed again; on to its unit's page."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    typed = form_text(form, "confirm", max_length=300)

    def delete() -> int | None:
        with state(request).write() as s:
            a = get_assessment(s, assessment_id=aid)
            if typed != a.title:
                return None
            unit_id, title = a.unit_id, a.title
            delete_assessment(s, assessment=a)
            record(
                s,
                user=get_user(s, user_id=user.id),
                action="assessment.delete",
                summary=f"Deleted {title!r}",
                unit_id=unit_id,
                detail={"assessment_id": aid, "title": title},
            )
            return unit_id

    unit_id = await run_in_threadpool(delete)
    if unit_id is None:
        return _delete_page(
            request, aid, status=422, error="type the assessment's title exactly to delete it"
        )
    return RedirectResponse(f"/units/{unit_id}?deleted=1", status_code=303)
