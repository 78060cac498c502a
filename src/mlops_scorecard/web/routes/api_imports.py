"""API: survey exports (Google Forms, Microsoft Forms, CSV) into an assessment, and its
answers as CSV. Facilitators only: both carry individual answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from ...answers.csv_io import answers_to_csv
from ...answers.survey_layouts import MAX_SURVEY_BYTES
from ...errors import AnswersError
from ...store.answer_sets import answer_set, assessment_framework
from ...store.assessments import get_assessment
from ...store.respondents import progress_of
from ..api_models.imports import SurveyImportOut, SurveyPreviewOut
from ..context import state
from ..survey_imports import import_preview, survey_preview
from .api_common import AssessmentId, Facilitator, errors, file_responses, respondent_out

router = APIRouter(tags=["answers"])


async def _read(upload: UploadFile | None, what: str) -> bytes | None:
    if upload is None:
        return None
    data = await upload.read(MAX_SURVEY_BYTES + 1)
    if len(data) > MAX_SURVEY_BYTES:
        raise AnswersError(f"the {what} is larger than {MAX_SURVEY_BYTES // 2**20} MB", source="upload")
    return data


@router.post(
    "/assessments/{assessment_id}/imports",
    summary="Import survey responses",
    status_code=201,
    response_model=SurveyImportOut,
    responses={
        200: {"model": SurveyImportOut, "description": "The preview (dry run)"},
        **errors(403, 404, 409, 413, 422),
    },
)
async def survey_import(
    request: Request,
    response: Response,
    assessment_id: AssessmentId,
    _user: Facilitator,
    file: Annotated[UploadFile, File(description="the survey export: CSV or XLSX")],
    mapping: Annotated[
        UploadFile | None, File(description="a mapping file (YAML), docs/answers-format.md")
    ] = None,
    ignore_unmatched: Annotated[bool, Form(description="leave out columns that match no question")] = False,
    dry_run: Annotated[bool, Query(description="only preview: nothing is imported")] = False,
) -> SurveyImportOut:
    """Read a Google Forms CSV, a Microsoft Forms XLSX (or its CSV save) or this tool's
    answers CSV against the assessment's framework and question set. With ``dry_run`` the
    preview (200): each column and what it was read as, the labels not on the scale with
    their cells, the problems. Otherwise every respondent is added, all or nothing (201);
    a file with problems is 422 listing each with its row and column, a respondent name
    that already has answers 409."""
    data = await _read(file, "survey file") or b""
    plan = await _read(mapping, "mapping file")
    filename = (file.filename or "upload")[-100:]

    def work() -> SurveyImportOut:
        preview = survey_preview(
            request, assessment_id, data, filename=filename, mapping=plan, ignore_unmatched=ignore_unmatched
        )
        out = SurveyPreviewOut.model_validate(preview.to_dict())
        if dry_run:
            return SurveyImportOut(dry_run=True, imported=0, respondents=[], preview=out)
        ids = set(import_preview(request, assessment_id, preview, _user))
        with state(request).read() as session:
            a = get_assessment(session, assessment_id=assessment_id)
            rows = [respondent_out(r) for r in progress_of(session, assessment=a) if r["id"] in ids]
        return SurveyImportOut(dry_run=False, imported=len(rows), respondents=rows, preview=out)

    result = await run_in_threadpool(work)
    if dry_run:
        response.status_code = 200
    return result


@router.get(
    "/assessments/{assessment_id}/answers.csv",
    summary="Export the answers as CSV",
    responses=file_responses(
        "One row per respondent, one column per question (docs/answers-format.md)",
        {"text/csv": {"type": "string"}},
        403,
        404,
        422,
    ),
)
def answers_csv_export(request: Request, _user: Facilitator, assessment_id: AssessmentId) -> Response:
    """The answers in the CSV layout the survey import reads back without loss: name,
    role, then per question its answer (the scale's label) and comment. Individual
    answers: facilitators and admins only."""
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        body = answers_to_csv(answer_set(session, assessment=a), assessment_framework(a))
    headers = {"Content-Disposition": f'attachment; filename="assessment-{assessment_id}-answers.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
