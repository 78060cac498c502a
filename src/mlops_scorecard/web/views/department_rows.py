"""The rows of the roll-up pages (:mod:`.departments`): heatmap columns with short
labels, a department's roll-up row, a team's row, the weakest questions in words and the
rolled-up trend's lines; formatting only."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...analysis import WIDE_INTERVAL
from ...format import answer_label, fmt_interval, fmt_score, plural
from ...framework import Framework
from ...store.rolled import RolledPoint, WeakQuestion, rolled_trend, weakest_questions
from ...store.rollup import RolledScore, TeamScore, rollup_over
from ...store.scopes import Point
from ...store.summaries import Summary
from .common import heat_style
from .org import HATCH, HeatCell, TreeNode

__all__ = [
    "MAX_BLOCK_ROWS",
    "Column",
    "RollRow",
    "SubBlock",
    "TeamRow",
    "TrendLine",
    "asked_questions",
    "rollup_rows",
    "short_labels",
    "team_row",
    "tree_order",
    "trend_line",
    "trend_lines",
    "weak_lines",
    "weak_sentences",
]

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
    stale: bool = False


@dataclass(frozen=True)
class TrendLine:
    label: str
    teams: int
    cells: list[tuple[HeatCell, str]]


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


def tree_order(units: Sequence[Any]) -> list[TreeNode]:
    """Units in the organization tree's order (by name at each level), with depths."""
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


def rollup_rows(
    scope: Any | None,
    scope_ids: Sequence[int],
    by_id: Mapping[int, Any],
    subtrees: Mapping[int, list[int]],
    depth: Mapping[int, int],
    teams: Mapping[int, TeamScore],
    columns: Sequence[Column],
    made: dict[int, RollRow | None] | None = None,
    keep: Callable[[int], RollRow | None] | None = None,
) -> tuple[list[RollRow], list[SubBlock]]:
    """The scope's own row and its child departments' (always shown), and per child
    department with departments below it, those rows (collapsed). Each row (or ``None``
    for a department without a scored team) is put in ``made`` by unit id; ``keep``,
    when given, is asked first for a row that is still right (``None``: compute it):
    a roll-up after one change computes only the rows of the changed teams' departments."""
    departments = [i for i in scope_ids if by_id[i].kind != "team"]
    top = depth[scope.id] + 1 if scope is not None else min((depth[i] for i in departments), default=0)
    out: dict[int, RollRow | None] = {} if made is None else made
    ask = keep or (lambda _: None)

    def row_of(unit: Any, d: int, own: bool = False) -> RollRow | None:
        found = ask(unit.id)
        if found is None:
            found = _roll_row(unit, d, subtrees, teams, columns, own=own)
        out[unit.id] = found
        return found

    rows: list[RollRow] = []
    if scope is not None:
        own = row_of(scope, 0, own=True)
        if own is not None:
            rows.append(own)
    blocks: list[SubBlock] = []
    current: tuple[Any, list[RollRow]] | None = None
    for i in departments:
        d = depth[i]
        if scope is not None and i == scope.id:
            continue
        if d == top:
            row = row_of(by_id[i], 1 if scope is not None else 0)
            if row is not None:
                rows.append(row)
            current = (by_id[i], [])
            blocks.append(SubBlock(i, by_id[i].name, "", current[1]))
        elif d > top and current is not None:
            row = row_of(by_id[i], d - top)
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


def team_row(
    by_id: Mapping[int, Any],
    s: Summary,
    t: TeamScore,
    columns: Sequence[Column],
    place: Any,
    *,
    stale: bool = False,
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
        stale=stale,
    )


def asked_questions(frameworks: Mapping[str, Framework]) -> Callable[[Summary], Collection[str]]:
    """The question ids a summary's question set asks (from its framework; none when the
    framework is unknown), each set worked out once."""
    asked_cache: dict[tuple[str, str], frozenset[str]] = {}

    def asked(s: Summary) -> frozenset[str]:
        key = (s.framework, s.question_set)
        if key not in asked_cache:
            f = frameworks.get(s.framework)
            asked_cache[key] = (
                frozenset() if f is None else frozenset(q.id for _, q in f.iter_questions(s.question_set))  # type: ignore[arg-type]
            )
        return asked_cache[key]

    return asked


def weak_sentences(
    fw: Framework | None, summaries: Sequence[Summary], frameworks: Mapping[str, Framework]
) -> list[str]:
    """Sentences for the weakest questions: "4 of 6 teams answer mostly “No” to ..."."""
    return weak_lines(fw, weakest_questions(summaries, asked_questions(frameworks)))


def weak_lines(fw: Framework | None, weakest: Sequence[WeakQuestion]) -> list[str]:
    """:func:`weak_sentences` of questions already ranked."""
    out = []
    lowest = "the lowest answer" if fw is None else f"\u201c{answer_label(fw, fw.ranked_keys[0])}\u201d"
    for w in weakest:
        found = None if fw is None else fw.question(w.question_id)
        what = w.question_id if found is None else f"{found[1].text} ({found[0].title})"
        out.append(
            f"{w.teams_low} of {plural(w.teams_asked, 'team')} answer mostly {lowest} to: {what}; "
            f"{w.answers_low} of {plural(w.answers_valued, 'answer')} across the teams are {lowest}"
        )
    return out


def trend_lines(
    histories: Sequence[Sequence[Point]], tids: Sequence[int], columns: Sequence[Column]
) -> list[TrendLine]:
    points = rolled_trend(dict(zip(tids, histories, strict=True)), [c.id for c in columns])
    return [trend_line(p, columns) for p in points]


def trend_line(p: RolledPoint, columns: Sequence[Column]) -> TrendLine:
    """One quarter's line of the rolled-up trend."""
    cells = []
    for title, s in [*((c.title, p.dimensions[c.id]) for c in columns), ("Overall", p.overall)]:
        if s.mean is None:
            cells.append((_cell(None, f"{title}: no team has a score"), ""))
            continue
        wide = s.low is not None and s.high is not None and s.high - s.low > WIDE_INTERVAL
        interval = (
            "no interval with one team" if s.low is None else f"90% interval {fmt_interval(s.low, s.high)}"
        )
        cell = HeatCell(
            fmt_score(s.mean, 0),
            heat_style(s.mean) + (f";{HATCH}" if wide or s.low is None else ""),
            f"{title}: mean of {plural(s.teams, 'team')}, {interval}",
        )
        cells.append((cell, "" if s.low is None else fmt_interval(s.low, s.high, 0)))
    return TrendLine(p.label, p.teams, cells)
