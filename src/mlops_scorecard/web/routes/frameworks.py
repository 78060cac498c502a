"""Frameworks pages: the list (built-in and published), one framework, its YAML file,
publishing an upload (admin and facilitator), deleting an unused one."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from ...errors import ConflictError, FrameworkError, NotFoundError, ScorecardError
from ...framework import standalone_document
from ...framework.lens import is_lens, lens_file
from ...store.frameworks import Listed, catalogue, catalogue_entry, delete_published, publish
from ..audit_trail import note
from ..context import state
from ..errors import status_for
from ..params import form_text
from ..security import checked_form, require
from ..templating import render
from ..views.frameworks import framework_detail, framework_row, warning_groups

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: Pasted text may be as long as an upload may be large; the app's body limit applies first.
_MAX_PASTED = 2 * 1024 * 1024


def _list_page(request: Request, status: int = 200, **form: Any) -> Response:
    with state(request).read() as s:
        rows = [framework_row(e) for e in catalogue(s)]
    return render(
        request,
        "frameworks.html",
        status_code=status,
        rows=rows,
        problems=form.get("problems", []),
        warnings=warning_groups(form.get("warnings", [])),
        detected=form.get("detected", False),
        text=form.get("text", ""),
        published=form.get("published") or request.query_params.get("published", ""),
        outcome=form.get("outcome") or request.query_params.get("outcome", ""),
    )


@router.get("/frameworks")
def frameworks_page(request: Request) -> Response:
    """Every framework, built-in and published, with its use; the upload form for
    facilitators."""
    require(request, "viewer")
    return _list_page(request)


@router.post("/frameworks")
async def frameworks_upload(request: Request) -> Response:
    """Publish an uploaded or pasted framework file (facilitator); a refused file comes
    back with every problem and its line, and nothing is written."""
    form = await checked_form(request, "facilitator")
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    filename = (upload.filename if isinstance(upload, UploadFile) else None) or ""
    return await state(request).run(_publish, request, form, data, filename)


def _publish(request: Request, form: FormData, data: bytes, filename: str) -> Response:
    pasted = ""
    detected = False
    try:
        pasted = form_text(form, "text", max_length=_MAX_PASTED)
        kind = form_text(form, "kind", max_length=10)
        if data:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FrameworkError(
                    f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=filename[-100:] or "upload"
                ) from None
        elif pasted:
            text, filename = pasted, "pasted.json" if kind == "json" else "pasted.yaml"
        else:
            raise ScorecardError("choose a framework file, or paste its text")
        warnings: list[str] = []
        # a lens sent as "a framework" is recognised: read as a framework, it would give
        # a field error for each lens field
        detected = kind != "lens" and is_lens(text)
        if kind == "lens" or detected:
            # an AWS Well-Architected lens is converted first; what is published is
            # the framework file it gives, so the page can offer it for download
            lens = lens_file(text, filename=filename)
            text, filename, warnings = lens.text, lens.filename, lens.warnings
        user = require(request, "facilitator")
        with state(request).write() as s:
            done = publish(s, text=text, filename=filename or "upload.yaml", by=user.id)
            ref, outcome = done.framework.ref, done.status
            if outcome != "unchanged":
                note(
                    request,
                    s,
                    action="framework.publish",
                    summary=f"Published {ref} ({outcome})",
                    detail={"framework": ref},
                )
    except ScorecardError as exc:
        return _list_page(
            request, status_for(exc), problems=str(exc).splitlines(), text=pasted, detected=detected
        )
    if warnings or detected:
        # shown once, on the answer to the upload: a redirect would lose them
        return _list_page(request, published=ref, outcome=outcome, warnings=warnings, detected=detected)
    return RedirectResponse(f"/frameworks?published={quote(ref)}&outcome={outcome}", status_code=303)


@router.get("/frameworks/{ref}")
def framework_page(request: Request, ref: str) -> Response:
    """One framework: its source, scale, scoring rule, bands, must-have and context
    questions, dimensions and questions (with their choices and risk rules); its file."""
    require(request, "viewer")
    with state(request).read() as s:
        entry = _entry(s, ref)
        row = framework_row(entry)
    fw = entry.framework
    return render(
        request, "framework.html", fw=fw, row=row, builtin=entry.builtin, detail=framework_detail(fw)
    )


def _entry(session: Session, ref: str) -> Listed:
    try:
        return catalogue_entry(session, ref=ref[:130])
    except FrameworkError as exc:
        raise NotFoundError(str(exc)) from None


@router.get("/frameworks/{ref}/file")
def framework_file(request: Request, ref: str, resolved: str = "") -> Response:
    """The framework's YAML: a published one as it was uploaded, else (or with
    ``resolved=1``) the whole framework as one file."""
    require(request, "viewer")
    with state(request).read() as s:
        entry = _entry(s, ref)
        text = entry.row.source_text if entry.row is not None and not resolved else None
    if text is None:
        text = yaml.safe_dump(standalone_document(entry.framework), sort_keys=False, allow_unicode=True)
    fw = entry.framework
    return Response(
        text,
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{fw.id}-{fw.version}.yaml"'},
    )


@router.post("/frameworks/{ref}/delete")
async def framework_delete(request: Request, ref: str) -> Response:
    """Delete a published framework nothing uses (facilitator)."""
    await checked_form(request, "facilitator")
    return await run_in_threadpool(_delete, request, ref)


def _delete(request: Request, ref: str) -> Response:
    with state(request).write() as s:
        entry = _entry(s, ref)
        if entry.builtin:
            raise ConflictError(f"{entry.framework.ref} is built in: it comes with the package")
        delete_published(s, ref=entry.framework.ref)
        note(request, s, action="framework.delete", summary=f"Deleted {entry.framework.ref}")
    return RedirectResponse(
        f"/frameworks?published={quote(entry.framework.ref)}&outcome=deleted", status_code=303
    )
