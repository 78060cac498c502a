"""What every API route shares: authentication by role, id and confidence parameters, the
OpenAPI declarations of error and file responses, and the conversion of database rows to
response models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, cast

from fastapi import Depends, Path, Query, Request
from sqlalchemy.exc import OperationalError

from ...analysis.targets import targets_in_unit
from ...store.answer_sets import assessment_framework
from ...store.models import ApiToken, Assessment, ShareLink, Unit
from ..api_models.assessments import AssessmentOut
from ..api_models.common import AssessmentStatus, Problem, QuestionSet, utc
from ..api_models.responses import RespondentOut, ShareLinkOut
from ..api_models.tokens import TokenOut
from ..api_models.units import UnitOut
from ..context import state
from ..params import MAX_ID
from ..security import CurrentUser, api_user

__all__ = [
    "Admin",
    "AssessmentId",
    "Confidence",
    "Facilitator",
    "ItemId",
    "Responses",
    "UnitId",
    "Viewer",
    "assessment_out",
    "errors",
    "file_responses",
    "framework_ref",
    "respondent_out",
    "share_link_out",
    "token_out",
    "unit_out",
]

AssessmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="assessment id")]
UnitId = Annotated[int, Path(ge=1, le=MAX_ID, description="unit id")]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="id of the item")]
Confidence = Annotated[
    float, Query(ge=0.5, le=0.999, description="confidence of the intervals (0.5 to 0.999)")
]

Source = Literal["invitation", "shared", "upload"]

#: What FastAPI takes as a route's ``responses``: status -> OpenAPI response object.
Responses = dict[int | str, dict[str, Any]]

_WHY = {
    401: "No API token, or an unknown or revoked one",
    403: "The token's user lacks the role this needs",
    404: "An id in the path or body does not exist",
    409: "Clashes with the current state (closed assessment, duplicate name, unit not empty)",
    413: "The request body is larger than the upload limit",
    415: "The body's Content-Type is not one this route reads",
    422: "Malformed JSON, wrong types or values, or a file that does not fit the framework",
    429: "Too many attempts",
    503: "The database is busy or unavailable; try again",
}


def errors(*codes: int) -> Responses:
    """OpenAPI ``responses`` for the errors a route can give (401 and 503 always)."""
    every = sorted({401, 503, *codes})
    return {code: {"model": Problem, "description": _WHY[code]} for code in every}


def file_responses(description: str, schemas: dict[str, dict[str, Any]], *codes: int) -> Responses:
    """OpenAPI ``responses`` of a route that answers a file: the 200 in each media type it
    can write (media type -> JSON schema of the body), then :func:`errors` for ``codes``."""
    content = {media: {"schema": schema} for media, schema in schemas.items()}
    return {200: {"description": description, "content": content}, **errors(*codes)}


def _authenticated(role: str) -> Callable[[Request], CurrentUser]:
    def dependency(request: Request) -> CurrentUser:
        with state(request).read() as session:
            user = api_user(request, session, role)
            if session.dirty:  # the token's last use, recorded at most once a minute
                try:
                    session.commit()
                except OperationalError:
                    # SQLite refuses a read transaction's late write when another writer
                    # committed in between: the stamp is only a hint, the request goes on
                    session.rollback()
        return user

    dependency.__name__ = f"api_{role}"
    return dependency


#: The token's user, who must be at least a viewer (resp. facilitator). As a dependency it
#: runs before the path, query and body are validated: no token is 401 whatever the input.
Viewer = Annotated[CurrentUser, Depends(_authenticated("viewer"))]
Facilitator = Annotated[CurrentUser, Depends(_authenticated("facilitator"))]
Admin = Annotated[CurrentUser, Depends(_authenticated("admin"))]


def framework_ref(a: Assessment) -> str:
    """The framework version an assessment is pinned to, as ``id@version``."""
    return f"{a.framework_id}@{a.framework_version}"


def unit_out(unit: Unit) -> UnitOut:
    """A unit as the API shows it."""
    return UnitOut(
        id=unit.id,
        name=unit.name,
        kind=unit.kind,
        parent_id=unit.parent_id,
        created_at=utc(unit.created_at),
        archived_at=utc(unit.archived_at),
        default_targets={str(k): float(v) for k, v in (unit.default_targets or {}).items()},
    )


def assessment_out(a: Assessment, unit_name: str | None = None) -> AssessmentOut:
    """An assessment as the API shows it; ``unit_name`` saves loading the unit when known."""
    return AssessmentOut(
        id=a.id,
        unit_id=a.unit_id,
        unit_name=a.unit.name if unit_name is None else unit_name,
        title=a.title,
        date=a.date,
        status=cast(AssessmentStatus, a.status),
        framework=framework_ref(a),
        question_set=cast(QuestionSet, a.question_set),
        targets=targets_in_unit(assessment_framework(a), a.targets or {}),
        profile=dict(a.profile or {}),
        created_at=utc(a.created_at),
        closed_at=utc(a.closed_at),
        archived_at=utc(a.archived_at),
    )


def respondent_out(row: dict[str, Any]) -> RespondentOut:
    """From a row of :func:`~mlops_scorecard.store.respondents.progress_of`."""
    return RespondentOut(
        id=row["id"],
        name=row["name"],
        role=row["role"] or "",
        source=cast(Source, row["source"]),
        answered=int(row["answered"]),
        created_at=utc(row["created_at"]),
        submitted_at=utc(row["submitted_at"]),
        revoked_at=utc(row["revoked_at"]),
    )


def share_link_out(link: ShareLink) -> ShareLinkOut:
    """A shared link as listed and revoked (never its token)."""
    return ShareLinkOut(
        id=link.id,
        created_at=utc(link.created_at),
        revoked_at=utc(link.revoked_at),
        max_respondents=link.max_respondents,
        joined=link.joined,
    )


def token_out(token: ApiToken) -> TokenOut:
    """An API token as listed (never the token itself)."""
    return TokenOut(
        id=token.id,
        name=token.name,
        created_at=utc(token.created_at),
        last_used_at=utc(token.last_used_at),
        revoked_at=utc(token.revoked_at),
    )
