"""The roll-up of a department (or the whole organization) from its teams' summaries:
per framework its teams use, a heatmap with the roll-up rows filled in, the teams
(searched and paginated), the rolled-up trend with its intervals, the weakest
questions and each team's place among its peers. Formatting only: the numbers come
from :mod:`mlops_scorecard.store.rollup`, :mod:`~mlops_scorecard.store.rolled` and
:mod:`~mlops_scorecard.store.summaries`."""

from __future__ import annotations

import bisect
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...framework import Framework
from ...store.distributions import Distribution, distributions
from ...store.rolled import TREND_RULE, WEAK_RULE
from ...store.rollup import ROLLUP_RULE, TeamScore, subtree_map, summary_teams
from ...store.scopes import Point
from ...store.spreads import UNCERTAINTY_RULE
from ...store.summaries import Summary
from ..params import whole_number
from .department_groups import Group, Layout, build_group, update_group
from .department_rows import (
    Column,
    RollRow,
    SubBlock,
    TeamRow,
    TrendLine,
    asked_questions,
    short_labels,
    team_row,
    tree_order,
)
from .org import HATCH

__all__ = [
    "PAGE_SIZE",
    "DepartmentBase",
    "DepartmentView",
    "FrameworkGroup",
    "department_base",
    "department_page",
    "department_view",
    "main_framework_teams",
    "updated_distributions",
]

#: Teams per page of the teams heatmap.
PAGE_SIZE = 50


@dataclass(frozen=True)
class FrameworkGroup:
    """Everything the page shows for the teams on one framework."""

    framework_id: str
    title: str
    columns: list[Column]
    rollups: list[RollRow]
    blocks: list[SubBlock]
    teams: list[TeamRow]
    team_total: int
    matched: int
    weak: list[str]
    trend: list[TrendLine]


@dataclass(frozen=True)
class DepartmentView:
    """The roll-up sections of a department's (or the organization's) page."""

    name: str
    team_count: int
    scored: int
    groups: list[FrameworkGroup]
    unscored: list[tuple[int, str]]
    unscored_count: int
    q: str
    page: int
    pages: int
    rule: str
    trend_rule: str
    weak_rule: str
    uncertainty_rule: str
    hatch: str
    refreshing: int = 0


@dataclass(frozen=True)
class DepartmentBase:
    """Everything about a department's roll-up that does not depend on the search or the
    page: what :func:`department_page` slices (and what a route may keep while the data
    it came from is unchanged, or start the next roll-up from after a change)."""

    name: str
    by_id: dict[int, Any]
    team_ids: list[int]
    latest: Mapping[int, Summary]
    scored: int
    groups: list[Group]
    refreshing: int = 0
    stale: frozenset[int] = frozenset()
    layout: Layout | None = None
    teams: Mapping[int, TeamScore] = field(default_factory=dict)
    framework_refs: frozenset[str] = frozenset()
    fw_of: dict[str, Framework] = field(default_factory=dict)


def _layout(scope: Any | None, units: Sequence[Any]) -> Layout:
    order = tree_order(units)
    subtrees = subtree_map(units)
    depth = {n.id: n.depth for n in order}
    if scope is None:
        return Layout(
            None,
            [n.id for n in order],
            {u.id: u for u in units},
            subtrees,
            depth,
            [n.id for n in order if n.kind == "team"],
        )
    team_set = set(subtrees.get(scope.id, []))
    scope_ids = []
    inside = False
    for n in order:  # the scope's subtree is a contiguous run of the tree order
        if n.id == scope.id:
            inside = True
            base = n.depth
        elif inside and n.depth <= base:
            break
        if inside:
            scope_ids.append(n.id)
    team_ids = [n.id for n in order if n.id in team_set]
    return Layout(scope, scope_ids, {u.id: u for u in units}, subtrees, depth, team_ids)


def department_base(
    scope: Any | None,
    units: Sequence[Any],
    latest: Mapping[int, Summary],
    history: Mapping[int, Sequence[Point]],
    frameworks: Mapping[str, Framework],
    *,
    refreshing: int = 0,
    stale: frozenset[int] = frozenset(),
    previous: DepartmentBase | None = None,
    changed: Collection[int] | None = None,
) -> DepartmentBase:
    """The roll-up of ``scope`` (a unit that is not a team; ``None``: every unit) from its
    teams' ``latest`` summaries and their ``history`` (team unit id -> points, oldest
    first). ``frameworks`` maps each summary's ``id@version`` to its framework (titles and
    question sets). ``refreshing`` teams' figures are being refreshed; ``stale`` ones
    are shown from an older revision's summary (:class:`~mlops_scorecard.store.scopes.Scope`).

    With ``previous`` (the roll-up of the same scope over the same units) and
    ``changed`` (the teams whose summaries or points changed since), only what those
    teams are part of is computed again (:mod:`.department_groups`): the same page."""
    same = (
        previous is not None
        and changed is not None
        and previous.layout is not None
        and getattr(previous.layout.scope, "id", None) == getattr(scope, "id", None)
        and previous.framework_refs == frozenset(frameworks)
    )
    if same and previous is not None and previous.layout is not None and changed is not None:
        layout = previous.layout
        dirty = set(changed) & set(layout.team_ids)  # the scope's teams only
        teams_all = dict(previous.teams)
        for t in dirty:
            teams_all.pop(t, None)
        teams_all.update(summary_teams((layout.by_id[t] for t in dirty), latest))
    else:
        layout = _layout(scope, units)
        dirty = set()
        teams_all = summary_teams((layout.by_id[i] for i in layout.team_ids), latest)
    by_id = layout.by_id
    team_ids = layout.team_ids
    was = previous.latest if same and previous is not None else {}
    # a change that moves no team to another framework (or version), nor in or out of
    # the roll-up, keeps the grouping: no pass over every team
    regroup = not same or any(
        (t in was) != (t in latest) or (t in latest and was[t].framework != latest[t].framework)
        for t in dirty
    )
    fw_teams: dict[str, list[int]] = {}
    fw_of: dict[str, Framework] = {}
    if regroup or previous is None:
        # frameworks by how many teams use them, most first; titles from the newest version seen
        for tid in team_ids:
            s = latest.get(tid)
            if s is None:
                continue
            fw_teams.setdefault(s.framework_id, []).append(tid)
            fw = frameworks.get(s.framework)
            if fw is not None and s.framework_id not in fw_of:
                fw_of[s.framework_id] = fw
    else:
        fw_teams = {g.framework_id: g.team_ids for g in previous.groups}
        fw_of = previous.fw_of
    olds = {g.framework_id: g for g in previous.groups} if same and previous is not None else {}
    asked = asked_questions(frameworks)
    groups = []
    for fid, tids in sorted(fw_teams.items(), key=lambda p: (-len(p[1]), p[0])):
        fw = fw_of.get(fid)
        old = olds.get(fid)
        here = [t for t in tids if t in dirty]
        known = set() if fw is None else {d.id for d in fw.dimensions}
        if (
            old is not None
            and not regroup
            and all(d in known for t in here for d in (*was[t].dimensions, *latest[t].dimensions))
        ):
            columns = old.columns  # every changed team's dimensions are its framework's: the same columns
        else:
            titles: dict[str, str] = {} if fw is None else {d.id: d.title for d in fw.dimensions}
            for tid in tids:
                for did in latest[tid].dimensions:
                    titles.setdefault(did, did)
            columns = short_labels(list(titles.items()))
        teams = {t: teams_all[t] for t in tids if t in teams_all}
        if old is not None and previous is not None and old.team_ids == tids and old.columns == columns:
            groups.append(update_group(old, layout, fw, teams, here, was, latest, history, asked))
        else:
            title = fid if fw is None else fw.title
            groups.append(build_group(layout, fid, title, fw, columns, tids, teams, latest, history, asked))
    return DepartmentBase(
        name="the organization" if scope is None else scope.name,
        by_id=by_id,
        team_ids=team_ids,
        latest=latest,
        scored=len(teams_all),
        groups=groups,
        refreshing=refreshing,
        stale=stale,
        layout=layout,
        teams=teams_all,
        framework_refs=frozenset(frameworks),
        fw_of=fw_of,
    )


def department_page(base: DepartmentBase, *, q: str = "", page: str = "") -> DepartmentView:
    """The page of :func:`department_base`: ``q`` filters the teams by name (or their
    department's), ``page`` is the teams' page number (both from the query string; a
    number out of range is the nearest page, anything else the first)."""
    needle = q.strip().lower()[:200]
    number = whole_number(page or "1") or 1
    by_id, latest = base.by_id, base.latest
    pages = 1
    groups = []
    for g in base.groups:
        matched = [t for t in g.team_ids if not needle or _matches(by_id, t, needle)]
        last = max(1, math.ceil(len(matched) / PAGE_SIZE))
        pages = max(pages, last)
        shown = matched[(min(number, last) - 1) * PAGE_SIZE :][:PAGE_SIZE]
        groups.append(
            FrameworkGroup(
                framework_id=g.framework_id,
                title=g.title,
                columns=g.columns,
                rollups=g.rollups,
                blocks=g.blocks,
                teams=[
                    team_row(by_id, latest[t], g.teams[t], g.columns, g.places.get(t), stale=t in base.stale)
                    for t in shown
                ],
                team_total=len(g.team_ids),
                matched=len(matched),
                weak=g.weak,
                trend=g.trend,
            )
        )
    waiting = [t for t in base.team_ids if t not in latest and (not needle or _matches(by_id, t, needle))]
    return DepartmentView(
        name=base.name,
        team_count=len(base.team_ids),
        scored=base.scored,
        groups=groups,
        unscored=[(t, by_id[t].name) for t in waiting[:PAGE_SIZE]],
        unscored_count=len(waiting),
        q=q.strip()[:200],
        page=min(number, pages),
        pages=pages,
        rule=ROLLUP_RULE,
        trend_rule=TREND_RULE,
        weak_rule=WEAK_RULE,
        uncertainty_rule=UNCERTAINTY_RULE,
        hatch=HATCH,
        refreshing=base.refreshing,
    )


def department_view(
    scope: Any | None,
    units: Sequence[Any],
    latest: Mapping[int, Summary],
    history: Mapping[int, Sequence[Point]],
    frameworks: Mapping[str, Framework],
    *,
    q: str = "",
    page: str = "",
) -> DepartmentView:
    """:func:`department_page` of :func:`department_base` in one call."""
    return department_page(department_base(scope, units, latest, history, frameworks), q=q, page=page)


def _matches(by_id: Mapping[int, Any], team_id: int, needle: str) -> bool:
    u = by_id[team_id]
    parent = by_id.get(u.parent_id)
    return needle in u.name.lower() or (parent is not None and needle in parent.name.lower())


def main_framework_teams(
    units: Sequence[Any],
    latest: Mapping[int, Summary],
    frameworks: Mapping[str, Framework],
    scored: Mapping[int, TeamScore] | None = None,
) -> tuple[dict[int, TeamScore], list[tuple[str, str]]]:
    """The teams on the framework most teams use, and its columns (dimension id, title):
    what the distribution of team scores compares (other frameworks' dimensions differ).
    ``scored``: the teams' scores when at hand (:attr:`DepartmentBase.teams` of every unit)."""
    counts: dict[str, int] = {}
    for s in latest.values():
        counts[s.framework_id] = counts.get(s.framework_id, 0) + 1
    if not counts:
        return {}, []
    main = min(counts, key=lambda f: (-counts[f], f))
    every = summary_teams(units, latest) if scored is None else scored
    teams = {t: v for t, v in every.items() if latest[t].framework_id == main}
    titles: dict[str, str] = {}
    fw = next(
        (
            frameworks[s.framework]
            for s in latest.values()
            if s.framework in frameworks and s.framework_id == main
        ),
        None,
    )
    if fw is not None:
        titles.update((d.id, d.title) for d in fw.dimensions)
    for t in teams:
        for did in latest[t].dimensions:
            titles.setdefault(did, did)
    return teams, list(titles.items())


def updated_distributions(
    previous: Sequence[Distribution] | None,
    was: Mapping[int, TeamScore],
    peers: Mapping[int, TeamScore],
    changed: Collection[int] | None,
    columns: Sequence[tuple[str, str]],
) -> list[Distribution]:
    """:func:`~mlops_scorecard.store.distributions.distributions` of ``peers`` over
    ``columns``, from ``previous`` (those of ``was``, the same teams on the same columns)
    when only the ``changed`` teams' scores moved: each one's old score taken out of the
    sorted scores and its new one put in its place, the same lists a whole sort gives
    (sorted by score, then unit id: no two alike)."""
    if (
        previous is None
        or changed is None
        or [(d.dimension_id, d.title) for d in previous] != list(columns)
        or was.keys() != peers.keys()
    ):
        return distributions(peers.values(), columns)
    out = []
    for d in previous:
        scores = list(d.scores)
        for t in changed:
            if t not in peers:
                continue
            old, new = was[t].score(d.dimension_id), peers[t].score(d.dimension_id)
            if old == new:
                continue
            if old is not None:
                i = bisect.bisect_left(scores, (old, t), key=_by_score)
                if i >= len(scores) or scores[i] != (t, old):  # not of these scores after all
                    return distributions(peers.values(), columns)
                del scores[i]
            if new is not None:
                bisect.insort(scores, (t, new), key=_by_score)
        out.append(Distribution(d.dimension_id, d.title, scores))
    return out


def _by_score(p: tuple[int, float]) -> tuple[float, int]:
    """The order of a distribution's (unit id, score) pairs: by score, then unit id."""
    return p[1], p[0]
