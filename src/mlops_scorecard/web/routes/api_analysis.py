"""API: the analysis of one assessment (agreement, hotspots, intervals, roles, warnings).

Viewers read it as aggregates: comments on hotspots come without respondents' names (for
everyone), and for viewers roles of fewer than three respondents are merged into "other"
(``mlops_scorecard.privacy``). Methods: ``docs/analysis.md``; examples: ``docs/api.md``.
Change over time is in ``api_trends``, the roll-up from teams in ``api_rollup``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ...analysis import analyze
from ...privacy import aggregate_analysis, for_viewers, missing_roles
from ...store.answer_sets import answer_sets_for, assessment_framework
from ...store.assessments import get_assessment
from ..api_models.analysis import AnalysisOut
from ..capacity import heavy
from ..context import state
from .api_common import AssessmentId, Confidence, Viewer, errors

router = APIRouter(tags=["analysis"])


@router.get(
    "/assessments/{assessment_id}/analysis",
    summary="Agreement, hotspots, intervals, roles and warnings",
    response_model=AnalysisOut,
    responses=errors(404, 422),
)
@heavy
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
