"""Organization and unit pages (HTML)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ...analysis.trends import Trend, TrendEntry, build_trend
from ...errors import ConflictError, NotFoundError, ScorecardError
from ...framework import Framework
from ...store.analysis import OrgSummary, unit_trend, version_notes
from ...store.assessments import get_assessment, list_assessments
from ...store.distributions import distributions
from ...store.frameworks import resolve
from ...store.plans import plan_for
from ...store.results import summary_results
from ...store.rollup import summary_teams
from ...store.summaries import Scope, UnitRow, scope_summaries, store_summaries
from ...store.units import UNIT_KINDS, create_unit, get_unit, list_units
from ...store.work_done import done_since
from ..context import state
from ..params import form_int, form_text, parse_id
from ..security import checked_form, require
from ..templating import render
from ..views.common import heat_legend
from ..views.departments import DepartmentView, department_view
from ..views.org import org_analysis, unit_tree
from ..views.plans import UnitPlanView, unit_plan_view
from ..views.units import assessment_rows, trend_table, unit_view

router = APIRouter(include_in_schema=False)

NO_STORE = {"Cache-Control": "no-store"}


log = logging.getLogger(__name__)


def _scope(request: Request, unit_id: int | None) -> tuple[Scope, dict[str, Framework]]:
    """The teams' summaries below ``unit_id`` (every team for ``None``) and their frameworks.

    Read in a read-only transaction; summaries that had to be computed are stored after,
    in a short write of their own. The cache is only a shortcut: when that write fails
    (the database busy past its timeout), the page is still right and the next view
    tries again, so the failure is logged, not shown."""
    with state(request).read() as s:
        scope = scope_summaries(s, unit_id=unit_id)
        frameworks: dict[str, Framework] = {}
        for ref in sorted({x.framework for x in scope.latest.values()}):
            try:
                frameworks[ref] = resolve(s, ref)
            except ScorecardError:  # a published framework removed since: shown by its id
                continue
    if scope.pending:
        try:
            with state(request).write() as s:
                store_summaries(s, scope.pending)
        except SQLAlchemyError as exc:
            log.warning("summaries not stored (%s); they are computed again on the next view", exc)
    return scope, frameworks


def _department(
    request: Request, scope: Scope, frameworks: dict[str, Framework], unit: Any
) -> DepartmentView:
    q = request.query_params
    return department_view(
        unit, scope.units, scope.latest, scope.history, frameworks, q=q.get("q", ""), page=q.get("page", "")
    )


def _org_page(request: Request, status: int = 200, error: str | None = None, values: Any = None) -> Response:
    scope, frameworks = _scope(request, None)
    roots, order = unit_tree(scope.units)
    # one organization unit at the top: the page is its roll-up; several roots: all of them
    top = [n for n in roots if n.kind != "team"]
    unit: UnitRow | None = None
    if len(roots) == 1 and top:
        unit = next(u for u in scope.units if u.id == top[0].id)
    dept = _department(request, scope, frameworks, unit)
    teams = summary_teams(scope.units, scope.latest)
    columns = [(c.id, c.title) for c in dept.groups[0].columns] if dept.groups else []
    # the distribution compares teams on the most used framework's dimensions
    main = dept.groups[0].framework_id if dept.groups else ""
    peers = {t: v for t, v in teams.items() if scope.latest[t].framework_id == main}
    summary = OrgSummary(peers, [], distributions(peers.values(), [*columns, ("overall", "Overall")]))
    return render(
        request,
        "organization.html",
        status_code=status,
        roots=roots,
        order=[n for n in order if n.kind != "team"],
        dept=dept,
        dept_url="/",
        unit_count=len(scope.units),
        org_analysis=org_analysis(order, summary, columns, request.query_params.get("team")),
        legend=heat_legend(),
        kinds=UNIT_KINDS,
        error=error,
        values=values or {},
    )


@router.get("/")
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


def _unit_data(request: Request, unit_id: int, *, sections: bool = True) -> dict[str, Any]:
    """The unit page's data; without ``sections`` only what the trend chart needs."""
    with state(request).read() as s:
        unit = get_unit(s, unit_id=unit_id)
        units = list_units(s)
        assessments = list_assessments(s, unit_ids=[unit.id])
        results = summary_results(s, assessments=assessments)
        trend = build_trend(TrendEntry(a.id, a.title, a.date, a.status, results[a.id]) for a in assessments)
        if not sections:
            return {"unit": unit, "trend": trend}
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
def unit_page(request: Request, unit_id: str) -> Response:
    """A unit: its assessments and the trend of each dimension across them; a
    department's page leads with the roll-up from its teams."""
    require(request, "viewer")
    data = _unit_data(request, parse_id(unit_id, "unit"))
    trend = data["trend"]
    unit = data["unit"]
    if unit.kind != "team":
        scope, frameworks = _scope(request, unit.id)
        data["dept"] = _department(request, scope, frameworks, unit)
        data["dept_url"] = f"/units/{unit.id}"
        data["legend"] = heat_legend()
    # with two assessments "since first" is "since previous": one column says it
    return render(
        request, "unit.html", trend_table=trend_table(trend), since_first=len(trend.points) > 2, **data
    )


@router.get("/units/{unit_id}/trend.svg")
def unit_trend_chart(request: Request, unit_id: str) -> Response:
    """The trend chart of a unit's dimension scores (SVG)."""
    require(request, "viewer")
    from ...charts import render_trend

    data = _unit_data(request, parse_id(unit_id, "unit"), sections=False)
    trend = data["trend"]
    svg = render_trend(trend.labels(), trend.series(), "svg", size=8.0)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, no-cache"})
