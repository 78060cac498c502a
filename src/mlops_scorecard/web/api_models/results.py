"""API bodies of an assessment's scores (``ScoreResult.to_dict()``) with targets and
gaps; ``FrameworkRefOut`` names the framework version scored, here and in the analyses."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .common import AssessmentStatus

__all__ = [
    "CountsOut",
    "DimensionResultOut",
    "FrameworkRefOut",
    "QuestionResultOut",
    "RespondentScoreOut",
    "ResultOut",
]


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
    status: AssessmentStatus
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
