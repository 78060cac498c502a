"""The organization page's tree of units, the heat cells and hatch the roll-up pages
share, the heatmap of units' latest results (the API's columns) and the distribution of
team scores with a team's position.

The department and organization roll-ups themselves are :mod:`.departments`; the
distributions come from :mod:`mlops_scorecard.store.distributions`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...format import fmt_pct, fmt_score
from ...framework import Framework
from ...store.analysis import OrgSummary
from ...store.distributions import Position
from ...store.rollup import ROLLUP_RULE
from ...store.spreads import UNCERTAINTY_RULE
from ..params import whole_number
from .common import heat_style, number

__all__ = [
    "HATCH",
    "DistributionRow",
    "HeatCell",
    "HeatRow",
    "Heatmap",
    "OrgAnalysis",
    "RollupRow",
    "TreeNode",
    "distribution_chart_data",
    "heatmap",
    "org_analysis",
    "unit_tree",
]

#: The hatch laid over an uncertain heatmap cell (visible on light and dark colours).
HATCH = (
    "background-image:repeating-linear-gradient(135deg,rgba(128,128,128,.55) 0 1.5px,transparent 1.5px 6px)"
)


@dataclass
class TreeNode:
    """A unit with its depth in the tree and its children (sorted by name)."""

    id: int
    name: str
    kind: str
    depth: int
    parent_id: int | None
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(units: Iterable[Any]) -> tuple[list[TreeNode], list[TreeNode]]:
    """The roots of the unit tree and every node in display order (depth first).

    ``units`` are objects with ``id``, ``name``, ``kind`` and ``parent_id``. A unit whose
    parent is missing (or that sits in a cycle) is shown at the top, never lost.
    """
    nodes = {u.id: TreeNode(u.id, u.name, u.kind, 0, u.parent_id) for u in units}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)
    order: list[TreeNode] = []
    placed: set[int] = set()

    def walk(level: list[TreeNode], depth: int) -> None:
        level.sort(key=lambda n: (n.name.lower(), n.id))
        for n in level:
            if n.id in placed:
                continue
            placed.add(n.id)
            n.depth = depth
            order.append(n)
            walk(n.children, depth + 1)

    walk(roots, 0)
    for n in nodes.values():  # only units in a parent cycle are left: show them at the top
        if n.id not in placed:
            n.children, n.depth = [], 0
            roots.append(n)
            order.append(n)
    return roots, order


@dataclass(frozen=True)
class HeatCell:
    text: str
    style: str
    title: str


@dataclass(frozen=True)
class HeatRow:
    unit: TreeNode
    assessment_id: int | None
    assessment_title: str
    assessment_date: str
    status: str
    cells: list[HeatCell]
    overall: HeatCell
    level: str


@dataclass(frozen=True)
class Heatmap:
    columns: list[tuple[str, str]]
    rows: list[HeatRow]


def heatmap(
    order: Sequence[TreeNode],
    latest: Mapping[int, tuple[Any, Mapping[str, Any]]],
    lead: Framework | None = None,
) -> Heatmap:
    """Units (in tree order) x dimensions of each unit's latest result.

    ``latest`` maps a unit id to ``(assessment, result)``; columns are the dimensions of
    ``lead`` (the routes pass the newest built-in framework) followed by any others the
    results use.
    """
    columns: dict[str, str] = {}
    if lead is not None:
        columns.update((d.id, d.title) for d in lead.dimensions)
    for _, result in latest.values():
        for d in result.get("dimensions") or []:
            columns.setdefault(str(d.get("id")), str(d.get("title") or d.get("id")))
    rows = []
    for node in order:
        found = latest.get(node.id)
        if found is None:
            empty = HeatCell("—", heat_style(None), "no assessment with answers yet")
            rows.append(HeatRow(node, None, "", "", "", [empty] * len(columns), empty, ""))
            continue
        a, result = found
        by_id = {str(d.get("id")): number(d.get("score")) for d in result.get("dimensions") or []}
        cells = []
        for did, title in columns.items():
            value = by_id.get(did)
            cells.append(HeatCell(fmt_score(value, 0), heat_style(value), f"{title}: {fmt_score(value)}"))
        overall = number(result.get("overall"))
        rows.append(
            HeatRow(
                unit=node,
                assessment_id=a.id,
                assessment_title=a.title,
                assessment_date=a.date.isoformat(),
                status=a.status,
                cells=cells,
                overall=HeatCell(
                    fmt_score(overall, 0), heat_style(overall), f"Overall: {fmt_score(overall)}"
                ),
                level=str(result.get("level_name") or ""),
            )
        )
    return Heatmap(columns=list(columns.items()), rows=rows)


@dataclass(frozen=True)
class RollupRow:
    unit_id: int
    name: str
    kind: str
    depth: int
    teams: str
    cells: list[tuple[str, str, str]]


@dataclass(frozen=True)
class DistributionRow:
    title: str
    teams: int
    stats: list[str]
    team_score: str
    team_rank: str


@dataclass(frozen=True)
class OrgAnalysis:
    """The organization page's roll-up and distribution sections."""

    rule: str
    uncertainty_rule: str
    columns: list[tuple[str, str]]
    rollups: list[RollupRow]
    distribution: list[DistributionRow]
    teams: list[tuple[int, str]]
    team_id: int | None
    team_name: str
    hatch: str


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _position_text(p: Position | None) -> str:
    if p is None:
        return "—"
    text = f"{_ordinal(p.rank)} of {p.of}"
    if p.percentile is not None:
        text += f" (above {fmt_pct(p.percentile)} of the others)"
    return text


def org_analysis(
    order: Sequence[TreeNode],
    summary: OrgSummary,
    columns: Sequence[tuple[str, str]],
    team: str | None = None,
) -> OrgAnalysis:
    """Roll-ups of every department (and the organization) from their teams, the
    distribution of team scores per dimension (:func:`~mlops_scorecard.store.analysis.org_summary`),
    and where the team ``team`` (an id from the query string, ignored unless it is a team
    with scores) stands."""
    teams = summary.teams
    ids = [did for did, _ in columns]
    depth = {n.id: n.depth for n in order}
    rows = []
    for r in summary.rollups:
        cells = []
        for key in [*ids, "overall"]:
            s = r.overall if key == "overall" else r.dimensions[key]
            tip = (
                "no team has a score"
                if s.mean is None
                else (
                    f"mean of {s.teams} team{'s' if s.teams != 1 else ''}, {fmt_score(s.low)}\u2013{fmt_score(s.high)}"
                )
            )
            cells.append((fmt_score(s.mean, 0), heat_style(s.mean), tip))
        rows.append(
            RollupRow(
                r.unit_id, r.name, r.kind, depth.get(r.unit_id, 0), f"{len(r.teams)} of {r.team_count}", cells
            )
        )
    number = whole_number(team or "")
    chosen = number if number in teams else None
    dist_rows = []
    for d in summary.distributions:
        q = d.quartiles()
        stats = ["—"] * 5 if q is None else [fmt_score(v) for v in q]
        pos = None if chosen is None else d.position(chosen)
        dist_rows.append(
            DistributionRow(
                d.title, d.count, stats, "—" if pos is None else fmt_score(pos.score), _position_text(pos)
            )
        )
    return OrgAnalysis(
        rule=ROLLUP_RULE,
        uncertainty_rule=UNCERTAINTY_RULE,
        columns=list(columns),
        rollups=rows,
        distribution=dist_rows,
        teams=sorted(((t.unit_id, t.name) for t in teams.values()), key=lambda p: (p[1].lower(), p[0])),
        team_id=chosen,
        team_name=teams[chosen].name if chosen is not None else "",
        hatch=HATCH,
    )


def distribution_chart_data(
    summary: OrgSummary, team: int | None
) -> tuple[list[str], list[list[float]], list[float | None] | None, str]:
    """Labels, each column's team scores and the highlighted team's scores for
    :func:`~mlops_scorecard.charts.render_distribution`."""
    teams = summary.teams
    labels = [d.title for d in summary.distributions]
    groups = [[s for _, s in d.scores] for d in summary.distributions]
    if team is None or team not in teams:
        return labels, groups, None, ""
    mine = teams[team]
    return labels, groups, [mine.score(d.dimension_id) for d in summary.distributions], mine.name
