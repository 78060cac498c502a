"""API bodies of one assessment's analysis: agreement, intervals, hotspots, roles and
caveats (``Analysis.to_dict()``; methods in docs/analysis.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .common import AssessmentStatus, QuestionSet
from .results import FrameworkRefOut

__all__ = [
    "AgreementOut",
    "AgreementReportOut",
    "AnalysisOut",
    "CaveatOut",
    "CommentOut",
    "GroupScoreOut",
    "HotspotOut",
    "IntervalOut",
    "IntervalsOut",
    "RoleGapOut",
    "RoleScoreOut",
    "RolesOut",
]

Band = Literal["strong", "moderate", "low", "none", "undefined"]


class AgreementOut(BaseModel):
    """Krippendorff's alpha (ordinal) over some questions, with its reading."""

    alpha: float | None = Field(description="null when undefined (see `reason`)")
    band: Band
    reading: str
    units: int = Field(description="questions with values from two or more respondents")
    values: int = Field(description="pairable values")
    reason: str | None


class AgreementReportOut(BaseModel):
    metric: str
    overall: AgreementOut
    dimensions: dict[str, AgreementOut]


class IntervalOut(BaseModel):
    low: float
    high: float


class IntervalsOut(BaseModel):
    """Small-sample t intervals over respondents with a prior worth one respondent
    (docs/analysis.md, section 3); deterministic."""

    method: str
    confidence: float
    prior_respondents: float
    respondents: int
    overall: IntervalOut | None
    dimensions: dict[str, IntervalOut | None]


class CommentOut(BaseModel):
    """A comment on a hotspot, with the answer and role of whoever gave it (never their name)."""

    role: str
    answer: str
    comment: str


class HotspotOut(BaseModel):
    """A question the respondents disagree on; ``swing`` is how many points its dimension
    score moves between the lowest and the highest answer given."""

    question: str
    text: str
    dimension: str
    distribution: dict[str, int]
    values: int
    mean: float
    spread: float
    split: bool
    swing: float
    overall_swing: float | None
    comments: list[CommentOut]


class RoleScoreOut(BaseModel):
    role: str
    respondents: int
    overall: float | None
    dimensions: dict[str, float | None]


class GroupScoreOut(RoleScoreOut):
    group: str
    roles: list[str]


class RoleGapOut(BaseModel):
    dimension: str
    first: float | None
    second: float | None
    gap: float | None = Field(description="first group's score minus the second's")


class RolesOut(BaseModel):
    roles: list[RoleScoreOut]
    groups: list[GroupScoreOut]
    gap: dict[str, str] = Field(description="the two groups of `gaps`: first and second")
    gaps: list[RoleGapOut]
    present: list[str]
    missing: list[str] = Field(description="roles a diverse group should include that nobody answered as")


class CaveatOut(BaseModel):
    code: str
    message: str
    dimension: str | None


class AnalysisOut(BaseModel):
    """Everything `mlops-scorecard analyze` finds, for one assessment's current answers."""

    assessment_id: int
    status: AssessmentStatus
    framework: FrameworkRefOut
    question_set: QuestionSet
    respondent_count: int
    overall: float | None
    dimensions: dict[str, float | None]
    agreement: AgreementReportOut
    intervals: IntervalsOut
    hotspots: list[HotspotOut]
    roles: RolesOut
    caveats: list[CaveatOut]
