"""Invitations from the assessment page (facilitator): personal links one at a time or
from a pasted list, shared links, mailing them, reminders, re-issuing, revoking (after a
confirmation page) and restoring.

A new link's token is shown once, on the page that answers the form; only its hash is
stored, so it cannot be shown again: re-issuing makes a new one (the respondent keeps
their answers; the old link stops working). Mail goes out after the transaction that
made the links, outside it (``web/mail.py``); a failed mail leaves the links shown to copy.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...errors import ConflictError, NotFoundError, ScorecardError
from ...store.assessments import get_assessment, lock_assessment
from ...store.audit import record
from ...store.invitation_list import InvitationLine, one_person, parse_invitation_list
from ...store.models import Assessment, User
from ...store.respondents import (
    AUDIENCES,
    contacts_of,
    create_invitations,
    mail_audiences,
    progress_of,
    reissue_link,
    restore_respondent,
    revoke_respondent,
)
from ...store.share_links import MAX_LINK_RESPONDENTS, create_share_link, revoke_share_link
from ...store.tokens import new_token
from ..context import state
from ..errors import status_for
from ..mail import Delivery, Letter, MailKind, deliver, mail_enabled, public_base
from ..params import form_text, parse_id, whole_number
from ..security import CurrentUser, checked_form, require
from ..templating import render
from ..views.invitations import AUDIENCE_LABELS, LinkRow, count_status
from .pages import NO_STORE

router = APIRouter(include_in_schema=False)

#: The longest pasted list, in characters (1,000 people of about 100 characters).
MAX_LIST_TEXT = 200_000


def _changeable(session: Session, aid: int) -> Assessment:
    a = get_assessment(session, assessment_id=aid)
    if a.status == "closed":
        raise ConflictError("this assessment is closed; reopen it to change its invitations")
    return a


def _audit(
    session: Session, user: CurrentUser, a: Assessment, action: str, summary: str, **detail: object
) -> None:
    record(
        session,
        user=session.get(User, user.id),
        action=action,
        summary=summary,
        assessment_id=a.id,
        unit_id=a.unit_id,
        detail=dict(detail) or None,
    )


def _base(request: Request) -> str:
    return public_base(state(request).settings, str(request.base_url))


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
        link=_base(request) + path,
        name=name,
        role=role,
    )
    response.headers.update(NO_STORE)
    return response


def _rows(made: Sequence[tuple[Letter, str]], deliveries: Sequence[Delivery], base: str) -> list[LinkRow]:
    """The links page's rows: each made link with what became of its mail, if any."""
    by_id = {d.respondent_id: d for d in deliveries}
    rows = []
    for letter, role in made:
        d = by_id.get(letter.respondent_id)
        link = f"{base}/r/{letter.token}"
        if d is None:
            note = "" if letter.email else "no email address"
            rows.append(LinkRow(letter.name, role, letter.email, link, "copy", note))
        elif d.sent:
            rows.append(LinkRow(letter.name, role, letter.email, link, "sent"))
        else:
            shown = link if d.link_works else ""
            note = d.error + ("" if d.link_works else " (their earlier link still works)")
            rows.append(LinkRow(letter.name, role, letter.email, shown, "failed", note))
    return rows


def _links_page(
    request: Request,
    a_id: int,
    title: str,
    heading: str,
    rows: list[LinkRow],
    mailing: bool,
    status: int = 201,
    reissued: bool = False,
) -> Response:
    response = render(
        request,
        "invitation_links.html",
        status_code=status,
        assessment_id=a_id,
        title=title,
        heading=heading,
        rows=rows,
        mailing=mailing,
        sent=count_status(rows, "sent"),
        failed=count_status(rows, "failed"),
        mail=mail_enabled(state(request).settings),
        reissued=reissued,
    )
    response.headers.update(NO_STORE)
    return response


async def _mail(
    request: Request, aid: int, letters: list[Letter], kind: MailKind, user: CurrentUser
) -> list[Delivery]:
    """Mail ``letters`` in the thread pool (never on the event loop); nothing when
    mailing is not configured or nobody has an address."""
    to_mail = [x for x in letters if x.email]
    if not to_mail or not mail_enabled(state(request).settings):
        return []
    return await run_in_threadpool(
        lambda: deliver(
            state(request),
            assessment_id=aid,
            letters=to_mail,
            kind=kind,
            base=_base(request),
            user_id=user.id,
        )
    )


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
            _audit(
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
    deliveries = await _mail(request, aid, [x for x, _ in made], "invitation", user) if send else []
    heading = f"Personal link for {made[0][0].name}" if len(made) == 1 else f"{len(made)} personal links"
    return _links_page(request, aid, title, heading, _rows(made, deliveries, _base(request)), send)


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
            a = _changeable(s, aid)
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
    deliveries = await _mail(request, aid, [x for x, _ in made], kind, user)
    heading = f"{'Invitations' if kind == 'invitation' else 'Reminders'} mailed"
    if unreachable:
        heading += f" ({unreachable} without an email address left out)"
    return _links_page(
        request, aid, title, heading, _rows(made, deliveries, _base(request)), True, status=200
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
            a = _changeable(s, aid)
            link, token = create_share_link(s, assessment=a, max_respondents=cap)
            _audit(s, user, a, "invitation.share_link", "Created a shared link", link=link.id, cap=cap)
            return a.title, token

    title, token = await run_in_threadpool(create)
    return _link_page(request, aid, title, "shared", f"/join/{token}", "", "")


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
            a = _changeable(s, aid)
            r, token = reissue_link(s, assessment=a, respondent_id=rid)
            label = r.name or f"respondent {r.id}"
            _audit(s, user, a, "invitation.reissue", f"Re-issued {label}'s link", respondent=r.id)
            return a.title, Letter(r.id, r.name or "", r.email or "", token), r.role

    title, letter, role = await run_in_threadpool(reissue)
    deliveries = await _mail(request, aid, [letter], "invitation", user) if form.get("send") else []
    heading = f"New link for {letter.name}" if letter.name else "New link"
    rows = _rows([(letter, role)], deliveries, _base(request))
    return _links_page(request, aid, title, heading, rows, bool(form.get("send")), reissued=True)


@router.get("/assessments/{assessment_id}/respondents/{respondent_id}/revoke")
def respondent_revoke_confirm(request: Request, assessment_id: str, respondent_id: str) -> Response:
    """The confirmation page before revoking: whose link, what happens, how to undo it."""
    require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    rid = parse_id(respondent_id, "respondent")
    with state(request).read() as s:
        a = _changeable(s, aid)
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
            a = _changeable(s, aid)
            r = revoke_respondent(s, assessment=a, respondent_id=rid)
            label = r.name or f"respondent {r.id}"
            _audit(s, user, a, "invitation.revoke", f"Revoked {label}'s link", respondent=r.id)

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
            a = _changeable(s, aid)
            r = restore_respondent(s, assessment=a, respondent_id=rid)
            label = r.name or f"respondent {r.id}"
            _audit(s, user, a, "invitation.restore", f"Restored {label}'s link", respondent=r.id)

    await run_in_threadpool(restore)
    return RedirectResponse(f"/assessments/{aid}#respondent-{rid}", status_code=303)


@router.post("/assessments/{assessment_id}/share-links/{link_id}/revoke")
async def share_link_revoke(request: Request, assessment_id: str, link_id: str) -> Response:
    """Stop a shared link from admitting new respondents (answers given stay)."""
    await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    lid = parse_id(link_id, "shared link")

    def revoke() -> None:
        with state(request).write() as s:
            a = _changeable(s, aid)
            revoke_share_link(s, assessment=a, link_id=lid)
            _audit(s, user, a, "invitation.share_link_revoke", "Revoked a shared link", link=lid)

    await run_in_threadpool(revoke)
    return RedirectResponse(f"/assessments/{aid}#invitations", status_code=303)
