"""The calibration meeting's pages: the presentation view that walks the split
questions one by one, and the forms that record, change and remove an agreed answer.

Facilitators only: the view is meant for a shared screen, so it shows counts by role
(small roles merged, as viewers see them) and comments without names. Each change is a
plain form POST (CSRF checked) answered with a redirect back to the question.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ...analysis.calibration import MAX_NOTE, role_distribution
from ...errors import NotFoundError, ScorecardError
from ...store.assessments import get_assessment
from ...store.calibration import load_meeting, record_agreed, remove_agreed
from ...store.units import unit_path
from ..context import state
from ..params import form_text, parse_id
from ..security import checked_form, require
from ..templating import render
from ..views.calibration import meeting_view
from ..views.crumbs import unit_crumbs

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _question_key(question_id: str) -> str:
    if not question_id or len(question_id) > 80:
        raise NotFoundError("no such question")
    return question_id


def _back(aid: int, question_id: str, flag: str) -> RedirectResponse:
    return RedirectResponse(
        f"/assessments/{aid}/calibration?q={quote(question_id, safe='')}&{flag}=1#question", status_code=303
    )


@router.get("/assessments/{assessment_id}/calibration")
def calibration_page(
    request: Request, assessment_id: str, q: str = "", saved: str = "", removed: str = ""
) -> Response:
    """The presentation view (facilitator): one split question at a time, the largest
    disagreement first (``q`` names the question; the first without it)."""
    require(request, "facilitator")
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        meeting = load_meeting(s, assessment=a)
        unit = a.unit
        path = unit_path(s, unit=unit)
    ids = [h.question.id for h in meeting.agenda]
    if q and q not in ids:
        raise NotFoundError(
            f"question {q[:80]!r} is not on the agenda of assessment {a.id} (the respondents agree on it)"
        )
    view = None
    if ids:
        position = ids.index(q) if q else 0
        roles = role_distribution(meeting.shared, ids[position])
        view = meeting_view(meeting.framework, meeting.agenda, position, roles, meeting.calibration)
    return render(
        request,
        "calibration.html",
        a=a,
        unit=unit,
        crumbs=unit_crumbs(path, (a.title, f"/assessments/{a.id}"), ("Calibration meeting", None)),
        framework=meeting.framework,
        view=view,
        saved=saved == "1",
        removed=removed == "1",
        max_note=MAX_NOTE,
    )


@router.post("/assessments/{assessment_id}/calibration/{question_id}")
async def calibration_agree(request: Request, assessment_id: str, question_id: str) -> Response:
    """Record or change the agreed answer (``answer``, or the ``choice`` fields of a
    multiple-choice question) and its ``note``."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    key = _question_key(question_id)
    answer = form_text(form, "answer", max_length=80)
    note = form_text(form, "note", max_length=MAX_NOTE + 100)
    choices = None
    if form_text(form, "by_choices", max_length=1) == "1":
        choices = [v for v in form.getlist("choice") if isinstance(v, str)][:50]
    elif not answer:
        raise ScorecardError(f"choose the answer the group agreed on for {key!r}")

    def change() -> None:
        with state(request).write() as s:
            record_agreed(
                s,
                assessment_id=aid,
                question_id=key,
                answer=answer,
                choices=choices,
                note=note,
                user_id=user.id,
            )

    await state(request).run(change)
    return _back(aid, key, "saved")


@router.post("/assessments/{assessment_id}/calibration/{question_id}/remove")
async def calibration_remove(request: Request, assessment_id: str, question_id: str) -> Response:
    """Remove the agreed answer: the respondents' answers count again. ``back=results``
    (the assessment page's form) returns there: a question the respondents no longer
    split on is off the meeting's agenda."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    key = _question_key(question_id)

    def change() -> None:
        with state(request).write() as s:
            remove_agreed(s, assessment_id=aid, question_id=key, user_id=user.id)

    await state(request).run(change)
    if form_text(form, "back", max_length=10) == "results":
        return RedirectResponse(f"/assessments/{aid}#agreed", status_code=303)
    return _back(aid, key, "removed")
