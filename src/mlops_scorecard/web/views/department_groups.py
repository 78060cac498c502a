"""One framework's part of a roll-up page (:mod:`.departments`), built whole or, after a
change to a few teams, from the one before: only the roll-up rows of the changed teams'
departments, the trend's quarters their points are in, and their part of the weakest
questions' counts are computed again; the rest is the previous roll-up's. Every number
is computed by the same functions, over the teams in the same order, as a whole build:
the two give the same page."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...framework import Framework
from ...store.rolled import Places, WeakCounts, quarter_picks, rolled_point, weakest
from ...store.rollup import TeamScore
from ...store.scopes import Point
from ...store.summaries import Summary
from .department_rows import Column, RollRow, SubBlock, TrendLine, rollup_rows, trend_line, weak_lines

__all__ = ["Group", "Layout", "build_group", "update_group"]


@dataclass(frozen=True)
class Layout:
    """What a roll-up takes from the units alone (kept while they are unchanged): the
    scope, its units in tree order with their depths, each unit's teams, its teams."""

    scope: Any | None
    scope_ids: list[int]
    by_id: dict[int, Any]
    subtrees: Mapping[int, list[int]]
    depth: dict[int, int]
    team_ids: list[int]

    def ancestors(self, team_ids: Collection[int]) -> set[int]:
        """The units above these teams (safe against parent cycles)."""
        out: set[int] = set()
        for t in team_ids:
            u = self.by_id.get(t)
            while u is not None and u.parent_id is not None and u.parent_id not in out:
                out.add(u.parent_id)
                u = self.by_id.get(u.parent_id)
        return out


@dataclass(frozen=True)
class Group:
    """Everything the page shows for the teams on one framework, and what the next
    roll-up after a change starts from (``made``, ``counts``, ``quarters``, ``lines``)."""

    framework_id: str
    title: str
    columns: list[Column]
    rollups: list[RollRow]
    blocks: list[SubBlock]
    team_ids: list[int]
    teams: dict[int, TeamScore]
    places: Places
    weak: list[str]
    trend: list[TrendLine]
    made: dict[int, RollRow | None]
    counts: WeakCounts
    quarters: dict[str, dict[int, Point]]
    lines: dict[str, TrendLine]


def _rows(
    layout: Layout,
    teams: Mapping[int, TeamScore],
    columns: Sequence[Column],
    keep: Callable[[int], RollRow | None] | None,
) -> tuple[list[RollRow], list[SubBlock], dict[int, RollRow | None]]:
    made: dict[int, RollRow | None] = {}
    rollups, blocks = rollup_rows(
        layout.scope,
        layout.scope_ids,
        layout.by_id,
        layout.subtrees,
        layout.depth,
        teams,
        columns,
        made,
        keep,
    )
    return rollups, blocks, made


def build_group(
    layout: Layout,
    fid: str,
    title: str,
    fw: Framework | None,
    columns: list[Column],
    tids: list[int],
    teams: dict[int, TeamScore],
    latest: Mapping[int, Summary],
    history: Mapping[int, Sequence[Point]],
    asked: Callable[[Summary], Collection[str]],
) -> Group:
    """The group of teams ``tids`` (in tree order) on framework ``fid``, whole."""
    rollups, blocks, made = _rows(layout, teams, columns, None)
    counts = WeakCounts.of((latest[t] for t in tids), asked)
    quarters = quarter_picks({t: history.get(t, []) for t in tids})
    dims = [c.id for c in columns]
    lines = {
        label: trend_line(rolled_point(label, list(q.values()), dims), columns)
        for label, q in quarters.items()
    }
    return Group(
        framework_id=fid,
        title=title,
        columns=columns,
        rollups=rollups,
        blocks=blocks,
        team_ids=tids,
        teams=teams,
        places=Places({t: teams[t].overall for t in teams}),
        weak=weak_lines(fw, weakest(counts)),
        trend=[lines[label] for label in sorted(quarters)],
        made=made,
        counts=counts,
        quarters=quarters,
        lines=lines,
    )


def update_group(
    old: Group,
    layout: Layout,
    fw: Framework | None,
    teams: dict[int, TeamScore],
    dirty: Collection[int],
    was: Mapping[int, Summary],
    latest: Mapping[int, Summary],
    history: Mapping[int, Sequence[Point]],
    asked: Callable[[Summary], Collection[str]],
) -> Group:
    """``old`` (the same teams, on the same columns) after a change to the ``dirty`` teams
    among them, whose summaries were ``was`` and are ``latest`` now."""
    if not dirty:
        return old
    above = layout.ancestors(dirty)
    rollups, blocks, made = _rows(
        layout, teams, old.columns, lambda u: None if u in above or u in dirty else old.made.get(u)
    )
    counts = old.counts.copy()
    for t in dirty:
        counts.add(was[t], asked(was[t]), -1)
        counts.add(latest[t], asked(latest[t]))
    picks = quarter_picks({t: history.get(t, []) for t in dirty})
    touched = set()
    for label, inner in old.quarters.items():
        if any(inner.get(t) is not picks.get(label, {}).get(t) for t in dirty):
            touched.add(label)
    touched.update(label for label in picks if label not in old.quarters)
    quarters = dict(old.quarters)
    lines = dict(old.lines)
    dims = [c.id for c in old.columns]
    for label in touched:
        before = old.quarters.get(label, {})
        now = picks.get(label, {})
        inner = {}
        for t in old.team_ids:  # in the teams' order, as a whole build adds them up
            p = now.get(t) if t in dirty else before.get(t)
            if p is not None:
                inner[t] = p
        if inner:
            quarters[label] = inner
            lines[label] = trend_line(rolled_point(label, list(inner.values()), dims), old.columns)
        else:
            quarters.pop(label, None)
            lines.pop(label, None)
    return Group(
        framework_id=old.framework_id,
        title=old.title,
        columns=old.columns,
        rollups=rollups,
        blocks=blocks,
        team_ids=old.team_ids,
        teams=teams,
        places=Places({t: teams[t].overall for t in teams}),
        weak=weak_lines(fw, weakest(counts)),
        trend=[lines[label] for label in sorted(quarters)],
        made=made,
        counts=counts,
        quarters=quarters,
        lines=lines,
    )
