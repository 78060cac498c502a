"""API: invitations (personal and shared links), respondents, and answers files in and out."""

from __future__ import annotations

import json
from typing import Annotated, Literal

import yaml
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from ...answers import read_answers
from ...errors import AnswersError, ConflictError
from ...store.answer_sets import answer_set
from ...store.answers import import_answer_set
from ...store.assessments import get_assessment, lock_assessment
from ...store.audit import record
from ...store.invitation_list import one_person
from ...store.models import User
from ...store.respondents import create_invitation, named_respondent, progress_of, revoke_respondent
from ...store.share_links import create_share_link, list_share_links, revoke_share_link
from ...store.summary_refresh import refresh_summaries
from ..api_models.common import utc
from ..api_models.responses import (
    AnswersFile,
    ImportResult,
    InvitationCreated,
    InvitationIn,
    RespondentOut,
    ShareLinkCreated,
    ShareLinkIn,
    ShareLinkOut,
)
from ..audit_trail import note
from ..context import state
from .api_common import (
    AssessmentId,
    Facilitator,
    ItemId,
    errors,
    file_responses,
    respondent_out,
    share_link_out,
)

router = APIRouter(tags=["invitations and answers"])

_YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
_JSON_TYPES = ("application/json",)


# --- invitations ---------------------------------------------------------------------------


@router.post(
    "/assessments/{assessment_id}/invitations",
    summary="Invite a named respondent",
    status_code=201,
    response_model=InvitationCreated,
    responses=errors(403, 404, 409, 422),
)
def invitations_create(
    request: Request, assessment_id: AssessmentId, body: InvitationIn, user: Facilitator
) -> InvitationCreated:
    """A personal link for one named respondent. The token (and so the link) is returned
    only here: it is stored hashed. A closed assessment takes no invitations (409), and a
    name already invited and not revoked is refused (409)."""
    with state(request).write() as session:
        a = lock_assessment(session, assessment_id=assessment_id)
        if a.status != "closed" and named_respondent(session, assessment=a, name=body.name) is not None:
            raise ConflictError(f"{body.name!r} is already invited to this assessment")
        person = one_person(body.name, body.email, body.role)
        r, token = create_invitation(
            session,
            assessment=a,
            name=person.name,
            role=person.role,
            email=person.email,
            max_respondents=state(request).settings.max_respondents_per_assessment,
        )
        record(
            session,
            user=session.get(User, user.id),
            action="invitation.create",
            summary=f"Invited {r.name}",
            assessment_id=a.id,
            unit_id=a.unit_id,
            detail={"respondents": [r.id]},
        )
        return InvitationCreated(id=r.id, name=r.name or "", role=r.role, link=f"/r/{token}", token=token)


@router.get(
    "/assessments/{assessment_id}/respondents",
    summary="List respondents and their progress",
    response_model=list[RespondentOut],
    responses=errors(403, 404, 422),
)
def respondents_list(
    request: Request, assessment_id: AssessmentId, _user: Facilitator
) -> list[RespondentOut]:
    """Who was invited or has answered, how many questions each answered and when they
    submitted (revoked ones too). Anonymous respondents have a null name. Never their
    answers, never their tokens. Facilitators only: viewers see aggregates, never who
    (the count of respondents is in the results)."""
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        return [respondent_out(row) for row in progress_of(session, assessment=a)]


@router.delete(
    "/assessments/{assessment_id}/respondents/{respondent_id}",
    summary="Revoke a respondent",
    response_model=RespondentOut,
    responses=errors(403, 404, 409, 422),
)
def respondents_revoke(
    request: Request, assessment_id: AssessmentId, respondent_id: ItemId, user: Facilitator
) -> RespondentOut:
    """Invalidate the respondent's link and leave their answers out of results and
    exports (they stay stored). Not on a closed assessment (409). ``POST
    .../respondents/{id}/restore`` undoes it."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        r = revoke_respondent(session, assessment=a, respondent_id=respondent_id)
        record(
            session,
            user=session.get(User, user.id),
            action="invitation.revoke",
            summary=f"Revoked {r.name or 'a respondent'}'s link",
            assessment_id=a.id,
            unit_id=a.unit_id,
            detail={"respondent": r.id},
        )
        row = next(r for r in progress_of(session, assessment=a) if r["id"] == respondent_id)
        return respondent_out(row)


@router.post(
    "/assessments/{assessment_id}/share-links",
    summary="Create a shared (anonymous) link",
    status_code=201,
    response_model=ShareLinkCreated,
    responses=errors(403, 404, 409, 422),
)
def share_links_create(
    request: Request, assessment_id: AssessmentId, _user: Facilitator, body: ShareLinkIn | None = None
) -> ShareLinkCreated:
    """A link anyone can open to answer anonymously (no name stored); each visitor becomes
    a new respondent, up to ``max_respondents`` when given (then joining answers 409).
    Joins are also rate limited per link and address (429). The token is returned only here."""
    cap = body.max_respondents if body else None
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        link, token = create_share_link(session, assessment=a, max_respondents=cap)
        return ShareLinkCreated(
            id=link.id,
            link=f"/join/{token}",
            token=token,
            created_at=utc(link.created_at),
            max_respondents=link.max_respondents,
            joined=link.joined,
        )


@router.get(
    "/assessments/{assessment_id}/share-links",
    summary="List shared links",
    response_model=list[ShareLinkOut],
    responses=errors(403, 404, 422),
)
def share_links_list(request: Request, assessment_id: AssessmentId, _user: Facilitator) -> list[ShareLinkOut]:
    """The assessment's shared links, revoked ones too (without their tokens)."""
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        return [share_link_out(s) for s in list_share_links(session, assessment=a)]


@router.delete(
    "/assessments/{assessment_id}/share-links/{link_id}",
    summary="Revoke a shared link",
    response_model=ShareLinkOut,
    responses=errors(403, 404, 422),
)
def share_links_revoke(
    request: Request, assessment_id: AssessmentId, link_id: ItemId, _user: Facilitator
) -> ShareLinkOut:
    """Stop the link from admitting new respondents; the answers already given stay."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        return share_link_out(revoke_share_link(session, assessment=a, link_id=link_id))


# --- answers files -------------------------------------------------------------------------


async def _upload(request: Request) -> tuple[str, bool]:
    """The request body as text and whether it is JSON (by Content-Type), read once.

    The app's body size limit (413) applies while reading.
    """
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in _YAML_TYPES + _JSON_TYPES:
        raise HTTPException(
            415, "send the answers file as application/json or application/yaml (or text/yaml)"
        )
    body = await request.body()
    try:
        return body.decode("utf-8"), media in _JSON_TYPES
    except UnicodeDecodeError as exc:
        raise AnswersError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source="upload") from None


@router.post(
    "/assessments/{assessment_id}/answers",
    summary="Import an answers file",
    status_code=201,
    response_model=ImportResult,
    responses=errors(403, 404, 409, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "An answers file (docs/answers-format.md) as JSON or YAML.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/AnswersFile"}},
                "application/yaml": {"schema": {"type": "string"}},
            },
        }
    },
)
def answers_import(
    request: Request,
    assessment_id: AssessmentId,
    _user: Facilitator,
    upload: Annotated[tuple[str, bool], Depends(_upload)],
) -> ImportResult:
    """Add every respondent of the file to the assessment, all or nothing. The file must be
    for the assessment's framework (and version, when it names one) and question set (422);
    a respondent name that already has answers there is refused (409), so importing a file
    twice does not double it; a closed assessment takes no answers (409)."""
    text, as_json = upload
    settings = state(request).settings
    # Read and validated before the transaction: the lock is held only for the inserts.
    answers = read_answers(
        text, source="upload", as_json=as_json, max_respondents=settings.max_respondents_per_file
    )
    with state(request).write() as session:
        # Locked first, so that two imports of the same names cannot both pass the check.
        a = lock_assessment(session, assessment_id=assessment_id)
        added = import_answer_set(
            session, assessment=a, answers=answers, max_respondents=settings.max_respondents_per_assessment
        )
        refresh_summaries(session, assessment_ids=[a.id])  # once per file, not per answer
        ids = {r.id for r in added}
        note(
            request,
            session,
            action="answers.upload",
            summary=f"Imported {len(ids)} respondents from an answers file",
            assessment=a,
            detail={"respondents": len(ids)},
            user=_user,
        )
        rows = [respondent_out(row) for row in progress_of(session, assessment=a) if row["id"] in ids]
        return ImportResult(imported=len(rows), respondents=rows)


@router.get(
    "/assessments/{assessment_id}/answers",
    summary="Export the answers file",
    response_model=AnswersFile,
    responses=file_responses(
        "The answers file (docs/answers-format.md)", {"application/yaml": {"type": "string"}}, 403, 404, 422
    ),
)
def answers_export(
    request: Request,
    _user: Facilitator,
    assessment_id: AssessmentId,
    format: Annotated[Literal["json", "yaml"], Query(description="file format")] = "json",
) -> Response:
    """Every respondent (not revoked, with at least one answer) with their role, answers,
    comments and evidence, in the answers file format: importing it into another assessment
    gives the same answers. Individual answers: facilitators and admins only."""
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        data = answer_set(session, assessment=a).to_data()
    filename = f"assessment-{assessment_id}-answers.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if format == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        return Response(text.encode("utf-8"), media_type="application/json", headers=headers)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return Response(text.encode("utf-8"), media_type="application/yaml; charset=utf-8", headers=headers)
