"""The sample assessment: deterministic, valid, and plausible."""

from __future__ import annotations

import datetime as dt

from mlops_scorecard.answers import AnswerSet, check_answers
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import Framework
from mlops_scorecard.scoring import score


def test_example_is_valid_for_its_framework(example: AnswerSet, framework: Framework) -> None:
    check_answers(example, framework)  # raises on any problem
    assert example.framework == "mlops-scorecard@1.0.0"
    assert example.question_set == "core"
    assert example.unit == "Payments ML team"
    assert example.title == "Payments ML team: MLOps assessment"
    assert example.date == dt.date(2026, 10, 1)
    assert [r.role for r in example.respondents] == [
        "ml-engineer",
        "data-scientist",
        "data-engineer",
        "product",
    ]
    # every respondent answers every core question
    assert all(len(r.answers) == 18 for r in example.respondents)


def test_example_is_deterministic(framework: Framework) -> None:
    assert example_answers(framework) == example_answers(framework)
    assert example_answers(framework, seed=1) != example_answers(framework, seed=2)


def test_example_options(framework: Framework) -> None:
    answers = example_answers(
        framework,
        respondents=7,
        question_set="full",
        seed=3,
        unit="Search",
        date=dt.date(2025, 5, 6),
    )
    check_answers(answers, framework)
    names = [r.name for r in answers.respondents]
    assert len(set(names)) == 7  # names repeat with a suffix beyond five people
    assert names[5] == "Alex Moreno 2"
    assert all(len(r.answers) == 48 for r in answers.respondents)
    assert (answers.unit, answers.date) == ("Search", dt.date(2025, 5, 6))
    assert example_answers(framework, respondents=0).respondents == []


def test_example_scores_follow_the_profile(example: AnswerSet, framework: Framework) -> None:
    result = score(framework, example)
    assert all(d.score is not None for d in result.dimensions)
    assert result.overall is not None
    # the profile: strong on model development, weak on continuous improvement
    strong = result.dimension("model-development").score
    weak = result.dimension("continuous-improvement").score
    assert strong is not None
    assert weak is not None
    assert strong > weak
    big = score(framework, example_answers(framework, respondents=40, question_set="full"))
    by_id = {d.id: d.score for d in big.dimensions}
    assert max(by_id, key=lambda k: by_id[k] or 0) == "model-development"
    assert min(by_id, key=lambda k: by_id[k] or 0) == "continuous-improvement"
    # some comments, and a few unknown / not applicable answers across many respondents
    assert any(a.comment for r in example.respondents for a in r.answers.values())
    assert big.counts.na > 0
    assert big.counts.unknown > 0


def test_consensus_makes_respondents_agree(framework: Framework) -> None:
    from mlops_scorecard.analysis.agreement import agreement

    apart = agreement(framework, example_answers(framework, respondents=6, seed=3)).overall.alpha
    together = agreement(
        framework, example_answers(framework, respondents=6, seed=3, consensus=True)
    ).overall.alpha
    assert apart is not None
    assert together is not None
    assert together > apart + 0.2
