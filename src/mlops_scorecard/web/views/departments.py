"""The roll-up of a department (or the whole organization) from its teams' summaries:
per framework its teams use, a heatmap with the roll-up rows filled in, the teams
(searched and paginated), the rolled-up trend with its intervals, the weakest
questions and each team's place among its peers. Formatting only: the numbers come
from :mod:`mlops_scorecard.store.rollup`, :mod:`~mlops_scorecard.store.rolled` and
:mod:`~mlops_scorecard.store.summaries`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...analysis import WIDE_INTERVAL
from ...format import answer_label, fmt_interval, fmt_score, plural
from ...framework import Framework
from ...store.rolled import TREND_RULE, WEAK_RULE, places, rolled_trend, weakest_questions
from ...store.rollup import ROLLUP_RULE, RolledScore, TeamScore, rollup_over, subtree_map, summary_teams
from ...store.spreads import UNCERTAINTY_RULE
from ...store.summaries import Point, Summary
from ..params import whole_number
from .common import heat_style
from .org import HATCH, HeatCell, TreeNode

__all__ = [
    "MAX_BLOCK_ROWS",
    "PAGE_SIZE",
    "Column",
    "DepartmentBase",
    "DepartmentView",
    "FrameworkGroup",
    "RollRow",
    "SubBlock",
    "TeamRow",
    "TrendLine",
    "department_base",
    "department_page",
    "department_view",
    "main_framework_teams",
    "short_labels",
]

#: Teams per page of the teams heatmap.
PAGE_SIZE = 50
#: Most sub-department rows shown collapsed under the child departments.
MAX_BLOCK_ROWS = 120
_SHORT = 11


@dataclass(frozen=True)
class Column:
    """A heatmap column: the dimension id, a label short enough for 1,280 px, the full title."""

    id: str
    short: str
    title: str

    @property
    def tiny(self) -> str:
        """A label for a phone's width: the short label's first four letters."""
        return self.short if len(self.short) <= 4 else self.short[:3] + "."


@dataclass(frozen=True)
class RollRow:
    unit_id: int
    name: str
    kind: str
    depth: int
    teams: str
    cells: list[HeatCell]
    overall: HeatCell
    own: bool


@dataclass(frozen=True)
class SubBlock:
    """A child department's sub-departments, collapsed under a ``<details>``."""

    unit_id: int
    name: str
    summary: str
    rows: list[RollRow]


@dataclass(frozen=True)
class TeamRow:
    unit_id: int
    name: str
    parent: str
    assessment_id: int
    date: str
    status: str
    cells: list[HeatCell]
    overall: HeatCell
    place: str
    level: str


@dataclass(frozen=True)
class TrendLine:
    label: str
    teams: int
    cells: list[tuple[HeatCell, str]]


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


def short_labels(titles: Sequence[tuple[str, str]]) -> list[Column]:
    """Columns with short labels: the title's first word (cut to 11 characters), or its
    initials when two columns would read the same."""
    first = [(t.split() or [did])[0].rstrip(",:&")[:_SHORT] for did, t in titles]
    out = []
    for (did, title), short in zip(titles, first, strict=True):
        if first.count(short) > 1:
            short = "".join(w[0] for w in title.split() if w[:1].isalnum()).upper()[:_SHORT] or did[:_SHORT]
        out.append(Column(did, short, title))
    return out


def _cell(score: float | None, tip: str, uncertain: bool = False) -> HeatCell:
    style = heat_style(score)
    if uncertain and score is not None:
        style = f"{style};{HATCH}"
    return HeatCell(fmt_score(score, 0), style, tip)


def _rolled_cell(title: str, s: RolledScore) -> HeatCell:
    if s.mean is None:
        return _cell(None, f"{title}: no team has a score")
    return _cell(
        s.mean,
        f"{title}: mean of {plural(s.teams, 'team')}, {fmt_score(s.low)}\u2013{fmt_score(s.high)}",
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _tree_order(units: Sequence[Any]) -> list[TreeNode]:
    # the organization tree's order (by name at each level), without recursion: trees of
    # thousands of units, and parent cycles, must not blow the stack
    nodes = {u.id: TreeNode(u.id, u.name, u.kind, 0, u.parent_id) for u in units}
    children: dict[int | None, list[TreeNode]] = {}
    for n in nodes.values():
        parent = n.parent_id if n.parent_id in nodes else None
        children.setdefault(parent, []).append(n)
    for level in children.values():
        level.sort(key=lambda n: (n.name.lower(), n.id))
    order: list[TreeNode] = []
    seen: set[int] = set()
    stack = [(n, 0) for n in reversed(children.get(None, []))]
    while stack:
        n, depth = stack.pop()
        if n.id in seen:
            continue
        seen.add(n.id)
        n.depth = depth
        order.append(n)
        stack.extend((c, depth + 1) for c in reversed(children.get(n.id, [])))
    return order


@dataclass(frozen=True)
class _Group:
    framework_id: str
    title: str
    columns: list[Column]
    rollups: list[RollRow]
    blocks: list[SubBlock]
    team_ids: list[int]
    teams: dict[int, TeamScore]
    places: dict[int, Any]
    weak: list[str]
    trend: list[TrendLine]


@dataclass(frozen=True)
class DepartmentBase:
    """Everything about a department's roll-up that does not depend on the search or the
    page: what :func:`department_page` slices (and what a route may keep while the data
    it came from is unchanged)."""

    name: str
    by_id: dict[int, Any]
    team_ids: list[int]
    latest: Mapping[int, Summary]
    scored: int
    groups: list[_Group]


def department_base(
    scope: Any | None,
    units: Sequence[Any],
    latest: Mapping[int, Summary],
    history: Mapping[int, Sequence[Point]],
    frameworks: Mapping[str, Framework],
) -> DepartmentBase:
    """The roll-up of ``scope`` (a unit that is not a team; ``None``: every unit) from its
    teams' ``latest`` summaries and their ``history`` (team unit id -> points, oldest
    first). ``frameworks`` maps each summary's ``id@version`` to its framework (titles and
    question sets)."""
    order = _tree_order(units)
    subtrees = subtree_map(units)
    by_id = {u.id: u for u in units}
    depth = {n.id: n.depth for n in order}
    if scope is None:
        scope_ids = [n.id for n in order]
        team_ids = [n.id for n in order if n.kind == "team"]
    else:
        team_set = set(subtrees.get(scope.id, []))
        team_ids = [n.id for n in order if n.id in team_set]
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
    teams_all = summary_teams((by_id[i] for i in team_ids), latest)
    # frameworks by how many teams use them, most first; titles from the newest version seen
    fw_teams: dict[str, list[int]] = {}
    fw_of: dict[str, Framework] = {}
    for tid in team_ids:
        s = latest.get(tid)
        if s is None:
            continue
        fw_teams.setdefault(s.framework_id, []).append(tid)
        fw = frameworks.get(s.framework)
        if fw is not None and s.framework_id not in fw_of:
            fw_of[s.framework_id] = fw
    groups = []
    for fid, tids in sorted(fw_teams.items(), key=lambda p: (-len(p[1]), p[0])):
        fw = fw_of.get(fid)
        titles: dict[str, str] = {} if fw is None else {d.id: d.title for d in fw.dimensions}
        for tid in tids:
            for did in latest[tid].dimensions:
                titles.setdefault(did, did)
        columns = short_labels(list(titles.items()))
        teams = {t: teams_all[t] for t in tids if t in teams_all}
        rollups, blocks = _rollups(scope, scope_ids, by_id, subtrees, depth, teams, columns)
        groups.append(
            _Group(
                framework_id=fid,
                title=fid if fw is None else fw.title,
                columns=columns,
                rollups=rollups,
                blocks=blocks,
                team_ids=tids,
                teams=teams,
                places=places({t: teams[t].overall for t in teams}),
                weak=_weak(fw, [latest[t] for t in tids], frameworks),
                trend=_trend([history.get(t, []) for t in tids], tids, columns),
            )
        )
    return DepartmentBase(
        name="the organization" if scope is None else scope.name,
        by_id=by_id,
        team_ids=team_ids,
        latest=latest,
        scored=len(teams_all),
        groups=groups,
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
                teams=[_team_row(by_id, latest[t], g.teams[t], g.columns, g.places.get(t)) for t in shown],
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


def _roll_row(
    unit: Any,
    depth: int,
    subtrees: Mapping[int, list[int]],
    teams: Mapping[int, TeamScore],
    columns: Sequence[Column],
    own: bool = False,
) -> RollRow | None:
    r = rollup_over(unit, subtrees.get(unit.id, []), teams, [c.id for c in columns])
    if not r.teams:
        return None
    return RollRow(
        unit_id=unit.id,
        name=unit.name,
        kind=unit.kind,
        depth=depth,
        teams=f"{len(r.teams)} of {r.team_count}",
        cells=[_rolled_cell(c.title, r.dimensions[c.id]) for c in columns],
        overall=_rolled_cell("Overall", r.overall),
        own=own,
    )


def _rollups(
    scope: Any | None,
    scope_ids: Sequence[int],
    by_id: Mapping[int, Any],
    subtrees: Mapping[int, list[int]],
    depth: Mapping[int, int],
    teams: Mapping[int, TeamScore],
    columns: Sequence[Column],
) -> tuple[list[RollRow], list[SubBlock]]:
    """The scope's own row and its child departments' (always shown), and per child
    department with departments below it, those rows (collapsed)."""
    departments = [i for i in scope_ids if by_id[i].kind != "team"]
    top = depth[scope.id] + 1 if scope is not None else min((depth[i] for i in departments), default=0)
    rows: list[RollRow] = []
    if scope is not None:
        own = _roll_row(scope, 0, subtrees, teams, columns, own=True)
        if own is not None:
            rows.append(own)
    blocks: list[SubBlock] = []
    current: tuple[Any, list[RollRow]] | None = None
    for i in departments:
        d = depth[i]
        if scope is not None and i == scope.id:
            continue
        if d == top:
            row = _roll_row(by_id[i], 1 if scope is not None else 0, subtrees, teams, columns)
            if row is not None:
                rows.append(row)
            current = (by_id[i], [])
            blocks.append(SubBlock(i, by_id[i].name, "", current[1]))
        elif d > top and current is not None:
            row = _roll_row(by_id[i], d - top, subtrees, teams, columns)
            if row is not None:
                current[1].append(row)
    kept = [
        SubBlock(b.unit_id, b.name, f"{b.name}: {plural(len(b.rows), 'department')} below it", b.rows)
        for b in blocks
        if b.rows
    ]
    # beyond MAX_BLOCK_ROWS the collapsed rows would outweigh the page (500 departments
    # are half a megabyte of cells): each child department's own page has its sub-departments
    if sum(len(b.rows) for b in kept) > MAX_BLOCK_ROWS:
        kept = [
            SubBlock(b.unit_id, b.name, f"{b.name}: {plural(len(b.rows), 'department')} below it", [])
            for b in kept
        ]
    return rows, kept


def _team_row(
    by_id: Mapping[int, Any], s: Summary, t: TeamScore, columns: Sequence[Column], place: Any
) -> TeamRow:
    cells = []
    for c in columns:
        value = t.dimensions.get(c.id)
        sp = s.spread(c.id)
        tip = f"{c.title}: {fmt_score(value)}" + ("" if sp is None or value is None else f" ({sp.reason()})")
        cells.append(_cell(value, tip, sp is not None and sp.uncertain))
    osp = s.spread("overall")
    otip = f"Overall: {fmt_score(t.overall)}" + (
        "" if osp is None or t.overall is None else f" ({osp.reason()})"
    )
    parent = by_id.get(by_id[t.unit_id].parent_id)
    return TeamRow(
        unit_id=t.unit_id,
        name=t.name,
        parent="" if parent is None else parent.name,
        assessment_id=s.assessment_id,
        date=s.date.isoformat(),
        status=s.status,
        cells=cells,
        overall=_cell(t.overall, otip, osp is not None and osp.uncertain),
        place="—" if place is None else f"{_ordinal(place.rank)} of {place.of}",
        level=s.level_name or "",
    )


def _weak(
    fw: Framework | None, summaries: Sequence[Summary], frameworks: Mapping[str, Framework]
) -> list[str]:
    """Sentences for the weakest questions: "4 of 6 teams answer mostly “No” to ..."."""
    asked_cache: dict[tuple[str, str], frozenset[str]] = {}

    def asked(s: Summary) -> frozenset[str]:
        key = (s.framework, s.question_set)
        if key not in asked_cache:
            f = frameworks.get(s.framework)
            asked_cache[key] = (
                frozenset() if f is None else frozenset(q.id for _, q in f.iter_questions(s.question_set))  # type: ignore[arg-type]
            )
        return asked_cache[key]

    out = []
    lowest = "the lowest answer" if fw is None else f"\u201c{answer_label(fw, fw.ranked_keys[0])}\u201d"
    for w in weakest_questions(summaries, asked):
        found = None if fw is None else fw.question(w.question_id)
        what = w.question_id if found is None else f"{found[1].text} ({found[0].title})"
        out.append(
            f"{w.teams_low} of {plural(w.teams_asked, 'team')} answer mostly {lowest} to: {what}; "
            f"{w.answers_low} of {plural(w.answers_valued, 'answer')} across the teams are {lowest}"
        )
    return out


def _trend(
    histories: Sequence[Sequence[Point]], tids: Sequence[int], columns: Sequence[Column]
) -> list[TrendLine]:
    points = rolled_trend(dict(zip(tids, histories, strict=True)), [c.id for c in columns])
    out = []
    for p in points:
        cells = []
        for title, s in [*((c.title, p.dimensions[c.id]) for c in columns), ("Overall", p.overall)]:
            if s.mean is None:
                cells.append((_cell(None, f"{title}: no team has a score"), ""))
                continue
            wide = s.low is not None and s.high is not None and s.high - s.low > WIDE_INTERVAL
            interval = (
                "no interval with one team"
                if s.low is None
                else f"90% interval {fmt_interval(s.low, s.high)}"
            )
            cell = HeatCell(
                fmt_score(s.mean, 0),
                heat_style(s.mean) + (f";{HATCH}" if wide or s.low is None else ""),
                f"{title}: mean of {plural(s.teams, 'team')}, {interval}",
            )
            cells.append((cell, "" if s.low is None else fmt_interval(s.low, s.high, 0)))
        out.append(TrendLine(p.label, p.teams, cells))
    return out


def main_framework_teams(
    units: Sequence[Any], latest: Mapping[int, Summary], frameworks: Mapping[str, Framework]
) -> tuple[dict[int, TeamScore], list[tuple[str, str]]]:
    """The teams on the framework most teams use, and its columns (dimension id, title):
    what the distribution of team scores compares (other frameworks' dimensions differ)."""
    counts: dict[str, int] = {}
    for s in latest.values():
        counts[s.framework_id] = counts.get(s.framework_id, 0) + 1
    if not counts:
        return {}, []
    main = min(counts, key=lambda f: (-counts[f], f))
    teams = {t: v for t, v in summary_teams(units, latest).items() if latest[t].framework_id == main}
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
