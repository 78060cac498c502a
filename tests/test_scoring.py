"""Scoring: hand-computed cases, the documented worked example, and properties."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mlops_scorecard.answers import Answer, AnswerSet, Respondent, parse_answers
from mlops_scorecard.framework import (
    AnswerKey,
    Framework,
    Level,
    QuestionSet,
    get_framework,
    parse_framework,
)
from mlops_scorecard.matrix import UNANSWERED, ScoreMatrix
from mlops_scorecard.scoring import ScoreResult, score

Cell = AnswerKey | None  # None: the respondent left the question out

LEVELS = [
    {"id": "initial", "name": "Initial", "min": 0},
    {"id": "defined", "name": "Defined", "min": 40},
    {"id": "managed", "name": "Managed", "min": 60},
    {"id": "optimizing", "name": "Optimizing", "min": 80},
]


def make_framework(
    dims: dict[str, tuple[float, list[tuple[str, float]]]], *, overall: str = "weighted-mean"
) -> Framework:
    """``{dim_id: (weight, [(question_id, weight), ...])}``; questions ending in ``+`` are
    extended (the ``+`` is dropped from the id)."""
    return parse_framework(
        {
            "id": "inline",
            "version": "1",
            "title": "Inline",
            "overall": overall,
            "levels": LEVELS,
            "dimensions": [
                {
                    "id": did,
                    "title": did.title(),
                    "weight": dw,
                    "questions": [
                        {
                            "id": qid.rstrip("+"),
                            "text": qid,
                            "weight": qw,
                            "set": "extended" if qid.endswith("+") else "core",
                        }
                        for qid, qw in questions
                    ],
                }
                for did, (dw, questions) in dims.items()
            ],
        }
    )


def assessment(
    people: dict[str, dict[str, str]], *, framework: str = "inline", question_set: str = "core"
) -> AnswerSet:
    """An answer set from ``{name: {question_id: answer_key}}``."""
    return parse_answers(
        {
            "framework": framework,
            "question_set": question_set,
            "respondents": [{"name": n, "answers": a} for n, a in people.items()],
        }
    )


def dims(result: ScoreResult) -> dict[str, float | None]:
    return {d.id: d.score for d in result.dimensions}


def level_id(level: Level | None) -> str | None:
    return None if level is None else level.id


def approx(value: float | None) -> Any:
    return None if value is None else pytest.approx(value, abs=1e-9)


# Two dimensions, unit weights: g1 g2 g3 in governance, d1 d2 in deployment.
SIMPLE = make_framework(
    {"governance": (1, [("g1", 1), ("g2", 1), ("g3", 1)]), "deployment": (1, [("d1", 1), ("d2", 1)])}
)


# --- hand-computed cases -----------------------------------------------------------------


def test_one_respondent() -> None:
    result = score(SIMPLE, assessment({"Ann": {"g1": "yes", "g2": "partly", "g3": "no", "d1": "yes"}}))
    # governance: 100 * (1 + 0.5 + 0) / 3 = 50
    # deployment: d2 unanswered, so 100 * 1 / 1 = 100
    # overall: (50 + 100) / 2 = 75
    assert dims(result) == {"governance": approx(50.0), "deployment": approx(100.0)}
    assert result.overall == approx(75.0)
    assert result.level is not None
    assert result.level.id == "managed"
    assert level_id(result.dimension("governance").level) == "defined"
    assert result.dimension("deployment").counts.unanswered == 1


def test_several_respondents_mean_per_question() -> None:
    answers = assessment(
        {
            "Ann": {"g1": "yes", "g2": "yes", "g3": "no", "d1": "no", "d2": "no"},
            "Bob": {"g1": "no", "g2": "partly", "g3": "no", "d1": "yes", "d2": "partly"},
            "Cy": {"g1": "yes", "g2": "no", "g3": "partly", "d1": "yes", "d2": "no"},
        }
    )
    result = score(SIMPLE, answers)
    # question means: g1 (1+0+1)/3 = 2/3, g2 (1+0.5+0)/3 = 1/2, g3 (0+0+0.5)/3 = 1/6
    # governance: 100 * (2/3 + 1/2 + 1/6) / 3 = 100 * (4/3) / 3 = 44.444...
    # d1 (0+1+1)/3 = 2/3, d2 (0+0.5+0)/3 = 1/6 -> deployment 100 * (5/6) / 2 = 41.666...
    # overall (44.444 + 41.667) / 2 = 43.0555...
    assert dims(result) == {"governance": approx(400 / 9), "deployment": approx(250 / 6)}
    assert result.overall == approx((400 / 9 + 250 / 6) / 2)
    values = [q.value for q in result.dimension("governance").questions]
    assert values == [approx(2 / 3), approx(1 / 2), approx(1 / 6)]
    assert result.dimension("governance").questions[0].distribution == {
        "yes": 2,
        "partly": 0,
        "no": 1,
        "na": 0,
        "unknown": 0,
        "unanswered": 0,
    }
    # each respondent alone: Ann governance 100 * 2/3 = 66.67, deployment 0, overall 33.33
    ann, bob, cy = result.respondents
    assert ann.dimensions == {"governance": approx(200 / 3), "deployment": approx(0.0)}
    assert ann.overall == approx(100 / 3)
    assert bob.dimensions == {"governance": approx(50 / 3), "deployment": approx(75.0)}
    assert cy.overall == approx((50.0 + 50.0) / 2)
    assert (ann.name, bob.name, cy.name) == ("Ann", "Bob", "Cy")


def test_question_weights() -> None:
    fw = make_framework({"a": (1, [("q1", 1), ("q2", 3), ("q3", 0.5)])})
    result = score(fw, assessment({"Ann": {"q1": "yes", "q2": "no", "q3": "partly"}}))
    # 100 * (1*1 + 3*0 + 0.5*0.5) / (1 + 3 + 0.5) = 100 * 1.25 / 4.5 = 27.777...
    assert result.dimension("a").score == approx(125 / 4.5)
    # q2 not applicable: its weight leaves the denominator: 100 * 1.25 / 1.5 = 83.333...
    result = score(fw, assessment({"Ann": {"q1": "yes", "q2": "na", "q3": "partly"}}))
    assert result.dimension("a").score == approx(125 / 1.5)


def test_dimension_weights() -> None:
    fw = make_framework({"a": (1, [("q1", 1)]), "b": (3, [("q2", 1)]), "c": (0.5, [("q3", 1)])})
    result = score(fw, assessment({"Ann": {"q1": "yes", "q2": "no", "q3": "partly"}}))
    # dimensions 100, 0, 50 -> (1*100 + 3*0 + 0.5*50) / 4.5 = 125 / 4.5 = 27.777...
    assert result.overall == approx(125 / 4.5)
    # c without a value drops out with its weight: (1*100 + 3*0) / 4 = 25
    result = score(fw, assessment({"Ann": {"q1": "yes", "q2": "no", "q3": "unknown"}}))
    assert dims(result)["c"] is None
    assert result.overall == approx(25.0)


def test_na_and_unknown_are_left_out_but_counted() -> None:
    answers = assessment(
        {
            "Ann": {"g1": "yes", "g2": "na", "g3": "unknown", "d1": "no"},
            "Bob": {"g1": "partly", "g2": "na"},
        }
    )
    result = score(SIMPLE, answers)
    # governance: only g1 has values, mean (1 + 0.5) / 2 = 0.75 -> 75 (not dragged down by na)
    assert result.dimension("governance").score == approx(75.0)
    gov = result.dimension("governance").counts
    # 2 respondents x 3 questions = 6 cells: g1 x2 answered, g2 na x2, g3 unknown + unanswered
    assert (gov.answered, gov.na, gov.unknown, gov.unanswered, gov.total) == (2, 2, 1, 1, 6)
    assert gov.coverage == approx(2 / 6)
    dep = result.dimension("deployment").counts
    assert (dep.answered, dep.unanswered, dep.total) == (1, 3, 4)
    total = result.counts
    assert (total.answered, total.na, total.unknown, total.unanswered) == (3, 2, 1, 4)
    assert total.to_dict() == {
        "answered": 3,
        "na": 2,
        "unknown": 1,
        "unanswered": 4,
        "total": 10,
        "coverage": 0.3,
    }
    g2 = result.dimension("governance").questions[1]
    assert g2.value is None
    assert g2.distribution["na"] == 2


def test_dimension_without_values_is_none_not_zero() -> None:
    result = score(SIMPLE, assessment({"Ann": {"g1": "no", "d1": "na", "d2": "unknown"}}))
    deployment = result.dimension("deployment")
    assert deployment.score is None
    assert deployment.level is None
    assert result.dimension("governance").score == 0.0  # a real zero: "no" is a value
    assert result.overall == 0.0  # from governance alone; deployment is not a zero
    assert result.respondents[0].dimensions["deployment"] is None
    assert result.to_dict()["dimensions"][1]["score"] is None


def test_overall_none_when_nothing_answered() -> None:
    result = score(SIMPLE, assessment({"Ann": {"g1": "na"}, "Bob": {}}))
    assert result.overall is None
    assert result.level is None
    assert all(d.score is None for d in result.dimensions)
    assert [r.overall for r in result.respondents] == [None, None]
    assert result.to_dict()["level_name"] is None


def test_zero_respondents(framework: Framework) -> None:
    answers = AnswerSet(framework=framework.ref)
    result = score(framework, answers)
    assert result.overall is None
    assert result.respondents == []
    assert all(d.score is None for d in result.dimensions)
    assert result.counts.total == 0
    assert result.counts.coverage is None
    data = result.to_dict()
    assert data["respondent_count"] == 0
    assert data["counts"]["coverage"] is None


def test_minimum_overall() -> None:
    fw = make_framework(
        {"a": (1, [("q1", 1)]), "b": (5, [("q2", 1)]), "c": (1, [("q3", 1)])}, overall="minimum"
    )
    result = score(fw, assessment({"Ann": {"q1": "yes", "q2": "partly", "q3": "na"}}))
    # dimensions 100, 50, None: the minimum of the scored ones, weights ignored
    assert result.overall == 50.0
    assert result.level is not None
    assert result.level.id == "defined"
    assert result.respondents[0].overall == 50.0
    nothing = score(fw, assessment({"Ann": {"q1": "na"}}))
    assert nothing.overall is None


def test_overall_never_above_100_with_fractional_weights() -> None:
    # 100 * (0.2 * 100 + 0.7 * 100) / (0.2 + 0.7) / 100 is 100.00000000000001 in floating point
    fw = make_framework({"a": (0.2, [("q1", 1)]), "b": (0.7, [("q2", 1)])})
    result = score(fw, assessment({"Ann": {"q1": "yes", "q2": "yes"}}))
    assert result.overall == 100.0
    assert result.respondents[0].overall == 100.0
    # and (100 * w) / w is 100.00000000000001 for this question weight
    fw = make_framework({"a": (1, [("q1", 164.39644010703296)])})
    assert score(fw, assessment({"Ann": {"q1": "yes"}})).dimension("a").score == 100.0


def test_core_and_full_question_sets() -> None:
    fw = make_framework({"a": (1, [("q1", 1), ("q2+", 1)])})
    core = score(fw, assessment({"Ann": {"q1": "yes"}}))
    assert [q.question.id for q in core.dimension("a").questions] == ["q1"]
    assert core.dimension("a").score == 100.0
    full = score(fw, assessment({"Ann": {"q1": "yes", "q2": "no"}}, question_set="full"))
    assert full.question_set == "full"
    assert full.dimension("a").score == 50.0
    # an answer outside the set is ignored by scoring (check_answers reports it)
    stray = score(fw, assessment({"Ann": {"q1": "yes", "q2": "no"}}))
    assert stray.dimension("a").score == 100.0


def test_answer_matrix_codes(framework: Framework) -> None:
    answers = assessment({"Ann": {"g1": "na", "d2": "no"}, "Bob": {}})
    m = ScoreMatrix.build(SIMPLE, answers)
    assert [q.id for q in m.questions] == ["g1", "g2", "g3", "d1", "d2"]
    assert m.codes.tolist() == [[3, UNANSWERED, UNANSWERED, UNANSWERED, 2], [UNANSWERED] * 5]


def test_float_rounded_band_edge_gets_the_higher_level() -> None:
    # 5 respondents, 3 yes and 2 no on each question: every mean is 0.6, the dimension
    # is 60 on paper but 59.99999999999999 in floating point; it must still be "managed"
    fw = make_framework({"a": (1, [("q1", 1), ("q2", 1), ("q3", 1)])})
    row = {"q1": "yes", "q2": "yes", "q3": "yes"}
    nos = {"q1": "no", "q2": "no", "q3": "no"}
    result = score(fw, assessment({"A": row, "B": row, "C": row, "D": nos, "E": nos}))
    assert result.dimension("a").score == approx(60.0)
    assert result.dimension("a").to_dict()["score"] == 60.0
    assert level_id(result.dimension("a").level) == "managed"


def test_to_dict_keeps_exact_scores() -> None:
    answers = assessment(
        {
            "Ann": {"g1": "yes", "g2": "no", "g3": "no"},
            "Bob": {"g1": "partly", "g2": "no", "g3": "no"},
            "Cy": {"g1": "no", "g2": "no", "g3": "no"},
        }
    )
    result = score(SIMPLE, answers)
    # g1 mean 0.5 / 3 ... (1 + 0.5 + 0) / 3 = 0.5; governance 100 * 0.5 / 3 = 16.666...
    # exact, not rounded: a figure is rounded once, when shown (mlops_scorecard.format)
    data = result.to_dict()
    assert data["overall"] == result.overall == approx(50 / 3)
    gov = data["dimensions"][0]
    assert gov["score"] == approx(50 / 3)
    assert gov["score"] != round(gov["score"], 2)
    assert gov["level"] == "initial"
    assert gov["questions"][0] == {
        "id": "g1",
        "set": "core",
        "weight": 1.0,
        "value": 0.5,
        "counted": 0.5,
        "distribution": {"yes": 1, "partly": 1, "no": 1, "na": 0, "unknown": 0, "unanswered": 0},
    }
    assert gov["counts"]["coverage"] == 1.0
    assert data["dimensions"][1]["counts"]["coverage"] == 0.0
    assert data["respondents"][0] == {
        "name": "Ann",
        "role": "",
        "overall": approx(100 / 3),
        "dimensions": {"governance": approx(100 / 3), "deployment": None},
    }
    assert data["framework"] == {"id": "inline", "version": "1"}


def test_built_in_one_respondent(framework: Framework) -> None:
    answers = assessment(
        {"Ann": {"gov-strategy": "yes", "gov-policies": "partly", "gov-team": "no"}},
        framework="mlops-scorecard",
    )
    result = score(framework, answers)
    # governance (1 + 0.5 + 0) / 3 = 50; the five other dimensions have no values
    assert result.dimension("governance").score == 50.0
    assert result.overall == 50.0
    assert sum(d.score is None for d in result.dimensions) == 5
    assert result.counts.total == 18
    with pytest.raises(KeyError):
        result.dimension("nope")


# --- the worked example in docs/scoring.md ------------------------------------------------

WORKED_FRAMEWORK = make_framework(
    {
        "governance": (2, [("gov-strategy", 1), ("gov-policies", 2), ("gov-ethics+", 1)]),
        "deployment": (1, [("dep-pipeline", 1), ("dep-rollback", 1)]),
    }
)
WORKED_ANSWERS = {
    "Ann": {"gov-strategy": "yes", "gov-policies": "partly", "dep-pipeline": "no", "dep-rollback": "na"},
    "Bob": {"gov-strategy": "partly", "gov-policies": "yes", "dep-pipeline": "unknown"},
    "Cy": {"gov-strategy": "no", "gov-policies": "yes", "dep-pipeline": "yes", "dep-rollback": "na"},
}


def check_worked_example(result: ScoreResult) -> None:
    # question means: gov-strategy (1 + 0.5 + 0) / 3 = 1/2, gov-policies (0.5 + 1 + 1) / 3 = 5/6,
    #   dep-pipeline (0 + 1) / 2 = 1/2 (Bob's unknown left out), dep-rollback: no value
    # governance = 100 * (1 * 1/2 + 2 * 5/6) / (1 + 2) = 100 * (13/6) / 3 = 650/9 = 72.22
    # deployment = 100 * (1 * 1/2) / 1 = 50 (dep-rollback's weight is not in the denominator)
    # overall    = (2 * 650/9 + 1 * 50) / (2 + 1) = 1750/27 = 64.81
    assert dims(result) == {"governance": approx(650 / 9), "deployment": approx(50.0)}
    assert result.overall == approx(1750 / 27)
    data = result.to_dict()
    assert [d["score"] for d in data["dimensions"]] == [approx(650 / 9), 50.0]
    assert [d["level"] for d in data["dimensions"]] == ["managed", "defined"]
    assert (data["overall"], data["level"]) == (approx(1750 / 27), "managed")
    # each respondent alone:
    #   Ann: governance 100 * (1 + 2 * 0.5) / 3 = 66.67, deployment 0, overall 133.33/3 = 44.44
    #   Bob: governance 100 * (0.5 + 2 * 1) / 3 = 83.33, deployment none, overall 83.33
    #   Cy:  governance 100 * (0 + 2 * 1) / 3 = 66.67, deployment 100, overall 233.33/3 = 77.78
    assert [r["overall"] for r in data["respondents"]] == [approx(400 / 9), approx(250 / 3), approx(700 / 9)]
    assert [r["dimensions"]["deployment"] for r in data["respondents"]] == [0.0, None, 100.0]
    # deployment cells: 3 x 2 = 6; answered 2, na 2, unknown 1, unanswered 1
    assert data["dimensions"][1]["counts"] == {
        "answered": 2,
        "na": 2,
        "unknown": 1,
        "unanswered": 1,
        "total": 6,
        "coverage": approx(1 / 3),
    }
    assert data["dimensions"][0]["counts"]["coverage"] == 1.0  # 6 of 6 cells
    assert data["counts"]["coverage"] == approx(2 / 3)  # 8 of 12 cells
    # the assessment averages per question first: not the mean of respondents' overalls
    overalls = [r.overall for r in result.respondents if r.overall is not None]
    assert round(sum(overalls) / len(overalls), 2) == 68.52


def test_worked_example() -> None:
    check_worked_example(score(WORKED_FRAMEWORK, assessment(WORKED_ANSWERS)))


def test_worked_example_with_minimum() -> None:
    fw = WORKED_FRAMEWORK.model_copy(update={"overall": "minimum"})
    assert score(fw, assessment(WORKED_ANSWERS)).overall == approx(50.0)


def test_worked_example_matches_the_docs(doc_blocks: Callable[[str, str], list[str]]) -> None:
    framework_text, answers_text = doc_blocks("scoring.md", "yaml")[:2]
    fw = parse_framework(yaml.safe_load(framework_text))
    answers = parse_answers(yaml.safe_load(answers_text))
    assert [(d.id, d.weight, [(q.id, q.weight, q.set) for q in d.questions]) for d in fw.dimensions] == [
        (d.id, d.weight, [(q.id, q.weight, q.set) for q in d.questions]) for d in WORKED_FRAMEWORK.dimensions
    ]
    assert {r.name: {q: a.answer for q, a in r.answers.items()} for r in answers.respondents} == (
        WORKED_ANSWERS
    )
    check_worked_example(score(fw, answers))


# --- properties ------------------------------------------------------------------------------

BUILTIN = get_framework("mlops-scorecard")
TINY = make_framework(
    {
        "a": (1, [("a1", 1), ("a2", 2.5), ("a3+", 0.3)]),
        "b": (0.7, [("b1", 1), ("b2+", 1)]),
        "c": (2, [("c1", 4)]),
    }
)
TINY_MIN = TINY.model_copy(update={"overall": "minimum"})
CELLS: list[Cell] = ["yes", "partly", "no", "na", "unknown", None]
NO_VALUE: list[Cell] = ["na", "unknown", None]
CASES: list[tuple[Framework, QuestionSet]] = [
    (TINY, "core"),
    (TINY, "full"),
    (TINY_MIN, "full"),
    (BUILTIN, "core"),
    (BUILTIN, "full"),
]


def build(framework: Framework, question_set: QuestionSet, rows: Sequence[Sequence[Cell]]) -> AnswerSet:
    qids = [q.id for _, q in framework.iter_questions(question_set)]
    return AnswerSet(
        framework=framework.ref,
        question_set=question_set,
        respondents=[
            Respondent(
                name=f"r{i}",
                answers={q: Answer(answer=c) for q, c in zip(qids, row, strict=True) if c is not None},
            )
            for i, row in enumerate(rows)
        ],
    )


Matrix = tuple[Framework, QuestionSet, list[list[Cell]]]


@st.composite
def matrices(draw: st.DrawFn, cells: Sequence[Cell] = CELLS, min_rows: int = 0) -> Matrix:
    framework, question_set = draw(st.sampled_from(CASES))
    n = len(list(framework.iter_questions(question_set)))
    row = st.lists(st.sampled_from(cells), min_size=n, max_size=n)
    return framework, question_set, draw(st.lists(row, min_size=min_rows, max_size=6))


@st.composite
def weighted_frameworks(draw: st.DrawFn) -> Framework:
    weight = st.floats(min_value=0.001, max_value=1000, allow_nan=False, allow_infinity=False)
    n_dims = draw(st.integers(1, 4))
    spec = {
        f"d{i}": (draw(weight), [(f"q{i}-{j}", draw(weight)) for j in range(draw(st.integers(1, 3)))])
        for i in range(n_dims)
    }
    return make_framework(spec, overall=draw(st.sampled_from(["weighted-mean", "minimum"])))


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


def same_scores(x: ScoreResult, y: ScoreResult) -> bool:
    """Overall, every dimension and every question value agree."""
    pairs = [(x.overall, y.overall)]
    for dx, dy in zip(x.dimensions, y.dimensions, strict=True):
        pairs.append((dx.score, dy.score))
        pairs.extend((qx.value, qy.value) for qx, qy in zip(dx.questions, dy.questions, strict=True))
    return all(same(a, b) for a, b in pairs)


def in_range(value: float | None, top: float = 100.0) -> bool:
    return value is None or 0.0 <= value <= top


PROPERTY = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(matrices())
def test_scores_stay_in_range(matrix: Matrix) -> None:
    framework, question_set, rows = matrix
    result = score(framework, build(framework, question_set, rows))
    assert in_range(result.overall)
    assert (result.level is None) == (result.overall is None)
    n_questions = len(list(framework.iter_questions(question_set)))
    assert result.counts.total == len(rows) * n_questions
    for d in result.dimensions:
        assert in_range(d.score)
        assert (d.level is None) == (d.score is None)
        assert all(in_range(q.value, 1.0) for q in d.questions)
    for r in result.respondents:
        assert in_range(r.overall)
        assert all(in_range(v) for v in r.dimensions.values())


@PROPERTY
@given(weighted_frameworks(), st.data())
def test_scores_stay_in_range_with_any_weights(framework: Framework, data: st.DataObject) -> None:
    n = len(list(framework.iter_questions("core")))
    rows = data.draw(st.lists(st.lists(st.sampled_from(CELLS), min_size=n, max_size=n), max_size=4))
    result = score(framework, build(framework, "core", rows))
    assert in_range(result.overall)
    assert all(in_range(d.score) for d in result.dimensions)
    assert all(in_range(r.overall) for r in result.respondents)
    # all "yes" gives exactly the top band
    full = score(framework, build(framework, "core", [["yes"] * n]))
    assert full.overall == approx(100.0)
    assert in_range(full.overall)
    assert full.level is not None
    assert full.level.id == "optimizing"


@PROPERTY
@given(matrices(min_rows=1), st.data())
def test_respondent_order_does_not_matter(matrix: Matrix, data: st.DataObject) -> None:
    framework, question_set, rows = matrix
    order = data.draw(st.permutations(range(len(rows))))
    before = score(framework, build(framework, question_set, rows))
    after = score(framework, build(framework, question_set, [rows[i] for i in order]))
    assert same_scores(before, after)
    assert before.counts == after.counts
    for new_index, old_index in enumerate(order):
        old, new = before.respondents[old_index], after.respondents[new_index]
        assert same(old.overall, new.overall)
        assert all(same(old.dimensions[k], new.dimensions[k]) for k in old.dimensions)


@PROPERTY
@given(matrices())
def test_duplicating_every_respondent_does_not_change_scores(matrix: Matrix) -> None:
    framework, question_set, rows = matrix
    before = score(framework, build(framework, question_set, rows))
    after = score(framework, build(framework, question_set, rows + rows))
    assert same_scores(before, after)
    assert after.counts.total == 2 * before.counts.total


@PROPERTY
@given(matrices(), st.data())
def test_respondent_without_values_does_not_change_scores(matrix: Matrix, data: st.DataObject) -> None:
    framework, question_set, rows = matrix
    n = len(list(framework.iter_questions(question_set)))
    silent = data.draw(st.lists(st.sampled_from(NO_VALUE), min_size=n, max_size=n))
    before = score(framework, build(framework, question_set, rows))
    after = score(framework, build(framework, question_set, [*rows, silent]))
    assert same_scores(before, after)
    assert after.counts.answered == before.counts.answered
    assert after.respondents[-1].overall is None


@PROPERTY
@given(matrices(min_rows=1), st.data())
def test_na_instead_of_unanswered_does_not_change_scores(matrix: Matrix, data: st.DataObject) -> None:
    framework, question_set, rows = matrix
    blanks = [(i, j) for i, row in enumerate(rows) for j, cell in enumerate(row) if cell is None]
    assume(blanks)
    i, j = data.draw(st.sampled_from(blanks))
    changed = [list(row) for row in rows]
    changed[i][j] = "na"
    before = score(framework, build(framework, question_set, rows))
    after = score(framework, build(framework, question_set, changed))
    assert same_scores(before, after)
    assert all(
        same(a, b)
        for x, y in zip(before.respondents, after.respondents, strict=True)
        for a, b in [(x.overall, y.overall), *zip(x.dimensions.values(), y.dimensions.values(), strict=True)]
    )
    assert after.counts.na == before.counts.na + 1
    assert after.counts.unanswered == before.counts.unanswered - 1


def reference(framework: Framework, answers: AnswerSet) -> tuple[float | None, list[float | None]]:
    """docs/scoring.md written out in plain Python, one question at a time."""
    dim_scores: list[float | None] = []
    for dim in framework.dimensions:
        num = den = 0.0
        for q in dim.questions_in(answers.question_set):
            values = [
                v
                for r in answers.respondents
                if q.id in r.answers and (v := framework.value_of(r.answers[q.id].answer)) is not None
            ]
            if values:
                num += q.weight * sum(values) / len(values)
                den += q.weight
        dim_scores.append(100 * num / den if den else None)
    scored = [(d.weight, s) for d, s in zip(framework.dimensions, dim_scores, strict=True) if s is not None]
    if not scored:
        return None, dim_scores
    if framework.overall == "minimum":
        return min(s for _, s in scored), dim_scores
    return sum(w * s for w, s in scored) / sum(w for w, _ in scored), dim_scores


@PROPERTY
@given(matrices())
def test_matches_the_documented_method(matrix: Matrix) -> None:
    framework, question_set, rows = matrix
    answers = build(framework, question_set, rows)
    result = score(framework, answers)
    overall, dim_scores = reference(framework, answers)
    assert same(result.overall, overall)
    assert all(same(d.score, s) for d, s in zip(result.dimensions, dim_scores, strict=True))
