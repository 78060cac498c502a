"""API: the analysis of an assessment (agreement, hotspots, intervals, roles, warnings),
the comparison of two assessments, a unit's trend with intervals and its roll-up.

Viewers read everything here, as aggregates: comments on hotspots come without
respondents' names (for everyone), and for viewers roles of fewer than three respondents
are merged into "other" (``mlops_scorecard.privacy``). Methods: ``docs/analysis.md``; examples: ``docs/api.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from ...analysis import analyze
from ...analysis.trends import compare
from ...privacy import aggregate_analysis, for_viewers, missing_roles
from ...store.analysis import load_unit_trend
from ...store.answer_sets import answer_sets_for, assessment_framework
from ...store.assessments import get_assessment
from ...store.distributions import distributions
from ...store.models import Assessment
from ...store.results import latest_results
from ...store.rollup import ROLLUP_RULE, rollup, subtree_teams, team_scores
from ...store.units import list_units
from ..api_models import MAX_ID, FrameworkRefOut
from ..context import state
from ..views.org import heatmap
from .api_common import AssessmentId, UnitId, Viewer, errors

router = APIRouter(tags=["analysis"])

Status = Literal["draft", "open", "closed"]
Band = Literal["strong", "moderate", "low", "none", "undefined"]
Confidence = Annotated[
    float, Query(ge=0.5, le=0.999, description="confidence of the intervals (0.5 to 0.999)")
]


# --- response bodies ---------------------------------------------------------------------


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
    status: Literal["draft", "open", "closed"]
    framework: FrameworkRefOut
    question_set: Literal["core", "full"]
    respondent_count: int
    overall: float | None
    dimensions: dict[str, float | None]
    agreement: AgreementReportOut
    intervals: IntervalsOut
    hotspots: list[HotspotOut]
    roles: RolesOut
    caveats: list[CaveatOut]


class AssessmentRefOut(BaseModel):
    id: int
    unit_id: int
    title: str
    date: dt.date
    framework: str
    question_set: Literal["core", "full"]
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
    status: Literal["draft", "open", "closed"]
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


class RolledOut(BaseModel):
    mean: float | None
    teams: int
    min: float | None
    max: float | None


class TeamOut(BaseModel):
    unit_id: int
    name: str
    assessment_id: int
    assessment_title: str
    date: dt.date
    respondents: int
    overall: float | None
    dimensions: dict[str, float | None]


class DistributionOut(BaseModel):
    dimension: str
    title: str
    teams: int
    min: float | None
    q1: float | None
    median: float | None
    q3: float | None
    max: float | None


class RollupOut(BaseModel):
    """The unit's roll-up from the teams in its subtree (``rule``), and their distribution."""

    unit_id: int
    rule: str
    team_count: int
    teams_with_scores: int
    overall: RolledOut
    dimensions: dict[str, RolledOut]
    teams: list[TeamOut]
    distributions: list[DistributionOut]


# --- routes ----------------------------------------------------------------------------------


def _ref(a: Assessment, respondents: int) -> AssessmentRefOut:
    return AssessmentRefOut(
        id=a.id,
        unit_id=a.unit_id,
        title=a.title,
        date=a.date,
        framework=f"{a.framework_id}@{a.framework_version}",
        question_set="full" if a.question_set == "full" else "core",
        respondent_count=respondents,
    )


@router.get(
    "/assessments/{assessment_id}/analysis",
    summary="Agreement, hotspots, intervals, roles and warnings",
    response_model=AnalysisOut,
    responses=errors(404, 422),
)
def assessment_analysis(
    request: Request,
    assessment_id: AssessmentId,
    user: Viewer,
    confidence: Confidence = 0.9,
    hotspots: Annotated[
        int | None, Query(ge=0, le=1000, description="list at most this many hotspots")
    ] = None,
) -> AnalysisOut:
    """Krippendorff's alpha per dimension and overall, the disagreement hotspots (most
    score-moving first, with comments but no names), intervals of every score,
    scores per role with the leadership-practitioner gap and missing roles, and plain
    warnings, computed from the assessment's current answers. For viewers, roles with
    fewer than three respondents are merged into ``other``."""
    with state(request).read() as session:
        a = get_assessment(session, assessment_id=assessment_id)
        answers = answer_sets_for(session, assessments=[a])[a.id]
        framework = assessment_framework(a)
        status = a.status
    aggregate = not user.can("facilitator")
    an = analyze(
        framework,
        for_viewers(answers) if aggregate else answers,
        confidence=confidence,
        hotspot_limit=hotspots,
    )
    data: dict[str, Any] = an.to_dict()
    if aggregate:
        data = aggregate_analysis(data, missing=missing_roles(answers))
    data.update(assessment_id=assessment_id, status=status)
    return AnalysisOut.model_validate(data)


@router.get(
    "/compare",
    summary="Compare two assessments",
    response_model=CompareOut,
    responses=errors(404, 422),
)
def compare_assessments(
    request: Request,
    _user: Viewer,
    a: Annotated[int, Query(ge=1, le=MAX_ID, description="the old assessment's id")],
    b: Annotated[int, Query(ge=1, le=MAX_ID, description="the new assessment's id")],
) -> CompareOut:
    """Score deltas per dimension and overall (``b - a``) and, per question both asked, the
    answers before and after. Assessments on different framework versions or question sets
    are compared on the questions they share, and ``note`` says so. Assessments of
    different frameworks are 422."""
    with state(request).read() as session:
        old = get_assessment(session, assessment_id=a)
        new = get_assessment(session, assessment_id=b)
        sets = answer_sets_for(session, assessments=[old, new] if a != b else [old])
        fa, fb = assessment_framework(old), assessment_framework(new)
        c = compare(fa, sets[old.id], fb, sets[new.id])
        texts = {q.id: q.text for _, q in fb.iter_questions("full")}
        data: dict[str, Any] = c.to_dict()
        for q in data["questions"]:
            q["text"] = texts.get(q["question"], q["question"])
        data["a"] = _ref(old, len(c.old_result.respondents))
        data["b"] = _ref(new, len(c.new_result.respondents))
    return CompareOut.model_validate(data)


@router.get(
    "/units/{unit_id}/trend",
    summary="A unit's trend with intervals",
    response_model=TrendOut,
    responses=errors(404, 422),
)
def unit_trend(
    request: Request,
    unit_id: UnitId,
    _user: Viewer,
    confidence: Confidence = 0.9,
) -> TrendOut:
    """Each answered assessment of the unit (not of sub-units), oldest first, with its
    scores and intervals; and the latest one's gap to each of its targets."""
    with state(request).read() as session:
        _, ut = load_unit_trend(session, unit_id=unit_id, confidence=confidence)
    points = []
    for p in ut.trend.points:
        a, u = ut.assessments[p.assessment_id], ut.intervals[p.assessment_id]
        points.append(
            TrendPointOut(
                assessment_id=p.assessment_id,
                title=p.title,
                date=p.date,
                label=p.label,
                status=cast(Status, a.status),
                framework=f"{a.framework_id}@{a.framework_version}",
                respondent_count=p.respondents,
                overall=p.overall,
                dimensions=p.scores,
                intervals=PointIntervalsOut.model_validate(
                    {k: v for k, v in u.to_dict().items() if k in ("overall", "dimensions")}
                ),
            )
        )
    return TrendOut(
        unit_id=unit_id,
        confidence=confidence,
        dimensions=[DimensionRefOut(id=i, title=t) for i, t in ut.trend.dimensions],
        points=points,
        latest_targets=[TargetGapOut.model_validate(g.to_dict()) for g in ut.latest_gaps()],
    )


@router.get(
    "/units/{unit_id}/rollup",
    summary="A unit's roll-up from its teams",
    response_model=RollupOut,
    responses=errors(404, 422),
)
def unit_rollup(request: Request, unit_id: UnitId, _user: Viewer) -> RollupOut:
    """The unweighted mean of the latest scores of the teams in the unit's subtree (the unit
    itself when it is a team), per dimension and overall (``rule``), each team's scores,
    and the distribution of those teams' scores per dimension."""
    with state(request).read() as session:
        units = list_units(session)
        unit = next((u for u in units if u.id == unit_id), None)
        if unit is None:
            from ...errors import NotFoundError

            raise NotFoundError(f"no unit {unit_id}")
        wanted = set(subtree_teams(unit_id, units))
        latest = {k: v for k, v in latest_results(session).items() if k in wanted}
    columns = heatmap([], latest).columns
    teams = team_scores(units, latest)
    r = rollup(unit, units, teams, [did for did, _ in columns])
    dists = distributions(r.teams, [*columns, ("overall", "Overall")])
    data: dict[str, Any] = r.to_dict()
    data.update(
        unit_id=unit_id,
        rule=ROLLUP_RULE,
        teams=[t.to_dict() for t in r.teams],
        distributions=[d.to_dict() for d in dists],
    )
    return RollupOut.model_validate(data)
