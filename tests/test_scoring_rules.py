"""Scoring rules a framework chooses (docs/scoring.md): the sum of question values
against the weighted mean, the minimum overall, points and open bands, must-have
questions capping a level, and the validation of these fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlops_scorecard.analysis.uncertainty import matrix_intervals
from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.cli import app
from mlops_scorecard.errors import FrameworkError
from mlops_scorecard.format import fmt_cap, fmt_points, fmt_score_in
from mlops_scorecard.framework import Framework, Level, load_framework, parse_framework
from mlops_scorecard.scoring import score

LEVELS: list[dict[str, Any]] = [
    {"id": "initial", "name": "Initial", "min": 0},
    {"id": "defined", "name": "Defined", "min": 40},
    {"id": "managed", "name": "Managed", "min": 60},
    {"id": "optimizing", "name": "Optimizing", "min": 80},
]


def framework(**rule: Any) -> Framework:
    """Two dimensions: ``a`` (a1 weight 1, a2 weight 2, a3 weight 1) and ``b`` (b1, b2)."""
    must = rule.pop("must", {})
    return parse_framework(
        {
            "id": "rules",
            "version": "1",
            "title": "Rules",
            "levels": rule.pop("levels", LEVELS),
            **rule,
            "dimensions": [
                {
                    "id": "a",
                    "title": "A",
                    "weight": 2,
                    "questions": [
                        {"id": q, "text": q, "weight": w, **({"must_have": must[q]} if q in must else {})}
                        for q, w in (("a1", 1), ("a2", 2), ("a3", 1))
                    ],
                },
                {
                    "id": "b",
                    "title": "B",
                    "questions": [
                        {"id": q, "text": q, **({"must_have": must[q]} if q in must else {})}
                        for q in ("b1", "b2")
                    ],
                },
            ],
        }
    )


def answers(*people: dict[str, str]) -> AnswerSet:
    return parse_answers(
        {
            "framework": "rules@1",
            "question_set": "core",
            "respondents": [{"name": f"r{i}", "answers": a} for i, a in enumerate(people)],
        }
    )


def lid(level: Level | None) -> str | None:
    """A level's id (``None`` for no level)."""
    return None if level is None else level.id


MEAN = framework()
SUM = framework(dimension_score="sum")

# --- sum against the weighted mean --------------------------------------------------


def test_sum_counts_unknown_and_unanswered_as_zero_and_drops_na() -> None:
    one = answers({"a1": "yes", "a2": "unknown", "a3": "na", "b1": "partly"})
    mean, total = score(MEAN, one), score(SUM, one)
    # mean: only a1 has a value -> 100; b: only b1 -> 50
    assert mean.dimension("a").score == pytest.approx(100)
    assert mean.dimension("b").score == pytest.approx(50)
    # sum: a = 100 x (1 x 1 + 2 x 0) / (1 + 2), a3 not applicable; b = 100 x 0.5 / 2
    assert total.dimension("a").score == pytest.approx(100 / 3)
    assert total.dimension("b").score == pytest.approx(25)
    assert [q.counted for q in total.dimension("a").questions] == [1.0, 0.0, None]
    assert [q.value for q in total.dimension("a").questions] == [1.0, None, None]
    # the overall keeps its rule: (2 x 100/3 + 1 x 25) / 3
    assert total.overall == pytest.approx((200 / 3 + 25) / 3)


def test_sum_with_several_respondents() -> None:
    # a1: yes and partly -> 0.75; a2: "don't know" and left out -> no value, counts 0;
    # a3: not applicable and "don't know" -> nobody gave a value and one said n/a: dropped
    people = answers({"a1": "yes", "a2": "unknown", "a3": "na"}, {"a1": "partly", "a3": "unknown"})
    result = score(SUM, people)
    assert result.dimension("a").score == pytest.approx(100 * 0.75 / 3)
    assert [q.counted for q in result.dimension("a").questions] == [0.75, 0.0, None]
    # each respondent's own: r0 drops a3 (n/a) -> 1/3; r1 counts a2 and a3 as 0 -> 0.5/4
    own = [r.dimensions["a"] for r in result.respondents]
    assert own == pytest.approx([100 / 3, 100 * 0.5 / 4])
    # b: nobody answered it, so it counts 0 under sum (no score under the mean)
    assert result.dimension("b").score == 0
    assert score(MEAN, people).dimension("b").score is None


def test_sum_without_respondents_or_all_not_applicable_has_no_score() -> None:
    empty = score(SUM, answers())
    assert empty.overall is None
    assert all(d.score is None for d in empty.dimensions)
    result = score(SUM, answers({"b1": "na", "b2": "na", "a1": "yes"}))
    assert result.dimension("b").score is None
    assert result.dimension("a").score == pytest.approx(25)


def test_intervals_follow_the_sum_rule() -> None:
    people = answers(
        {"a1": "yes", "a2": "partly", "b1": "yes", "b2": "unknown"},
        {"a1": "no", "a2": "yes", "a3": "yes", "b1": "partly"},
        {"a1": "partly", "a2": "yes", "b1": "no"},
    )
    result = score(SUM, people)
    u = matrix_intervals(result.matrix)
    for d in result.dimensions:
        iv = u.dimensions[d.id]
        assert iv is not None
        assert d.score is not None
        assert iv.low - 1e-9 <= d.score <= iv.high + 1e-9
    # nobody gave b a value but it is applicable: the score is 0, and so is the interval
    blank = score(SUM, answers({"a1": "yes", "b1": "unknown"}))
    iv = matrix_intervals(blank.matrix).dimensions["b"]
    assert blank.dimension("b").score == 0
    assert iv is not None
    assert (iv.low, iv.high) == (0, 0)


def test_plan_lists_a_question_without_a_value_under_sum_only() -> None:
    from mlops_scorecard.planning import build_plan

    people = answers({"a1": "yes", "a2": "yes", "a3": "unknown", "b1": "yes", "b2": "yes"})
    assert [it.key for it in build_plan(score(SUM, people)).items] == ["a3"]
    assert build_plan(score(MEAN, people)).items == []


# --- the minimum overall -------------------------------------------------------------


def test_minimum_takes_the_weakest_dimension_whatever_the_weights() -> None:
    fw = framework(overall="minimum")
    result = score(fw, answers({"a1": "yes", "a2": "yes", "a3": "partly", "b1": "yes", "b2": "no"}))
    assert result.dimension("a").score == pytest.approx(87.5)
    assert result.overall == pytest.approx(50)
    # a dimension without a score is left out of the minimum
    result = score(fw, answers({"a1": "partly", "b1": "unknown"}))
    assert result.overall == pytest.approx(50)
    # per respondent too
    result = score(fw, answers({"a1": "yes", "b1": "no"}, {"a1": "yes", "b1": "yes"}))
    assert [r.overall for r in result.respondents] == [0, 100]
    u = matrix_intervals(result.matrix)
    assert u.overall is not None
    assert u.overall.low == min(iv.low for iv in u.dimensions.values() if iv is not None)


# --- points and open bands ------------------------------------------------------------

POINTS_LEVELS = [
    {"id": "zero", "name": "Zero", "min": 0},
    {"id": "some", "name": "Some", "min": 0, "above": True},
    {"id": "half", "name": "Half", "min": 5, "above": True},
    {"id": "top", "name": "Top", "min": 10},
]


@pytest.mark.parametrize(
    ("points", "level"),
    [(0, "zero"), (1e-12, "zero"), (0.01, "some"), (5, "some"), (5.01, "half"), (9.99, "half"), (10, "top")],
)
def test_points_and_bands_open_at_their_min(points: float, level: str) -> None:
    fw = framework(points=10, levels=POINTS_LEVELS)
    found = fw.level_for(points * 10)  # a score of points x 100 / 10
    assert found is not None
    assert found.id == level


def test_points_in_results_and_formatting() -> None:
    fw = framework(points=10, levels=POINTS_LEVELS, dimension_score="sum")
    result = score(fw, answers({"a1": "yes", "a2": "partly", "b1": "yes", "b2": "yes"}))
    # a = 100 x (1 + 2 x 0.5 + 0) / 4 = 50 -> 5 points, the top of "some" (open above 5)
    a = result.dimension("a")
    assert a.points == pytest.approx(5)
    assert lid(a.level) == "some"
    assert result.to_dict()["dimensions"][0]["points"] == pytest.approx(5)
    assert fmt_score_in(a.score, 10) == "5 / 10 points"
    assert fmt_score_in(a.score, None) == "50.0"
    assert fmt_score_in(None, 10) == "\N{EM DASH}"
    assert fmt_points(2.3333333, 7) == "2.33 / 7 points"
    assert fmt_points(1.5, 7, unit=False) == "1.5 / 7"


# --- must-have questions -----------------------------------------------------------------

MUST = framework(must={"a2": "managed"})


def test_an_unmet_must_have_caps_its_dimension_and_the_overall() -> None:
    # a = 100 x (1 + 2 x 0.5 + 1) / 4 = 75 (Managed) but a2 is 0.5 < 0.75: capped to Defined
    result = score(MUST, answers({"a1": "yes", "a2": "partly", "a3": "yes", "b1": "yes", "b2": "yes"}))
    a = result.dimension("a")
    assert a.score == pytest.approx(75)
    assert lid(a.uncapped_level) == "managed"
    assert lid(a.level) == "defined"
    assert [(c.question_id, c.level.id, c.value) for c in a.caps] == [("a2", "managed", 0.5)]
    # b has no must-have: its level is its own
    assert result.dimension("b").level is not None
    assert result.dimension("b").caps == []
    # overall (2 x 75 + 100) / 3 = 83.3 (Optimizing), capped below Managed too
    assert lid(result.level) == "defined"
    assert lid(result.uncapped_level) == "optimizing"
    data = result.to_dict()
    assert data["capped_by"] == [
        {"question": "a2", "dimension": "a", "level": "managed", "level_name": "Managed", "value": 0.5}
    ]
    assert data["dimensions"][0]["uncapped_level"] == "managed"
    assert data["dimensions"][0]["level"] == "defined"
    assert result.cap_notes()[0] == (
        "A: level capped at Defined (the score alone reaches Managed):"
        " must-have a2 (value 0.50) is not met (met from 0.75)."
    )


def test_a_met_must_have_does_not_cap() -> None:
    # three yes and one partly: 0.875; one yes and one partly: exactly 0.75, met
    for people in (
        [{"a2": "yes"}, {"a2": "yes"}, {"a2": "yes"}, {"a2": "partly"}],
        [{"a2": "yes"}, {"a2": "partly"}],
    ):
        result = score(MUST, answers(*[{**p, "a1": "yes", "a3": "yes"} for p in people]))
        assert result.dimension("a").caps == []
        assert result.dimension("a").level == result.dimension("a").uncapped_level
    # a stricter threshold: 0.75 is then not enough
    strict = framework(must={"a2": "managed"}, must_have_met=1.0)
    result = score(strict, answers({"a1": "yes", "a2": "yes", "a3": "yes"}, {"a2": "partly"}))
    assert [c.question_id for c in result.dimension("a").caps] == ["a2"]


def test_caps_bind_only_at_or_above_their_level() -> None:
    # a = 100 x (0 + 2 x 0.5 + 0) / 4 = 25, below Managed anyway: nothing to cap
    result = score(MUST, answers({"a1": "no", "a2": "partly", "a3": "no"}))
    assert lid(result.dimension("a").level) == "initial"
    assert result.dimension("a").caps == []


def test_not_applicable_never_caps_and_dont_know_does() -> None:
    base = {"a1": "yes", "a3": "yes", "b1": "yes", "b2": "yes"}
    na = score(MUST, answers({**base, "a2": "na"}))
    assert na.dimension("a").caps == []
    assert lid(na.dimension("a").level) == "optimizing"
    unknown = score(MUST, answers({**base, "a2": "unknown"}))
    assert [(c.question_id, c.value) for c in unknown.dimension("a").caps] == [("a2", None)]
    assert lid(unknown.dimension("a").level) == "defined"
    assert "must-have a2 (no value) is not met" in unknown.cap_notes()[0]


def test_the_lowest_unmet_must_have_decides() -> None:
    fw = framework(must={"a1": "optimizing", "b1": "defined"})
    result = score(fw, answers({"a1": "partly", "a2": "yes", "a3": "yes", "b1": "no", "b2": "yes"}))
    # a = 100 x (0.5 + 2 + 1) / 4 = 87.5: Optimizing, capped to Managed by a1
    assert lid(result.dimension("a").level) == "managed"
    # b = 50: Defined, capped to Initial by b1; the overall, (2 x 87.5 + 50) / 3 = 75
    # (Managed), by b1 only: a1 holds back Optimizing, which 75 does not reach anyway
    assert lid(result.dimension("b").level) == "initial"
    assert lid(result.level) == "initial"
    assert [c.question_id for c in result.caps] == ["b1"]
    caps = [c.to_dict() for c in [*result.dimension("a").caps, *result.caps]]
    assert fmt_cap("Overall", "Initial", "Optimizing", caps, 0.75) == (
        "Overall: level capped at Initial (the score alone reaches Optimizing):"
        " must-haves a1 (value 0.50), b1 (value 0.00) are not met (met from 0.75)."
    )


# --- validation -----------------------------------------------------------------------------


def write_framework(tmp_path: Path, **changes: Any) -> Path:
    data: dict[str, Any] = {
        "id": "bad",
        "version": "1",
        "title": "Bad",
        "levels": [{"id": "low", "name": "Low", "min": 0}, {"id": "high", "name": "High", "min": 50}],
        "dimensions": [
            {"id": "d", "title": "D", "questions": [{"id": "q1", "text": "Q1"}, {"id": "q2", "text": "Q2"}]}
        ],
    }
    for path, value in changes.items():
        node: Any = data
        *parents, last = path.split(".")
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[last if not last.isdigit() else int(last)] = value
    out = tmp_path / "bad.yaml"
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


def problems(path: Path) -> str:
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    return str(info.value)


def test_level_min_above_the_points_or_100(tmp_path: Path) -> None:
    path = write_framework(tmp_path, **{"points": 7, "levels.1.min": 8})
    assert "levels[1] (high).min: 8 is above 7 points" in problems(path)
    path = write_framework(tmp_path, **{"levels.1.min": 120})
    assert "levels[1] (high).min: 120 is above 100, the highest score" in problems(path)
    assert load_framework(write_framework(tmp_path, **{"points": 7, "levels.1.min": 7})).points == 7


def test_open_bands_must_rise(tmp_path: Path) -> None:
    # the same min twice is fine when the second is open there, not otherwise
    path = write_framework(tmp_path, **{"levels.1.min": 0, "levels.1.above": True})
    assert [lv.above for lv in load_framework(path).levels] == [False, True]
    message = problems(write_framework(tmp_path, **{"levels.1.min": 0}))
    assert "line 8: levels[1] (high): min must be above the previous level's" in message
    message = problems(write_framework(tmp_path, **{"levels.0.above": True}))
    assert "levels[0] (low).above: the first level holds the lowest score, 0" in message


def test_must_have_names_a_level_above_the_lowest(tmp_path: Path) -> None:
    message = problems(write_framework(tmp_path, **{"dimensions.0.questions.1.must_have": "nope"}))
    assert "line 19: dimensions[0] (d).questions[1] (q2).must_have: unknown level id 'nope'" in message
    message = problems(write_framework(tmp_path, **{"dimensions.0.questions.1.must_have": "low"}))
    assert "dimensions[0] (d).questions[1] (q2).must_have: 'low' is the lowest level" in message
    message = problems(write_framework(tmp_path, must_have_met=1.5))
    assert "must_have_met: Input should be less than or equal to 1" in message
    message = problems(write_framework(tmp_path, dimension_score="median"))
    assert "dimension_score: Input should be 'weighted-mean' or 'sum'" in message


# --- score --format json ----------------------------------------------------------------------


def test_score_json_reports_the_rule_and_values(tmp_path: Path) -> None:
    fw_path = tmp_path / "rules.yaml"
    fw_path.write_text(
        yaml.safe_dump(
            {
                "id": "rules",
                "version": "1",
                "title": "Rules",
                "dimension_score": "sum",
                "overall": "minimum",
                "levels": LEVELS,
                "dimensions": [
                    {
                        "id": "a",
                        "title": "A",
                        "questions": [
                            {"id": "a1", "text": "a1", "must_have": "defined"},
                            {"id": "a2", "text": "a2"},
                        ],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    answers_path = tmp_path / "answers.yaml"
    answers_path.write_text(
        yaml.safe_dump(
            {
                "framework": str(fw_path),
                "question_set": "core",
                "respondents": [{"name": "Ann", "answers": {"a1": "partly", "a2": "yes"}}],
            }
        ),
        encoding="utf-8",
    )
    out = CliRunner().invoke(app, ["score", str(answers_path), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["rule"] == {"dimension": "sum", "overall": "minimum", "points": None, "must_have_met": 0.75}
    dim = data["dimensions"][0]
    assert dim["values"] == {"a1": 0.5, "a2": 1.0}
    assert dim["questions"][0]["distribution"]["partly"] == 1
    assert (dim["score"], dim["uncapped_level"], dim["level"]) == (75.0, "managed", "initial")
    assert data["capped_by"][0]["question"] == "a1"
    table = CliRunner().invoke(app, ["score", str(answers_path)], env={"COLUMNS": "200"})
    assert "A: level capped at Initial (the score alone reaches Managed)" in table.output


# --- properties ---------------------------------------------------------------------------------

CELL = st.sampled_from(["yes", "partly", "no", "na", "unknown", None])
QUESTIONS = ("a1", "a2", "a3", "b1", "b2")
PEOPLE = st.lists(st.tuples(*[CELL] * len(QUESTIONS)), min_size=1, max_size=6)


def people_of(rows: list[tuple[str | None, ...]]) -> AnswerSet:
    return answers(*[{q: c for q, c in zip(QUESTIONS, row, strict=True) if c is not None} for row in rows])


@settings(max_examples=150, deadline=None)
@given(PEOPLE)
def test_scores_stay_in_range_and_sum_never_exceeds_the_mean(rows: list[tuple[str | None, ...]]) -> None:
    people = people_of(rows)
    for fw in (MEAN, SUM, framework(dimension_score="sum", overall="minimum"), MUST):
        result = score(fw, people)
        for s in [result.overall, *(d.score for d in result.dimensions)]:
            assert s is None or 0 <= s <= 100
    mean, total = score(MEAN, people), score(SUM, people)
    for m, t in zip(mean.dimensions, total.dimensions, strict=True):
        # sum adds zeros for the questions the mean leaves out
        if m.score is not None:
            assert t.score is not None
            assert t.score <= m.score + 1e-9


@settings(max_examples=150, deadline=None)
@given(PEOPLE, st.integers(0, 5), st.integers(0, len(QUESTIONS) - 1))
def test_not_applicable_answer_leaves_a_mean_score_alone(
    rows: list[tuple[str | None, ...]], who: int, which: int
) -> None:
    who %= len(rows)
    before = score(MEAN, people_of(rows))
    changed = [list(r) for r in rows]
    if changed[who][which] is not None:
        return  # only an unanswered question is turned into n/a
    changed[who][which] = "na"
    after = score(MEAN, people_of([tuple(r) for r in changed]))
    assert after.overall == pytest.approx(before.overall, nan_ok=True)
    assert [d.score for d in after.dimensions] == pytest.approx(
        [d.score for d in before.dimensions], nan_ok=True
    )


# --- the examples in docs/scoring.md ---------------------------------------------------------


def doc_example(doc_blocks: Any, **rule: Any) -> tuple[Framework, dict[str, Any]]:
    """The worked example's framework (with ``rule`` merged in) and answers, from the docs."""
    framework_text, answers_text = doc_blocks("scoring.md", "yaml")[:2]
    data = yaml.safe_load(framework_text)
    must = rule.pop("must", {})
    for d in data["dimensions"]:
        for q in d["questions"]:
            if q["id"] in must:
                q["must_have"] = must[q["id"]]
    return parse_framework({**data, **rule}), yaml.safe_load(answers_text)


def test_docs_sum_example() -> None:
    fw = parse_framework(
        {
            "id": "t",
            "version": "1",
            "title": "T",
            "dimension_score": "sum",
            "levels": LEVELS,
            "dimensions": [
                {
                    "id": "testing",
                    "title": "Testing",
                    "questions": [
                        {"id": "t1", "text": "t1"},
                        {"id": "t2", "text": "t2"},
                        {"id": "t3", "text": "t3", "weight": 2},
                        {"id": "t4", "text": "t4"},
                    ],
                }
            ],
        }
    )
    first = {"t1": "yes", "t2": "unknown", "t3": "partly", "t4": "na"}
    people = parse_answers({"framework": "t@1", "respondents": [{"name": "A", "answers": first}]})
    assert score(fw, people).overall == pytest.approx(50)
    mean = fw.model_copy(update={"dimension_score": "weighted-mean"})
    assert score(mean, people).overall == pytest.approx(200 / 3)
    second = {"t1": "no", "t3": "yes", "t4": "unknown"}
    people = parse_answers(
        {
            "framework": "t@1",
            "respondents": [{"name": "A", "answers": first}, {"name": "B", "answers": second}],
        }
    )
    result = score(fw, people)
    assert [q.counted for q in result.dimensions[0].questions] == [0.5, 0.0, 0.75, None]
    assert result.overall == pytest.approx(50)
    assert [r.overall for r in result.respondents] == pytest.approx([50, 40])


def test_docs_minimum_example(doc_blocks: Any) -> None:
    fw, data = doc_example(doc_blocks, overall="minimum")
    result = score(fw, parse_answers(data))
    assert result.overall == pytest.approx(50)
    assert lid(result.level) == "defined"
    assert [r.overall for r in result.respondents] == pytest.approx([0, 250 / 3, 200 / 3])


def test_docs_must_have_example(doc_blocks: Any) -> None:
    fw, data = doc_example(doc_blocks, must={"gov-policies": "managed"})
    met = score(fw, parse_answers(data))
    assert met.dimension("governance").caps == []
    assert lid(met.dimension("governance").level) == "managed"
    data["respondents"][1]["answers"]["gov-policies"] = "partly"
    result = score(fw, parse_answers(data))
    gov = result.dimension("governance")
    assert gov.score == pytest.approx(550 / 9)
    assert (lid(gov.level), lid(gov.uncapped_level)) == ("defined", "managed")
    assert [c.question_id for c in gov.caps] == ["gov-policies"]
    assert result.overall == pytest.approx((2 * 550 / 9 + 50) / 3)
    assert lid(result.level) == "defined"
    assert result.caps == []
    assert result.cap_notes() == [
        "Governance: level capped at Defined (the score alone reaches Managed):"
        " must-have gov-policies (value 0.67) is not met (met from 0.75)."
    ]
