"""API bodies of invitations, shared links, respondents and answers files.

Responses never carry a secret except the one-time ``token`` of the ``*Created`` models.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Name, QuestionSet, RoleText, StrictIn

__all__ = [
    "AnswerDetail",
    "AnswersFile",
    "AnswersFileRespondent",
    "ImportResult",
    "InvitationCreated",
    "InvitationIn",
    "RespondentOut",
    "ShareLinkCreated",
    "ShareLinkIn",
    "ShareLinkOut",
]


class InvitationIn(StrictIn):
    """A personal invitation for a named respondent."""

    name: Name
    role: RoleText = ""
    email: Annotated[
        str, Field(max_length=320, description="an email address (kept for mailing), or empty")
    ] = ""


class InvitationCreated(BaseModel):
    """The new respondent and their personal link. The token is shown this once."""

    id: int = Field(description="the respondent's id")
    name: str
    role: str
    link: str = Field(examples=["/r/3q2-Xk..."])
    token: str


class RespondentOut(BaseModel):
    """A respondent and their progress; never their answers or token."""

    id: int
    name: str | None = Field(description="null for anonymous respondents (shared link)")
    role: str
    source: Literal["invitation", "shared", "upload"]
    answered: int = Field(description="questions answered so far")
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ShareLinkIn(BaseModel):
    """Options of a new shared link."""

    model_config = ConfigDict(extra="forbid")

    max_respondents: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="the most respondents the link admits; null or left out: no cap",
    )


class ShareLinkCreated(BaseModel):
    """A new shared (anonymous) link. The token is shown this once."""

    id: int
    link: str = Field(examples=["/join/Zq9..."])
    token: str
    created_at: dt.datetime
    max_respondents: int | None
    joined: int


class ShareLinkOut(BaseModel):
    """A shared link (without its token): its cap and how many joined through it."""

    id: int
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    max_respondents: int | None
    joined: int


# --- answers files ---------------------------------------------------------------------


AnswerKeyText = Annotated[
    str,
    Field(
        description="A key of the framework's scale (yes, partly, no, na, unknown on the default scale; a "
        "custom scale's own keys), case-insensitive; a key off the scale is refused (422) with the allowed keys",
        examples=["yes"],
    ),
]


class AnswerDetail(BaseModel):
    """An answer with a comment, evidence or, for a multiple-choice question, the
    selected choices (see docs/answers-format.md)."""

    answer: AnswerKeyText | None = Field(
        default=None, description="left out when choices are given: their risk rules give it"
    )
    choices: list[str] | None = Field(
        default=None,
        description="the selected choice ids of a multiple-choice question ([]: none selected); an unknown "
        "id, or 'None of these' with others, is refused (422) with the question's choice ids",
    )
    comment: str = ""
    evidence: list[str] = Field(default_factory=list)


class AnswersFileRespondent(BaseModel):
    """A respondent of an answers file; anonymous respondents have no name."""

    name: str | None = None
    role: str | None = None
    answers: dict[str, AnswerKeyText | AnswerDetail]


class AnswersFile(BaseModel):
    """An answers file (docs/answers-format.md), as JSON; the same structure in YAML."""

    framework: str = Field(examples=["mlops-scorecard@1.0.0"])
    question_set: QuestionSet = "core"
    unit: str | None = None
    title: str | None = None
    date: dt.date | None = None
    respondents: list[AnswersFileRespondent] = Field(default_factory=list)


class ImportResult(BaseModel):
    """What an import added."""

    imported: int
    respondents: list[RespondentOut]
