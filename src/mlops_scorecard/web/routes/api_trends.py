"""API: change over time: two assessments compared, and a unit's trend with intervals.

Both read aggregates only (scores and answer distributions, never who answered), so
viewers see them whole. Methods: ``docs/analysis.md``; examples: ``docs/api.md``.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request

from ...store import analysis as stored_analysis
from ...store.analysis import load_unit_trend
from ...store.models import Assessment
from ..api_models.common import AssessmentStatus
from ..api_models.trends import (
    AssessmentRefOut,
    CompareOut,
    DimensionRefOut,
    PointIntervalsOut,
    TargetGapOut,
    TrendOut,
    TrendPointOut,
)
from ..capacity import heavy
from ..context import state
from ..params import MAX_ID
from .api_common import Confidence, UnitId, Viewer, errors, framework_ref

router = APIRouter(tags=["analysis"])


def assessment_ref(a: Assessment, respondents: int) -> AssessmentRefOut:
    """One side of a comparison: which assessment, and how many answered it."""
    return AssessmentRefOut(
        id=a.id,
        unit_id=a.unit_id,
        title=a.title,
        date=a.date,
        framework=framework_ref(a),
        question_set="full" if a.question_set == "full" else "core",
        respondent_count=respondents,
    )


@router.get(
    "/compare",
    summary="Compare two assessments",
    response_model=CompareOut,
    responses=errors(404, 422),
)
@heavy
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
        stored = stored_analysis.compare_assessments(session, a_id=a, b_id=b)
        old, new, fb, c = stored.a, stored.b, stored.b_framework, stored.comparison
        texts = {q.id: q.text for _, q in fb.iter_questions("full")}
        data: dict[str, Any] = c.to_dict()
        for q in data["questions"]:
            q["text"] = texts.get(q["question"], q["question"])
        data["a"] = assessment_ref(old, len(c.old_result.respondents))
        data["b"] = assessment_ref(new, len(c.new_result.respondents))
    return CompareOut.model_validate(data)


@router.get(
    "/units/{unit_id}/trend",
    summary="A unit's trend with intervals",
    response_model=TrendOut,
    responses=errors(404, 422),
)
@heavy
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
                status=cast(AssessmentStatus, a.status),
                framework=framework_ref(a),
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
