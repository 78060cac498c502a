"""API bodies of change over time: two assessments compared, and a unit's trend with
intervals and the latest gaps to targets."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from .analysis import IntervalOut
from .common import AssessmentStatus, QuestionSet

__all__ = [
    "AssessmentRefOut",
    "CompareOut",
    "DimensionRefOut",
    "PointIntervalsOut",
    "QuestionChangeOut",
    "ScoreDeltaOut",
    "SideOut",
    "TargetGapOut",
    "TrendOut",
    "TrendPointOut",
]


class AssessmentRefOut(BaseModel):
    id: int
    unit_id: int
    title: str
    date: dt.date
    framework: str
    question_set: QuestionSet
    respondent_count: int


class ScoreDeltaOut(BaseModel):
    dimension: str
    old: float | None
    new: float | None
    delta: float | None
    rescored: float | None = Field(
        description="across framework versions: the old answers scored under b's framework"
    )
    framework_effect: float | None = Field(description="rescored - old: the change due to the framework")
    answer_effect: float | None = Field(description="new - rescored: the change due to the answers")


class SideOut(BaseModel):
    distribution: dict[str, int]
    value: float | None = Field(description="the question's mean value, 0-1")


class QuestionChangeOut(BaseModel):
    question: str
    text: str
    dimension: str
    old: SideOut
    new: SideOut
    delta: float | None
    changed: bool


class CompareOut(BaseModel):
    """Assessment ``a`` (old) against ``b`` (new)."""

    a: AssessmentRefOut
    b: AssessmentRefOut
    same_questions: bool
    same_version: bool = Field(description="both on one framework version")
    note: str | None = Field(
        description="set when only the shared questions are compared or the framework versions differ"
    )
    shared: list[str]
    dropped: list[str]
    added: list[str]
    overall: ScoreDeltaOut
    dimensions: list[ScoreDeltaOut]
    questions: list[QuestionChangeOut]


class DimensionRefOut(BaseModel):
    id: str
    title: str


class PointIntervalsOut(BaseModel):
    overall: IntervalOut | None
    dimensions: dict[str, IntervalOut | None]


class TrendPointOut(BaseModel):
    assessment_id: int
    title: str
    date: dt.date
    label: str
    status: AssessmentStatus
    framework: str
    respondent_count: int
    overall: float | None
    dimensions: dict[str, float | None]
    intervals: PointIntervalsOut


class TargetGapOut(BaseModel):
    dimension: str
    target: float
    score: float | None
    gap: float | None = Field(description="target minus score: positive means still short")
    met: bool


class TrendOut(BaseModel):
    """A unit's answered assessments in date order, each with its intervals."""

    unit_id: int
    confidence: float
    dimensions: list[DimensionRefOut]
    points: list[TrendPointOut]
    latest_targets: list[TargetGapOut]
