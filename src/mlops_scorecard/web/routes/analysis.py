"""Analysis pages and charts (HTML): the comparison of two assessments, the radar with
interval bands, the roles radar, a unit's trend with uncertainty and the distribution of
team scores. The sections on the assessment, unit and organization pages come from
:mod:`..views`; every viewer may read them all."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ...analysis.roles import matrix_roles
from ...analysis.uncertainty import matrix_intervals
from ...privacy import for_viewers
from ...scoring import score
from ...store.analysis import (
    OrgSummary,
    assessment_answers,
    compare_assessments,
    unit_trend,
)
from ...store.answer_sets import assessment_framework
from ...store.assessments import get_assessment, list_assessments
from ...store.distributions import distributions
from ...store.models import Assessment
from ...store.results import summary_results
from ...store.units import get_unit
from ..caching import assessment_svg, assessments_svg
from ..capacity import heavy
from ..context import state
from ..params import MAX_ID, parse_id
from ..security import require
from ..templating import render
from ..views.analysis import interval_radar, roles_radar
from ..views.compare import compare_view
from ..views.departments import main_framework_teams
from ..views.org import distribution_chart_data
from ..views.units import trend_series
from .pages import load_org

router = APIRouter(include_in_schema=False)

_SVG_HEADERS = {"Cache-Control": "private, no-cache"}
AssessmentQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="assessment id")]


def _svg(body: bytes) -> Response:
    return Response(body, media_type="image/svg+xml", headers=_SVG_HEADERS)


@router.get("/assessments/{assessment_id}/analysis/radar.svg")
@heavy
def assessment_interval_radar(request: Request, assessment_id: str) -> Response:
    """The radar of the scores with their 90% intervals as a band, targets dashed."""
    require(request, "viewer")

    def draw(s: Session, a: Assessment) -> bytes:
        from ...charts import render_chart

        answers = assessment_answers(s, assessment=a, details=False)
        result = score(assessment_framework(a), answers)
        labels, series = interval_radar(result, matrix_intervals(result.matrix), dict(a.targets or {}))
        return render_chart("radar", labels, series, "svg", size=5.5)

    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        return assessment_svg(request, s, assessment=a, kind="chart:intervals", draw=lambda: draw(s, a))


@router.get("/assessments/{assessment_id}/analysis/roles.svg")
@heavy
def assessment_roles_radar(
    request: Request, assessment_id: str, by: Literal["role", "group"] = "group"
) -> Response:
    """The radar of each role's (or role group's) scores, overlaid, with everyone's dashed
    (for viewers, roles of fewer than three respondents merged into "other")."""
    user = require(request, "viewer")
    everyone = user.can("facilitator")

    def draw(s: Session, a: Assessment) -> bytes:
        from ...charts import render_chart

        answers = assessment_answers(s, assessment=a, details=False)
        result = score(assessment_framework(a), answers if everyone else for_viewers(answers))
        labels, series = roles_radar(result, matrix_roles(result.matrix), by)
        return render_chart("radar", labels, series, "svg", size=5.5)

    with state(request).read() as s:
        a = get_assessment(s, assessment_id=parse_id(assessment_id, "assessment"))
        # what viewers see differs (small roles merged): a kind of its own, never shared
        kind = f"chart:roles:{by}:{'all' if everyone else 'viewers'}"
        return assessment_svg(request, s, assessment=a, kind=kind, draw=lambda: draw(s, a))


@router.get("/units/{unit_id}/analysis/trend.svg")
@heavy
def unit_trend_panels(request: Request, unit_id: str) -> Response:
    """A unit's trend: a panel per dimension and overall, each with its 90% intervals;
    drawn again only when one of the unit's assessments changes."""
    require(request, "viewer")

    def draw(s: Session, found: list[Assessment]) -> bytes:
        from ...charts import render_trend_panels

        ut = unit_trend(s, assessments=found, results=summary_results(s, assessments=found))
        return render_trend_panels(ut.trend.labels(), trend_series(ut), "svg")

    with state(request).read() as s:
        unit = get_unit(s, unit_id=parse_id(unit_id, "unit"))
        found = list_assessments(s, unit_ids=[unit.id])
        return assessments_svg(
            request, s, assessments=found, kind="chart:unit-trend-panels", draw=lambda: draw(s, found)
        )


@router.get("/compare")
@heavy
def compare_page(request: Request, a: AssessmentQuery, b: AssessmentQuery) -> Response:
    """Two assessments side by side: A before, B after."""
    require(request, "viewer")
    with state(request).read() as s:
        view = compare_view(compare_assessments(s, a_id=a, b_id=b))
    return render(request, "compare.html", view=view, c=view.comparison)


@router.get("/organization/distribution.svg")
@heavy
def team_distribution(
    request: Request,
    team: Annotated[int | None, Query(ge=1, le=MAX_ID, description="unit id of a team to highlight")] = None,
) -> Response:
    """Every team's latest score per dimension (dots), quartiles (boxes), one team highlighted."""
    require(request, "viewer")
    from ...charts import render_distribution

    rolled = load_org(request)
    peers, columns = main_framework_teams(rolled.units, rolled.latest, rolled.frameworks)
    summary = OrgSummary(peers, [], distributions(peers.values(), [*columns, ("overall", "Overall")]))
    labels, groups, highlight, name = distribution_chart_data(summary, team)
    options: dict[str, Any] = {"highlight": highlight, "highlight_name": name}
    return _svg(render_distribution(labels, groups, "svg", **options))
