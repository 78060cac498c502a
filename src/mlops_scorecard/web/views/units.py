"""A unit's page: its trend table, the trend with intervals, gaps to target, and the
series of the trend charts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...analysis.trends import Trend
from ...charts import Series
from ...format import NO_SCORE, fmt_amount_in, fmt_delta, fmt_interval, fmt_score, fmt_score_in
from ...store.analysis import UnitTrend
from ...store.answer_sets import assessment_framework
from ...store.models import Assessment, Unit
from .common import is_wide

__all__ = ["TrendRow", "UnitAnalysis", "assessment_rows", "trend_series", "trend_table", "unit_view"]


def assessment_rows(
    assessments: Sequence[Assessment], results: Mapping[int, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The unit's assessments, newest first, with respondents, overall score and level
    from their ``results`` (:func:`~mlops_scorecard.store.results.summary_results`)."""
    return [
        {
            "a": a,
            "respondents": int(results[a.id].get("respondent_count") or 0),
            "overall": fmt_score(results[a.id].get("overall")),
            "level": results[a.id].get("level_name") or NO_SCORE,
        }
        for a in reversed(assessments)
    ]


def trend_series(ut: UnitTrend) -> list[Series]:
    """A series per dimension and the overall (dashed), each with its band of intervals."""
    trend = ut.trend
    out = [Series(title, trend.values(did), band=ut.band(did)) for did, title in trend.dimensions]
    out.append(Series("Overall", trend.overall(), band=ut.band(None), dashed=True))
    return out


def trend_table(trend: Trend) -> list[tuple[str, list[str], str, str]]:
    """The unit page's table: per dimension and overall, the score at each point, the
    change since the previous point and since the first (empty when there is none)."""
    return [
        (
            title,
            [fmt_score(v) for v in (trend.overall() if did is None else trend.values(did))],
            fmt_delta(trend.since_previous(did), none=""),
            fmt_delta(trend.since_first(did), none=""),
        )
        for did, title in [*trend.dimensions, (None, "Overall")]
    ]


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


def unit_view(unit: Unit, ut: UnitTrend, assessments: Sequence[Assessment]) -> UnitAnalysis:
    """The unit page's trend with intervals, gap to target of the latest, and comparison
    links (``assessments`` oldest first)."""
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
                    is_wide(None if iv is None else iv.width),
                )
            )
        rows.append(TrendRow(p.assessment_id, p.label, p.title, p.respondents, cells))
    # the gaps in the latest assessment's unit (points for a framework that counts them),
    # as its own page shows them
    latest_points = (
        None
        if not trend.points
        else assessment_framework(ut.assessments[trend.points[-1].assessment_id]).points
    )
    gaps = [
        (
            g.title,
            fmt_amount_in(g.target, latest_points),
            fmt_score_in(g.score, latest_points, unit=False),
            "met" if g.met else fmt_amount_in(g.gap, latest_points),
            g.met,
        )
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
