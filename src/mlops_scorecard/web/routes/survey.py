"""The respondent's side: shared links, the survey pages, autosave, review, submit, upload.

No cookie and no CSRF token on these routes: the unguessable token in the URL is the
respondent's only credential (see ``web/views/survey.py``), so a cross-site form could
do nothing its author could not already do by opening the link. Every answer is saved
as it is given (``survey.js`` posts each change to ``/r/{token}/answers``); without
JavaScript, the form of each page saves all its answers when the respondent moves on.
Database work of the async handlers runs in the thread pool, never on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ...errors import ConflictError, NotFoundError, ScorecardError
from ...store.answer_sets import assessment_framework
from ...store.answers import replace_answers, respondent_answers, save_answer, submit
from ...store.autosave import autosave
from ...store.models import Assessment, Respondent
from ...store.respondents import respondent_for_token
from ...store.saving import StaleRevision
from ...store.share_links import join_shared, share_link_for_token
from ...store.throttle import JoinThrottle
from ..context import state
from ..errors import status_for, wants_json
from ..params import form_int, form_text, whole_number
from ..survey_input import AnswerIn, check_answer, parse_answer_json, read_upload
from ..views.survey import PRIVATE_HEADERS, ROLES, PostedAnswer, Survey, build_survey, page, with_posted

router = APIRouter(include_in_schema=False)

CONFLICT = (
    "this answer was changed in another tab or window after this page was loaded; "
    "reload the page to see the saved answer (nothing saved is lost)"
)


def _survey_of(respondent: Respondent, assessment: Assessment, token: str) -> Survey:
    return build_survey(
        respondent,
        assessment,
        framework=assessment_framework(assessment),
        saved=respondent_answers(respondent),
        token=token,
    )


def _survey(session: Session, token: str) -> Survey:
    respondent, assessment = respondent_for_token(session, token=token)
    return _survey_of(respondent, assessment, token)


def _load(request: Request, token: str) -> Survey:
    with state(request).read() as session:
        return _survey(session, token)


def _page_number(n: str) -> int:
    number = whole_number(n, maximum=9999)
    if number is None:
        raise NotFoundError("no such page in this survey")
    return number


def _refuse_unless_open(status: str) -> None:
    if status == "closed":
        raise ConflictError("this assessment is closed; answers can no longer change")
    if status != "open":
        raise ConflictError("this assessment is not open yet; answers cannot be saved")


# --- shared (anonymous) links ------------------------------------------------------


@router.get("/join/{token}")
def join_page(request: Request, token: str) -> Response:
    """A shared link's landing page: what the survey is, an optional role, Start.

    Nobody is admitted on GET, so link previews and crawlers create no respondents.
    """
    with state(request).read() as session:
        _, assessment = share_link_for_token(session, token=token)
        title, unit, status = assessment.title, assessment.unit.name, assessment.status
    return page(request, "survey_join.html", token=token, title=title, unit=unit, status=status)


@router.post("/join/{token}")
async def join_submit(request: Request, token: str) -> Response:
    """Admit a new anonymous respondent (no name stored) and send them to their own link.

    Throttled per link and address (429 with ``Retry-After``); a full link answers 409.
    """
    form = await request.form()
    role = form_text(form, "role", max_length=100)
    if role and role not in ROLES:
        raise ScorecardError(f"unknown role {role!r} (use one of {', '.join(ROLES)}, or leave it empty)")
    settings = state(request).settings
    rules = JoinThrottle(
        per_address=settings.joins_per_address, per_link_per_minute=settings.joins_per_link_per_minute
    )
    client = request.client.host if request.client else ""

    def admit() -> str:
        with state(request).write() as session:
            _, personal = join_shared(
                session,
                token=token,
                role=role,
                client=client,
                rules=rules,
                max_respondents=settings.max_respondents_per_assessment,
            )
        return personal

    personal = await run_in_threadpool(admit)
    return RedirectResponse(f"/r/{personal}", status_code=303, headers=PRIVATE_HEADERS)


# --- the survey pages --------------------------------------------------------------


@router.get("/r/{token}")
def survey_start(request: Request, token: str) -> Response:
    """Title, unit, framework, time it takes, the anonymity note, and the upload form."""
    survey = _load(request, token)
    return page(request, "survey_start.html", s=survey)


@router.get("/r/{token}/d/{n}")
def survey_dimension(request: Request, token: str, n: str) -> Response:
    """One dimension's questions, with the answers saved so far checked."""
    number = _page_number(n)
    survey = _load(request, token)
    return page(request, "survey_dimension.html", s=survey, dim=survey.dimension(number))


@dataclass
class _PageSave:
    survey: Survey
    conflicts: list[str] = field(default_factory=list)
    comments_without_answer: dict[str, str] = field(default_factory=dict)
    #: Answers refused (why, by question id); nothing of the page is saved then, and it
    #: is shown again with what was posted (``posted``) so that nothing typed is lost.
    invalid: dict[str, str] = field(default_factory=dict)
    posted: dict[str, PostedAnswer] = field(default_factory=dict)


def _save_page(request: Request, token: str, number: int, form: Any) -> _PageSave:
    with state(request).write() as session:
        respondent, assessment = respondent_for_token(session, token=token)
        before = _survey_of(respondent, assessment, token)
        dim = before.dimension(number)
        _refuse_unless_open(assessment.status)
        fw = assessment_framework(assessment)
        result = _PageSave(before)
        to_save: list[tuple[Any, str, tuple[str, ...] | None, str]] = []
        for q in dim.asked:  # a stale page's answer to a question made not applicable is dropped
            answer = form_text(form, f"answer-{q.id}", max_length=80)
            comment = form_text(form, f"comment-{q.id}")
            # a multiple-choice question's checked boxes; none checked is no answer here
            # (the page offers "None of these" for that), as an unchecked radio is
            picked = [str(v)[:128] for v in form.getlist(f"choice-{q.id}")][:50] if q.options else []
            choices = tuple(picked) if picked else None
            result.posted[q.id] = PostedAnswer(answer, choices, comment)
            if not answer and choices is None:
                if comment and comment != q.comment:
                    result.comments_without_answer[q.id] = comment
                continue
            try:
                check_answer(fw, assessment.question_set, q.id, answer, choices)
            except ScorecardError as exc:
                result.invalid[q.id] = str(exc).removeprefix(f"answer to {q.id!r}: ")
                continue
            to_save.append((q, answer, choices, comment))
        if result.invalid:
            return result  # all of the page or nothing: it comes back with what was posted
        for q, answer, choices, comment in to_save:
            if choices is not None:
                same = q.selected is not None and sorted(choices) == sorted(q.selected)
            else:
                same = answer == q.answer and q.selected is None
            if same and comment == q.comment:
                continue  # unchanged (e.g. already autosaved): no new revision, no conflict
            try:
                save_answer(
                    session,
                    respondent=respondent,
                    assessment=assessment,
                    question_id=q.id,
                    answer=answer,
                    choices=choices,
                    comment=comment,
                    evidence=None,
                    expected_revision=form_int(form, f"revision-{q.id}", required=True),
                )
            except ConflictError:
                result.conflicts.append(q.id)  # the other tab's answer stays; the rest is saved
        session.expire(respondent, ["answers"])
        result.survey = _survey_of(respondent, assessment, token)
    return result


@router.post("/r/{token}/d/{n}")
async def survey_dimension_submit(request: Request, token: str, n: str) -> Response:
    """Without JavaScript: save every answer of the page, then go on (or back)."""
    number = _page_number(n)
    form = await request.form()
    go = form_text(form, "go", max_length=10) or "next"
    saved = await run_in_threadpool(_save_page, request, token, number, form)
    survey = saved.survey
    if saved.invalid:
        return page(
            request,
            "survey_dimension.html",
            status_code=422,
            s=survey,
            dim=with_posted(survey.dimension(number), saved.posted),
            invalid=saved.invalid,
        )
    if saved.conflicts or saved.comments_without_answer:
        return page(
            request,
            "survey_dimension.html",
            status_code=409 if saved.conflicts else 422,
            s=survey,
            dim=survey.dimension(number),
            conflicts=saved.conflicts,
            pending_comments=saved.comments_without_answer,
        )
    if go == "prev":
        target = f"/r/{token}/d/{number - 1}" if number > 1 else f"/r/{token}"
    elif go == "review" or number >= len(survey.dimensions):
        target = f"/r/{token}/review"
    elif go == "stay":
        target = f"/r/{token}/d/{number}"
    else:
        target = f"/r/{token}/d/{number + 1}"
    return RedirectResponse(target, status_code=303, headers=PRIVATE_HEADERS)


# --- autosave ----------------------------------------------------------------------


def _autosave(request: Request, token: str, data: AnswerIn) -> dict[str, Any]:
    # One statement on PostgreSQL, a short transaction on SQLite: store.autosave says why.
    app = state(request)
    try:
        done = autosave(
            app.engine,
            token=token,
            question_id=data.question_id,
            answer=data.answer,
            choices=data.choices,
            comment=data.comment,
            expected_revision=data.revision,
        )
    except StaleRevision:
        raise ConflictError(CONFLICT) from None
    saved = done.saved
    out: dict[str, Any] = {
        "question_id": saved.question_id,
        "answer": saved.answer,
        "comment": saved.comment,
        "revision": saved.revision,
        # counted as the pages count them: the questions asked, not those the context leaves out
        "answered": saved.asked_answered,
        "total": done.asked.total,
    }
    if saved.choices is not None:
        out["choices"] = saved.choices  # a multiple-choice question answered by its choices
    return out


#: The autosave's path. It is a plain Starlette route (``routes.register`` adds it first):
#: it reads its one path parameter and its JSON body itself, and FastAPI's dependency
#: and validation machinery cost a third of a save's CPU time.
AUTOSAVE_PATH = "/r/{token}/answers"


async def survey_autosave(request: Request) -> Response:
    """Save one answer (JSON ``{question_id, answer, comment, revision}``; for a
    multiple-choice question ``choices: [ids...]`` instead of ``answer``).

    ``revision`` is the one the page last saw; when another tab saved in between, the
    answer is refused with 409 and the stored one is kept. Errors are ``{"detail": ...}``.
    """
    token: str = request.path_params["token"]
    data = parse_answer_json(await request.body())
    result = await state(request).run(_autosave, request, token, data)
    return JSONResponse(result, headers=PRIVATE_HEADERS)


# --- review, submit, thanks ----------------------------------------------------------


@router.get("/r/{token}/review")
def survey_review(
    request: Request, token: str, uploaded: int | None = None, replaced: int | None = None
) -> Response:
    """All answers, with the unanswered ones highlighted and links back to change them."""
    survey = _load(request, token)
    return page(request, "survey_review.html", s=survey, uploaded=uploaded, replaced=replaced)


@router.post("/r/{token}/submit")
async def survey_submit(request: Request, token: str) -> Response:
    """Mark the answers as submitted (they may still change while the assessment is open)."""

    def mark() -> None:
        with state(request).write() as session:
            respondent, assessment = respondent_for_token(session, token=token)
            _refuse_unless_open(assessment.status)
            submit(session, respondent=respondent, assessment=assessment)

    await run_in_threadpool(mark)
    return RedirectResponse(f"/r/{token}/thanks", status_code=303, headers=PRIVATE_HEADERS)


@router.get("/r/{token}/thanks")
def survey_thanks(request: Request, token: str) -> Response:
    """The thank-you page after submitting."""
    survey = _load(request, token)
    return page(request, "survey_thanks.html", s=survey)


# --- upload of an answers file from the terminal ---------------------------------------


def _upload(request: Request, token: str, filename: str | None, data: bytes) -> dict[str, Any]:
    with state(request).read() as session:
        _, assessment = respondent_for_token(session, token=token)
        _refuse_unless_open(assessment.status)
        framework, question_set = assessment_framework(assessment), assessment.question_set
    # Parsed outside any transaction: other respondents' saves never wait for it.
    person = read_upload(
        filename,
        data,
        framework,
        question_set,
        max_respondents=state(request).settings.max_respondents_per_file,
    )
    with state(request).write() as session:
        respondent, assessment = respondent_for_token(session, token=token)
        _refuse_unless_open(assessment.status)
        replaced = len(respondent.answers)
        replace_answers(
            session, respondent=respondent, assessment=assessment, answers=person.answers, role=person.role
        )
        survey = _survey_of(respondent, assessment, token)
        # whose answers were replaced and whether they still need submitting: the
        # terminal user cannot see the page that would tell them
        return {
            "answers": len(person.answers),
            "name": respondent.name,
            "replaced": replaced,
            "answered": survey.answered,
            "total": survey.total,
            "submitted_at": None if survey.submitted_at is None else survey.submitted_at.isoformat() + "Z",
        }


@router.post("/r/{token}/upload")
async def survey_upload(request: Request, token: str) -> Response:
    """Replace this respondent's answers with an answers file (``mlops-scorecard assess``).

    The file must hold exactly one respondent, for this assessment's framework (and
    version, when it names one) and question set. All answers change, or none.
    """
    form = await request.form()
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or (not upload.filename and not upload.size):
            raise ScorecardError("choose an answers file (YAML or JSON) to upload in the field 'file'")
        limit = state(request).settings.max_upload_bytes
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise ScorecardError(f"the file is larger than {limit // 1024} KiB")
        done = await run_in_threadpool(_upload, request, token, upload.filename, data)
    except ScorecardError as exc:
        if isinstance(exc, NotFoundError) or wants_json(request):
            raise
        survey = await run_in_threadpool(_load, request, token)
        return page(
            request, "survey_start.html", status_code=status_for(exc), s=survey, upload_error=str(exc)
        )
    if wants_json(request):
        return JSONResponse(done, headers=PRIVATE_HEADERS)
    target = f"/r/{token}/review?uploaded={done['answers']}&replaced={done['replaced']}"
    return RedirectResponse(target, status_code=303, headers=PRIVATE_HEADERS)
