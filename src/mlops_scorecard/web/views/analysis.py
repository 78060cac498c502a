"""The analysis sections of the assessment page: agreement, intervals, hotspots and
scores by role, and the series of the radars with interval bands and by role.

The numbers come from the core (:func:`mlops_scorecard.analysis.analyze`); this module turns
them into rows for the templates, rounded by :mod:`mlops_scorecard.format`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...analysis import Analysis
from ...analysis.roles import RoleBreakdown, role_series
from ...analysis.uncertainty import Uncertainty, interval_series
from ...charts import Series
from ...format import (
    answer_choices,
    answer_label,
    fmt_alpha,
    fmt_amount_in,
    fmt_delta,
    fmt_interval_in,
    fmt_number,
    fmt_score,
    fmt_score_in,
    framework_answer_ends,
)
from ...scoring import ScoreResult
from ...store.analysis import target_value
from .common import Bar, answer_bars, is_wide

__all__ = [
    "HOTSPOTS_SHOWN",
    "AssessmentAnalysis",
    "HotspotRow",
    "IntervalRow",
    "RoleRow",
    "assessment_view",
    "interval_radar",
    "roles_radar",
]

#: Hotspots listed on the page (the API lists them all).
HOTSPOTS_SHOWN = 12


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
    distribution: list[Bar]
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
    #: a split hotspot's answers in the scale's words ("yes and no")
    split_words: str = "yes and no"
    #: what the trust sentence is built from (analysis.confidence): the overall alpha,
    #: how many dimensions' intervals are wide, the answered share (None: no questions)
    alpha: float | None = None
    wide_intervals: int = 0
    coverage: float | None = None


def assessment_view(an: Analysis, *, missing: Sequence[str] | None = None) -> AssessmentAnalysis:
    """The assessment page's analysis sections, from the core's
    :func:`~mlops_scorecard.analysis.analyze`; ``missing`` replaces the roles listed as
    missing (for viewers, the roles of the answers before small ones were merged)."""
    result, u, agree = an.result, an.uncertainty, an.agreement
    # scores, intervals and widths in the framework's unit, as the scores table shows them
    points = result.framework.points
    n = len(result.respondents)
    rows = []
    for d in result.dimensions:
        iv = u.dimensions.get(d.id)
        a = agree.dimensions.get(d.id)
        rows.append(
            IntervalRow(
                id=d.id,
                title=d.dimension.title,
                score=fmt_score_in(d.score, points, unit=False),
                interval=fmt_interval_in(
                    None if iv is None else iv.low, None if iv is None else iv.high, points
                ),
                width="—" if iv is None else fmt_amount_in(iv.width, points),
                wide=is_wide(None if iv is None else iv.width),
                alpha=fmt_alpha(None if a is None else a.alpha),
                band="" if a is None else a.band,
            )
        )
    ov = u.overall
    rows.append(
        IntervalRow(
            id="overall",
            title="Overall",
            score=fmt_score_in(result.overall, points, unit=False),
            interval=fmt_interval_in(None if ov is None else ov.low, None if ov is None else ov.high, points),
            width="—" if ov is None else fmt_amount_in(ov.width, points),
            wide=is_wide(None if ov is None else ov.width),
            alpha=fmt_alpha(agree.overall.alpha),
            band=agree.overall.band,
        )
    )
    fw = result.framework
    choices = answer_choices(fw)
    hotspots = [
        HotspotRow(
            rank=i + 1,
            question_id=h.question.id,
            text=h.question.text,
            dimension=h.dimension.title,
            split=h.split,
            spread=fmt_number(h.spread, 2),
            swing=fmt_amount_in(h.swing, fw.points),
            overall_swing=fmt_amount_in(h.overall_swing, fw.points),
            distribution=answer_bars(h.distribution, choices),
            # the answer beside each comment, never who gave it, and sorted: the order
            # of respondents would tie one person's comments on two questions together
            comments=sorted((answer_label(fw, c.answer), c.comment) for c in h.comments),
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
        alpha=agree.overall.alpha,
        wide_intervals=sum(1 for iv in u.dimensions.values() if iv is not None and is_wide(iv.width)),
        coverage=result.counts.coverage if result.counts.total else None,
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
        missing_roles=list(breakdown.missing if missing is None else missing),
        present_roles=list(breakdown.present),
        roles_chart="group" if len(breakdown.groups) >= 2 else "role",
        split_words=" and ".join(framework_answer_ends(result.framework)),
    )


def interval_radar(
    result: ScoreResult, u: Uncertainty, targets: Mapping[str, Any]
) -> tuple[list[str], list[Series]]:
    """Radar labels and series: the scores with their intervals (``u``) as a band, and
    the targets dashed (when there are any)."""
    labels = [d.dimension.title for d in result.dimensions]
    series = [interval_series(result, u, name=f"Score ({round(100 * u.confidence)}% interval band)")]
    if targets:
        series.append(Series("Target", [target_value(targets, d.id) for d in result.dimensions], dashed=True))
    return labels, series


def roles_radar(result: ScoreResult, breakdown: RoleBreakdown, by: str) -> tuple[list[str], list[Series]]:
    """Radar labels and one series per role (``by="role"``) or role group (``"group"``)
    of ``breakdown``, with everyone's score (``result``) dashed for reference."""
    labels, series = role_series(breakdown, by=by)
    if not labels:
        labels = [d.dimension.title for d in result.dimensions]
    everyone = Series(
        f"everyone (n={len(result.respondents)})", [d.score for d in result.dimensions], dashed=True
    )
    return labels, [*series, everyone]
