"""Survey responses into an assessment (facilitator): upload a Google Forms or
Microsoft Forms export (and optionally a mapping file), see the preview, confirm; and
the assessment's answers as CSV (the layout the import reads back)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from ...answers.csv_io import answers_to_csv
from ...answers.survey_import import ImportPreview
from ...answers.survey_layouts import MAX_SURVEY_BYTES
from ...errors import NotFoundError, ScorecardError
from ...store.answer_sets import answer_set, assessment_framework
from ...store.assessments import get_assessment
from ..context import state
from ..errors import status_for
from ..params import form_text, parse_id
from ..security import check_csrf, require
from ..survey_imports import import_preview, pack, survey_preview, unpack
from ..templating import render
from ..views.common import slug

router = APIRouter(include_in_schema=False)

#: The largest form field: the packed file of the confirmation (the app's body limit
#: still caps the whole request).
_MAX_FIELD = 2 * MAX_SURVEY_BYTES


def _page(
    request: Request,
    aid: int,
    *,
    status: int = 200,
    preview: ImportPreview | None = None,
    problems: list[str] | None = None,
    payload: str = "",
    mapping_payload: str = "",
    ignore_unmatched: bool = False,
) -> Response:
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=aid)
        title, status_now, framework, question_set = a.title, a.status, a.framework_id, a.question_set
        version = a.framework_version
    return render(
        request,
        "assessment_import.html",
        status_code=status,
        assessment_id=aid,
        title=title,
        closed=status_now == "closed",
        framework_ref=f"{framework}@{version}",
        question_set=question_set,
        preview=preview,
        problems=problems if problems is not None else (preview.problems if preview else []),
        payload=payload,
        mapping_payload=mapping_payload,
        ignore_unmatched=ignore_unmatched,
    )


@router.get("/assessments/{assessment_id}/import")
def import_form(request: Request, assessment_id: str) -> Response:
    """The upload form for survey responses (facilitator)."""
    require(request, "facilitator")
    return _page(request, parse_id(assessment_id, "assessment"))


async def _file(form: FormData, name: str) -> tuple[str, bytes] | None:
    upload = form.get(name)
    if not isinstance(upload, UploadFile) or (not upload.filename and not upload.size):
        return None
    return (upload.filename or name)[-100:], await upload.read(MAX_SURVEY_BYTES + 1)


@router.post("/assessments/{assessment_id}/import")
async def import_post(request: Request, assessment_id: str) -> Response:
    """Preview an uploaded export, or (``action=import``) import the previewed one."""
    require(request, "facilitator")
    form = await request.form(max_part_size=_MAX_FIELD)
    token = form.get("csrf_token")
    check_csrf(request, token if isinstance(token, str) else None)
    aid = parse_id(assessment_id, "assessment")
    ignore = form_text(form, "ignore_unmatched", max_length=10) in ("on", "1", "true")
    action = form_text(form, "action", max_length=20)
    try:
        upload = await _file(form, "file")
        mapping_upload = await _file(form, "mapping")
        if upload is not None:
            filename, data = upload
        else:
            payload = form_text(form, "payload", max_length=_MAX_FIELD)
            if not payload:
                raise ScorecardError("choose the survey export (CSV or XLSX) to upload")
            filename = form_text(form, "filename", max_length=100) or "upload"
            data = unpack(payload, what="survey file")
        if mapping_upload is not None:
            mapping: bytes | None = mapping_upload[1]
        else:
            packed = form_text(form, "mapping_payload", max_length=_MAX_FIELD)
            mapping = unpack(packed, what="mapping file") if packed else None
    except ScorecardError as exc:
        return _page(request, aid, status=status_for(exc), problems=str(exc).splitlines())
    return await run_in_threadpool(_preview_or_import, request, aid, filename, data, mapping, ignore, action)


def _preview_or_import(
    request: Request,
    aid: int,
    filename: str,
    data: bytes,
    mapping: bytes | None,
    ignore: bool,
    action: str,
) -> Response:
    try:
        preview = survey_preview(
            request, aid, data, filename=filename, mapping=mapping, ignore_unmatched=ignore
        )
        if action == "import" and preview.ok:
            count = len(import_preview(request, aid, preview))
            return RedirectResponse(
                f"/assessments/{aid}?imported={count}&source=survey#progress", status_code=303
            )
    except NotFoundError:
        raise
    except ScorecardError as exc:
        return _page(request, aid, status=status_for(exc), problems=str(exc).splitlines())
    return _page(
        request,
        aid,
        status=200 if preview.ok else 422,
        preview=preview,
        payload=pack(data),
        mapping_payload=pack(mapping) if mapping else "",
        ignore_unmatched=ignore,
    )


@router.get("/assessments/{assessment_id}/answers.csv")
def answers_csv(request: Request, assessment_id: str) -> Response:
    """The answers as CSV (facilitator, as the answers file): one row per respondent,
    with names, roles and comments; imports again without loss."""
    require(request, "facilitator")
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        answers = answer_set(s, assessment=a)
        fw = assessment_framework(a)
        name = f"{slug(a.unit.name)}-{slug(a.title)}-{a.date.isoformat()}.csv"
    return Response(
        answers_to_csv(answers, fw),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="answers-{name}"',
            "Cache-Control": "no-store",
        },
    )
