"""API: invitations in bulk (mailed or not), reminders, re-issued links, restoring a
revoked respondent. Mail goes out after the transaction that made the links, outside
it (``web/mail.py``); a failed mail is reported per person, never as an error status."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request

from ...errors import ConflictError
from ...store.assessments import get_assessment, lock_assessment
from ...store.invitation_list import invitation_people
from ...store.models import Assessment
from ...store.respondents import (
    contacts_of,
    create_invitations,
    mail_audiences,
    progress_of,
    reissue_link,
    restore_respondent,
)
from ...store.tokens import new_token
from ..api_models.invitations import (
    BulkInvitationsIn,
    BulkInvitationsOut,
    MadeLink,
    ReissueIn,
    RemindersIn,
    RemindersOut,
)
from ..api_models.responses import RespondentOut
from ..context import state
from ..mail import Delivery, Letter, MailKind, deliver, mail_enabled, public_base
from ..security import CurrentUser
from .api_common import AssessmentId, Facilitator, ItemId, errors, respondent_out
from .invitation_common import audit_event

router = APIRouter(tags=["invitations and answers"])


def _open(a: Assessment) -> Assessment:
    if a.status == "closed":
        raise ConflictError("this assessment is closed; reopen it to change its invitations")
    return a


def _mail(
    request: Request, aid: int, letters: Sequence[Letter], kind: MailKind, user: CurrentUser
) -> list[Delivery]:
    to_mail = [x for x in letters if x.email]
    if not to_mail or not mail_enabled(state(request).settings):
        return []
    base = public_base(state(request).settings, str(request.base_url))
    return deliver(state(request), assessment_id=aid, letters=to_mail, kind=kind, base=base, user_id=user.id)


def _made(
    request: Request, letters: Sequence[tuple[Letter, str]], deliveries: Sequence[Delivery]
) -> list[MadeLink]:
    by_id = {d.respondent_id: d for d in deliveries}
    out = []
    for x, role in letters:
        d = by_id.get(x.respondent_id)
        works = d is None or d.link_works
        out.append(
            MadeLink(
                id=x.respondent_id,
                name=x.name,
                email=x.email or None,
                role=role,
                link=f"/r/{x.token}" if works else None,
                token=x.token if works else None,
                mail="not_mailed" if d is None else "sent" if d.sent else "failed",
                mail_error=d.error if d is not None and d.error else None,
            )
        )
    return out


@router.post(
    "/assessments/{assessment_id}/invitations/bulk",
    summary="Invite many named respondents",
    status_code=201,
    response_model=BulkInvitationsOut,
    responses=errors(403, 404, 409, 422),
)
def invitations_bulk(
    request: Request, assessment_id: AssessmentId, body: BulkInvitationsIn, user: Facilitator
) -> BulkInvitationsOut:
    """A personal link for each person, all or none: a bad address or a name given twice
    is refused (422, naming ``people[i]``), a name already invited and not revoked too
    (409). With ``send``, each person with an address is mailed their link through the
    service's SMTP server; a failed mail is reported in ``mail_error``, the link stays."""
    people = invitation_people([(p.name, p.email, p.role) for p in body.people])
    cap = state(request).settings.max_respondents_per_assessment
    with state(request).write() as s:
        a = _open(lock_assessment(s, assessment_id=assessment_id))
        made = create_invitations(s, assessment=a, people=people, max_respondents=cap)
        audit_event(
            s,
            user,
            a,
            "invitation.create",
            f"Invited {len(made)} people",
            respondents=[r.id for r, _ in made],
        )
        letters = [(Letter(r.id, r.name or "", r.email or "", token), r.role) for r, token in made]
    deliveries = (
        _mail(request, assessment_id, [x for x, _ in letters], "invitation", user) if body.send else []
    )
    out = _made(request, letters, deliveries)
    return BulkInvitationsOut(
        invitations=out,
        mailed=sum(1 for x in out if x.mail == "sent"),
        failed=sum(1 for x in out if x.mail == "failed"),
    )


@router.post(
    "/assessments/{assessment_id}/respondents/{respondent_id}/reissue",
    summary="Re-issue a respondent's link",
    status_code=201,
    response_model=MadeLink,
    responses=errors(403, 404, 409, 422),
)
def respondents_reissue(
    request: Request,
    assessment_id: AssessmentId,
    respondent_id: ItemId,
    user: Facilitator,
    body: ReissueIn | None = None,
) -> MadeLink:
    """A new personal link for the respondent, who keeps every answer; the old link stops
    working (404). Only personal invitations that are not revoked (409 otherwise). With
    ``send``, the new link is mailed when they have an address."""
    with state(request).write() as s:
        a = _open(get_assessment(s, assessment_id=assessment_id))
        r, token = reissue_link(s, assessment=a, respondent_id=respondent_id)
        audit_event(
            s, user, a, "invitation.reissue", f"Re-issued {r.name or 'a respondent'}'s link", respondent=r.id
        )
        letter = (Letter(r.id, r.name or "", r.email or "", token), r.role)
    deliveries = _mail(request, assessment_id, [letter[0]], "invitation", user) if body and body.send else []
    return _made(request, [letter], deliveries)[0]


@router.post(
    "/assessments/{assessment_id}/respondents/{respondent_id}/restore",
    summary="Restore a revoked respondent",
    response_model=RespondentOut,
    responses=errors(403, 404, 409, 422),
)
def respondents_restore(
    request: Request, assessment_id: AssessmentId, respondent_id: ItemId, user: Facilitator
) -> RespondentOut:
    """Undo a revocation: the respondent's link works again and their answers count in
    the results again. Refused (409) on a closed assessment, or when the same name was
    invited again since."""
    with state(request).write() as s:
        a = _open(get_assessment(s, assessment_id=assessment_id))
        r = restore_respondent(s, assessment=a, respondent_id=respondent_id)
        audit_event(
            s, user, a, "invitation.restore", f"Restored {r.name or 'a respondent'}'s link", respondent=r.id
        )
        row = next(p for p in progress_of(s, assessment=a) if p["id"] == respondent_id)
        return respondent_out(row)


@router.post(
    "/assessments/{assessment_id}/reminders",
    summary="Mail invitations or reminders to a group",
    response_model=RemindersOut,
    responses=errors(403, 404, 409, 422),
)
def reminders_send(
    request: Request, assessment_id: AssessmentId, body: RemindersIn, user: Facilitator
) -> RemindersOut:
    """Mail everyone of the ``audience`` who has an address a new personal link (their
    earlier link stops working once the mail is sent; their answers stay). 409 when
    mail is not configured (``MLOPS_SCORECARD_SMTP_HOST``) or the assessment is closed."""
    if not mail_enabled(state(request).settings):
        raise ConflictError("mail is not configured (MLOPS_SCORECARD_SMTP_HOST); nothing can be mailed")
    with state(request).read() as s:
        a = _open(get_assessment(s, assessment_id=assessment_id))
        progress = progress_of(s, assessment=a)
        group = mail_audiences(progress, contacts_of(s, assessment=a))[body.audience]
        roles = {int(p["id"]): str(p["role"] or "") for p in progress}
    letters = [
        (Letter(c.id, c.name, c.email or "", new_token(), new_link=True), roles.get(c.id, ""))
        for c in group
        if c.email
    ]
    kind: MailKind = "invitation" if body.audience == "uninvited" else "reminder"
    deliveries = _mail(request, assessment_id, [x for x, _ in letters], kind, user)
    out = _made(request, letters, deliveries)
    return RemindersOut(
        audience=body.audience,
        mailed=sum(1 for x in out if x.mail == "sent"),
        failed=sum(1 for x in out if x.mail == "failed"),
        without_email=len(group) - len(letters),
        deliveries=out,
    )
