"""Agreement, hotspots, intervals, roles and warnings (mlops_scorecard.analysis).

Alpha is checked against a published worked example and the ``krippendorff`` package;
intervals against a hand computation (their coverage is simulated in
``test_interval_coverage.py``); properties (Hypothesis) check that full agreement gives alpha 1 and
that the order of respondents changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import stdtrit

from mlops_scorecard.analysis import (
    Analysis,
    agreement,
    analyze,
    caveats,
    hotspots,
    interval_series,
    role_breakdown,
    role_series,
)
from mlops_scorecard.analysis.agreement import ordinal_alpha, ordinal_alpha_from_ratings
from mlops_scorecard.analysis.hotspots import SPLIT_MIN_SHARE
from mlops_scorecard.analysis.roles import EXPECTED_ROLES, normalize_role
from mlops_scorecard.analysis.uncertainty import METHOD, PRIOR_RESPONDENTS, Interval, intervals
from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.framework import Framework, parse_framework
from mlops_scorecard.matrix import ScoreMatrix
from mlops_scorecard.planning import build_plan
from mlops_scorecard.scoring import score

LEVELS = [{"id": "low", "name": "Low", "min": 0}, {"id": "high", "name": "High", "min": 50}]


def make_framework(dims: dict[str, list[tuple[str, float]]], *, fid: str = "inline") -> Framework:
    """``{dimension_id: [(question_id, weight), ...]}``, all core, unit dimension weights."""
    return parse_framework(
        {
            "id": fid,
            "version": "1",
            "title": "Inline",
            "levels": LEVELS,
            "dimensions": [
                {
                    "id": did,
                    "title": did.title(),
                    "questions": [{"id": q, "text": f"Question {q}?", "weight": w} for q, w in qs],
                }
                for did, qs in dims.items()
            ],
        }
    )


FW = make_framework({"alpha": [("a1", 1), ("a2", 1), ("a3", 1)], "beta": [("b1", 1), ("b2", 2), ("b3", 1)]})
QIDS = ["a1", "a2", "a3", "b1", "b2", "b3"]


def answers_of(
    rows: list[list[str | None]],
    *,
    qids: list[str] = QIDS,
    roles: list[str] | None = None,
    comments: dict[tuple[int, str], str] | None = None,
    framework: str = "inline",
) -> AnswerSet:
    """An answer set from a respondents x questions table of answer keys (None: left out)."""
    people = []
    for i, row in enumerate(rows):
        given_: dict[str, Any] = {}
        for q, key in zip(qids, row, strict=True):
            if key is None:
                continue
            text = (comments or {}).get((i, q))
            given_[q] = {"answer": key, "comment": text} if text else key
        people.append({"name": f"P{i}", "role": (roles or [""] * len(rows))[i], "answers": given_})
    return parse_answers({"framework": framework, "question_set": "core", "respondents": people})


# --- Krippendorff's alpha ------------------------------------------------------------------

# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), and "Content
# Analysis" (4th ed., 2019, p. 290): 4 observers x 12 units, values 1-5, missing data.
# Published: nominal 0.743, ordinal 0.815, interval 0.849.
WORKED = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
    ]
)


def test_alpha_matches_the_published_worked_example() -> None:
    alpha = ordinal_alpha_from_ratings(WORKED)
    assert alpha is not None
    assert round(alpha, 3) == 0.815


def test_alpha_from_the_worked_examples_value_counts() -> None:
    # the same data as a units x values table (Krippendorff's "values by units" matrix)
    counts = [[int((WORKED[:, u] == v).sum()) for v in (1, 2, 3, 4, 5)] for u in range(12)]
    assert counts[5] == [1, 1, 1, 1, 0]  # unit 6: 1, 2, 3, 4
    assert ordinal_alpha(counts) == pytest.approx(ordinal_alpha_from_ratings(WORKED))


def test_alpha_matches_the_krippendorff_package_on_random_data() -> None:
    rng = np.random.default_rng(2024)
    checked = 0
    for _ in range(300):
        coders, units = int(rng.integers(2, 9)), int(rng.integers(2, 30))
        data = rng.integers(0, 3, size=(coders, units)).astype(float)
        data[rng.random(data.shape) < rng.uniform(0, 0.5)] = np.nan
        ours = ordinal_alpha_from_ratings(data)
        if ours is None:
            continue
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
        assert ours == pytest.approx(theirs, abs=1e-9)
        checked += 1
    assert checked > 250


def test_agreement_per_dimension_matches_the_package() -> None:
    rng = np.random.default_rng(5)
    keys = np.array(["yes", "partly", "no", "na", "unknown"])
    for _ in range(40):
        n = int(rng.integers(2, 12))
        # answers correlated by question, so alpha is not always near 0
        base = rng.integers(0, 3, size=6)
        codes = np.where(rng.random((n, 6)) < 0.6, base, rng.integers(0, 5, size=(n, 6)))
        rows: list[list[str | None]] = [[str(keys[c]) for c in row] for row in codes]
        answers = answers_of(rows)
        report = agreement(FW, answers)
        values = {"yes": 2.0, "partly": 1.0, "no": 0.0}
        data = np.array([[values.get(k or "", np.nan) for k in row] for row in rows])
        for did, cols in (("alpha", slice(0, 3)), ("beta", slice(3, 6)), (None, slice(0, 6))):
            ours = report.overall if did is None else report.dimensions[did]
            part = data[:, cols]
            try:
                with np.errstate(invalid="ignore", divide="ignore"):
                    theirs = krippendorff.alpha(
                        reliability_data=part, level_of_measurement="ordinal", value_domain=[0.0, 1.0, 2.0]
                    )
            except ValueError:  # the package refuses data with one value or no pairable unit
                theirs = None
            if ours.alpha is None:
                assert theirs is None or np.isnan(theirs), (did, part)
            else:
                assert ours.alpha == pytest.approx(theirs, abs=1e-9)


def test_alpha_needs_two_respondents_and_some_variation() -> None:
    one = agreement(FW, answers_of([["yes", "no", "partly", "yes", "no", "yes"]]))
    assert one.overall.alpha is None
    assert one.overall.reason is not None
    assert "two or more respondents" in one.overall.reason
    same = agreement(FW, answers_of([["yes"] * 6, ["yes"] * 6]))
    assert same.overall.alpha is None
    assert same.overall.reason is not None
    assert "same answer" in same.overall.reason
    nothing = agreement(FW, answers_of([["na"] * 6, ["unknown"] * 6]))
    assert nothing.overall.alpha is None
    assert nothing.overall.units == 0


def test_alpha_readings_follow_the_documented_bands() -> None:
    agree = agreement(FW, answers_of([["yes", "no", "partly", "yes", "no", "yes"]] * 3))
    assert agree.overall.alpha == pytest.approx(1.0)
    assert agree.overall.band == "strong"
    opposed = agreement(FW, answers_of([["yes", "no"] * 3, ["no", "yes"] * 3]))
    assert opposed.overall.alpha is not None
    assert opposed.overall.alpha < 0
    assert opposed.overall.band == "none"


CELL = st.sampled_from(["yes", "partly", "no", "na", "unknown", None])
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(
    truth=st.lists(st.sampled_from(["yes", "partly", "no"]), min_size=6, max_size=6).filter(
        lambda t: len(set(t)) > 1
    ),
    others=st.lists(st.lists(st.booleans(), min_size=6, max_size=6), min_size=0, max_size=6),
    missing=st.sampled_from(["na", "unknown", None]),
)
def test_alpha_is_one_when_everyone_agrees(
    truth: list[str], others: list[list[bool]], missing: str | None
) -> None:
    # two people answer everything; others agree where they answer and skip the rest
    rows: list[list[str | None]] = [list(truth), list(truth)]
    rows += [[t if keep else missing for t, keep in zip(truth, mask, strict=True)] for mask in others]
    report = agreement(FW, answers_of(rows))
    assert report.overall.alpha == pytest.approx(1.0)
    for dim in report.dimensions.values():
        assert dim.alpha is None or dim.alpha == pytest.approx(1.0)


@PROPERTY
@given(
    rows=st.lists(st.lists(CELL, min_size=6, max_size=6), min_size=1, max_size=8),
    data=st.data(),
)
def test_order_of_respondents_changes_nothing(rows: list[list[str | None]], data: st.DataObject) -> None:
    order = data.draw(st.permutations(range(len(rows))))
    a = answers_of(rows)
    b = answers_of([rows[i] for i in order])
    assert _same(agreement(FW, a).to_dict(), agreement(FW, b).to_dict())
    assert _same(intervals(FW, a).to_dict(), intervals(FW, b).to_dict())
    assert _same(build_plan(score(FW, a)).to_dict(), build_plan(score(FW, b)).to_dict())
    assert _same([h.to_dict() for h in hotspots(FW, a)], [h.to_dict() for h in hotspots(FW, b)])


def _same(a: object, b: object) -> bool:
    """Equal data, floats up to the last bits (results are exact, not rounded, so the
    order of a sum can show in the 15th digit)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return bool(a == pytest.approx(b, rel=1e-12, abs=1e-12))
    return a == b


# --- hotspots ------------------------------------------------------------------------------


def test_hotspots_split_spread_and_order() -> None:
    rows: list[list[str | None]] = [
        # a1: yes/no split; a2: all yes; a3: partly x3 + yes (spread 0.22, below 0.25)
        # b1: yes/partly half-half (spread 0.25); b2 (weight 2): yes/no split; b3: no answers
        ["yes", "yes", "partly", "yes", "yes", None],
        ["no", "yes", "partly", "partly", "no", None],
        ["yes", "yes", "partly", "yes", "no", "na"],
        ["no", "yes", "yes", "partly", "yes", "unknown"],
    ]
    comments = {(1, "b2"): "We have no such thing.", (0, "b2"): "Yes, the release checklist."}
    found = hotspots(FW, answers_of(rows, comments=comments))
    assert [h.question.id for h in found] == ["b2", "a1", "b1"]
    b2, a1, b1 = found
    # b2 read at no (0) vs yes (1), with b1 = 0.75 and b3 without value (weights 1, 2):
    # beta = 100 * (0.75 + 2x) / 3 -> 25 at x = 0, 91.67 at x = 1: swing 66.67
    assert b2.swing == pytest.approx(200 / 3)
    assert b2.split
    # a1: alpha = 100 * (x + 1 + 0.625) / 3 -> swing 100 / 3
    assert a1.swing == pytest.approx(100 / 3)
    # b1 (partly vs yes): beta with b2 at 0.5: 100 * (x + 1) / 3 -> swing 50 / 3
    assert b1.swing == pytest.approx(50 / 3)
    assert not b1.split
    assert b1.spread == pytest.approx(0.25)
    # overall swing is the dimension swing over two equally weighted dimensions
    assert b2.overall_swing == pytest.approx(100 / 3)
    assert {(c.respondent, c.answer, c.comment) for c in b2.comments} == {
        ("P0", "yes", "Yes, the release checklist."),
        ("P1", "no", "We have no such thing."),
    }
    assert b2.distribution["yes"] == 2
    assert b2.distribution["no"] == 2
    assert hotspots(FW, answers_of(rows), limit=1)[0].question.id == "b2"


def test_a_lone_dissenter_in_a_large_group_is_not_a_split() -> None:
    n = 20
    rows: list[list[str | None]] = [["yes"] * 6 for _ in range(n)]
    rows[0][0] = "no"  # 1 of 20 = 5% < 10%, spread sqrt(0.05 * 0.95) = 0.22
    assert SPLIT_MIN_SHARE == 0.10
    assert hotspots(FW, answers_of(rows)) == []
    rows[1][0] = "no"  # 2 of 20 = 10%: a split
    assert [h.question.id for h in hotspots(FW, answers_of(rows))] == ["a1"]


# --- intervals -----------------------------------------------------------------------------


def test_intervals_are_deterministic_and_contain_the_score() -> None:
    rows: list[list[str | None]] = [
        ["yes", "no", "partly", "yes", "no", "yes"],
        ["no", "no", "partly", "yes", "yes", "yes"],
        ["yes", "partly", "no", "partly", "no", None],
        ["partly", "yes", "yes", "no", "no", "na"],
    ]
    answers = answers_of(rows)
    a = intervals(FW, answers)
    assert a == intervals(FW, answers)
    assert a.confidence == 0.9
    assert a.to_dict()["method"] == METHOD
    result = score(FW, answers)
    assert a.overall is not None
    assert result.overall is not None
    assert a.overall.contains(result.overall)
    for d in result.dimensions:
        iv = a.dimensions[d.id]
        assert iv is not None
        assert d.score is not None
        assert iv.contains(d.score)
    wider = intervals(FW, answers, confidence=0.99)
    assert wider.overall is not None
    assert wider.overall.width > a.overall.width
    more = intervals(FW, answers_of(rows * 4))
    assert more.overall is not None
    assert more.overall.width < a.overall.width


def test_interval_without_missing_answers_is_a_t_interval_over_respondents_own_scores() -> None:
    """When everybody answers every question, a dimension score is the mean of the
    respondents' own scores r_i; the interval is then by hand
    S +- t(df) * sqrt((sum (r_i - S)^2 + k * v0 * sum a_q^2) / (n (n - 1 + k)))."""
    rows: list[list[str | None]] = [
        ["yes", "no", "partly", "yes", "no", "yes"],
        ["no", "no", "partly", "yes", "yes", "yes"],
        ["yes", "partly", "no", "partly", "no", "no"],
        ["partly", "yes", "yes", "no", "no", "partly"],
        ["yes", "yes", "yes", "no", "partly", "partly"],
        ["no", "partly", "yes", "yes", "partly", "no"],
    ]
    answers = answers_of(rows)
    result = score(FW, answers)
    got = intervals(FW, answers)
    m = ScoreMatrix.build(FW, answers)
    n, k, v0 = len(rows), PRIOR_RESPONDENTS, 1 / 6
    for j, d in enumerate(result.dimensions):
        s = m.spans[j][1]
        a = m.weights[s] / m.weights[s].sum()
        own = np.array([r.dimensions[d.id] for r in result.respondents], dtype=float) / 100
        assert d.score is not None
        point = d.score / 100
        var = (float(((own - point) ** 2).sum()) + k * v0 * float((a**2).sum())) / (n * (n - 1 + k))
        iv = got.dimensions[d.id]
        assert iv is not None
        half = (iv.high - iv.low) / 2
        assert iv.low > 0
        assert iv.high < 100
        # the quantile's degrees of freedom lie between one variance's and one per question's
        lo_t = float(stdtrit(n - 1 + k, 0.95))
        hi_t = float(stdtrit(3 * (n - 1 + k), 0.95))
        assert hi_t * 100 * np.sqrt(var) <= half + 1e-9
        assert half <= lo_t * 100 * np.sqrt(var) + 1e-9
        assert (iv.low + iv.high) / 2 == pytest.approx(d.score)


def test_agreeing_respondents_do_not_make_an_interval_collapse() -> None:
    answers = answers_of([["yes"] * 6] * 3)
    got = intervals(FW, answers)
    assert got.overall is not None
    assert got.overall.high == 100
    # three people saying "yes" to everything leave room for a team that is not perfect
    assert got.overall.low < 90
    many = intervals(FW, answers_of([["yes"] * 6] * 40))
    assert many.overall is not None
    assert got.overall.low < many.overall.low < 100


def test_interval_edge_cases() -> None:
    empty = intervals(FW, answers_of([]))
    assert empty.overall is None
    assert all(v is None for v in empty.dimensions.values())
    one = intervals(FW, answers_of([["yes", "no", "partly", None, None, None]]))
    assert one.overall is not None
    # one respondent says next to nothing about the team: the interval says so
    assert one.overall.width > 50
    assert one.dimensions["beta"] is None  # no value in beta, so no score and no interval
    with pytest.raises(ScorecardError, match="confidence"):
        intervals(FW, answers_of([["yes"] * 6]), confidence=1.0)


def test_minimum_rule_takes_the_lowest_dimension_interval() -> None:
    fw = parse_framework(
        {
            "id": "min",
            "version": "1",
            "title": "Min",
            "overall": "minimum",
            "levels": LEVELS,
            "dimensions": [
                {"id": d, "title": d, "questions": [{"id": f"{d}{i}", "text": "Q?"} for i in (1, 2, 3)]}
                for d in ("alpha", "beta")
            ],
        }
    )
    first: list[str | None] = ["yes", "yes", "partly", "no", "no", "partly"]
    second: list[str | None] = ["yes", "partly", "yes", "no", "partly", "no"]
    rows = [first] * 2 + [second] * 3
    answers = answers_of(
        rows, qids=["alpha1", "alpha2", "alpha3", "beta1", "beta2", "beta3"], framework="min"
    )
    got = intervals(fw, answers)
    a, b = got.dimensions["alpha"], got.dimensions["beta"]
    assert a is not None
    assert b is not None
    assert got.overall == Interval(min(a.low, b.low), min(a.high, b.high))


def test_interval_series_carries_the_band() -> None:
    answers = answers_of(
        [["yes", "no", "partly", "yes", "no", "yes"], ["no", "no", "yes", "yes", "yes", "no"]]
    )
    s = interval_series(score(FW, answers), intervals(FW, answers))
    assert s.name == "Overall"
    assert s.band is not None
    lows, highs = s.band
    assert len(lows) == len(highs) == len(s.values) == 2
    assert all(
        lo is not None and hi is not None and lo <= v <= hi
        for lo, v, hi in zip(lows, s.values, highs, strict=True)
        if v is not None
    )


# --- roles ---------------------------------------------------------------------------------


def test_normalize_role() -> None:
    assert normalize_role("ML Engineer") == "ml-engineer"
    assert normalize_role("machine_learning engineer") == "ml-engineer"
    assert normalize_role("  CTO ") == "leadership"
    assert normalize_role("Product Manager") == "product"
    assert normalize_role("") == "(no role)"
    assert normalize_role("Researcher") == "researcher"


def test_role_breakdown_gap_and_missing_roles() -> None:
    rows: list[list[str | None]] = [
        ["yes", "yes", "yes", "yes", "yes", "yes"],  # leadership: everything is fine
        ["no", "no", "partly", "no", "no", "no"],  # ml engineer
        ["no", "partly", "no", "no", "no", "partly"],  # data scientist
        ["partly", "partly", "partly", "partly", "partly", "partly"],  # no role
    ]
    roles = ["Leadership", "ML engineer", "data_scientist", ""]
    b = role_breakdown(FW, answers_of(rows, roles=roles))
    assert [r.role for r in b.roles] == ["ml-engineer", "data-scientist", "leadership", "(no role)"]
    assert [r.respondents for r in b.roles] == [1, 1, 1, 1]
    assert b.roles[2].result.overall == pytest.approx(100.0)
    assert [g.role for g in b.groups] == ["leadership", "practitioners"]
    assert b.groups[1].respondents == 2
    assert b.groups[1].roles == ("ml-engineer", "data-scientist")
    # practitioners' alpha: a1 (0+0)/2, a2 (0+0.5)/2, a3 (0.5+0)/2 -> 100 * (0 + 0.25 + 0.25) / 3
    gaps = {g.dimension_id: g for g in b.gaps}
    assert gaps["alpha"].second == pytest.approx(50 / 3)
    assert gaps["alpha"].gap == pytest.approx(100 - 50 / 3)
    assert gaps["overall"].gap is not None
    assert b.present == ["ml-engineer", "data-scientist", "leadership"]
    assert b.missing == ["data-engineer", "product", "compliance"]
    assert set(b.missing) | set(b.present) == set(EXPECTED_ROLES)
    largest = b.largest_gap()
    assert largest is not None
    assert largest.dimension_id in ("alpha", "beta")
    labels, series = role_series(b)
    assert labels == ["Alpha", "Beta"]
    assert [s.name for s in series] == [
        "ml-engineer (n=1)",
        "data-scientist (n=1)",
        "leadership (n=1)",
        "(no role) (n=1)",
    ]
    _, groups = role_series(b, by="group")
    assert [s.name for s in groups] == ["leadership (n=1)", "practitioners (n=2)"]
    json.dumps(b.to_dict())


def test_no_gap_without_both_groups() -> None:
    b = role_breakdown(FW, answers_of([["yes"] * 6], roles=["ml-engineer"]))
    assert b.gaps == []
    assert b.largest_gap() is None


# --- warnings and the whole analysis -------------------------------------------------------


def test_caveats_for_a_thin_result() -> None:
    thin = answers_of(
        [["unknown", "unknown", "yes", "na", "unknown", None], ["unknown", "no", "yes", "na", None, None]]
    )
    codes = [c.code for c in caveats(score(FW, thin))]
    assert codes[:3] == ["few-respondents", "low-coverage", "many-unknown"]
    assert caveats(score(FW, answers_of([])))[0].code == "no-respondents"
    solid = answers_of([["yes", "no", "partly", "yes", "no", "yes"]] * 5)
    assert caveats(score(FW, solid)) == []


def test_dimension_level_caveats() -> None:
    # beta: 3 of 12 answers "don't know" (25%); all: 3 of 24 (12.5%)
    rows: list[list[str | None]] = [["yes", "yes", "yes", "unknown", "yes", "yes"]] * 3
    rows.append(["yes"] * 6)
    found = caveats(score(FW, answers_of(rows)))
    assert [(c.code, c.dimension) for c in found] == [("many-unknown", "beta")]


def test_analyze_bundles_everything(framework: Framework, example: AnswerSet) -> None:
    a = analyze(framework, example)
    assert isinstance(a, Analysis)
    assert a.result.overall == score(framework, example).overall
    assert a.uncertainty.to_dict()["method"] == METHOD
    data = a.to_dict()
    json.dumps(data)
    assert set(data) >= {"agreement", "intervals", "hotspots", "roles", "caveats"}
    assert data["agreement"]["metric"] == "krippendorff-alpha-ordinal"
    assert a.to_dict() == analyze(framework, example).to_dict()


def test_analyze_an_assessment_nobody_answered() -> None:
    a = analyze(FW, answers_of([]))
    assert a.result.overall is None
    assert a.agreement.overall.alpha is None
    assert a.uncertainty.overall is None
    assert a.hotspots == []
    assert a.roles.roles == []
    assert a.roles.missing == list(EXPECTED_ROLES)
    assert [c.code for c in a.caveats] == ["no-respondents"]
    json.dumps(a.to_dict())
