"""Request and response bodies of the REST API (``/api/v1``, see ``docs/api.md``).

Requests are strict: unknown fields are refused, texts are checked for length and for
characters a database cannot store (NUL, lone surrogates), ids are bounded to what an
integer column holds. Responses never carry a secret except the one-time ``token`` of
the ``*Created`` models.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, overload

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from .params import MAX_ID

__all__ = [
    "MAX_ID",
    "AnswerDetail",
    "AnswersFile",
    "AnswersFileRespondent",
    "AssessmentIn",
    "AssessmentOut",
    "AssessmentPatch",
    "CountsOut",
    "DimensionOut",
    "DimensionResultOut",
    "FieldProblem",
    "FrameworkOut",
    "FrameworkRefOut",
    "ImportResult",
    "InvitationCreated",
    "InvitationIn",
    "Me",
    "Problem",
    "QuestionResultOut",
    "RespondentOut",
    "RespondentScoreOut",
    "ResultOut",
    "ShareLinkCreated",
    "ShareLinkIn",
    "ShareLinkOut",
    "StatusIn",
    "TokenCreated",
    "TokenIn",
    "TokenOut",
    "UnitDetail",
    "UnitIn",
    "UnitOut",
    "check_text",
    "utc",
]


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
        description="A built-in framework: `id` (its newest version) or `id@version`.",
        examples=["mlops-scorecard", "mlops-scorecard@1.0.0"],
    ),
]
DimensionKey = Annotated[str, StringConstraints(max_length=80), AfterValidator(check_text)]
Target = Annotated[float, Field(ge=0, le=100)]
Targets = dict[DimensionKey, Target]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldProblem(BaseModel):
    """One problem with the request (from validation of the body, query or path)."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """Every error: a message, or for malformed requests the list of problems."""

    detail: str | list[FieldProblem] = Field(examples=["no assessment 42"])


class Me(BaseModel):
    """The user behind the API token."""

    id: int
    username: str
    role: Literal["admin", "facilitator", "viewer"]


class DimensionOut(BaseModel):
    """A dimension of a framework (its id is the key of ``targets``)."""

    id: str
    title: str
    weight: float
    core_questions: int
    full_questions: int


class FrameworkOut(BaseModel):
    """A built-in framework an assessment can be pinned to."""

    id: str
    version: str
    ref: str = Field(description="`id@version`, what an assessment pins")
    title: str
    dimensions: list[DimensionOut]


# --- units -------------------------------------------------------------------------


class UnitIn(_In):
    """A new unit: a name unique among its siblings, a kind, and its parent (none for the top)."""

    name: Name
    kind: Literal["organization", "department", "team"] = "team"
    parent_id: DbId | None = None


class UnitOut(BaseModel):
    """A unit and its place in the tree."""

    id: int
    name: str
    kind: str
    parent_id: int | None
    created_at: dt.datetime


# --- assessments --------------------------------------------------------------------


class AssessmentIn(_In):
    """A new assessment of a unit, pinned to a framework version and a question set."""

    unit_id: DbId
    title: Title
    date: dt.date | None = Field(default=None, description="default: today")
    framework: FrameworkRef = "mlops-scorecard"
    question_set: Literal["core", "full"] = "core"
    targets: Targets = Field(default_factory=dict, description="target score (0-100) per dimension id")
    status: Literal["draft", "open"] = "draft"


class AssessmentPatch(_In):
    """Fields to change; a field left out (or null) keeps its value. ``targets`` replaces all targets."""

    title: Title | None = None
    date: dt.date | None = None
    targets: Targets | None = None


class StatusIn(_In):
    """The new status: ``open`` takes answers, ``closed`` freezes answers and results."""

    status: Literal["draft", "open", "closed"]


class AssessmentOut(BaseModel):
    """An assessment."""

    id: int
    unit_id: int
    unit_name: str
    title: str
    date: dt.date
    status: Literal["draft", "open", "closed"]
    framework: str = Field(
        description="`id@version` of the pinned framework", examples=["mlops-scorecard@1.0.0"]
    )
    question_set: Literal["core", "full"]
    targets: dict[str, float]
    created_at: dt.datetime
    closed_at: dt.datetime | None


class UnitDetail(UnitOut):
    """A unit with its assessments (oldest first)."""

    assessments: list[AssessmentOut]


# --- invitations and respondents ---------------------------------------------------------


class InvitationIn(_In):
    """A personal invitation for a named respondent."""

    name: Name
    role: RoleText = ""


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


class AnswerDetail(BaseModel):
    """An answer with a comment or evidence (see docs/answers-format.md)."""

    answer: Literal["yes", "partly", "no", "na", "unknown"]
    comment: str = ""
    evidence: list[str] = Field(default_factory=list)


class AnswersFileRespondent(BaseModel):
    """A respondent of an answers file; anonymous respondents have no name."""

    name: str | None = None
    role: str | None = None
    answers: dict[str, Literal["yes", "partly", "no", "na", "unknown"] | AnswerDetail]


class AnswersFile(BaseModel):
    """An answers file (docs/answers-format.md), as JSON; the same structure in YAML."""

    framework: str = Field(examples=["mlops-scorecard@1.0.0"])
    question_set: Literal["core", "full"] = "core"
    unit: str | None = None
    title: str | None = None
    date: dt.date | None = None
    respondents: list[AnswersFileRespondent] = Field(default_factory=list)


class ImportResult(BaseModel):
    """What an import added."""

    imported: int
    respondents: list[RespondentOut]


# --- results ---------------------------------------------------------------------------


class CountsOut(BaseModel):
    """How the respondent x question cells were answered."""

    answered: int
    na: int
    unknown: int
    unanswered: int
    total: int
    coverage: float | None


class QuestionResultOut(BaseModel):
    """One question: its mean value (0-1) and the answer distribution."""

    id: str
    set: str
    weight: float
    value: float | None
    distribution: dict[str, int]


class DimensionResultOut(BaseModel):
    """A dimension's score (null when nothing has a value), with its target and gap."""

    id: str
    title: str
    weight: float
    score: float | None
    level: str | None
    counts: CountsOut
    questions: list[QuestionResultOut]
    target: float | None = Field(description="the assessment's target for this dimension")
    gap: float | None = Field(description="target - score (positive: below target); null without both")


class RespondentScoreOut(BaseModel):
    """The scores one respondent's answers alone would give."""

    name: str
    role: str
    overall: float | None
    dimensions: dict[str, float | None]


class FrameworkRefOut(BaseModel):
    """The framework version scored."""

    id: str
    version: str


class ResultOut(BaseModel):
    """Scores of an assessment (``ScoreResult.to_dict()``), with targets and gaps."""

    assessment_id: int
    status: Literal["draft", "open", "closed"]
    frozen: bool = Field(description="true when this is the result frozen at closing")
    framework: FrameworkRefOut
    question_set: str
    overall: float | None
    level: str | None
    level_name: str | None
    respondent_count: int
    counts: CountsOut
    dimensions: list[DimensionResultOut]
    respondents: list[RespondentScoreOut]
    targets: dict[str, float]


# --- API tokens ------------------------------------------------------------------------


class TokenIn(_In):
    """A new API token for yourself; the name says where it is used."""

    name: TokenName = "token"


class TokenOut(BaseModel):
    """An API token (never the token itself)."""

    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    """The new token: ``token`` is shown this once; send it as ``Authorization: Bearer``."""

    token: str
