"""What every API route shares: authentication by role, id parameters, error docs, and
the conversion of database rows to response models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, cast

from fastapi import Depends, Path, Request

from ...store.models import ApiToken, Assessment, Unit
from ..api_models import MAX_ID, AssessmentOut, Problem, RespondentOut, TokenOut, UnitOut, utc
from ..context import state
from ..security import CurrentUser, api_user

__all__ = [
    "AssessmentId",
    "Facilitator",
    "ItemId",
    "UnitId",
    "Viewer",
    "assessment_out",
    "errors",
    "respondent_out",
    "token_out",
    "unit_out",
]

AssessmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="assessment id")]
UnitId = Annotated[int, Path(ge=1, le=MAX_ID, description="unit id")]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="id of the item")]

Status = Literal["draft", "open", "closed"]
QuestionSet = Literal["core", "full"]
Source = Literal["invitation", "shared", "upload"]

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


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the errors a route can give (401 and 503 always)."""
    every = sorted({401, 503, *codes})
    return {code: {"model": Problem, "description": _WHY[code]} for code in every}


def _authenticated(role: str) -> Callable[[Request], CurrentUser]:
    def dependency(request: Request) -> CurrentUser:
        with state(request).read() as session:
            user = api_user(request, session, role)
            if session.dirty:  # the token's last use, recorded at most once a minute
                session.commit()
        return user

    dependency.__name__ = f"api_{role}"
    return dependency


#: The token's user, who must be at least a viewer (resp. facilitator). As a dependency it
#: runs before the path, query and body are validated: no token is 401 whatever the input.
Viewer = Annotated[CurrentUser, Depends(_authenticated("viewer"))]
Facilitator = Annotated[CurrentUser, Depends(_authenticated("facilitator"))]


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        id=unit.id,
        name=unit.name,
        kind=unit.kind,
        parent_id=unit.parent_id,
        created_at=utc(unit.created_at),
    )


def assessment_out(a: Assessment, unit_name: str | None = None) -> AssessmentOut:
    return AssessmentOut(
        id=a.id,
        unit_id=a.unit_id,
        unit_name=a.unit.name if unit_name is None else unit_name,
        title=a.title,
        date=a.date,
        status=cast(Status, a.status),
        framework=f"{a.framework_id}@{a.framework_version}",
        question_set=cast(QuestionSet, a.question_set),
        targets={k: float(v) for k, v in (a.targets or {}).items()},
        created_at=utc(a.created_at),
        closed_at=utc(a.closed_at),
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


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id,
        name=token.name,
        created_at=utc(token.created_at),
        last_used_at=utc(token.last_used_at),
        revoked_at=utc(token.revoked_at),
    )
