"""API: assessments, their status, results and reports."""

from __future__ import annotations

import copy
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from ...errors import FrameworkError
from ...framework import Framework
from ...reports import ReportFormat
from ...store.accounts import get_user
from ...store.assessments import (
    archive_assessment,
    create_assessment,
    delete_assessment,
    get_assessment,
    list_assessments,
    set_status,
    update_assessment,
)
from ...store.audit import record
from ...store.derived import derived_etag
from ...store.frameworks import resolve
from ...store.reporting import render_stored_report
from ...store.results import result_for
from ...store.units import get_unit, subtree_ids
from ..api_models.assessments import ArchiveIn, AssessmentIn, AssessmentOut, AssessmentPatch, StatusIn
from ..api_models.common import AssessmentStatus
from ..api_models.results import ResultOut
from ..audit_trail import note, note_status
from ..caching import REVALIDATE, matches, not_modified
from ..capacity import heavy
from ..context import state
from ..params import MAX_ID
from .api_common import AssessmentId, Facilitator, Viewer, assessment_out, errors, file_responses

router = APIRouter(tags=["assessments"])

_MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}


def named_framework(session: Session, ref: str) -> Framework:
    """A built-in or published framework by ``id`` (newest version) or ``id@version``.

    The API never loads a framework from a file path, unlike the CLI.
    """
    try:
        return resolve(session, ref)
    except FrameworkError as exc:
        raise FrameworkError(f"framework: {exc}") from None


@router.get(
    "/assessments",
    summary="List assessments",
    response_model=list[AssessmentOut],
    responses=errors(404, 422),
)
def assessments_list(
    request: Request,
    _user: Viewer,
    unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only this unit's")] = None,
    subtree: Annotated[bool, Query(description="with unit_id: also the units below it")] = False,
    status: Annotated[AssessmentStatus | None, Query(description="only this status")] = None,
    archived: Annotated[bool, Query(description="the archived assessments instead of the others")] = False,
) -> list[AssessmentOut]:
    """Assessments, oldest first by date; ``unit_id`` filters by unit (404 if it does not
    exist). Archived assessments are left out unless ``archived=true``, which lists only them."""
    with state(request).read() as session:
        unit_ids = None
        if unit_id is not None:
            get_unit(session, unit_id=unit_id)
            unit_ids = subtree_ids(session, unit_id=unit_id) if subtree else [unit_id]
        found = list_assessments(session, unit_ids=unit_ids, archived=archived)
        return [assessment_out(a) for a in found if status is None or a.status == status]


@router.post(
    "/assessments",
    summary="Create an assessment",
    status_code=201,
    response_model=AssessmentOut,
    responses=errors(403, 404, 422),
)
def assessments_create(request: Request, body: AssessmentIn, _user: Facilitator) -> AssessmentOut:
    """Create an assessment of ``unit_id``, pinned to a built-in or published framework
    version and a question set, with its ``profile`` (context answers). Without
    ``targets`` it starts from the default targets of the nearest unit up the tree that
    has some. An unknown framework or version, a target for an unknown dimension, or an
    unknown context question or option is 422; an archived unit is 409."""
    with state(request).write() as session:
        fw = named_framework(session, body.framework)
        a = create_assessment(
            session,
            unit_id=body.unit_id,
            title=body.title,
            date=body.date,
            framework=fw.ref,
            question_set=body.question_set,
            targets=None if body.targets is None else dict(body.targets),
            status=body.status,
            profile=dict(body.profile),
        )
        note(
            request,
            session,
            action="assessment.create",
            summary=f"Created the assessment {a.title!r}",
            assessment=a,
            user=_user,
        )
        return assessment_out(a)


@router.get(
    "/assessments/{assessment_id}",
    summary="Get an assessment",
    response_model=AssessmentOut,
    responses=errors(404, 422),
)
def assessments_get(request: Request, assessment_id: AssessmentId, _user: Viewer) -> AssessmentOut:
    """One assessment."""
    with state(request).read() as session:
        return assessment_out(get_assessment(session, assessment_id=assessment_id))


@router.patch(
    "/assessments/{assessment_id}",
    summary="Change title, date, question set, targets or the profile",
    response_model=AssessmentOut,
    responses=errors(403, 404, 409, 422),
)
def assessments_patch(
    request: Request, assessment_id: AssessmentId, body: AssessmentPatch, user: Facilitator
) -> AssessmentOut:
    """Change the fields given; ``targets`` replaces every target (``{}`` clears them), as
    ``profile`` every context answer (the scores and the plan follow it). The question
    set changes only while nobody has answered (409 after). A closed assessment is
    frozen (409): reopen it first."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        changed = update_assessment(
            session,
            assessment=a,
            title=body.title,
            date=body.date,
            question_set=body.question_set,
            targets=None if body.targets is None else dict(body.targets),
            profile=None if body.profile is None else dict(body.profile),
        )
        if changed:
            record(
                session,
                user=get_user(session, user_id=user.id),
                action="assessment.update",
                summary=f"Changed {', '.join(c.replace('_', ' ') for c in changed)} of {a.title!r}",
                assessment_id=a.id,
                unit_id=a.unit_id,
                detail={"changed": changed},
            )
        return assessment_out(a)


@router.post(
    "/assessments/{assessment_id}/archive",
    summary="Archive or restore an assessment",
    response_model=AssessmentOut,
    responses=errors(403, 404, 409, 422),
)
def assessments_archive(
    request: Request, assessment_id: AssessmentId, body: ArchiveIn, user: Facilitator
) -> AssessmentOut:
    """``archived: true`` hides the assessment from lists, its unit's trend and the
    roll-ups (its answers, results and page stay); ``false`` restores it (409 while its
    unit is archived)."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        if archive_assessment(session, assessment=a, archived=body.archived):
            record(
                session,
                user=get_user(session, user_id=user.id),
                action="assessment.archive" if body.archived else "assessment.restore",
                summary=f"{'Archived' if body.archived else 'Restored'} {a.title!r}",
                assessment_id=a.id,
                unit_id=a.unit_id,
            )
        return assessment_out(a)


@router.delete(
    "/assessments/{assessment_id}",
    summary="Delete an assessment",
    status_code=204,
    response_class=Response,
    responses=errors(403, 404, 422),
)
def assessments_delete(request: Request, assessment_id: AssessmentId, user: Facilitator) -> Response:
    """Delete the assessment with its respondents, answers, links, plan and evidence;
    it cannot be undone (archiving can). The audit log keeps the event."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        unit_id, title = a.unit_id, a.title
        delete_assessment(session, assessment=a)
        record(
            session,
            user=get_user(session, user_id=user.id),
            action="assessment.delete",
            summary=f"Deleted {title!r}",
            unit_id=unit_id,
            detail={"assessment_id": assessment_id, "title": title},
        )
    return Response(status_code=204)


@router.post(
    "/assessments/{assessment_id}/status",
    summary="Open, close or reopen an assessment",
    response_model=AssessmentOut,
    responses=errors(403, 404, 409, 422),
)
def assessments_status(
    request: Request, assessment_id: AssessmentId, body: StatusIn, _user: Facilitator
) -> AssessmentOut:
    """``open`` takes answers; ``closed`` freezes answers and results; a closed assessment
    can be reopened (``open``) but not turned back into a ``draft`` (409)."""
    with state(request).write() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        note_status(request, session, assessment=a, status=body.status, user=_user)
        set_status(session, assessment=a, status=body.status)
        return assessment_out(a)


@router.get(
    "/assessments/{assessment_id}/results",
    summary="Scores, levels, targets and gaps",
    response_model=ResultOut,
    responses=errors(404, 422),
)
@heavy
def assessments_results(request: Request, assessment_id: AssessmentId, user: Viewer) -> Response:
    """The scores per dimension and overall, with counts, levels and per-respondent scores
    (the ``result`` of the JSON report); for a closed assessment, the result frozen at
    closing. Each dimension carries its ``target`` and ``gap`` (target - score).
    Viewers get aggregates only: ``respondents`` is empty for them. Scored once per
    revision of the assessment; with the ``ETag`` in ``If-None-Match``, 304 while it holds."""
    everyone = user.can("facilitator")
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        etag = f'"{derived_etag(a, "api:result", "all" if everyone else "viewers")}"'
        if matches(request, etag):
            return not_modified(etag)
        data: dict[str, Any] = copy.deepcopy(result_for(session, assessment=a))
        targets = {k: float(v) for k, v in (a.targets or {}).items()}
        for dim in data.get("dimensions", []):
            target = targets.get(dim["id"])
            dim["target"] = target
            score = dim.get("score")
            dim["gap"] = None if target is None or score is None else target - score
        if not everyone:
            data["respondents"] = []  # names, roles and scores of one person each
        data.update(
            assessment_id=a.id,
            status=a.status,
            frozen=a.status == "closed" and a.frozen_result is not None,
            targets=targets,
        )
        body = ResultOut.model_validate(data).model_dump(mode="json", by_alias=True)
    return JSONResponse(body, headers={"ETag": etag, "Cache-Control": REVALIDATE})


@router.get(
    "/assessments/{assessment_id}/report",
    summary="Download the report (HTML, Markdown, JSON or PDF)",
    response_class=Response,
    responses=file_responses(
        "The report, in the format asked for",
        {
            "text/html": {"type": "string"},
            "text/markdown": {"type": "string"},
            "application/json": {"type": "object", "description": "docs/report-format.md"},
            "application/pdf": {"type": "string", "format": "binary"},
        },
        404,
        422,
    ),
)
@heavy
def assessments_report(
    request: Request,
    user: Viewer,
    assessment_id: AssessmentId,
    format: Annotated[Literal["html", "md", "json", "pdf"], Query(description="report format")] = "html",
) -> Response:
    """The core's report of the assessment's current answers, with the unit's earlier
    assessments as the trend and the plan as tracked (see docs/report-format.md).
    Viewers get it without respondent names."""
    fmt: ReportFormat = format
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        body = render_stored_report(session, assessment=a, fmt=fmt, with_names=user.can("facilitator"))
    return Response(
        body,
        media_type=_MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'inline; filename="assessment-{assessment_id}.{fmt}"'},
    )
