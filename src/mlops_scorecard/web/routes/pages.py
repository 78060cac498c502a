"""Organization and unit pages (HTML), and the form helpers the page routes share."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ...analysis.trends import TrendEntry, build_trend
from ...errors import ConflictError, ScorecardError
from ...format import fmt_delta, fmt_score
from ...store.assessments import latest_results, list_assessments, summary_results
from ...store.models import Unit
from ...store.rollup import heat_spreads
from ...store.units import UNIT_KINDS, create_unit, get_unit, list_units
from ..analysis_views import mark_uncertain, org_analysis, unit_section, version_notes
from ..context import render, state
from ..params import parse_id, whole_number
from ..security import check_csrf, form_text, require
from ..views import heat_legend, heatmap, unit_tree

router = APIRouter(include_in_schema=False)

NO_STORE = {"Cache-Control": "no-store"}


async def checked_form(request: Request, role: str) -> FormData:
    """The submitted form of a user with at least ``role``, after the CSRF check."""
    require(request, role)
    form = await request.form()
    token = form.get("csrf_token")
    check_csrf(request, token if isinstance(token, str) else None)
    return form


def form_int(form: FormData, name: str, what: str) -> int | None:
    """An optional id field: empty is ``None``; anything but a positive integer is a 422."""
    text = form_text(form, name, max_length=20)
    if not text:
        return None
    number = whole_number(text)
    if not number:
        raise ScorecardError(f"{what} must be chosen from the list")
    return number


def _org_page(request: Request, status: int = 200, error: str | None = None, values: Any = None) -> Response:
    with state(request).read() as s:
        units = list_units(s)
        latest = latest_results(s)
        spreads = heat_spreads(s, latest)
    roots, order = unit_tree(units)
    heat = mark_uncertain(heatmap(order, latest), spreads)
    return render(
        request,
        "organization.html",
        status_code=status,
        roots=roots,
        order=order,
        heat=heat,
        org_analysis=org_analysis(order, units, latest, heat.columns, request.query_params.get("team")),
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
        parent_id = form_int(form, "parent_id", "the parent unit")
        with state(request).write() as s:
            if parent_id is not None and s.get(Unit, parent_id) is None:
                raise ScorecardError("the parent unit does not exist (any more); choose another")
            unit = create_unit(s, name=values["name"], kind=values["kind"] or "team", parent_id=parent_id)
            unit_id = unit.id
    except ScorecardError as exc:
        return _org_page(request, 409 if isinstance(exc, ConflictError) else 422, str(exc), values)
    return RedirectResponse(f"/units/{unit_id}", status_code=303)


def _unit_data(request: Request, unit_id: int) -> dict[str, Any]:
    with state(request).read() as s:
        unit = get_unit(s, unit_id=unit_id)
        units = list_units(s)
        assessments = list_assessments(s, unit_ids=[unit.id])
        results = summary_results(s, assessments=assessments)
        trend = build_trend(TrendEntry(a.id, a.title, a.date, a.status, results[a.id]) for a in assessments)
        notes = version_notes(s, assessments, trend)
    by_id = {u.id: u for u in units}
    path = [unit]
    while path[0].parent_id in by_id and len(path) < 50:
        path.insert(0, by_id[path[0].parent_id])
    rows = [
        {
            "a": a,
            "respondents": int(results[a.id].get("respondent_count") or 0),
            "overall": fmt_score(results[a.id].get("overall")),
            "level": results[a.id].get("level_name") or "—",
        }
        for a in reversed(assessments)
    ]
    children = sorted((u for u in units if u.parent_id == unit.id), key=lambda u: u.name.lower())
    return {
        "unit": unit,
        "path": path,
        "children": children,
        "rows": rows,
        "trend": trend,
        "version_notes": notes,
    }


@router.get("/units/{unit_id}")
def unit_page(request: Request, unit_id: str) -> Response:
    """A unit: its assessments and the trend of each dimension across them."""
    require(request, "viewer")
    data = _unit_data(request, parse_id(unit_id, "unit"))
    trend = data["trend"]
    table = [
        (
            title,
            [fmt_score(v) for v in (trend.overall() if did is None else trend.values(did))],
            _signed(trend.since_previous(did)),
            _signed(trend.since_first(did)),
        )
        for did, title in [*trend.dimensions, (None, "Overall")]
    ]
    from .plans import unit_plan  # plans imports this module

    data["unit_plan"] = unit_plan(request, unit_id=data["unit"].id, trend=trend)
    data["unit_analysis"] = unit_section(request, data)
    # with two assessments "since first" is "since previous": one column says it
    return render(request, "unit.html", trend_table=table, since_first=len(trend.points) > 2, **data)


def _signed(value: float | None) -> str:
    return fmt_delta(value, none="")


@router.get("/units/{unit_id}/trend.svg")
def unit_trend_chart(request: Request, unit_id: str) -> Response:
    """The trend chart of a unit's dimension scores (SVG)."""
    require(request, "viewer")
    from ...charts import render_trend

    data = _unit_data(request, parse_id(unit_id, "unit"))
    trend = data["trend"]
    svg = render_trend(trend.labels(), trend.series(), "svg", size=8.0)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, no-cache"})
