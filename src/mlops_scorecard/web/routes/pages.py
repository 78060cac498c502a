"""Organization and unit pages (HTML)."""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from ...store.frameworks import resolve
from ...store.models import Assessment, Unit
from ...store.plans import plan_for
from ...store.results import summary_results
from ...store.scope_cache import drop_caches, summary_cache
from ...store.scopes import UnitRow, own_assessments, top_unit
from ...store.summaries import Summary, store_summaries
from ...store.units import UNIT_KINDS, create_unit, get_unit, list_units
from ...store.work_done import done_since
from ..caching import assessments_svg, page_tagged
from ..capacity import heavy
from ..context import state
from ..params import form_int, form_text, parse_id
from ..security import checked_form, require
from ..templating import render
from ..views.common import heat_legend
from ..views.departments import (
    DepartmentBase,
    DepartmentView,
    department_base,
    department_page,
    main_framework_teams,
    updated_distributions,
)
from ..views.org import OrgAnalysis, org_analysis, unit_tree
from ..views.plans import UnitPlanView, unit_plan_view
from ..views.units import assessment_rows, trend_table, unit_view

router = APIRouter(include_in_schema=False)

__all__ = ["ROLLED_KEPT", "Rolled", "forget_rollups", "load_org", "load_scope", "router"]

NO_STORE = {"Cache-Control": "no-store"}


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rolled:
    """A scope's units and latest summaries, their frameworks, the roll-up computed from
    them, and what the organization page adds (``extra``, filled on first use). The
    trend's points are not kept: the roll-up holds the trend, and fewer long-lived objects
    keep the garbage collector's full passes short."""

    units: list[UnitRow]
    latest: dict[int, Summary]
    frameworks: dict[str, Framework]
    base: DepartmentBase
    #: the :class:`~mlops_scorecard.store.scope_cache.Snapshot` it was computed from
    version: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    #: the teams changed since the roll-up it was updated from (``None``: built whole)
    changed: frozenset[int] | None = None


# Roll-ups computed in this worker, by database and scope, with the snapshot of the
# summaries they came from (store.scope_cache, checked against the database on every
# view): a page of 5,000 teams recomputes only when a unit or an assessment has
# changed, and then only the parts of the roll-up the changed teams are in.
_ROLLED: OrderedDict[tuple[str, int | None], Rolled] = OrderedDict()
_ROLLED_LOCK = threading.Lock()
ROLLED_KEPT = 8


_GC_PAUSES = 0
_GC_LOCK = threading.Lock()


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a roll-up is computed: at 5,000 teams it
    allocates hundreds of thousands of small objects that all live on, and the
    collector's passes over them took half of the computation (0.4-0.8 s of 1.1-1.7 s).
    Counted, so overlapping computations in two threads turn it back on only at the end
    of the last; nothing is lost, the next collection after that frees any cycles."""
    global _GC_PAUSES
    with _GC_LOCK:
        # switched off by someone else (not by us): left to them
        paused = _GC_PAUSES > 0 or gc.isenabled()
        if paused:
            _GC_PAUSES += 1
            gc.disable()
    try:
        yield
    finally:
        if paused:
            with _GC_LOCK:
                _GC_PAUSES -= 1
                if _GC_PAUSES == 0:
                    gc.enable()


def load_scope(request: Request, unit_id: int | None, unit: Any = None) -> Rolled:
    """The teams' summaries below ``unit_id`` (every team for ``None``), their frameworks,
    and the roll-up of ``unit`` (a unit row or object; ``None``: the whole organization).

    Read in a read-only transaction: the units and every assessment's row, compared with
    what this worker holds (:mod:`~mlops_scorecard.store.scope_cache`), then only the
    summaries of what changed. Summaries that had to be computed are stored after, in a
    short write of their own. The cache is only a shortcut: when that write fails (the
    database busy past its timeout), the page is still right and the next view (of any
    worker) computes them again, so the failure is logged, not shown."""
    # the database too: two databases (tests, or two apps in one process) may hold
    # the same units and revisions with different answers
    url = str(state(request).engine.url)
    cache = summary_cache(url)
    key = (url, unit_id)
    with state(request).read() as s:
        with _gc_paused():
            snapshot, pending = cache.refresh(s, limit=state(request).settings.summaries_per_view)
        with _ROLLED_LOCK:
            kept = _ROLLED.get(key)
            if kept is not None:
                _ROLLED.move_to_end(key)
        if kept is not None and kept.version == snapshot.version:
            return kept
        if kept is not None and kept.version > snapshot.version:  # another thread's, newer
            kept = None
        scope = snapshot.scope(unit_id, pending)
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
    if unit is None and unit_id is not None:
        unit = next((u for u in scope.units if u.id == unit_id), None)
    changed = None if kept is None else cache.changed_since(kept.version)
    with _gc_paused():
        base = department_base(
            unit,
            scope.units,
            scope.latest,
            scope.history,
            frameworks,
            refreshing=len(scope.refreshing),
            stale=scope.stale,
            previous=None if kept is None or changed is None else kept.base,
            changed=changed,
        )
    extra: dict[str, Any] = {}
    if kept is not None and changed is not None and "roots" in kept.extra:  # the same units: the same tree
        extra.update(roots=kept.extra["roots"], order=kept.extra["order"])
        if "summary" in kept.extra:  # what the distribution of team scores is updated from
            extra["was"] = {"summary": kept.extra["summary"]}
    rolled = Rolled(scope.units, scope.latest, frameworks, base, snapshot.version, extra, changed)
    with _ROLLED_LOCK:
        newer = _ROLLED.get(key)
        if newer is not None and newer.version > rolled.version:
            return rolled
        _ROLLED[key] = rolled
        while len(_ROLLED) > ROLLED_KEPT:
            _ROLLED.popitem(last=False)
    return rolled


def forget_rollups() -> None:
    """Forget the roll-ups and summaries this worker keeps (it then computes them as a
    new worker would, from the database)."""
    drop_caches()
    with _ROLLED_LOCK:
        _ROLLED.clear()


def _department(request: Request, rolled: Rolled) -> DepartmentView:
    q = request.query_params
    return department_page(rolled.base, q=q.get("q", ""), page=q.get("page", ""))


def load_org(request: Request) -> Rolled:
    """:func:`load_scope` of the organization: its one top unit, or every team."""
    with state(request).read() as s:
        top = top_unit(s)
    return load_scope(request, None if top is None else top.id)


def _org_analysis(rolled: Rolled, team: str | None) -> OrgAnalysis:
    """The distribution section; without a team chosen (most views) kept with the roll-up."""
    x = rolled.extra
    if team:
        return org_analysis(x["order"], x["summary"], x["columns"], team)
    found = x.get("analysis")
    if not isinstance(found, OrgAnalysis):
        found = x["analysis"] = org_analysis(x["order"], x["summary"], x["columns"], None)
    return found


def _org_page(request: Request, status: int = 200, error: str | None = None, values: Any = None) -> Response:
    rolled = load_org(request)
    if "summary" not in rolled.extra:  # once per roll-up: the tree and the distribution of team scores
        with _gc_paused():
            if "roots" not in rolled.extra:
                roots, order = unit_tree(rolled.units)
                rolled.extra.update(roots=roots, order=order)
            # the roll-up's team scores when it is over every team (one top unit, no orphans)
            whole = len(rolled.base.team_ids) == sum(1 for u in rolled.units if u.kind == "team")
            peers, columns = main_framework_teams(
                rolled.units, rolled.latest, rolled.frameworks, rolled.base.teams if whole else None
            )
            was = rolled.extra.pop("was", None)  # the roll-up before the last change's
            dists = updated_distributions(
                None if was is None else was["summary"].distributions,
                {} if was is None else was["summary"].teams,
                peers,
                rolled.changed,
                [*columns, ("overall", "Overall")],
            )
            summary = OrgSummary(peers, [], dists)
            rolled.extra.update(columns=columns, summary=summary)
    x = rolled.extra
    roots, order = x["roots"], x["order"]
    dept = _department(request, rolled)
    return render(
        request,
        "organization.html",
        status_code=status,
        roots=roots,
        order=[n for n in order if n.kind != "team"],
        dept=dept,
        dept_url="/",
        unit_count=len(rolled.units),
        org_analysis=_org_analysis(rolled, request.query_params.get("team")),
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


def _department_page(request: Request, unit: Unit) -> Response | None:
    """A department without assessments of its own (the usual case): its roll-up, from
    the rows the roll-up read, none of the team page's sections. ``None`` when it has
    assessments: the unit page shows them with the roll-up above."""
    with state(request).read() as s:
        own = own_assessments(s, unit_id=unit.id)
    if own:
        return None
    rolled = load_scope(request, unit.id, unit)
    by_id = {u.id: u for u in rolled.units}
    path: list[Any] = [unit]
    while path[0].parent_id in by_id and len(path) < 50:
        path.insert(0, by_id[path[0].parent_id])
    children = sorted((u for u in rolled.units if u.parent_id == unit.id), key=lambda u: u.name.lower())
    return render(
        request,
        "unit.html",
        unit=unit,
        path=path,
        children=children,
        rows=[],
        trend=build_trend([]),
        trend_table=[],
        since_first=False,
        version_notes=[],
        unit_plan=None,
        unit_analysis=None,
        dept=_department(request, rolled),
        dept_url=f"/units/{unit.id}",
        legend=heat_legend(),
    )


@router.get("/units/{unit_id}")
@heavy
def unit_page(request: Request, unit_id: str) -> Response:
    """A unit: its assessments and the trend of each dimension across them; a
    department's page leads with the roll-up from its teams."""
    user = require(request, "viewer")
    number = parse_id(unit_id, "unit")
    with state(request).read() as s:
        unit = get_unit(s, unit_id=number)
    if unit.kind != "team":
        page = _department_page(request, unit)
        if page is not None:
            return page
    data = _unit_data(request, number)
    trend = data["trend"]
    if unit.kind != "team":
        data["dept"] = _department(request, load_scope(request, unit.id, unit))
        data["dept_url"] = f"/units/{unit.id}"
        data["legend"] = heat_legend()
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
