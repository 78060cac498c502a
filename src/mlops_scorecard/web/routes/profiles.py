"""An assessment's context (profile): changing it while the assessment is a draft or open."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...store.assessments import get_assessment, update_assessment
from ..context import state
from ..params import parse_id
from ..security import checked_form
from ..views.profile import profile_from_form

router = APIRouter(include_in_schema=False)


@router.post("/assessments/{assessment_id}/profile")
async def assessment_profile(request: Request, assessment_id: str) -> Response:
    """Replace the context answers (facilitator); the scores and the plan follow them.
    A closed assessment is frozen (409); an unknown question or option is 422."""
    form = await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    profile = profile_from_form(form)

    def change() -> None:
        with state(request).write() as s:
            update_assessment(s, assessment=get_assessment(s, assessment_id=aid), profile=profile)

    await run_in_threadpool(change)
    return RedirectResponse(f"/assessments/{aid}#context", status_code=303)
