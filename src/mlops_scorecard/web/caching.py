"""HTTP caching: entity tags, ``If-None-Match`` and 304 answers, for charts and pages.

Charts are tagged before anything is drawn, from the assessment's revision and the
chart's kind and parameters (:mod:`mlops_scorecard.store.derived`): a match costs the
session check and one row. Pages are tagged weakly from their rendered body and the
user who sees them, so a browser revalidates its copy and gets 304 instead of the
page again; a viewer's tag never matches a facilitator's page (the body differs, and
the user is part of the tag). A page that can name everything it shows before
rendering (:func:`inputs_etag`: the rows it read, the user, the session's CSRF token,
the query, the code) is tagged from those instead, so a revalidation is answered 304
without rendering. Everything is ``Cache-Control: private, no-cache``: kept by the
browser only, checked with the server on every use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Callable, Hashable, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from fastapi import Request
from pydantic import BaseModel, PydanticSchemaGenerationError, TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import NoInspectionAvailable
from sqlalchemy.orm import Session
from starlette.responses import Response

from ..store.derived import (
    assessments_etag,
    cached_body,
    code_version,
    derived,
    derived_etag,
    derived_over,
    store_body,
)
from ..store.models import Assessment
from .security import CurrentUser

__all__ = [
    "REVALIDATE",
    "assessment_svg",
    "assessments_svg",
    "inputs_etag",
    "matches",
    "not_modified",
    "page_tagged",
    "tagged",
    "tagged_svg",
]

T = TypeVar("T")
log = logging.getLogger(__name__)

#: Kept by the browser (never a shared cache), revalidated before every use.
REVALIDATE = "private, no-cache"


def _tags(header: str) -> list[str]:
    return [t.strip() for t in header.split(",") if t.strip()]


def matches(request: Request, etag: str) -> bool:
    """Whether the request's ``If-None-Match`` names ``etag`` (weak comparison, as
    RFC 9110 asks for ``If-None-Match``: ``W/"x"`` matches ``"x"``)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    bare = etag.removeprefix("W/")
    return any(t == "*" or t.removeprefix("W/") == bare for t in _tags(header))


def not_modified(etag: str) -> Response:
    """The 304 answer: no body, the tag and caching headers repeated."""
    return Response(status_code=304, headers={"ETag": etag, "Cache-Control": REVALIDATE})


def tagged(request: Request, etag: str, make: Callable[[], str | bytes], media_type: str) -> Response:
    """304 when the client holds ``etag`` (``make`` is not called), else ``make()``'s body
    with the tag."""
    if matches(request, etag):
        return not_modified(etag)
    return Response(make(), media_type=media_type, headers={"ETag": etag, "Cache-Control": REVALIDATE})


def tagged_svg(request: Request, digest: str, make: Callable[[], str | bytes]) -> Response:
    """:func:`tagged` for an SVG chart whose body is fixed by ``digest`` (a strong tag)."""
    return tagged(request, f'"{digest}"', make, "image/svg+xml")


def assessment_svg(
    request: Request,
    session: Session,
    *,
    assessment: Assessment,
    kind: str,
    draw: Callable[[], bytes],
    params: Sequence[Any] = (),
) -> Response:
    """An SVG chart of ``assessment``: 304 when the browser holds this revision's (nothing
    read or drawn), else the stored drawing, else ``draw()``-n now and stored."""
    etag = f'"{derived_etag(assessment, kind, *params)}"'
    if matches(request, etag):
        return not_modified(etag)
    chart = derived(
        session, assessment=assessment, kind=kind, params=params, compute=lambda: draw().decode("utf-8")
    )
    return tagged_svg(request, chart.etag, lambda: chart.body)


def assessments_svg(
    request: Request,
    session: Session,
    *,
    assessments: Sequence[Assessment],
    kind: str,
    draw: Callable[[], bytes],
    params: Sequence[Any] = (),
) -> Response:
    """:func:`assessment_svg` of a chart drawn from several assessments (a unit's trend)."""
    etag = f'"{assessments_etag(assessments, kind, *params)}"'
    if matches(request, etag):
        return not_modified(etag)
    chart = derived_over(
        session, assessments=assessments, kind=kind, params=params, compute=lambda: draw().decode("utf-8")
    )
    return tagged_svg(request, chart.etag, lambda: chart.body)


@functools.lru_cache(maxsize=32)
def _adapter(cls: Hashable) -> tuple[TypeAdapter[Any], str]:
    """The type's JSON codec and a digest of its schema: a field added or changed makes
    the bodies stored with the old shape stale, without a version bump."""
    adapter: TypeAdapter[Any] = TypeAdapter(cast(Any, cls))
    schema = json.dumps(adapter.json_schema(), sort_keys=True)
    return adapter, hashlib.sha256(schema.encode()).hexdigest()[:16]


def cached_view(
    session: Session,
    *,
    assessment: Assessment,
    kind: str,
    cls: type[T],
    compute: Callable[[], T],
    params: Sequence[Any] = (),
) -> T:
    """A page section (a dataclass of already formatted rows) derived from ``assessment``:
    decoded from ``derived_results`` while its revision holds, else ``compute()``-d and
    stored as JSON for the next request. A section whose type JSON cannot hold (a
    field added that pydantic cannot serialise) is computed every time, never a 500."""
    try:
        adapter, shape = _adapter(cast(Hashable, cls))
    except PydanticSchemaGenerationError:
        log.warning("%s: %s cannot be cached as JSON; computed every time", kind, cls)
        return compute()
    etag = derived_etag(assessment, kind, shape, *params)
    body = cached_body(session, assessment_id=assessment.id, kind=kind, etag=etag)
    if body is not None:
        try:
            found: T = adapter.validate_json(body)
            return found
        except ValidationError:  # not what this code writes: computed and written again
            log.warning("%s of assessment %s: stored body not readable", kind, assessment.id)
    value = compute()
    try:
        text = adapter.dump_json(value).decode()
    except PydanticSerializationError:
        log.warning("%s: %s cannot be cached as JSON; computed every time", kind, cls)
        return value
    store_body(session, assessment=assessment, kind=kind, etag=etag, body=text)
    return value


class Undigestable(TypeError):
    """A page input :func:`inputs_etag` does not know how to write down."""


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it, every field kept: a mapped row as its columns (as
    loaded), a dataclass as its fields, a pydantic model as its JSON data."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    try:
        state = sa_inspect(value)
    except NoInspectionAvailable:
        raise Undigestable(f"{type(value).__name__} is not a page input inputs_etag knows") from None
    mapper = getattr(state, "mapper", None)
    if mapper is None:
        raise Undigestable(f"{type(value).__name__} is not a mapped row")
    return [type(value).__name__, {c.key: getattr(value, c.key) for c in mapper.column_attrs}]


def inputs_etag(request: Request, user: CurrentUser, csrf: str, parts: Sequence[Any]) -> str | None:
    """A weak tag for a page from everything it is rendered from, known before rendering:
    ``parts`` (the rows and values the page read: mapped rows digest as all their
    columns), the user, the session's CSRF token (every form carries it), the request's
    address and query (flash parameters), and the code and templates
    (:func:`~mlops_scorecard.store.derived.code_version`). ``None`` when a part cannot be
    written down: the page is then tagged from its body (:func:`page_tagged`), never
    from a digest that might miss something."""
    try:
        text = json.dumps(
            [
                code_version(),
                user.id,
                user.username,
                user.role,
                csrf,
                str(request.base_url),
                request.url.path,
                request.url.query,
                *parts,
            ],
            default=_plain,
            sort_keys=True,
            allow_nan=True,
            separators=(",", ":"),
        )
    except (TypeError, ValueError) as exc:  # Undigestable among them
        log.warning("page %s tagged from its body: %s", request.url.path, exc)
        return None
    return f'W/"i{hashlib.blake2b(text.encode(), digest_size=16).hexdigest()}"'


def page_tagged(request: Request, response: Response, user: CurrentUser, etag: str | None = None) -> Response:
    """``response`` (a rendered page or JSON) tagged weakly from its body and ``user``
    (or with ``etag``, the page's :func:`inputs_etag`); a 304 without the body when the
    client holds that tag already. Answers other than 200 are returned as they are."""
    if response.status_code != 200:
        return response
    if etag is None:
        tag = hashlib.blake2b(f"{user.id}:{user.role}:".encode(), digest_size=16)
        tag.update(response.body)
        etag = f'W/"{tag.hexdigest()}"'
    if matches(request, etag):
        return not_modified(etag)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = REVALIDATE
    return response
