"""Invitations from the assessment page (facilitator): personal links one at a time or
from a pasted list, shared links, mailing them, reminders (re-issuing, revoking and
restoring a respondent's link: ``respondents.py``).

A new link's token is shown once, on the page that answers the form; only its hash is
stored, so it cannot be shown again: re-issuing makes a new one (the respondent keeps
their answers; the old link stops working). Mail goes out after the transaction that
made the links, outside it (``web/mail.py``); a failed mail leaves the links shown to copy.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...errors import ConflictError, ScorecardError
from ...store.assessments import get_assessment, lock_assessment
from ...store.invitation_list import InvitationLine, one_person, parse_invitation_list
from ...store.respondents import (
    AUDIENCES,
    contacts_of,
    create_invitations,
    mail_audiences,
    progress_of,
)
from ...store.share_links import MAX_LINK_RESPONDENTS, create_share_link, revoke_share_link
from ...store.tokens import new_token
from ..context import state
from ..errors import status_for
from ..mail import Letter, MailKind, mail_enabled
from ..params import form_text, parse_id, whole_number
from ..security import CurrentUser, checked_form, require
from ..templating import render
from ..views.invitations import AUDIENCE_LABELS
from .invitation_common import audit_event, base_of, changeable, link_rows, links_page, mail_letters
from .pages import NO_STORE

router = APIRouter(include_in_schema=False)

#: The longest pasted list, in characters (1,000 people of about 100 characters).
MAX_LIST_TEXT = 200_000


def _link_page(
    request: Request, aid: int, title: str, kind: str, path: str, name: str, role: str
) -> Response:
    response = render(
        request,
        "assessment_link.html",
        status_code=201,
        assessment_id=aid,
        title=title,
        kind=kind,
        link=base_of(request) + path,
        name=name,
        role=role,
    )
    response.headers.update(NO_STORE)
    return response


async def _invite(
    request: Request, aid: int, people: list[InvitationLine], send: bool, user: CurrentUser
) -> Response:
    cap = state(request).settings.max_respondents_per_assessment

    def create() -> tuple[str, list[tuple[Letter, str]]]:
        with state(request).write() as s:
            a = lock_assessment(s, assessment_id=aid)  # two lists of the same names cannot both pass
            if a.status == "closed":
                raise ConflictError("this assessment is closed; reopen it to change its invitations")
            made = create_invitations(s, assessment=a, people=people, max_respondents=cap)
            names = [r.name or "" for r, _ in made]
            audit_event(
                s,
                user,
                a,
                "invitation.create",
                f"Invited {names[0]}" if len(names) == 1 else f"Invited {len(names)} people",
                respondents=[r.id for r, _ in made],
                names=names,
            )
            letters = [(Letter(r.id, r.name or "", r.email or "", token), r.role) for r, token in made]
            return a.title, letters

    title, made = await run_in_threadpool(create)
    deliveries = await mail_letters(request, aid, [x for x, _ in made], "invitation", user) if send else []
    heading = f"Personal link for {made[0][0].name}" if len(made) == 1 else f"{len(made)} personal links"
    return links_page(request, aid, title, heading, link_rows(made, deliveries, base_of(request)), send)


@router.post("/assessments/{assessment_id}/invitations")
async def invitation_create(request: Request, assessment_id: str) -> Response:
    """A personal invitation for a named respondent; the link is shown once (and
    mailed when an address is given, the box is ticked and SMTP is configured)."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    name = form_text(form, "name", max_length=200)
    role = form_text(form, "role", max_length=100)
    email = form_text(form, "email", max_length=320)
    if not name:
        raise ScorecardError("a personal invitation needs the respondent's name (or use a shared link)")
    person = one_person(name, email, role)
    return await _invite(request, aid, [person], bool(form.get("send")), user)


def _list_form(request: Request, aid: int, text: str = "", error: str = "", status: int = 200) -> Response:
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=aid)
        title, closed = a.title, a.status == "closed"
    if closed:
        raise ConflictError("this assessment is closed; reopen it to change its invitations")
    return render(
        request,
        "invitation_list.html",
        status_code=status,
        assessment_id=aid,
        title=title,
        text=text,
        error=error,
        mail=mail_enabled(state(request).settings),
    )


@router.get("/assessments/{assessment_id}/invitations/list")
def invitation_list_page(request: Request, assessment_id: str) -> Response:
    """The form to paste a list of people (name, email, role per line)."""
    require(request, "facilitator")
    return _list_form(request, parse_id(assessment_id, "assessment"))


@router.post("/assessments/{assessment_id}/invitations/list")
async def invitation_list_create(request: Request, assessment_id: str) -> Response:
    """Invite everyone of a pasted list at once, or nobody: a bad line, a name given
    twice or already invited is shown again with the list, naming its line."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    text = form_text(form, "people", max_length=MAX_LIST_TEXT)
    try:
        people = parse_invitation_list(text)
        return await _invite(request, aid, people, bool(form.get("send")), user)
    except ScorecardError as exc:
        if status_for(exc) == 404:
            raise
        return _list_form(request, aid, text=text, error=str(exc), status=status_for(exc))


@router.post("/assessments/{assessment_id}/reminders")
async def reminders_send(request: Request, assessment_id: str) -> Response:
    """Mail the chosen group (not invited yet, not started, not submitted) a new link
    each; the earlier link of each person mailed stops working, their answers stay."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    chosen = form_text(form, "who", max_length=20)
    who = next((a for a in AUDIENCES if a == chosen), None)
    if who is None:
        raise ScorecardError(f"choose who to remind: one of {', '.join(AUDIENCES)}")
    if not mail_enabled(state(request).settings):
        raise ConflictError(
            "mail is not configured (MLOPS_SCORECARD_SMTP_HOST); copy the links from the invitations instead"
        )

    def pick() -> tuple[str, list[tuple[Letter, str]], int]:
        with state(request).read() as s:
            a = changeable(s, aid)
            progress = progress_of(s, assessment=a)
            group = mail_audiences(progress, contacts_of(s, assessment=a))[who]
            roles = {int(p["id"]): str(p["role"] or "") for p in progress}
            letters = [
                (Letter(c.id, c.name, c.email or "", new_token(), new_link=True), roles.get(c.id, ""))
                for c in group
                if c.email
            ]
            return a.title, letters, len(group) - len(letters)

    title, made, unreachable = await run_in_threadpool(pick)
    if not made:
        raise ConflictError(
            f"nobody to mail: {AUDIENCE_LABELS[who].lower()} has {unreachable} "
            "people, none with an email address"
            if unreachable
            else f"nobody to mail: nobody is in {AUDIENCE_LABELS[who].lower()!r}"
        )
    kind: MailKind = "invitation" if who == "uninvited" else "reminder"
    deliveries = await mail_letters(request, aid, [x for x, _ in made], kind, user)
    heading = f"{'Invitations' if kind == 'invitation' else 'Reminders'} mailed"
    if unreachable:
        heading += f" ({unreachable} without an email address left out)"
    return links_page(
        request, aid, title, heading, link_rows(made, deliveries, base_of(request)), True, status=200
    )


@router.post("/assessments/{assessment_id}/share-links")
async def share_link_create(request: Request, assessment_id: str) -> Response:
    """A shared anonymous link, with an optional cap on respondents; the link is shown once."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    cap_text = form_text(form, "max_respondents", max_length=20)
    cap = whole_number(cap_text, maximum=MAX_LINK_RESPONDENTS) if cap_text else None
    if cap_text and not cap:
        raise ScorecardError(
            f"the most respondents must be a whole number from 1 to {MAX_LINK_RESPONDENTS}, or empty for no cap"
        )

    def create() -> tuple[str, str]:
        with state(request).write() as s:
            a = changeable(s, aid)
            link, token = create_share_link(s, assessment=a, max_respondents=cap)
            audit_event(s, user, a, "invitation.share_link", "Created a shared link", link=link.id, cap=cap)
            return a.title, token

    title, token = await run_in_threadpool(create)
    return _link_page(request, aid, title, "shared", f"/join/{token}", "", "")


@router.post("/assessments/{assessment_id}/share-links/{link_id}/revoke")
async def share_link_revoke(request: Request, assessment_id: str, link_id: str) -> Response:
    """Stop a shared link from admitting new respondents (answers given stay)."""
    await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    lid = parse_id(link_id, "shared link")

    def revoke() -> None:
        with state(request).write() as s:
            a = changeable(s, aid)
            revoke_share_link(s, assessment=a, link_id=lid)
            audit_event(s, user, a, "invitation.share_link_revoke", "Revoked a shared link", link=lid)

    await run_in_threadpool(revoke)
    return RedirectResponse(f"/assessments/{aid}#invitations", status_code=303)
