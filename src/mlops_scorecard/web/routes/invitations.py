"""Invitations from the assessment page (facilitator): personal links, shared links, revoking.

A new link's token is shown once, on the page that answers the form; only its hash is
stored, so it cannot be shown again (revoke it and make a new one instead).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...errors import ConflictError, ScorecardError
from ...store.assessments import get_assessment
from ...store.models import Assessment
from ...store.respondents import create_invitation, revoke_respondent
from ...store.share_links import MAX_LINK_RESPONDENTS, create_share_link, revoke_share_link
from ..context import state
from ..params import form_text, parse_id, whole_number
from ..security import checked_form
from ..templating import render
from .pages import NO_STORE

router = APIRouter(include_in_schema=False)


def _changeable(session: Session, aid: int) -> Assessment:
    a = get_assessment(session, assessment_id=aid)
    if a.status == "closed":
        raise ConflictError("this assessment is closed; reopen it to change its invitations")
    return a


def _link_page(
    request: Request, aid: int, title: str, kind: str, path: str, name: str, role: str
) -> Response:
    base = str(request.base_url).rstrip("/")
    response = render(
        request,
        "assessment_link.html",
        status_code=201,
        assessment_id=aid,
        title=title,
        kind=kind,
        link=base + path,
        name=name,
        role=role,
    )
    response.headers.update(NO_STORE)
    return response


@router.post("/assessments/{assessment_id}/invitations")
async def invitation_create(request: Request, assessment_id: str) -> Response:
    """A personal invitation for a named respondent; the link is shown once."""
    form = await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    name = form_text(form, "name", max_length=200)
    role = form_text(form, "role", max_length=100)
    if not name:
        raise ScorecardError("a personal invitation needs the respondent's name (or use a shared link)")

    cap = state(request).settings.max_respondents_per_assessment

    def create() -> tuple[str, str]:
        with state(request).write() as s:
            a = _changeable(s, aid)
            _, token = create_invitation(s, assessment=a, name=name, role=role, max_respondents=cap)
            return a.title, token

    title, token = await run_in_threadpool(create)
    return _link_page(request, aid, title, "personal", f"/r/{token}", name, role)


@router.post("/assessments/{assessment_id}/share-links")
async def share_link_create(request: Request, assessment_id: str) -> Response:
    """A shared anonymous link, with an optional cap on respondents; the link is shown once."""
    form = await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    cap_text = form_text(form, "max_respondents", max_length=20)
    cap = whole_number(cap_text, maximum=MAX_LINK_RESPONDENTS) if cap_text else None
    if cap_text and not cap:
        raise ScorecardError(
            f"the most respondents must be a whole number from 1 to {MAX_LINK_RESPONDENTS}, or empty for no cap"
        )

    def create() -> tuple[str, str]:
        with state(request).write() as s:
            a = _changeable(s, aid)
            _, token = create_share_link(s, assessment=a, max_respondents=cap)
            return a.title, token

    title, token = await run_in_threadpool(create)
    return _link_page(request, aid, title, "shared", f"/join/{token}", "", "")


@router.post("/assessments/{assessment_id}/respondents/{respondent_id}/revoke")
async def respondent_revoke(request: Request, assessment_id: str, respondent_id: str) -> Response:
    """Invalidate a respondent's link; their answers leave the results."""
    await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    rid = parse_id(respondent_id, "respondent")

    def revoke() -> None:
        with state(request).write() as s:
            revoke_respondent(s, assessment=_changeable(s, aid), respondent_id=rid)

    await run_in_threadpool(revoke)
    return RedirectResponse(f"/assessments/{aid}#progress", status_code=303)


@router.post("/assessments/{assessment_id}/share-links/{link_id}/revoke")
async def share_link_revoke(request: Request, assessment_id: str, link_id: str) -> Response:
    """Stop a shared link from admitting new respondents (answers given stay)."""
    await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    lid = parse_id(link_id, "shared link")

    def revoke() -> None:
        with state(request).write() as s:
            revoke_share_link(s, assessment=_changeable(s, aid), link_id=lid)

    await run_in_threadpool(revoke)
    return RedirectResponse(f"/assessments/{aid}#invitations", status_code=303)
