"""Progress over time: comparing two assessments (also across framework versions),
targets, and the trend of several assessments."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from mlops_scorecard.analysis.comparison import compare
from mlops_scorecard.analysis.targets import target_gaps
from mlops_scorecard.analysis.trends import framework_change_notes, score_trend
from mlops_scorecard.analysis.uncertainty import intervals
from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.charts import Series, render_trend_with_bands
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.framework import Framework, parse_framework
from mlops_scorecard.scoring import score

LEVELS = [{"id": "low", "name": "Low", "min": 0}, {"id": "high", "name": "High", "min": 50}]


def make_framework(version: str, dims: dict[str, list[str]], *, fid: str = "inline") -> Framework:
    data: dict[str, Any] = {
        "id": fid,
        "version": version,
        "title": "Inline",
        "levels": LEVELS,
        "dimensions": [
            {"id": did, "title": did.upper(), "questions": [{"id": q, "text": f"Question {q}?"} for q in qs]}
            for did, qs in dims.items()
        ],
    }
    return parse_framework(data)


V1 = make_framework("1", {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"]})
# version 2 drops a2 and adds a4
V2 = make_framework("2", {"a": ["a1", "a3", "a4"], "b": ["b1", "b2"]})


def answers(ref: str, people: list[dict[str, str]], *, date: str | None = None) -> AnswerSet:
    data: dict[str, Any] = {
        "framework": ref,
        "question_set": "core",
        "respondents": [{"name": f"P{i}", "answers": a} for i, a in enumerate(people)],
    }
    if date:
        data["date"] = date
    return parse_answers(data)


OLD = answers(
    "inline@1",
    [
        {"a1": "yes", "a2": "no", "a3": "partly", "b1": "no", "b2": "yes"},
        {"a1": "yes", "a2": "no", "a3": "no", "b1": "no", "b2": "partly"},
    ],
)


def test_compare_same_version() -> None:
    new = answers(
        "inline@1",
        [
            {"a1": "yes", "a2": "yes", "a3": "partly", "b1": "no", "b2": "yes"},
            {"a1": "yes", "a2": "partly", "a3": "no", "b1": "no", "b2": "yes"},
        ],
    )
    c = compare(V1, OLD, V1, new)
    assert c.same_questions
    assert c.note is None
    assert c.dropped == c.added == []
    old_r, new_r = score(V1, OLD), score(V1, new)
    assert c.overall.old == old_r.overall
    assert c.overall.new == new_r.overall
    assert new_r.overall is not None
    assert old_r.overall is not None
    assert c.overall.delta == pytest.approx(new_r.overall - old_r.overall)
    deltas = {d.dimension_id: d.delta for d in c.dimensions}
    # a: (1 + 0 + 0.25)/3 -> (1 + 0.75 + 0.25)/3 ; b: (0 + 0.75)/2 -> (0 + 1)/2
    assert deltas == {"a": pytest.approx(100 * 0.75 / 3), "b": pytest.approx(12.5)}
    changed = {q.question_id: q for q in c.changes}
    assert list(changed) == ["a2", "b2"]  # largest change of value first
    a2 = changed["a2"]
    assert a2.old_distribution["no"] == 2
    assert a2.new_distribution["yes"] == 1
    assert a2.new_distribution["partly"] == 1
    assert (a2.old_value, a2.new_value) == (0.0, 0.75)
    assert not next(q for q in c.questions if q.question_id == "a1").changed
    json.dumps(c.to_dict())


def test_compare_across_versions_uses_shared_questions_and_says_so() -> None:
    new = answers("inline@2", [{"a1": "yes", "a3": "yes", "a4": "no", "b1": "partly", "b2": "yes"}])
    c = compare(V1, OLD, V2, new)
    assert not c.same_questions
    assert c.shared == ["a1", "a3", "b1", "b2"]
    assert c.dropped == ["a2"]
    assert c.added == ["a4"]
    assert c.note is not None
    assert "4 questions both" in c.note
    assert "a2" in c.note
    assert "a4" in c.note
    # old on a1, a3: (1 + 0.25)/2 = 62.5 ; new on a1, a3: 100 (a4's "no" is left out)
    deltas = {d.dimension_id: [d.old, d.new] for d in c.dimensions}
    assert deltas["a"] == pytest.approx([62.5, 100.0])
    assert deltas["b"] == pytest.approx([37.5, 75.0])
    assert c.overall.delta == pytest.approx((100 + 75) / 2 - (62.5 + 37.5) / 2)
    # the full scores are kept for reference
    assert c.old_result.dimension("a").score == pytest.approx(100 * 1.25 / 3)
    assert c.new_result.dimension("a").score == pytest.approx(100 * 2 / 3)
    assert [q.question_id for q in c.questions] == c.shared
    assert V1.question("a2") is not None  # the frameworks themselves are untouched


def test_compare_across_versions_splits_the_framework_effect_from_the_answers() -> None:
    # v3 has the same question ids as v1, but a3 weighs 3 and b1 moved from b to a
    data: dict[str, Any] = V1.model_dump(mode="json")
    data["version"] = "3"
    a, b = data["dimensions"]
    a["questions"][2]["weight"] = 3
    a["questions"].append(b["questions"].pop(0))
    v3 = parse_framework(data)
    people: list[dict[str, str]] = [{k: str(v.answer) for k, v in r.answers.items()} for r in OLD.respondents]
    same_answers = answers("inline@3", people)
    c = compare(V1, OLD, v3, same_answers)
    assert c.same_questions  # the same question ids...
    assert not c.same_version  # ...but not the same framework, and the note says what changed
    assert c.note is not None
    assert "inline@1 to inline@3" in c.note
    assert "b1 moved from b to a" in c.note
    assert "a3 weighs 3 (was 1)" in c.note
    for d in [*c.dimensions, c.overall]:
        # identical answers: the whole change is the framework's, none the answers'
        assert d.delta is not None
        assert d.framework_effect == pytest.approx(d.delta)
        assert d.answer_effect == pytest.approx(0.0, abs=1e-9)
    assert next(d for d in c.dimensions if d.dimension_id == "a").delta != pytest.approx(0.0)
    data_out = c.to_dict()
    assert data_out["same_version"] is False
    assert data_out["overall"]["rescored"] == pytest.approx(score(v3, same_answers).overall)

    # other answers under v3: the change splits into both parts, which add up
    better = answers("inline@3", [{**p, "a2": "yes", "b2": "yes"} for p in people])
    c = compare(V1, OLD, v3, better)
    for d in [*c.dimensions, c.overall]:
        assert d.framework_effect is not None
        assert d.answer_effect is not None
        assert d.framework_effect + d.answer_effect == pytest.approx(d.delta)
    assert c.overall.answer_effect == pytest.approx(
        (score(v3, better).overall or 0) - (score(v3, same_answers).overall or 0)
    )


def test_compare_same_version_has_no_split() -> None:
    c = compare(V1, OLD, V1, OLD)
    assert c.same_version
    assert c.note is None
    assert (c.overall.rescored, c.overall.framework_effect, c.overall.answer_effect) == (None, None, None)


def test_compare_core_and_full_sets_compares_the_core() -> None:
    fw = parse_framework(
        {
            "id": "inline",
            "version": "1",
            "title": "Inline",
            "levels": LEVELS,
            "dimensions": [
                {
                    "id": "a",
                    "title": "A",
                    "questions": [
                        {"id": "a1", "text": "A1?"},
                        {"id": "x1", "text": "X1?", "set": "extended"},
                    ],
                }
            ],
        }
    )
    core = answers("inline@1", [{"a1": "no"}])
    full = parse_answers(
        {
            "framework": "inline@1",
            "question_set": "full",
            "respondents": [{"answers": {"a1": "yes", "x1": "no"}}],
        }
    )
    c = compare(fw, core, fw, full)
    assert c.added == ["x1"]
    assert c.overall.delta == pytest.approx(100.0)


def test_compare_rejects_other_frameworks_and_nothing_shared() -> None:
    other = make_framework("1", {"a": ["a1"]}, fid="other")
    with pytest.raises(ScorecardError, match="different frameworks"):
        compare(V1, OLD, other, answers("other@1", [{"a1": "yes"}]))
    disjoint = make_framework("3", {"z": ["z1"]})
    with pytest.raises(ScorecardError, match="share no question"):
        compare(V1, OLD, disjoint, answers("inline@3", [{"z1": "yes"}]))


# --- targets -------------------------------------------------------------------------------


def test_target_gaps() -> None:
    result = score(V1, OLD)  # a = 41.67, b = 37.5, overall 39.58
    gaps = target_gaps(result, {"b": 30, "a": 60, "overall": 50})
    assert [g.dimension_id for g in gaps] == ["a", "b", "overall"]
    a, b, overall = gaps
    assert a.gap == pytest.approx(60 - 125 / 3)
    assert not a.met
    assert b.met
    assert b.gap == pytest.approx(-7.5)
    assert overall.gap is not None
    assert overall.to_dict()["target"] == 50
    with pytest.raises(ScorecardError, match="unknown dimension 'zz'"):
        target_gaps(result, {"zz": 50})
    with pytest.raises(ScorecardError, match="not a score"):
        target_gaps(result, {"a": 120})


# --- trend ---------------------------------------------------------------------------------


def test_trend_orders_by_date_with_intervals() -> None:
    q1 = answers("inline@1", [{"a1": "no", "b1": "no"}, {"a1": "partly", "b1": "no"}])
    q2 = answers("inline@1", [{"a1": "yes", "b1": "partly"}, {"a1": "partly", "b1": "no"}])
    points = [
        (dt.date(2026, 4, 1), score(V1, q2), intervals(V1, q2)),
        (dt.date(2026, 1, 1), score(V1, q1), intervals(V1, q1)),
        (dt.date(2026, 4, 1), score(V1, q1), None),
    ]
    t = score_trend(points)
    assert t.labels() == ["2026-01-01", "2026-04-01", "2026-04-01 #2"]
    assert t.dimensions == [("a", "A"), ("b", "B")]
    assert t.values("a") == [pytest.approx(25.0), pytest.approx(75.0), pytest.approx(25.0)]
    band = t.band("a")
    assert band is not None
    assert band[0][2] is None  # no intervals for the third point
    series = t.series()
    assert [s.name for s in series] == ["A", "B", "Overall"]
    assert series[-1].dashed
    assert series[0].band is not None
    assert t.notes == []
    data = t.to_dict()
    json.dumps(data)
    assert data["points"][2]["intervals"] is None


def test_trend_notes_other_framework_versions() -> None:
    new = answers("inline@2", [{"a1": "yes", "a4": "no"}])
    t = score_trend(
        [(dt.date(2026, 1, 1), score(V1, OLD), None), (dt.date(2026, 2, 1), score(V2, new), None)]
    )
    assert len(t.notes) == 2
    assert "inline@1" in t.notes[0]
    assert "inline@2" in t.notes[0]
    # the step between the versions, compared through the mapping (by id: none declared)
    assert t.notes[1].startswith("From 2026-01-01 to 2026-02-01 the framework changed (inline@1 to inline@2)")
    assert "Left out: inline@1's a2 (removed), inline@2's a4 (added)." in t.notes[1]
    assert [s.to_dict()["left_out"] for s in t.steps] == [
        {"old": [{"question": "a2", "reason": "removed"}], "new": [{"question": "a4", "reason": "added"}]}
    ]
    assert t.band("a") is None


def test_trend_notes_split_a_version_change() -> None:
    # v4 moves b1 into a: the same answers score 16.7 overall under v1, 12.5 under v4
    v4 = make_framework("4", {"a": ["a1", "a2", "a3", "b1"], "b": ["b2"]})
    people = [{"a1": "yes", "a2": "no", "a3": "no", "b1": "no", "b2": "no"}]
    old, same = answers("inline@1", people), answers("inline@4", people)
    notes = framework_change_notes(
        [(dt.date(2026, 4, 1), v4, same), (dt.date(2026, 1, 1), V1, old), (dt.date(2026, 7, 1), v4, same)]
    )
    assert len(notes) == 1  # one version change, found in date order
    assert notes[0].startswith("From 2026-01-01 to 2026-04-01 the framework changed (inline@1 to inline@4)")
    assert (
        "change of -4.2 on the shared questions, -4.2 is due to the framework and +0.0 to the answers"
        in (notes[0])
    )


def test_trend_chart_draws_the_bands() -> None:
    q1 = answers("inline@1", [{"a1": "no", "b1": "no"}, {"a1": "partly", "b1": "yes"}])
    q2 = answers("inline@1", [{"a1": "yes", "b1": "partly"}, {"a1": "partly", "b1": "no"}])
    t = score_trend(
        [
            (dt.date(2026, 1, 1), score(V1, q1), intervals(V1, q1)),
            (dt.date(2026, 4, 1), score(V1, q2), intervals(V1, q2)),
        ]
    )
    with_bands = render_trend_with_bands(t.labels(), t.series(), "svg")
    assert with_bands == render_trend_with_bands(t.labels(), t.series(), "svg")  # reproducible
    plain = render_trend_with_bands(
        t.labels(), [Series(s.name, s.values, dashed=s.dashed) for s in t.series()]
    )
    assert with_bands.startswith(b"<?xml")
    assert with_bands.count(b"<path") > plain.count(b"<path")  # one filled band per series
    with pytest.raises(ValueError, match="one per point"):
        render_trend_with_bands(t.labels(), [Series("A", [1.0, 2.0], band=([1.0], [2.0]))])
