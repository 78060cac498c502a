"""Agreement, hotspots, bootstrap intervals, roles and warnings (mlops_scorecard.analysis).

Alpha is checked against a published worked example and the ``krippendorff`` package;
intervals against a naive rescoring of each resample and, in a simulation, against
the true score; properties (Hypothesis) check that full agreement gives alpha 1 and
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

from mlops_scorecard.agreement import (
    SPLIT_MIN_SHARE,
    answer_values,
    ordinal_alpha,
    ordinal_alpha_from_ratings,
)
from mlops_scorecard.analysis import (
    Analysis,
    agreement,
    analyze,
    bootstrap,
    caveats,
    hotspots,
    interval_series,
    role_breakdown,
    role_series,
)
from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.framework import Framework, parse_framework
from mlops_scorecard.planning import build_plan
from mlops_scorecard.roles import EXPECTED_ROLES, normalize_role
from mlops_scorecard.scoring import score
from mlops_scorecard.uncertainty import _resampled_means

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
    assert _same(
        bootstrap(FW, a, seed=3, resamples=200).to_dict(), bootstrap(FW, b, seed=3, resamples=200).to_dict()
    )
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


# --- bootstrap intervals -------------------------------------------------------------------


def test_bootstrap_repeats_with_a_seed() -> None:
    rows: list[list[str | None]] = [
        ["yes", "no", "partly", "yes", "no", "yes"],
        ["no", "no", "partly", "yes", "yes", "yes"],
        ["yes", "partly", "no", "partly", "no", None],
        ["partly", "yes", "yes", "no", "no", "na"],
    ]
    answers = answers_of(rows)
    a = bootstrap(FW, answers, seed=1)
    assert a == bootstrap(FW, answers, seed=1)
    assert a != bootstrap(FW, answers, seed=2)
    assert a.confidence == 0.9
    assert a.resamples == 1000
    result = score(FW, answers)
    assert a.overall is not None
    assert result.overall is not None
    assert a.overall.low <= result.overall <= a.overall.high
    wider = bootstrap(FW, answers, seed=1, confidence=0.99)
    assert wider.overall is not None
    assert wider.overall.width >= a.overall.width


def test_each_resample_scores_like_score_on_the_resampled_respondents() -> None:
    rows: list[list[str | None]] = [
        ["yes", "no", "partly", "yes", "no", "yes"],
        ["no", None, "partly", "yes", "yes", "unknown"],
        ["yes", "partly", "no", "na", "no", None],
        ["partly", "yes", "yes", "no", "no", "na"],
        ["na", "na", "no", "no", "partly", "yes"],
    ]
    answers = answers_of(rows)
    m = answer_values(FW, answers)
    means = _resampled_means(m, 25, seed=11)
    dims, overall = m.scores(means)
    # the same draws, done by hand: respondents in the canonical order, indices per resample
    order = np.lexsort(m.codes.T[::-1])
    picks = np.random.default_rng(11).integers(0, 5, size=(25, 5), dtype=np.int32)
    for b in range(25):
        people = [answers.respondents[order[i]] for i in picks[b]]
        expected = score(FW, answers.model_copy(update={"respondents": people}))
        for j, d in enumerate(expected.dimensions):
            if d.score is None:
                assert np.isnan(dims[b, j])
            else:
                assert dims[b, j] == pytest.approx(d.score)
        assert overall[b] == pytest.approx(expected.overall)


def test_bootstrap_edge_cases() -> None:
    empty = bootstrap(FW, answers_of([]))
    assert empty.overall is None
    assert all(v is None for v in empty.dimensions.values())
    one = bootstrap(FW, answers_of([["yes", "no", "partly", None, None, None]]))
    assert one.overall is not None
    assert one.overall.width == 0
    assert one.dimensions["beta"] is None  # no value in beta, so no score and no interval
    with pytest.raises(ScorecardError, match="confidence"):
        bootstrap(FW, answers_of([["yes"] * 6]), confidence=1.0)
    with pytest.raises(ScorecardError, match="resamples"):
        bootstrap(FW, answers_of([["yes"] * 6]), resamples=0)


def test_bootstrap_intervals_cover_the_true_score_at_the_stated_rate() -> None:
    """Respondents answer each question yes/partly/no with known probabilities; the
    true score is the expected one. 90% intervals should contain it about 90% of the
    time (the percentile bootstrap runs a little under nominal with 40 respondents)."""
    rng = np.random.default_rng(42)
    probs = np.array(
        [[0.7, 0.2, 0.1], [0.2, 0.3, 0.5], [0.4, 0.4, 0.2], [0.1, 0.1, 0.8], [0.5, 0.0, 0.5], [0.3, 0.6, 0.1]]
    )
    mu = probs @ np.array([1.0, 0.5, 0.0])
    w = np.array([1.0, 1.0, 1.0, 1.0, 2.0, 1.0])
    true_alpha = 100 * mu[:3].mean()
    true_beta = 100 * (w[3:] * mu[3:]).sum() / w[3:].sum()
    truth = {"alpha": true_alpha, "beta": true_beta, "overall": (true_alpha + true_beta) / 2}
    keys = np.array(["yes", "partly", "no"])
    sims, n = 200, 40
    hits = dict.fromkeys(truth, 0)
    for sim in range(sims):
        cum = probs.cumsum(axis=1)
        u = rng.random((n, 6, 1))
        codes = (u > cum[None, :, :]).sum(axis=2)
        answers = answers_of([[str(k) for k in keys[row]] for row in codes])
        u_ = bootstrap(FW, answers, resamples=400, seed=sim)
        for name, iv in (
            ("alpha", u_.dimensions["alpha"]),
            ("beta", u_.dimensions["beta"]),
            ("overall", u_.overall),
        ):
            assert iv is not None
            hits[name] += iv.low - 1e-9 <= truth[name] <= iv.high + 1e-9
    for name, count in hits.items():
        assert 0.82 <= count / sims <= 0.97, (name, count / sims)


def test_interval_series_carries_the_band() -> None:
    answers = answers_of(
        [["yes", "no", "partly", "yes", "no", "yes"], ["no", "no", "yes", "yes", "yes", "no"]]
    )
    s = interval_series(score(FW, answers), bootstrap(FW, answers))
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
    a = analyze(framework, example, seed=5, resamples=300)
    assert isinstance(a, Analysis)
    assert a.result.overall == score(framework, example).overall
    assert a.uncertainty.resamples == 300
    assert a.uncertainty.seed == 5
    data = a.to_dict()
    json.dumps(data)
    assert set(data) >= {"agreement", "intervals", "hotspots", "roles", "caveats"}
    assert data["agreement"]["metric"] == "krippendorff-alpha-ordinal"
    assert a.to_dict() == analyze(framework, example, seed=5, resamples=300).to_dict()


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
