"""A respondent's link from the assessment page (facilitator): re-issue it (the answers
stay, the old link stops working), revoke it after a confirmation page, restore it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...errors import NotFoundError
from ...store.respondents import progress_of, reissue_link, restore_respondent, revoke_respondent
from ..context import state
from ..mail import Letter
from ..params import parse_id
from ..security import checked_form, require
from ..templating import render
from .invitation_common import audit_event, base_of, changeable, link_rows, links_page, mail_letters

router = APIRouter(include_in_schema=False)


@router.post("/assessments/{assessment_id}/respondents/{respondent_id}/reissue")
async def respondent_reissue(request: Request, assessment_id: str, respondent_id: str) -> Response:
    """A new link for a respondent, who keeps their answers; the old link stops working.
    Mailed to them when they have an address, ``send`` is set and SMTP is configured."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    rid = parse_id(respondent_id, "respondent")

    def reissue() -> tuple[str, Letter, str]:
        with state(request).write() as s:
            a = changeable(s, aid)
            r, token = reissue_link(s, assessment=a, respondent_id=rid)
            label = r.name or f"respondent {r.id}"
            audit_event(s, user, a, "invitation.reissue", f"Re-issued {label}'s link", respondent=r.id)
            return a.title, Letter(r.id, r.name or "", r.email or "", token), r.role

    title, letter, role = await run_in_threadpool(reissue)
    deliveries = await mail_letters(request, aid, [letter], "invitation", user) if form.get("send") else []
    heading = f"New link for {letter.name}" if letter.name else "New link"
    rows = link_rows([(letter, role)], deliveries, base_of(request))
    return links_page(request, aid, title, heading, rows, bool(form.get("send")), reissued=True)


@router.get("/assessments/{assessment_id}/respondents/{respondent_id}/revoke")
def respondent_revoke_confirm(request: Request, assessment_id: str, respondent_id: str) -> Response:
    """The confirmation page before revoking: whose link, what happens, how to undo it."""
    require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    rid = parse_id(respondent_id, "respondent")
    with state(request).read() as s:
        a = changeable(s, aid)
        row = next((p for p in progress_of(s, assessment=a) if p["id"] == rid), None)
        title = a.title
    if row is None:
        raise NotFoundError(f"no respondent {rid} in assessment {aid}")
    return render(
        request,
        "respondent_revoke.html",
        assessment_id=aid,
        title=title,
        respondent_id=rid,
        name=row["name"] or "this anonymous respondent",
        answered=int(row["answered"] or 0),
        revoked=row["revoked_at"] is not None,
    )


@router.post("/assessments/{assessment_id}/respondents/{respondent_id}/revoke")
async def respondent_revoke(request: Request, assessment_id: str, respondent_id: str) -> Response:
    """Invalidate a respondent's link; their answers leave the results (restore undoes it)."""
    await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    rid = parse_id(respondent_id, "respondent")

    def revoke() -> None:
        with state(request).write() as s:
            a = changeable(s, aid)
            r = revoke_respondent(s, assessment=a, respondent_id=rid)
            label = r.name or f"respondent {r.id}"
            audit_event(s, user, a, "invitation.revoke", f"Revoked {label}'s link", respondent=r.id)

    await run_in_threadpool(revoke)
    return RedirectResponse(f"/assessments/{aid}#respondent-{rid}", status_code=303)


@router.post("/assessments/{assessment_id}/respondents/{respondent_id}/restore")
async def respondent_restore(request: Request, assessment_id: str, respondent_id: str) -> Response:
    """Undo a revocation: the respondent's link works again and their answers count."""
    await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    rid = parse_id(respondent_id, "respondent")

    def restore() -> None:
        with state(request).write() as s:
            a = changeable(s, aid)
            r = restore_respondent(s, assessment=a, respondent_id=rid)
            label = r.name or f"respondent {r.id}"
            audit_event(s, user, a, "invitation.restore", f"Restored {label}'s link", respondent=r.id)

    await run_in_threadpool(restore)
    return RedirectResponse(f"/assessments/{aid}#respondent-{rid}", status_code=303)
