"""What the API's bodies share: text checks, timestamps, bounded field types, the strict
request base and the error body.

Requests are strict: unknown fields are refused, texts are checked for length and for
characters a database cannot store (NUL, lone surrogates), ids are bounded to what an
integer column holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, overload

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ..params import MAX_ID

__all__ = [
    "AssessmentStatus",
    "DbId",
    "DimensionKey",
    "FieldProblem",
    "FrameworkRef",
    "Name",
    "Problem",
    "Profile",
    "QuestionSet",
    "RoleText",
    "StrictIn",
    "Target",
    "Targets",
    "Title",
    "TokenName",
    "check_text",
    "utc",
]

#: An assessment's status and question set, as every body writes them.
AssessmentStatus = Literal["draft", "open", "closed"]
QuestionSet = Literal["core", "full"]


def check_text(value: str) -> str:
    """Refuse text that a database cannot store: NUL characters and lone surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain NUL (\\u0000) characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    return value


@overload
def utc(value: dt.datetime) -> dt.datetime: ...
@overload
def utc(value: None) -> None: ...
@overload
def utc(value: dt.datetime | None) -> dt.datetime | None: ...
def utc(value: dt.datetime | None) -> dt.datetime | None:
    """Stored timestamps are naive UTC; the API writes them with their time zone."""
    return None if value is None else value.replace(tzinfo=dt.UTC)


DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(check_text)
]
Title = Name
RoleText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100), AfterValidator(check_text)
]
TokenName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(check_text)
]
FrameworkRef = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9._-]{0,79}(@[A-Za-z0-9][A-Za-z0-9._+-]{0,39})?$",
        description="A built-in or published framework: `id` (its newest version) or `id@version`.",
        examples=["mlops-scorecard", "mlops-scorecard@1.0.0"],
    ),
]
DimensionKey = Annotated[str, StringConstraints(max_length=80), AfterValidator(check_text)]
Target = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Targets = dict[DimensionKey, Target]
ProfileKey = Annotated[str, StringConstraints(max_length=80), AfterValidator(check_text)]
#: Context answers: context question id -> option id (checked against the framework).
Profile = dict[ProfileKey, ProfileKey]


class StrictIn(BaseModel):
    """A request body: a field the API does not know is refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class FieldProblem(BaseModel):
    """One problem with the request (from validation of the body, query or path)."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """Every error: a message, or for malformed requests the list of problems."""

    detail: str | list[FieldProblem] = Field(examples=["no assessment 42"])
