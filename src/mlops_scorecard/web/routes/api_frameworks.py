"""API: frameworks, built-in and published: list, one (JSON or its YAML file), publish,
delete (docs/api.md, "Frameworks")."""

from __future__ import annotations

from typing import Annotated, Literal

import yaml
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from ...errors import ConflictError, FrameworkError, NotFoundError, ScorecardError
from ...framework import standalone_document
from ...framework.lens import is_lens, lens_file
from ...store.frameworks import Listed, catalogue, catalogue_entry, delete_published, publish
from ..api_models.common import utc
from ..api_models.frameworks import DimensionOut, FrameworkDetail, FrameworkOut, FrameworkProblems, PublishOut
from ..audit_trail import note
from ..context import state
from ..security import CurrentUser
from .api_common import Facilitator, Viewer, errors

__all__ = ["framework_out", "router"]

router = APIRouter(tags=["frameworks"])

_YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
_JSON_TYPES = ("application/json",)
_YAML_MEDIA = "application/yaml; charset=utf-8"

FrameworkPath = Annotated[
    str,
    Path(
        pattern=r"^[a-z0-9][a-z0-9._-]{0,79}(@[A-Za-z0-9][A-Za-z0-9._+-]{0,39})?$",
        description="`id@version` (or `id`: its newest version)",
    ),
]


def framework_out(entry: Listed) -> FrameworkOut:
    """A framework as the API lists it."""
    fw = entry.framework
    return FrameworkOut(
        id=fw.id,
        version=fw.version,
        ref=fw.ref,
        title=fw.title,
        dimensions=[
            DimensionOut(
                id=d.id,
                title=d.title,
                weight=d.weight,
                core_questions=len(d.questions_in("core")),
                full_questions=len(d.questions_in("full")),
            )
            for d in fw.dimensions
        ],
        builtin=entry.builtin,
        extends=fw.extends,
        questions=sum(1 for _ in fw.iter_questions("full")),
        core_questions=sum(1 for _ in fw.iter_questions("core")),
        assessments=entry.assessments,
        in_use=entry.in_use,
        created_at=utc(entry.row.created_at) if entry.row else None,
        created_by=entry.publisher,
    )


@router.get(
    "/frameworks",
    summary="List the frameworks",
    response_model=list[FrameworkOut],
    responses=errors(),
)
def frameworks_list(request: Request, _user: Viewer) -> list[FrameworkOut]:
    """Every built-in framework version, then every published one; ``ref`` is what an
    assessment's ``framework`` takes, and the dimension ids are the keys of ``targets``."""
    with state(request).read() as session:
        return [framework_out(e) for e in catalogue(session)]


def _wants_yaml(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "yaml"
    accept = request.headers.get("accept", "")
    return any(t in accept for t in _YAML_TYPES) and "application/json" not in accept


@router.get(
    "/frameworks/{ref}",
    summary="One framework",
    response_model=FrameworkDetail,
    responses={
        200: {"content": {"application/yaml": {"schema": {"type": "string"}}}},
        **errors(404, 422),
    },
)
def frameworks_get(
    request: Request,
    ref: FrameworkPath,
    _user: Viewer,
    fmt: Annotated[
        Literal["json", "yaml"] | None,
        Query(
            alias="format", description="`yaml`: the framework file (also with `Accept: application/yaml`)"
        ),
    ] = None,
    resolved: Annotated[
        bool,
        Query(
            description="with YAML: the resolved framework, standing on its own, not the file as published"
        ),
    ] = False,
) -> Response | FrameworkDetail:
    """A framework with its content. As YAML: a published framework's file as it was
    uploaded (``extends`` and all), or with ``resolved`` the whole framework as one file."""
    with state(request).read() as session:
        try:
            entry = catalogue_entry(session, ref=ref)
        except FrameworkError as exc:
            raise NotFoundError(str(exc)) from None
    if _wants_yaml(request, fmt):
        if entry.row is not None and not resolved:
            text = entry.row.source_text
        else:
            text = yaml.safe_dump(standalone_document(entry.framework), sort_keys=False, allow_unicode=True)
        name = f"{entry.framework.id}-{entry.framework.version}.yaml"
        return Response(
            text,
            media_type=_YAML_MEDIA,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    out = framework_out(entry)
    return FrameworkDetail(**out.model_dump(), framework=standalone_document(entry.framework))


async def _framework_text(request: Request) -> tuple[str, str]:
    """The uploaded file's text and a file name (its kind by the name), from a YAML or
    JSON body or a multipart form's ``file`` (or ``text``) field."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if isinstance(upload, UploadFile):
            data, name = await upload.read(), upload.filename or "framework.yaml"
        elif isinstance(form.get("text"), str):
            data, name = str(form.get("text")).encode("utf-8"), "framework.yaml"
        else:
            raise ScorecardError("send the framework as the form's 'file' (or 'text') field")
    elif media in _YAML_TYPES + _JSON_TYPES:
        data = await request.body()
        name = "framework.json" if media in _JSON_TYPES else "framework.yaml"
    else:
        raise HTTPException(
            415,
            "send the framework as application/yaml (or text/yaml), application/json or multipart/form-data",
        )
    try:
        return data.decode("utf-8"), name
    except UnicodeDecodeError as exc:
        raise FrameworkError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=name[-100:]
        ) from None


def _publish(request: Request, text: str, name: str, user: CurrentUser) -> tuple[str, FrameworkOut]:
    with state(request).write() as session:
        done = publish(session, text=text, filename=name, by=user.id)
        if done.status != "unchanged":
            note(
                request,
                session,
                action="framework.publish",
                summary=f"Published the framework {done.framework.ref} ({done.status})",
                detail={"framework": done.framework.ref, "outcome": done.status},
                user=user,
            )
        return done.status, framework_out(catalogue_entry(session, ref=done.framework.ref))


def _problems(status: int, exc: ScorecardError) -> JSONResponse:
    body = FrameworkProblems(detail=str(exc), problems=str(exc).splitlines())
    return JSONResponse(body.model_dump(), status_code=status)


@router.post(
    "/frameworks",
    summary="Publish a framework",
    status_code=201,
    response_model=PublishOut,
    responses={
        200: {
            "model": PublishOut,
            "description": "The same framework was already published: nothing changed",
        },
        **errors(403, 413, 415),
        409: {"model": FrameworkProblems, "description": "That id@version is in use with other content"},
        422: {"model": FrameworkProblems, "description": "The file is not a valid framework: every problem"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": (
                "A framework file (docs/framework-format.md), YAML or JSON, or a form's `file`; "
                "or an AWS Well-Architected lens (JSON with `pillars`), imported as a framework."
            ),
            "content": {
                "application/yaml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            },
        }
    },
)
async def frameworks_publish(request: Request, user: Facilitator) -> Response:
    """Validate and publish a framework as its ``id@version`` (``extends`` resolved against
    the built-in and published frameworks): 201 when new or replacing an unused version,
    200 when the same framework is already there; 409 when that version is in use with
    other content; 422 with every problem and its line."""
    warnings: list[str] = []
    try:
        text, name = await _framework_text(request)
        lens = is_lens(text)
        if lens:  # an AWS lens: converted, and the framework it gives is published
            converted = lens_file(text, filename=name)
            text, name, warnings = converted.text, converted.filename, converted.warnings
        status, out = await state(request).run(_publish, request, text, name, user)
    except ConflictError as exc:
        return _problems(409, exc)
    except FrameworkError as exc:
        return _problems(422, exc)
    code = 200 if status == "unchanged" else 201
    body = PublishOut(status=status, framework=out, lens=lens, warnings=warnings)
    return JSONResponse(body.model_dump(mode="json"), status_code=code)


@router.delete(
    "/frameworks/{ref}",
    summary="Delete a published framework",
    status_code=204,
    response_class=Response,
    responses=errors(403, 404, 409, 422),
)
def frameworks_delete(request: Request, ref: FrameworkPath, _user: Facilitator) -> Response:
    """Delete a published framework version that no assessment and no other published
    framework uses (409 otherwise); built-in frameworks cannot be deleted (409)."""
    if "@" not in ref:
        raise ScorecardError("name the version to delete: id@version")
    with state(request).write() as session:
        try:
            entry = catalogue_entry(session, ref=ref)
        except FrameworkError as exc:
            raise NotFoundError(str(exc)) from None
        if entry.builtin:
            raise ConflictError(f"{entry.framework.ref} is built in: it comes with the package")
        delete_published(session, ref=ref)
        note(
            request, session, action="framework.delete", summary=f"Deleted {entry.framework.ref}", user=_user
        )
    return Response(status_code=204)
