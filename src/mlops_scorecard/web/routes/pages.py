"""Organization and unit pages (HTML)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ...analysis.trends import Trend, TrendEntry, build_trend
from ...errors import ConflictError, NotFoundError, ScorecardError
from ...framework import newest_builtin
from ...store.analysis import org_summary, unit_trend, version_notes
from ...store.assessments import get_assessment, list_assessments
from ...store.models import Assessment
from ...store.plans import plan_for
from ...store.results import latest_results, summary_results
from ...store.spreads import heat_spreads
from ...store.units import UNIT_KINDS, create_unit, get_unit, list_units
from ...store.work_done import done_since
from ..caching import assessments_svg, page_tagged
from ..capacity import heavy
from ..context import state
from ..params import form_int, form_text, parse_id
from ..security import checked_form, require
from ..templating import render
from ..views.common import heat_legend
from ..views.org import heatmap, mark_uncertain, org_analysis, unit_tree
from ..views.plans import UnitPlanView, unit_plan_view
from ..views.units import assessment_rows, trend_table, unit_view

router = APIRouter(include_in_schema=False)

NO_STORE = {"Cache-Control": "no-store"}


def _org_page(request: Request, status: int = 200, error: str | None = None, values: Any = None) -> Response:
    with state(request).read() as s:
        units = list_units(s)
        latest = latest_results(s)
        spreads = heat_spreads(s, latest)
    roots, order = unit_tree(units)
    heat = mark_uncertain(heatmap(order, latest, newest_builtin()), spreads)
    return render(
        request,
        "organization.html",
        status_code=status,
        roots=roots,
        order=order,
        heat=heat,
        org_analysis=org_analysis(
            order,
            org_summary(order, units, latest, heat.columns),
            heat.columns,
            request.query_params.get("team"),
        ),
        legend=heat_legend(),
        kinds=UNIT_KINDS,
        error=error,
        values=values or {},
    )


@router.get("/")
@heavy
def organization(request: Request) -> Response:
    """The unit tree and every unit's latest scores as a heatmap."""
    require(request, "viewer")
    return _org_page(request)


@router.post("/units")
async def unit_create(request: Request) -> Response:
    """Add a unit (facilitator); on to the new unit's page."""
    form = await checked_form(request, "facilitator")
    return await run_in_threadpool(_unit_create, request, form)


def _unit_create(request: Request, form: FormData) -> Response:
    values = {k: form_text(form, k, max_length=300) for k in ("name", "kind", "parent_id")}
    try:
        parent_id = form_int(form, "parent_id", what="the parent unit")
        with state(request).write() as s:
            unit = create_unit(s, name=values["name"], kind=values["kind"] or "team", parent_id=parent_id)
            unit_id = unit.id
    except NotFoundError:  # the parent, chosen from the list, was deleted in the meantime
        return _org_page(request, 422, "the parent unit does not exist (any more); choose another", values)
    except ScorecardError as exc:
        return _org_page(request, 409 if isinstance(exc, ConflictError) else 422, str(exc), values)
    return RedirectResponse(f"/units/{unit_id}", status_code=303)


def _unit_data(request: Request, unit_id: int) -> dict[str, Any]:
    """The unit page's data (each trend point's intervals as stored per revision)."""
    with state(request).read() as s:
        unit = get_unit(s, unit_id=unit_id)
        units = list_units(s)
        assessments = list_assessments(s, unit_ids=[unit.id])
        results = summary_results(s, assessments=assessments)
        trend = build_trend(TrendEntry(a.id, a.title, a.date, a.status, results[a.id]) for a in assessments)
        notes = version_notes(s, assessments=assessments, trend=trend)
        ut = unit_trend(s, assessments=assessments, trend=trend)
        plan = _unit_plan(s, unit_id=unit.id, trend=trend)
    by_id = {u.id: u for u in units}
    path = [unit]
    while path[0].parent_id in by_id and len(path) < 50:
        path.insert(0, by_id[path[0].parent_id])
    rows = assessment_rows(assessments, results)
    children = sorted((u for u in units if u.parent_id == unit.id), key=lambda u: u.name.lower())
    return {
        "unit": unit,
        "path": path,
        "children": children,
        "rows": rows,
        "trend": trend,
        "version_notes": notes,
        "unit_plan": plan,
        "unit_analysis": unit_view(unit, ut, assessments),
    }


def _unit_plan(s: Session, *, unit_id: int, trend: Trend) -> UnitPlanView | None:
    """The unit page's plan sections; ``None`` when no assessment has answers."""
    if not trend.points:
        return None
    latest = trend.points[-1]
    tracked = plan_for(s, assessment=get_assessment(s, assessment_id=latest.assessment_id))
    since = (
        done_since(s, unit_id=unit_id, before_date=latest.date, before_id=latest.assessment_id)
        if len(trend.points) > 1
        else None
    )
    return unit_plan_view(trend, tracked, since)


@router.get("/units/{unit_id}")
@heavy
def unit_page(request: Request, unit_id: str) -> Response:
    """A unit: its assessments and the trend of each dimension across them."""
    user = require(request, "viewer")
    data = _unit_data(request, parse_id(unit_id, "unit"))
    trend = data["trend"]
    # with two assessments "since first" is "since previous": one column says it
    page = render(
        request, "unit.html", trend_table=trend_table(trend), since_first=len(trend.points) > 2, **data
    )
    return page_tagged(request, page, user)


@router.get("/units/{unit_id}/trend.svg")
@heavy
def unit_trend_chart(request: Request, unit_id: str) -> Response:
    """The trend chart of a unit's dimension scores (SVG); drawn again only when one of
    the unit's assessments changes."""
    require(request, "viewer")

    def draw(s: Session, found: list[Assessment]) -> bytes:
        from ...charts import render_trend

        results = summary_results(s, assessments=found)
        trend = build_trend(TrendEntry(a.id, a.title, a.date, a.status, results[a.id]) for a in found)
        return render_trend(trend.labels(), trend.series(), "svg", size=8.0)

    with state(request).read() as s:
        unit = get_unit(s, unit_id=parse_id(unit_id, "unit"))
        found = list_assessments(s, unit_ids=[unit.id])
        return assessments_svg(
            request, s, assessments=found, kind="chart:unit-trend", draw=lambda: draw(s, found)
        )
