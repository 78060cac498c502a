"""Tests for trends across a unit's assessments (pure data, no database)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mlops_scorecard.analysis.trends import TrendEntry, build_trend
from mlops_scorecard.charts import render_trend


def result(overall: float | None, scores: dict[str, float | None], respondents: int = 3) -> dict[str, Any]:
    titles = {"gov": "Governance", "data": "Data", "new": "New dimension"}
    return {
        "overall": overall,
        "respondent_count": respondents,
        "dimensions": [{"id": k, "title": titles[k], "score": v} for k, v in scores.items()],
    }


def entry(aid: int, date: str, res: dict[str, Any], status: str = "closed") -> TrendEntry:
    return TrendEntry(aid, f"A{aid}", dt.date.fromisoformat(date), status, res)


def test_points_are_in_date_order_and_unanswered_ones_are_left_out() -> None:
    trend = build_trend(
        [
            entry(2, "2025-04-01", result(50, {"gov": 40, "data": 60})),
            entry(1, "2025-01-01", result(30, {"gov": 20, "data": 40})),
            entry(3, "2025-07-01", result(None, {"gov": None, "data": None}, respondents=0), "open"),
        ]
    )
    assert [p.assessment_id for p in trend.points] == [1, 2]
    assert trend.dimensions == [("gov", "Governance"), ("data", "Data")]
    assert trend.values("gov") == [20.0, 40.0]
    assert trend.overall() == [30.0, 50.0]
    assert trend.since_previous("gov") == trend.since_first("gov") == 20.0
    assert trend.since_previous() == 20.0
    assert trend.labels() == ["2025-01-01", "2025-04-01"]


def test_dimensions_match_by_id_across_versions_and_gaps_stay_none() -> None:
    trend = build_trend(
        [
            entry(1, "2025-01-01", result(30, {"gov": 20})),
            entry(2, "2025-04-01", result(50, {"gov": None, "new": 70})),
        ]
    )
    assert trend.dimensions == [("gov", "Governance"), ("new", "New dimension")]
    assert trend.values("new") == [None, 70.0]
    assert trend.values("gov") == [20.0, None]
    assert trend.since_previous("gov") is None  # no latest score: no change
    assert trend.since_first("gov") is None
    assert trend.since_previous("new") is None  # only one score
    assert trend.since_first("new") is None
    names = [s.name for s in trend.series()]
    assert names == ["Governance", "New dimension", "Overall"]
    assert trend.series()[-1].dashed


def test_same_date_labels_are_unique() -> None:
    trend = build_trend(
        [entry(1, "2025-01-01", result(30, {"gov": 20})), entry(2, "2025-01-01", result(40, {"gov": 30}))]
    )
    assert trend.labels() == ["2025-01-01", "2025-01-01 #2"]


def test_empty_trend_and_its_chart() -> None:
    trend = build_trend([])
    assert trend.points == []
    assert trend.dimensions == []
    svg = render_trend(trend.labels(), trend.series(), "svg")
    assert b"No scores yet" in svg


def test_trend_chart_is_deterministic_and_checks_lengths() -> None:
    trend = build_trend(
        [
            entry(1, "2025-01-01", result(30, {"gov": 20, "data": None})),
            entry(2, "2025-04-01", result(50, {"gov": 40, "data": 60})),
        ]
    )
    first = render_trend(trend.labels(), trend.series(), "svg", title="Trend")
    assert first == render_trend(trend.labels(), trend.series(), "svg", title="Trend")
    assert b"Governance" in first
    assert b"Overall" in first
    assert render_trend(trend.labels(), trend.series(), "png").startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="one per point"):
        render_trend(["only one"], trend.series())


def test_since_previous_and_since_first_are_two_figures() -> None:
    trend = build_trend(
        [
            entry(1, "2025-01-01", result(30, {"gov": 20})),
            entry(2, "2025-04-01", result(50, {"gov": 60})),
            entry(3, "2025-07-01", result(45, {"gov": 50})),
        ]
    )
    assert trend.since_previous("gov") == -10.0  # the latest against the one before it
    assert trend.since_first("gov") == 30.0  # the latest against the first
    assert (trend.since_previous(), trend.since_first()) == (-5.0, 15.0)


def test_a_change_needs_both_scores() -> None:
    """Since previous is against the assessment before, never a skip to an older one."""
    trend = build_trend(
        [
            entry(1, "2025-01-01", result(30, {"gov": None})),
            entry(2, "2025-04-01", result(40, {"gov": 20})),
            entry(3, "2025-07-01", result(50, {"gov": None, "data": 10})),
            entry(4, "2025-10-01", result(60, {"gov": 50, "data": 30})),
        ]
    )
    assert trend.since_previous("gov") is None  # the assessment before has no score
    assert trend.since_first("gov") is None  # nor has the first
    assert trend.since_previous("data") == 20.0
    assert trend.since_previous() == 10.0
    assert trend.since_first() == 30.0


def test_stored_and_scored_assessments_make_the_same_trend() -> None:
    """One trend computation: result data of stored assessments and scored results line up."""
    from mlops_scorecard.analysis.trends import score_trend
    from mlops_scorecard.example import example_answers
    from mlops_scorecard.framework import get_framework
    from mlops_scorecard.scoring import score

    fw = get_framework("mlops-scorecard")
    dates = [dt.date(2025, 1, 1), dt.date(2025, 1, 1), dt.date(2025, 3, 1)]
    results = [score(fw, example_answers(fw, respondents=3, seed=s)) for s in (1, 2, 3)]
    scored = score_trend([(d, r, None) for d, r in zip(dates, results, strict=True)])
    stored = build_trend(
        TrendEntry(i + 1, f"A{i + 1}", d, "closed", r.to_dict())
        for i, (d, r) in enumerate(zip(dates, results, strict=True))
    )
    assert type(scored) is type(stored)
    assert stored.labels() == scored.labels() == ["2025-01-01", "2025-01-01 #2", "2025-03-01"]
    assert stored.dimensions == scored.dimensions
    assert [p.scores for p in stored.points] == [p.scores for p in scored.points]
    assert stored.overall() == scored.overall()
    assert [p.framework for p in stored.points] == [p.framework for p in scored.points]
    assert [p.respondents for p in stored.points] == [3, 3, 3]
    assert scored.points[0].result is results[0]
    assert stored.points[0].result is None
    assert [p.assessment_id for p in stored.points] == [1, 2, 3]
