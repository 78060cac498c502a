"""View models of the analysis sections: agreement, intervals, hotspots, roles, trend with
uncertainty, comparison, roll-ups and distributions.

The numbers come from the library (:mod:`mlops_scorecard.analysis`,
:mod:`~mlops_scorecard.analysis.trends`, :mod:`~mlops_scorecard.store.rollup`); this module
only loads what they need in as few queries as possible and turns the results into
plain rows for the templates (and the JSON of the API). Nothing is cached in process
memory: workers are stateless, and every request computes what it shows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from ..analysis import Analysis, analyze
from ..analysis.roles import role_breakdown, role_series
from ..analysis.targets import TargetGap
from ..analysis.trends import Comparison, Trend, TrendEntry, build_trend, compare, framework_change_notes
from ..analysis.uncertainty import DEFAULT_CONFIDENCE, Uncertainty, interval_series, intervals
from ..answers import AnswerSet
from ..charts import Series
from ..format import fmt_alpha, fmt_delta, fmt_interval, fmt_number, fmt_score
from ..framework import ANSWER_KEYS, Framework
from ..privacy import for_viewers, missing_roles
from ..scoring import score
from ..store.assessments import (
    answer_sets_for,
    assessment_framework,
    get_assessment,
    list_assessments,
    summary_results,
)
from ..store.models import Assessment, Unit
from ..store.rollup import (
    ROLLUP_RULE,
    UNCERTAINTY_RULE,
    Distribution,
    Position,
    Rollup,
    Spread,
    distributions,
    rollups,
    team_scores,
)
from ..store.units import get_unit, list_units
from .context import state
from .params import whole_number
from .views import HeatCell, Heatmap, HeatRow, TreeNode, heat_style

__all__ = [
    "HATCH",
    "HOTSPOTS_SHOWN",
    "AssessmentAnalysis",
    "CompareView",
    "OrgAnalysis",
    "UnitAnalysis",
    "UnitTrend",
    "assessment_analysis",
    "assessment_section",
    "compare_view",
    "distribution_chart_data",
    "interval_radar",
    "load_answers",
    "load_unit_trend",
    "mark_uncertain",
    "org_analysis",
    "roles_radar",
    "unit_section",
    "unit_trend",
]

#: The hatch laid over an uncertain heatmap cell (visible on light and dark colours).
HATCH = (
    "background-image:repeating-linear-gradient(135deg,rgba(128,128,128,.55) 0 1.5px,transparent 1.5px 6px)"
)
#: Hotspots listed on the page (the API lists them all).
HOTSPOTS_SHOWN = 12

_LABELS = {
    "yes": "Yes",
    "partly": "Partly",
    "no": "No",
    "na": "N/A",
    "unknown": "Don't know",
    "unanswered": "No answer",
}


def _bars(distribution: Mapping[str, int], keys: Sequence[str]) -> list[tuple[str, str, int, float]]:
    """(key, label, count, share %) per answer key, as the answers view draws them."""
    counts = [(k, _LABELS.get(k, k), int(distribution.get(k) or 0)) for k in [*keys, "unanswered"]]
    total = sum(c for _, _, c in counts) or 1
    return [(k, label, c, 100.0 * c / total) for k, label, c in counts]


# --- one assessment ------------------------------------------------------------------------


@dataclass(frozen=True)
class IntervalRow:
    id: str
    title: str
    score: str
    interval: str
    width: str
    wide: bool
    alpha: str
    band: str


@dataclass(frozen=True)
class HotspotRow:
    rank: int
    question_id: str
    text: str
    dimension: str
    split: bool
    spread: str
    swing: str
    overall_swing: str
    distribution: list[tuple[str, str, int, float]]
    comments: list[tuple[str, str]]


@dataclass(frozen=True)
class RoleRow:
    role: str
    respondents: int
    group: bool
    members: str
    scores: list[str]
    overall: str


@dataclass(frozen=True)
class AssessmentAnalysis:
    """Everything the assessment page's analysis sections show."""

    respondents: int
    confidence: int
    agreement_alpha: str
    agreement_band: str
    agreement_reading: str
    agreement_reason: str | None
    needs_more: bool
    intervals: list[IntervalRow]
    hotspots: list[HotspotRow]
    hotspot_total: int
    caveats: list[str]
    columns: list[tuple[str, str]]
    roles: list[RoleRow]
    gap_label: str
    gaps: list[tuple[str, str, str, str]]
    largest_gap: str
    missing_roles: list[str]
    present_roles: list[str]
    roles_chart: str


def assessment_analysis(framework: Framework, answers: AnswerSet) -> tuple[Analysis, AssessmentAnalysis]:
    """The analysis of one assessment (:func:`mlops_scorecard.analysis.analyze`, 90%
    intervals) and its view."""
    an = analyze(framework, answers)
    return an, _assessment_view(an)


def _assessment_view(an: Analysis) -> AssessmentAnalysis:
    result, u, agree = an.result, an.uncertainty, an.agreement
    n = len(result.respondents)
    rows = []
    for d in result.dimensions:
        iv = u.dimensions.get(d.id)
        a = agree.dimensions.get(d.id)
        rows.append(
            IntervalRow(
                id=d.id,
                title=d.dimension.title,
                score=fmt_score(d.score),
                interval=fmt_interval(None if iv is None else iv.low, None if iv is None else iv.high),
                width="—" if iv is None else fmt_score(iv.width),
                wide=iv is not None and iv.width > 30.0,
                alpha=fmt_alpha(None if a is None else a.alpha),
                band="" if a is None else a.band,
            )
        )
    ov = u.overall
    rows.append(
        IntervalRow(
            id="overall",
            title="Overall",
            score=fmt_score(result.overall),
            interval=fmt_interval(None if ov is None else ov.low, None if ov is None else ov.high),
            width="—" if ov is None else fmt_score(ov.width),
            wide=ov is not None and ov.width > 30.0,
            alpha=fmt_alpha(agree.overall.alpha),
            band=agree.overall.band,
        )
    )
    keys = [k for k in ANSWER_KEYS if k in result.framework.scale]
    hotspots = [
        HotspotRow(
            rank=i + 1,
            question_id=h.question.id,
            text=h.question.text,
            dimension=h.dimension.title,
            split=h.split,
            spread=fmt_number(h.spread, 2),
            swing=fmt_score(h.swing),
            overall_swing=fmt_score(h.overall_swing),
            distribution=_bars(h.distribution, keys),
            # the answer beside each comment, never who gave it, and sorted: the order
            # of respondents would tie one person's comments on two questions together
            comments=sorted((_LABELS.get(c.answer, c.answer), c.comment) for c in h.comments),
        )
        for i, h in enumerate(an.hotspots[:HOTSPOTS_SHOWN])
    ]
    columns = [(d.id, d.dimension.title) for d in result.dimensions]
    breakdown = an.roles
    role_rows = [
        RoleRow(
            role=r.role,
            respondents=r.respondents,
            group=False,
            members="",
            scores=[fmt_score(d.score) for d in r.result.dimensions],
            overall=fmt_score(r.result.overall),
        )
        for r in breakdown.roles
    ]
    role_rows += [
        RoleRow(
            role=g.role,
            respondents=g.respondents,
            group=True,
            members=", ".join(g.roles),
            scores=[fmt_score(d.score) for d in g.result.dimensions],
            overall=fmt_score(g.result.overall),
        )
        for g in breakdown.groups
    ]
    first, second = breakdown.gap_groups
    gaps = [(g.title, fmt_score(g.first), fmt_score(g.second), fmt_delta(g.gap)) for g in breakdown.gaps]
    largest = breakdown.largest_gap()
    largest_text = ""
    if largest is not None and largest.gap is not None:
        who = first if largest.gap > 0 else second
        largest_text = f"The largest gap is in {largest.title}: {who} score it {fmt_score(abs(largest.gap))} points higher."
    return AssessmentAnalysis(
        respondents=n,
        confidence=round(100 * u.confidence),
        agreement_alpha=fmt_alpha(agree.overall.alpha),
        agreement_band=agree.overall.band,
        agreement_reading=agree.overall.reading,
        agreement_reason=agree.overall.reason,
        needs_more=n < 2,
        intervals=rows,
        hotspots=hotspots,
        hotspot_total=len(an.hotspots),
        caveats=[c.message for c in an.caveats],
        columns=columns,
        roles=role_rows,
        gap_label=f"{first} \u2212 {second}",
        gaps=gaps,
        largest_gap=largest_text,
        missing_roles=list(breakdown.missing),
        present_roles=list(breakdown.present),
        roles_chart="group" if len(breakdown.groups) >= 2 else "role",
    )


def load_answers(session: Session, assessment: Assessment, *, details: bool = True) -> AnswerSet:
    """The assessment's answers (one query; comments too with ``details``)."""
    return answer_sets_for(session, assessments=[assessment], details=details)[assessment.id]


def assessment_section(
    session: Session, assessment: Assessment, framework: Framework, *, aggregate: bool = False
) -> AssessmentAnalysis:
    """The assessment page's analysis, from one query of its answers; ``aggregate`` (for
    viewers) merges small roles into "other" (:func:`mlops_scorecard.privacy.for_viewers`)."""
    answers = load_answers(session, assessment)
    if not aggregate:
        return assessment_analysis(framework, answers)[1]
    view = assessment_analysis(framework, for_viewers(answers))[1]
    return dataclasses.replace(view, missing_roles=missing_roles(answers))


def interval_radar(
    framework: Framework, answers: AnswerSet, targets: Mapping[str, Any]
) -> tuple[list[str], list[Series]]:
    """Radar labels and series: the scores with their 90% intervals as a band, and the
    targets dashed (when there are any)."""
    result = score(framework, answers)
    u = intervals(framework, answers)
    labels = [d.dimension.title for d in result.dimensions]
    series = [interval_series(result, u, name=f"Score ({round(100 * u.confidence)}% interval band)")]
    if targets:
        series.append(Series("Target", [_target(targets, d.id) for d in result.dimensions], dashed=True))
    return labels, series


def _target(targets: Mapping[str, Any], key: str) -> float | None:
    value = targets.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def roles_radar(framework: Framework, answers: AnswerSet, by: str) -> tuple[list[str], list[Series]]:
    """Radar labels and one series per role (``by="role"``) or role group (``"group"``),
    with everyone's score dashed for reference."""
    breakdown = role_breakdown(framework, answers)
    labels, series = role_series(breakdown, by=by)
    result = score(framework, answers)
    if not labels:
        labels = [d.dimension.title for d in result.dimensions]
    everyone = Series(
        f"everyone (n={len(result.respondents)})", [d.score for d in result.dimensions], dashed=True
    )
    return labels, [*series, everyone]


# --- a unit: trend with uncertainty, targets, comparison ---------------------------------------


@dataclass(frozen=True)
class UnitTrend:
    """A unit's trend (:func:`mlops_scorecard.analysis.trends.build_trend`) with each point's
    intervals (by assessment id)."""

    trend: Trend
    assessments: dict[int, Assessment]
    intervals: dict[int, Uncertainty]

    def band(self, key: str | None) -> tuple[list[float | None], list[float | None]]:
        """Lows and highs of a dimension (``None``: overall) at each point."""
        lows: list[float | None] = []
        highs: list[float | None] = []
        for p in self.trend.points:
            u = self.intervals.get(p.assessment_id)
            iv = None if u is None else (u.overall if key is None else u.dimensions.get(key))
            lows.append(None if iv is None else iv.low)
            highs.append(None if iv is None else iv.high)
        return lows, highs

    def series(self) -> list[Series]:
        """A series per dimension and the overall (dashed), each with its band."""
        out = [
            Series(title, self.trend.values(did), band=self.band(did)) for did, title in self.trend.dimensions
        ]
        out.append(Series("Overall", self.trend.overall(), band=self.band(None), dashed=True))
        return out

    def latest_gaps(self) -> list[TargetGap]:
        """The latest point's gap to each of its assessment's targets."""
        if not self.trend.points:
            return []
        p = self.trend.points[-1]
        a = self.assessments[p.assessment_id]
        titles = dict(self.trend.dimensions)
        targets = a.targets or {}
        return [
            TargetGap(did, titles.get(did, did), float(targets[did]), p.scores.get(did))
            for did, _ in self.trend.dimensions
            if _target(targets, did) is not None
        ]


def unit_trend(
    session: Session,
    assessments: Sequence[Assessment],
    results: Mapping[int, Mapping[str, Any]] | None = None,
    *,
    trend: Trend | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
) -> UnitTrend:
    """The trend of ``assessments`` (built from their ``results``, or given as ``trend``)
    with the intervals of each point, from one query of their answers."""
    if trend is None:
        found = results or {}
        trend = build_trend(TrendEntry(a.id, a.title, a.date, a.status, found[a.id]) for a in assessments)
    by_id = {a.id: a for a in assessments}
    shown = [by_id[p.assessment_id] for p in trend.points]
    sets = answer_sets_for(session, assessments=shown, details=False)
    spans = {a.id: intervals(assessment_framework(a), sets[a.id], confidence=confidence) for a in shown}
    return UnitTrend(trend, by_id, spans)


def version_notes(session: Session, assessments: Sequence[Assessment], trend: Trend) -> list[str]:
    """Where the unit's trend changes framework version: the overall change split into
    the framework's part and the answers' (:func:`~mlops_scorecard.analysis.trends.framework_change_notes`).
    Loads the answers of only the assessments on either side of a change."""
    by_id = {a.id: a for a in assessments}
    points = [by_id[p.assessment_id] for p in trend.points if p.assessment_id in by_id]
    steps = [
        (a, b)
        for a, b in pairwise(points)
        if a.framework_id == b.framework_id and a.framework_version != b.framework_version
    ]
    if not steps:
        return []
    involved = list({a.id: a for step in steps for a in step}.values())
    sets = answer_sets_for(session, assessments=involved, details=False)
    notes = []
    for a, b in steps:
        notes += framework_change_notes(
            [(a.date, assessment_framework(a), sets[a.id]), (b.date, assessment_framework(b), sets[b.id])]
        )
    return notes


def load_unit_trend(session: Session, unit_id: int, **options: Any) -> tuple[Unit, UnitTrend]:
    """The unit (or :class:`~mlops_scorecard.errors.NotFoundError`) and its :func:`unit_trend`."""
    unit = get_unit(session, unit_id=unit_id)
    found = list_assessments(session, unit_ids=[unit.id])
    return unit, unit_trend(session, found, summary_results(session, assessments=found), **options)


@dataclass(frozen=True)
class TrendRow:
    assessment_id: int
    label: str
    title: str
    respondents: int
    cells: list[tuple[str, str, bool]]


@dataclass(frozen=True)
class UnitAnalysis:
    """What the unit page's analysis sections show."""

    unit_id: int
    is_team: bool
    columns: list[tuple[str, str]]
    rows: list[TrendRow]
    gaps: list[tuple[str, str, str, str, bool]]
    latest_id: int | None
    latest_label: str
    previous_id: int | None
    choices: list[tuple[int, str]]


def unit_section(request: Request, data: Mapping[str, Any]) -> UnitAnalysis:
    """The unit page's trend with intervals, gap to target of the latest, and comparison
    links, from the page's data (``unit``, ``rows`` newest first, ``trend``)."""
    assessments = [r["a"] for r in reversed(data["rows"])]
    with state(request).read() as session:
        ut = unit_trend(session, assessments, trend=data["trend"])
    return _unit_view(data["unit"], ut, assessments)


def _unit_view(unit: Unit, ut: UnitTrend, assessments: Sequence[Assessment]) -> UnitAnalysis:
    trend = ut.trend
    columns = [*trend.dimensions, ("overall", "Overall")]
    rows = []
    for p in trend.points:
        u = ut.intervals.get(p.assessment_id)
        cells = []
        for did, _ in columns:
            value = p.overall if did == "overall" else p.scores.get(did)
            iv = None if u is None else (u.overall if did == "overall" else u.dimensions.get(did))
            cells.append(
                (
                    fmt_score(value),
                    fmt_interval(None if iv is None else iv.low, None if iv is None else iv.high),
                    iv is not None and iv.width > 30.0,
                )
            )
        rows.append(TrendRow(p.assessment_id, p.label, p.title, p.respondents, cells))
    gaps = [
        (g.title, fmt_score(g.target), fmt_score(g.score), "met" if g.met else fmt_score(g.gap), g.met)
        for g in ut.latest_gaps()
    ]
    points = trend.points
    return UnitAnalysis(
        unit_id=unit.id,
        is_team=unit.kind == "team",
        columns=columns,
        rows=rows,
        gaps=gaps,
        latest_id=points[-1].assessment_id if points else None,
        latest_label=points[-1].label if points else "",
        previous_id=points[-2].assessment_id if len(points) >= 2 else None,
        choices=[(a.id, f"{a.date.isoformat()} · {a.title}") for a in reversed(list(assessments))],
    )


# --- comparing two assessments ------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    question_id: str
    text: str
    dimension: str
    before: list[tuple[str, str, int, float]]
    after: list[tuple[str, str, int, float]]
    old_value: str
    new_value: str
    delta: str
    up: bool
    down: bool


@dataclass(frozen=True)
class CompareView:
    """Two assessments side by side: score deltas and the answers that changed."""

    a: Assessment
    b: Assessment
    a_unit: str
    b_unit: str
    comparison: Comparison
    deltas: list[tuple[str, str, str, str, bool, bool, tuple[str, str, str]]]
    changes: list[ChangeRow]
    unchanged: int


def compare_view(session: Session, a_id: int, b_id: int) -> CompareView:
    """Compare assessment ``a_id`` (before) with ``b_id`` (after); unknown ids are
    :class:`~mlops_scorecard.errors.NotFoundError`, two frameworks or no shared question
    :class:`~mlops_scorecard.errors.ScorecardError`."""
    a = get_assessment(session, assessment_id=a_id)
    b = get_assessment(session, assessment_id=b_id)
    sets = answer_sets_for(session, assessments=[a, b] if a.id != b.id else [a], details=False)
    fa, fb = assessment_framework(a), assessment_framework(b)
    c = compare(fa, sets[a.id], fb, sets[b.id])
    deltas = [
        (
            d.title,
            fmt_score(d.old),
            fmt_score(d.new),
            fmt_delta(d.delta),
            (d.delta or 0) > 1e-9,
            (d.delta or 0) < -1e-9,
            (fmt_score(d.rescored), fmt_delta(d.framework_effect), fmt_delta(d.answer_effect)),
        )
        for d in [*c.dimensions, c.overall]
    ]
    titles = {d.id: d.title for d in fb.dimensions} | {
        d.id: d.title for d in fa.dimensions if fb.dimension(d.id) is None
    }
    keys = [k for k in ANSWER_KEYS if k in fb.scale]
    changes = [
        ChangeRow(
            question_id=q.question_id,
            text=q.text,
            dimension=titles.get(q.dimension_id, q.dimension_id),
            before=_bars(q.old_distribution, keys),
            after=_bars(q.new_distribution, keys),
            old_value=fmt_score(None if q.old_value is None else 100 * q.old_value, 0),
            new_value=fmt_score(None if q.new_value is None else 100 * q.new_value, 0),
            delta=fmt_delta(None if q.delta is None else 100 * q.delta, 0),
            up=(q.delta or 0) > 1e-9,
            down=(q.delta or 0) < -1e-9,
        )
        for q in c.changes
    ]
    return CompareView(
        a=a,
        b=b,
        a_unit=a.unit.name,
        b_unit=b.unit.name,
        comparison=c,
        deltas=deltas,
        changes=changes,
        unchanged=len(c.questions) - len(changes),
    )


# --- the organization -----------------------------------------------------------------------------


def mark_uncertain(heat: Heatmap, spreads: Mapping[int, Mapping[str, Spread]]) -> Heatmap:
    """The heatmap with uncertain cells (:data:`~mlops_scorecard.store.rollup.UNCERTAINTY_RULE`)
    hatched and every scored cell's tooltip saying how much it rests on."""
    ids = [did for did, _ in heat.columns]
    rows: list[HeatRow] = []
    for row in heat.rows:
        found = spreads.get(row.unit.id)
        if found is None or row.assessment_id is None:
            rows.append(row)
            continue
        cells = [_marked(c, found.get(did)) for c, did in zip(row.cells, ids, strict=True)]
        rows.append(dataclasses.replace(row, cells=cells, overall=_marked(row.overall, found.get("overall"))))
    return Heatmap(columns=heat.columns, rows=rows)


def _marked(cell: HeatCell, sp: Spread | None) -> HeatCell:
    if sp is None or cell.text == "—":
        return cell
    style = f"{cell.style};{HATCH}" if sp.uncertain else cell.style
    return dataclasses.replace(cell, style=style, title=f"{cell.title} ({sp.reason()})")


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
        text += f" (above {100 * p.percentile:.0f}% of the others)"
    return text


def org_analysis(
    order: Sequence[TreeNode],
    units: Sequence[Unit],
    latest: Mapping[int, tuple[Any, Mapping[str, Any]]],
    columns: Sequence[tuple[str, str]],
    team: str | None = None,
) -> OrgAnalysis:
    """Roll-ups of every department (and the organization) from their teams, the
    distribution of team scores per dimension, and where the team ``team`` (an id from
    the query string, ignored unless it is a team with scores) stands."""
    teams = team_scores(units, latest)
    ids = [did for did, _ in columns]
    rolled: list[Rollup] = rollups(order, units, teams, ids)
    depth = {n.id: n.depth for n in order}
    rows = []
    for r in rolled:
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
    all_columns = [*columns, ("overall", "Overall")]
    dists: list[Distribution] = distributions(teams.values(), all_columns)
    number = whole_number(team or "")
    chosen = number if number in teams else None
    dist_rows = []
    for d in dists:
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
    session: Session, team: int | None
) -> tuple[list[str], list[list[float]], list[float | None] | None, str]:
    """Labels, each dimension's team scores and the highlighted team's scores for
    :func:`~mlops_scorecard.charts.render_distribution`."""
    from ..store.assessments import latest_results
    from .views import heatmap

    units = list_units(session)
    latest = latest_results(session)
    columns = [*heatmap([], latest).columns, ("overall", "Overall")]
    teams = team_scores(units, latest)
    dists = distributions(teams.values(), columns)
    labels = [title for _, title in columns]
    groups = [[s for _, s in d.scores] for d in dists]
    if team is None or team not in teams:
        return labels, groups, None, ""
    mine = teams[team]
    return labels, groups, [mine.score(did) for did, _ in columns], mine.name
