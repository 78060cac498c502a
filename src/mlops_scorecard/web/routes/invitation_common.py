"""What the invitation pages share: the assessment check, the audit event, the address
links start with, and the page that shows new personal links with their mail status."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...errors import ConflictError
from ...store.assessments import get_assessment
from ...store.audit import record
from ...store.models import Assessment, User
from ...store.units import unit_path
from ..context import state
from ..mail import Delivery, Letter, MailKind, deliver, mail_enabled, public_base
from ..security import CurrentUser
from ..templating import render
from ..views.crumbs import unit_crumbs
from ..views.invitations import LinkRow, count_status
from .pages import NO_STORE

__all__ = ["audit_event", "base_of", "changeable", "link_rows", "links_page", "mail_letters"]


def changeable(session: Session, aid: int) -> Assessment:
    """The assessment, refused (409) when it is closed: its invitations no longer change."""
    a = get_assessment(session, assessment_id=aid)
    if a.status == "closed":
        raise ConflictError("this assessment is closed; reopen it to change its invitations")
    return a


def audit_event(
    session: Session, user: CurrentUser, a: Assessment, action: str, summary: str, **detail: object
) -> None:
    """One audit event of the invitations, by the signed-in ``user``, about ``a``."""
    record(
        session,
        user=session.get(User, user.id),
        action=action,
        summary=summary,
        assessment_id=a.id,
        unit_id=a.unit_id,
        detail=dict(detail) or None,
    )


def base_of(request: Request) -> str:
    """The address links start with (``MLOPS_SCORECARD_PUBLIC_URL``, else the request's)."""
    return public_base(state(request).settings, str(request.base_url))


def link_rows(made: Sequence[tuple[Letter, str]], deliveries: Sequence[Delivery], base: str) -> list[LinkRow]:
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


def links_page(
    request: Request,
    a_id: int,
    title: str,
    heading: str,
    rows: list[LinkRow],
    mailing: bool,
    status: int = 201,
    reissued: bool = False,
) -> Response:
    """The page that shows new personal links (once) with what became of their mail,
    under the same trail as the assessment page (the unit path included)."""
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=a_id)
        path = unit_path(s, unit=a.unit)
    response = render(
        request,
        "invitation_links.html",
        status_code=status,
        assessment_id=a_id,
        crumbs=unit_crumbs(path, (title, f"/assessments/{a_id}"), ("Personal links", None)),
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


async def mail_letters(
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
            base=base_of(request),
            user_id=user.id,
        )
    )
