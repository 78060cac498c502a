"""API bodies of an assessment's scores (``ScoreResult.to_dict()``) with targets and
gaps; ``FrameworkRefOut`` names the framework version scored, here and in the analyses."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .common import AssessmentStatus

__all__ = [
    "CapOut",
    "CountsOut",
    "DimensionResultOut",
    "FrameworkRefOut",
    "QuestionResultOut",
    "RespondentScoreOut",
    "ResultOut",
    "RuleOut",
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
    counted: float | None = Field(
        default=None,
        description="the value the dimension score counts (0 for no value under the sum rule); null: left out",
    )
    distribution: dict[str, int]


class CapOut(BaseModel):
    """A must-have question not met, which keeps a level below the one its score reaches."""

    question: str
    dimension: str
    level: str = Field(description="the level the question must be met for")
    level_name: str
    value: float | None


class RuleOut(BaseModel):
    """The framework's scoring rule (docs/scoring.md)."""

    dimension: str = Field(description="weighted-mean or sum")
    overall: str = Field(description="weighted-mean or minimum")
    points: float | None = Field(description="scores are also read as points out of this many")
    must_have_met: float


class DimensionResultOut(BaseModel):
    """A dimension's score (null when nothing has a value), with its target and gap."""

    id: str
    title: str
    weight: float
    score: float | None
    points: float | None = Field(default=None, description="the score in points, with the rule's points")
    level: str | None
    uncapped_level: str | None = None
    capped_by: list[CapOut] = Field(default_factory=list)
    counts: CountsOut
    values: dict[str, float | None] = Field(default_factory=dict, description="question id -> value")
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
    rule: RuleOut | None = Field(default=None, description="null for results frozen before scoring rules")
    overall: float | None
    points: float | None = None
    level: str | None
    level_name: str | None
    uncapped_level: str | None = None
    capped_by: list[CapOut] = Field(default_factory=list)
    respondent_count: int
    counts: CountsOut
    dimensions: list[DimensionResultOut]
    respondents: list[RespondentScoreOut]
    targets: dict[str, float]
