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
    "LeftOutOut",
    "LinkOut",
    "MappingOut",
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
    kind: str = Field(
        default="same", description="how it comes from a's questions: same, renamed, split, merged"
    )
    from_: list[str] = Field(default_factory=list, alias="from", description="a's questions it comes from")
    old: SideOut
    new: SideOut
    delta: float | None
    changed: bool


class LinkOut(BaseModel):
    kind: str
    from_: list[str] = Field(alias="from")
    to: list[str]
    note: str
    declared: bool


class MappingOut(BaseModel):
    """How a's questions map onto b's (``docs/framework-format.md``)."""

    old: str
    new: str
    source: str = Field(description="same-version, declared, chain, reversed or by-id")
    path: list[str]
    description: str
    summary: str
    counts: dict[str, int]
    links: list[LinkOut] = Field(description="every link but the questions matched by id as the same")


class LeftOutOut(BaseModel):
    question: str
    reason: str = Field(description="removed, added or not asked")


class CompareOut(BaseModel):
    """Assessment ``a`` (old) against ``b`` (new)."""

    a: AssessmentRefOut
    b: AssessmentRefOut
    same_questions: bool
    same_version: bool = Field(description="both on one framework version")
    note: str | None = Field(
        description="set when only the shared questions are compared or the framework versions differ"
    )
    mapping: MappingOut | None = None
    shared: list[str]
    dropped: list[str]
    added: list[str]
    left_out: dict[str, list[LeftOutOut]] = Field(
        default_factory=dict, description="per side (old, new): the questions asked but not compared"
    )
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
