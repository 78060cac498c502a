"""Assessment pages: create, the results page, status changes, charts, downloads, upload."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from urllib.parse import urlencode

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from ...analysis import analyze
from ...analysis.confidence import ConfidenceFacts, confidence
from ...answers import AnswerSet, read_answers
from ...errors import ConflictError, NotFoundError, ScorecardError
from ...format import answer_choices, fmt_number
from ...framework import Framework, newest_builtin
from ...privacy import for_viewers, missing_roles
from ...scoring import ScoreResult, score
from ...store.analysis import assessment_answers
from ...store.answer_sets import answer_set, assessment_framework
from ...store.answers import comments_of, import_answer_set
from ...store.assessments import create_assessment, get_assessment, has_answers, set_status
from ...store.audit import AuditFilter, query_log
from ...store.calibration import assessment_calibration
from ...store.evidence import evidence_crosscheck, scans_for, stored_scans
from ...store.frameworks import available_frameworks
from ...store.models import Assessment
from ...store.plans import assemble_plan, plan_rows
from ...store.reporting import render_stored_report
from ...store.respondents import contacts_of, progress_of
from ...store.results import result_of, results_for
from ...store.share_links import list_share_links
from ...store.summary_refresh import refresh_summaries
from ...store.units import default_targets_for, list_units, unit_path
from ..audit_trail import note, note_status
from ..caching import assessment_svg, cached_view, inputs_etag, matches, not_modified, page_tagged
from ..capacity import heavy
from ..context import state
from ..mail import mail_enabled
from ..params import form_int, form_text, parse_id, whole_number
from ..security import checked_form, csrf_token, require
from ..templating import render
from ..views.analysis import AssessmentAnalysis, assessment_view
from ..views.assessment import page_sections, progress_rows
from ..views.assessment_results import AssessmentResults, assessment_results
from ..views.audit import audit_rows
from ..views.common import slug
from ..views.crumbs import unit_crumbs
from ..views.evidence import evidence_view
from ..views.invitations import invitation_panel
from ..views.org import unit_tree
from ..views.plans import plan_view
from ..views.profile import FIELD_PREFIX, context_view, profile_fields, profile_from_form
from .assessment_settings import form_targets

router = APIRouter(include_in_schema=False)

_REPORT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}
_STATUS_ACTIONS = {
    "draft": [("open", "Open for answers")],
    "open": [("closed", "Close")],
    "closed": [("open", "Reopen")],
}


# --- creating -------------------------------------------------------------------------


def _frameworks(request: Request) -> list[Framework]:
    with state(request).read() as s:
        return available_frameworks(s)


def _new_form(request: Request, status: int, error: str | None, values: dict[str, str]) -> Response:
    unit_id = whole_number(values.get("unit_id", ""))
    with state(request).read() as s:
        frameworks = available_frameworks(s)
        _, order = unit_tree(list_units(s))
        try:
            defaults = default_targets_for(s, unit_id=unit_id)[0] if unit_id else {}
        except NotFoundError:
            defaults = {}
    # framework first: the targets and context questions shown are the chosen framework's
    chosen = next((fw for fw in frameworks if fw.ref == values.get("framework")), None)
    if chosen is None and frameworks:
        chosen = frameworks[-1]
    profile = {k[len(FIELD_PREFIX) :]: v for k, v in values.items() if k.startswith(FIELD_PREFIX)}
    return render(
        request,
        "assessment_new.html",
        status_code=status,
        units=order,
        frameworks=frameworks,
        chosen=chosen,
        dimensions=[(d.id, d.title) for d in chosen.dimensions] if chosen else [],
        error=error,
        values=values,
        profile_fields=profile_fields(chosen, profile) if chosen else [],
        profile_framework=f"{chosen.title} {chosen.version}" if chosen else "",
        # shown as placeholders: left all blank, the new assessment takes them
        default_targets={k: fmt_number(v, 0) for k, v in defaults.items()}
        if chosen and not chosen.points
        else {},
    )


#: The fields the form keeps when it is shown again for another framework.
_KEPT = ("unit_id", "title", "date", "question_set")


@router.get("/assessments/new")
def assessment_new(
    request: Request,
    unit: str = "",
    framework: str = "",
    title: str = "",
    date: str = "",
    question_set: str = "",
) -> Response:
    """The form for a new assessment (facilitator); ``framework`` chooses the framework
    whose targets and context questions it shows (the other fields are kept as given)."""
    require(request, "facilitator")
    refs = [fw.ref for fw in _frameworks(request)]
    newest = newest_builtin()
    values = {
        "unit_id": unit[:20],
        "title": title[:200],
        "date": date[:20] or dt.date.today().isoformat(),
        "question_set": "full" if question_set == "full" else "core",
    }
    chosen = framework if framework in refs else newest.ref if newest else ""
    if chosen:
        values["framework"] = chosen
    return _new_form(request, 200, None, values)


@router.post("/assessments")
async def assessment_create(request: Request) -> Response:
    """Create a draft assessment; on bad input the form comes back with the reason (422).
    ``action=use-framework`` (the form's button without JavaScript) shows the form again
    for the framework selected."""
    form = await checked_form(request, "facilitator")
    if form_text(form, "action", max_length=20) == "use-framework":
        query = {("unit" if k == "unit_id" else k): form_text(form, k, max_length=200) for k in _KEPT}
        query["framework"] = form_text(form, "framework", max_length=130)
        return RedirectResponse(
            "/assessments/new?" + urlencode({k: v for k, v in query.items() if v}), status_code=303
        )
    return await run_in_threadpool(_assessment_create, request, form)


def _assessment_create(request: Request, form: FormData) -> Response:
    values = {k: form_text(form, k, max_length=300) for k in (*_KEPT, "framework", "shown")}
    frameworks = {fw.ref: fw for fw in _frameworks(request)}
    for key in form:
        if isinstance(key, str) and key.startswith("target_") and len(values) < 200:
            values[key[:90]] = form_text(form, key, max_length=20)
    try:
        profile = profile_from_form(form)
        values.update({FIELD_PREFIX + k: v for k, v in profile.items()})
        unit_id = form_int(form, "unit_id", what="the unit")
        if unit_id is None:
            raise ScorecardError("choose the unit the assessment is for")
        fw = frameworks.get(values["framework"])
        if fw is None:
            raise ScorecardError("choose one of the listed frameworks")
        try:
            date = dt.date.fromisoformat(values["date"]) if values["date"] else dt.date.today()
        except ValueError:
            raise ScorecardError(f"date {values['date']!r} is not a date (use YYYY-MM-DD)") from None
        shown = frameworks.get(values["shown"])
        _check_other_framework(fw, shown, values, profile)
        # no target typed: the unit's defaults (the nearest unit up the tree that has some)
        targets = form_targets(values, fw) or None
        with state(request).write() as s:
            a = create_assessment(
                s,
                unit_id=unit_id,
                title=values["title"],
                date=date,
                framework=fw.ref,
                question_set=values["question_set"] or "core",
                targets=targets,
                profile=profile,
            )
            new_id = a.id
            note(
                request,
                s,
                action="assessment.create",
                summary=f"Created the assessment {a.title!r}",
                assessment=a,
            )
    except NotFoundError:
        return _new_form(request, 422, "the unit does not exist (any more); choose another", values)
    except ScorecardError as exc:
        return _new_form(request, 422, str(exc), values)
    return RedirectResponse(f"/assessments/{new_id}", status_code=303)


def _check_other_framework(
    fw: Framework, shown: Framework | None, values: dict[str, str], profile: dict[str, str]
) -> None:
    """Refuse targets and context answers the form showed for another framework than the
    one submitted (the select changed without the form being shown again): a blank one
    is ignored, a filled one would be lost, so it is refused saying how to go on."""
    if shown is None or shown.ref == fw.ref:
        return
    how = f'clear it, or choose "Use this framework" to see the targets and context questions of {fw.title}'
    for key, text in values.items():
        did = key[len("target_") :]
        if key.startswith("target_") and text and fw.dimension(did) is None:
            dim = shown.dimension(did)
            name = dim.title if dim else did
            raise ScorecardError(
                f"the target for {name} is for {shown.title} {shown.version}, "
                f"not {fw.title} {fw.version}: {how}"
            )
    known = {pq.id for pq in fw.profile}
    for qid in profile:
        if qid not in known:
            pq = next((p for p in shown.profile if p.id == qid), None)
            raise ScorecardError(
                f"the context answer to {pq.text if pq else qid!r} is for {shown.title} "
                f"{shown.version}, not {fw.title} {fw.version}: {how}"
            )


# --- the results page -------------------------------------------------------------------


@router.get("/assessments/{assessment_id}")
@heavy
def assessment_page(
    request: Request, assessment_id: str, imported: str = "", source: str = "", saved: str = ""
) -> Response:
    """Status, response progress, scores, charts, answers per question, downloads; a
    table of contents leads to each, and a draft leads with its set-up and invitations."""
    user = require(request, "viewer")
    facilitator = user.can("facilitator")
    audience = "all" if facilitator else "viewers"
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        unit = a.unit
        path = unit_path(s, unit=unit)
        fw = assessment_framework(a)
        context = context_view(fw, cast(Any, a.question_set), a.profile)
        # the survey does not ask the questions the context makes not applicable: an
        # imported answer to one is kept but not counted as answered
        skipped = [qid for qid, _, _ in context.not_applicable] if context else []
        progress = progress_of(s, assessment=a, not_counted=skipped)
        links = list_share_links(s, assessment=a) if facilitator else []
        contacts = contacts_of(s, assessment=a) if facilitator else {}
        stored = stored_scans(s, assessment=a)
        # the assessment's own log, for admins only (the log names who changed what)
        audit_log = (
            query_log(s, where=AuditFilter(assessment_id=a.id), per_page=10) if user.can("admin") else None
        )
        edits = plan_rows(s, assessment=a)
        mail = mail_enabled(state(request).settings)
        # The page is rendered from these rows and values, the request and the parts
        # below, which derive from the revision (a column of ``a``) and the code alone:
        # a browser holding this tag holds this page, answered before any rendering.
        etag = inputs_etag(
            request,
            user,
            csrf_token(request),
            [audience, mail, a, unit, path, progress, links, contacts, stored, audit_log, edits],
        )
        if etag is not None and matches(request, etag):
            return not_modified(etag)
        # the answers are loaded and scored only when this revision's parts are not
        # stored yet, and then once for all of them (read after the row: never older
        # than the revision they are stored under)
        scored = _Scored(s, a, fw)
        analysis = cached_view(
            s,
            assessment=a,
            kind=f"view:analysis:{audience}",
            cls=AssessmentAnalysis,
            compute=lambda: _analysis(fw, scored.answers(), scored.result(), facilitator=facilitator),
        )
        results = cached_view(
            s,
            assessment=a,
            kind=f"view:results:{audience}",
            cls=AssessmentResults,
            compute=lambda: scored.results(facilitator=facilitator, agenda=analysis.hotspot_total),
        )
        plan_section = plan_view(
            assemble_plan(a, results.plan.plan(fw), edits),
            order=request.query_params.get("plan_order", "plan"),
        )
        check = None
        if stored:
            scans = scans_for(s, assessment=a, stored=stored)
            check = evidence_crosscheck(s, assessment=a, scan=scans, counts=results.counts)
    result = results.result()
    locked = results.has_answers if facilitator else True
    question_count = sum(1 for _ in fw.iter_questions(cast(Any, a.question_set))) - len(skipped)
    people = progress_rows(progress, question_count)
    active = [p for p in people if not p.revoked]
    # a split question the meeting has agreed on is settled: not counted as split, marked
    # on the agenda (only the agenda's shown questions are known here, the rest still count)
    settled = set(results.settled)
    settled_split = sum(1 for h in analysis.hotspots if h.question_id in settled)
    trust = confidence(
        ConfidenceFacts(
            respondents=analysis.respondents,
            invited=len(active),
            split_questions=analysis.hotspot_total - settled_split,
            alpha=analysis.alpha,
            wide_intervals=analysis.wide_intervals,
            coverage=analysis.coverage,
            accepting=a.status == "open",
        )
    )
    if not facilitator:
        people = []  # viewers see how many answered, never who (docs/analysis.md)
    page = render(
        request,
        "assessment.html",
        a=a,
        unit=unit,
        framework=fw,
        result=result,
        rows=results.rows,
        overall=results.overall,
        has_targets=bool(a.targets),
        people=people,
        started=sum(1 for p in active if p.answered),
        submitted=sum(1 for p in active if p.submitted),
        active=len(active),
        answers=results.answers,
        legend=answer_choices(fw),
        links=links,
        inv=invitation_panel(progress, contacts, mail=mail) if facilitator else None,
        actions=_STATUS_ACTIONS.get(a.status, []) if facilitator else [],
        facilitator=facilitator,
        imported="" if whole_number(imported) is None else imported,
        imported_from="the survey export" if source == "survey" else "the answers file",
        plan_section=plan_section,
        analysis=analysis,
        evidence=evidence_view(fw, stored, check),
        scan_base_url=str(request.base_url).rstrip("/"),
        context=context,
        trust=trust,
        crumbs=unit_crumbs(path, (a.title, None)),
        sections=page_sections(
            a.status,
            facilitator=facilitator,
            evidence=bool(stored),
            plan=bool(plan_section),
            audit=audit_log is not None,
            answered=bool(result.get("respondent_count")),
        ),
        audit_log=audit_log,
        audit_rows=audit_rows(audit_log) if audit_log is not None else [],
        locked=locked,
        saved=saved == "1",
        calibration=results.calibration,
        settled=settled,
    )
    return page_tagged(request, page, user, etag)


class _Scored:
    """The assessment's answers and their score, loaded on first use (a warm view never
    uses them: what derives from them is stored by revision)."""

    def __init__(self, session: Session, assessment: Assessment, framework: Framework) -> None:
        self.session = session
        self.assessment = assessment
        self.framework = framework
        self._loaded: tuple[AnswerSet, ScoreResult] | None = None

    def _load(self) -> tuple[AnswerSet, ScoreResult]:
        if self._loaded is None:
            # with their comments and choices: the analysis shows the one, the answers
            # section counts the other
            answers = assessment_answers(self.session, assessment=self.assessment)
            self._loaded = (answers, score(self.framework, answers))
        return self._loaded

    def answers(self) -> AnswerSet:
        """The answers (with comments and choices)."""
        return self._load()[0]

    def result(self) -> ScoreResult:
        """The answers scored."""
        return self._load()[1]

    def results(self, *, facilitator: bool, agenda: int) -> AssessmentResults:
        """The page's revision-derived parts (``agenda``: the questions that split)."""
        s, a, fw = self.session, self.assessment, self.framework
        answers, scored = self._load()
        return assessment_results(
            fw,
            result=result_of(a, scored),
            targets=a.targets or {},
            scored=scored,
            answers=answers,
            comments=comments_of(s, assessment=a),
            agreed=assessment_calibration(s, assessment=a, matrix=scored.matrix),
            agenda=agenda,
            facilitator=facilitator,
            has_answers=has_answers(s, assessment_id=a.id),
        )


def _analysis(
    fw: Framework, answers: AnswerSet, scored: ScoreResult | None, *, facilitator: bool
) -> AssessmentAnalysis:
    """The page's analysis sections (``scored``: ``answers`` scored already, if they
    are); for viewers with small roles merged into "other" (docs/analysis.md)."""
    if facilitator:
        return assessment_view(analyze(fw, answers, result=scored))
    return assessment_view(analyze(fw, for_viewers(answers)), missing=missing_roles(answers))


@router.post("/assessments/{assessment_id}/status")
async def assessment_status(request: Request, assessment_id: str) -> Response:
    """Open, close or reopen (facilitator). Closing freezes the answers and the result."""
    form = await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    status = form_text(form, "status", max_length=20)
    if status not in ("open", "closed"):
        raise ScorecardError("status must be 'open' or 'closed'")

    def change() -> None:
        with state(request).write() as s:
            a = get_assessment(s, assessment_id=aid)
            note_status(request, s, assessment=a, status=status)
            set_status(s, assessment=a, status=status)

    await run_in_threadpool(change)
    return RedirectResponse(f"/assessments/{aid}", status_code=303)


# --- charts and downloads ---------------------------------------------------------------


@router.get("/assessments/{assessment_id}/chart/{kind}.svg")
@heavy
def assessment_chart(request: Request, assessment_id: str, kind: str) -> Response:
    """The radar or stellar chart; current against a dashed target when targets are set.
    Drawn once per revision of the assessment (``derived_results``), 304 to a browser
    that holds it."""
    require(request, "viewer")
    if kind not in ("radar", "stellar"):
        raise NotFoundError(f"no chart {kind!r} (use radar or stellar)")
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        return assessment_svg(
            request, s, assessment=a, kind=f"chart:{kind}", draw=lambda: _score_chart(s, a, kind)
        )


def _score_chart(s: Session, a: Assessment, kind: str) -> bytes:
    from ...charts import Series, render_chart

    result = results_for(s, assessments=[a])[a.id]
    dims = result.get("dimensions") or []
    labels = [str(d.get("title")) for d in dims]
    series = [Series("Current", [d.get("score") for d in dims])]
    targets = a.targets or {}
    if targets:
        series.append(Series("Target", [targets.get(str(d.get("id"))) for d in dims], dashed=True))
    return render_chart(cast(Any, kind), labels, series, "svg", size=5.5)


def _download(request: Request, assessment_id: str, suffix: str) -> tuple[Framework, AnswerSet, str]:
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        answers = answer_set(s, assessment=a)
        name = f"{slug(a.unit.name)}-{slug(a.title)}-{a.date.isoformat()}.{suffix}"
        return assessment_framework(a), answers, name


@router.get("/assessments/{assessment_id}/report.{fmt}")
@heavy
def assessment_report(request: Request, assessment_id: str, fmt: str) -> Response:
    """The core report as HTML, PDF, Markdown or JSON. Viewers get it without names."""
    user = require(request, "viewer")
    if fmt not in _REPORT_TYPES:
        raise NotFoundError(f"no report format {fmt!r} (use html, pdf, md or json)")
    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        name = f"{slug(a.unit.name)}-{slug(a.title)}-{a.date.isoformat()}.{fmt}"
        body = render_stored_report(s, assessment=a, fmt=cast(Any, fmt), with_names=user.can("facilitator"))
    return Response(
        body,
        media_type=_REPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="report-{name}"', "Cache-Control": "no-store"},
    )


@router.get("/assessments/{assessment_id}/answers.yaml")
def assessment_answers_file(request: Request, assessment_id: str) -> Response:
    """The answers file of the assessment (facilitator): imports again without loss."""
    require(request, "facilitator")
    _, answers, name = _download(request, assessment_id, "yaml")
    text = yaml.safe_dump(answers.to_data(), sort_keys=False, allow_unicode=True, width=100)
    return Response(
        text.encode("utf-8"),
        media_type="application/yaml; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="answers-{name}"',
            "Cache-Control": "no-store",
        },
    )


# --- upload -------------------------------------------------------------------------------


@router.post("/assessments/{assessment_id}/upload")
async def assessment_upload(request: Request, assessment_id: str) -> Response:
    """Import an answers file (facilitator); every problem is listed, nothing half-imported."""
    form = await checked_form(request, "facilitator")
    aid = parse_id(assessment_id, "assessment")
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    filename = (upload.filename if isinstance(upload, UploadFile) else None) or "upload"
    return await run_in_threadpool(_import, request, aid, filename, data)


def _import(request: Request, aid: int, filename: str, data: bytes) -> Response:
    source = filename[-100:]
    settings = state(request).settings
    try:
        # Read and validated before the transaction: the write lock is held only for the inserts.
        answers = read_answers(
            data,
            source=source,
            as_json=source.lower().endswith(".json"),
            max_respondents=settings.max_respondents_per_file,
        )
        with state(request).write() as s:
            a = get_assessment(s, assessment_id=aid)
            added = import_answer_set(
                s,
                assessment=a,
                answers=answers,
                source=source,
                max_respondents=settings.max_respondents_per_assessment,
            )
            refresh_summaries(s, assessment_ids=[a.id])  # once per file, not per answer
            count = len(added)
            note(
                request,
                s,
                action="answers.upload",
                summary=f"Imported {count} respondents from {source}",
                assessment=a,
                detail={"file": source, "respondents": count},
            )
    except NotFoundError:
        raise
    except ScorecardError as exc:
        with state(request).read() as s:
            a = get_assessment(s, assessment_id=aid)
            title = a.title
        return render(
            request,
            "assessment_upload.html",
            status_code=409 if isinstance(exc, ConflictError) else 422,
            assessment_id=aid,
            title=title,
            problems=str(exc).splitlines(),
        )
    return RedirectResponse(f"/assessments/{aid}?imported={count}#progress", status_code=303)
