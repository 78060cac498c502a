"""Profiles (context questions): what they do to the questions, the score, the plan, the
answers file, the report and the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from mlops_scorecard.answers import AnswerSet, check_answers, load_assessment, parse_answers
from mlops_scorecard.cli import app
from mlops_scorecard.errors import AnswersError, FrameworkError
from mlops_scorecard.framework import Framework, parse_framework
from mlops_scorecard.framework.profiles import check_profile, context_answer, describe_choices, profile_effect
from mlops_scorecard.matrix import ANSWER_CODES, ScoreMatrix
from mlops_scorecard.planning import PRIORITISED_FIRST, RANKING_RULE, build_plan
from mlops_scorecard.reports import render_report
from mlops_scorecard.reports.data import report_data
from mlops_scorecard.scoring import score

SCHEMA = Path(__file__).resolve().parent.parent / "src/mlops_scorecard/schemas/report.schema.json"

#: Two dimensions, five questions of weight 1 (q3 weight 2), one context question.
SMALL: dict[str, Any] = {
    "id": "small",
    "version": "1",
    "title": "Small",
    "levels": [{"id": "low", "name": "Low", "min": 0}, {"id": "high", "name": "High", "min": 50}],
    "dimensions": [
        {
            "id": "ops",
            "title": "Operations",
            "questions": [
                {"id": "q1", "text": "Q1?"},
                {"id": "q2", "text": "Q2?"},
                {"id": "q3", "text": "Q3?", "weight": 2},
            ],
        },
        {
            "id": "gov",
            "title": "Governance",
            "questions": [{"id": "g1", "text": "G1?"}, {"id": "g2", "text": "G2?"}],
        },
    ],
    "profile": [
        {
            "id": "production",
            "text": "Models in production?",
            "options": [
                {"id": "none", "label": "None yet", "not_applicable": {"q3": "Nothing is deployed."}},
                {"id": "many", "label": "Many", "prioritise": ["g2", "q3"]},
            ],
        },
        {
            "id": "regulated",
            "text": "Regulated?",
            "options": [
                {"id": "yes", "label": "Yes", "prioritise": ["g2"], "not_applicable": {"q2": ""}},
                {"id": "no", "label": "No"},
            ],
        },
    ],
}


@pytest.fixture(scope="module")
def small() -> Framework:
    return parse_framework(SMALL)


def answers_of(fw: Framework, rows: list[dict[str, str]], profile: dict[str, str] | None = None) -> AnswerSet:
    return parse_answers(
        {
            "framework": fw.ref,
            "question_set": "full",
            "profile": profile or {},
            "respondents": [{"name": f"r{i}", "answers": r} for i, r in enumerate(rows)],
        }
    )


# --- the effect --------------------------------------------------------------------------


def test_profile_effect_marks_questions(small: Framework) -> None:
    effect = profile_effect(small, {"production": "many", "regulated": "yes"})
    assert effect.prioritised == {"g2", "q3"}
    assert effect.not_applicable == {"q2": "not applicable when: Regulated? Yes"}  # no reason given
    # each touched question names the context answers behind it, once each
    assert effect.context == {
        "g2": "Models in production? Many; Regulated? Yes",
        "q3": "Models in production? Many",
        "q2": "Regulated? Yes",
    }
    assert effect  # it changes something
    assert not profile_effect(small, {})
    assert not profile_effect(small, {"regulated": "no"})


def test_not_applicable_wins_over_prioritised(small: Framework) -> None:
    fw = parse_framework(
        {
            **SMALL,
            "profile": [
                SMALL["profile"][0],
                {
                    **SMALL["profile"][1],
                    "options": [
                        {"id": "yes", "label": "Yes", "not_applicable": {"q3": "Not here."}},
                        {"id": "no", "label": "No"},
                    ],
                },
            ],
        }
    )
    effect = profile_effect(fw, {"production": "many", "regulated": "yes"})
    assert "q3" not in effect.prioritised
    assert effect.not_applicable == {"q3": "Not here."}
    assert effect.context["q3"].startswith("Regulated? Yes")  # the answer that made it N/A first


def test_check_profile_names_what_is_wrong(small: Framework) -> None:
    with pytest.raises(FrameworkError) as exc:
        check_profile(small, {"production": "some", "size": "big"})
    text = str(exc.value)
    assert "profile.production: unknown option 'some' (use none, many)" in text
    assert "profile.size: unknown context question (this framework's: production, regulated)" in text
    assert check_profile(small, {"regulated": "no"}) == {"regulated": "no"}


def test_defaults_fill_in_when_given() -> None:
    data = json.loads(json.dumps(SMALL))
    data["profile"][0]["default"] = "none"
    fw = parse_framework(data)
    assert check_profile(fw, {}) == {"production": "none"}
    assert profile_effect(fw, {}).not_applicable == {"q3": "Nothing is deployed."}
    assert profile_effect(fw, {"production": "many"}).not_applicable == {}


def test_descriptions(small: Framework) -> None:
    assert context_answer(small, "production", "none") == "Models in production? None yet"
    assert context_answer(small, "nope", "x") == "nope: x"
    # in the framework's order, whatever the mapping's
    assert describe_choices(small, {"regulated": "no", "production": "none"}) == (
        "Models in production? None yet; Regulated? No"
    )


# --- scores -------------------------------------------------------------------------------


def test_score_with_and_without_a_profile(small: Framework) -> None:
    rows = [{"q1": "yes", "q2": "no", "q3": "yes", "g1": "partly", "g2": "no"}]
    plain = score(small, answers_of(small, rows))
    # ops: (1 + 0 + 2 x 1) / 4 = 75; gov: (0.5 + 0) / 2 = 25; overall (75 + 25) / 2 = 50
    assert plain.dimension("ops").score == pytest.approx(75.0)
    assert plain.overall == pytest.approx(50.0)
    none = score(small, answers_of(small, rows, {"production": "none"}))
    # q3 (weight 2) drops out: ops (1 + 0) / 2 = 50; overall (50 + 25) / 2 = 37.5
    assert none.dimension("ops").score == pytest.approx(50.0)
    assert none.overall == pytest.approx(37.5)
    assert none.dimension("ops").counts.na == 1
    q3 = next(q for q in none.dimension("ops").questions if q.question.id == "q3")
    assert q3.value is None
    assert q3.distribution["na"] == 1
    assert q3.distribution["yes"] == 0
    both = score(small, answers_of(small, rows, {"production": "none", "regulated": "yes"}))
    assert both.dimension("ops").score == pytest.approx(100.0)  # only q1 is left: yes


def test_matrix_from_codes_takes_the_profile(small: Framework) -> None:
    codes = np.full((2, 5), ANSWER_CODES["yes"], dtype=np.int8)
    m = ScoreMatrix.from_codes(small, "full", codes, profile={"production": "none"})
    assert m.codes[:, 2].tolist() == [ANSWER_CODES["na"]] * 2
    assert codes[0, 2] == ANSWER_CODES["yes"]  # the caller's array is not changed
    assert m.profile.not_applicable == {"q3": "Nothing is deployed."}
    assert m.take([1]).profile is m.profile


# --- the plan -----------------------------------------------------------------------------


def test_plan_ranks_prioritised_questions_first(small: Framework) -> None:
    # ops is the weakest dimension, so without a profile its gaps come first
    rows = [{"q1": "no", "q2": "partly", "q3": "partly", "g1": "yes", "g2": "partly"}]
    plain = build_plan(score(small, answers_of(small, rows)))
    assert [it.key for it in plain.items] == ["q1", "q3", "q2", "g2"]
    assert plain.ranking == RANKING_RULE
    assert all(not it.prioritised for it in plain.items)
    assert "prioritised" not in plain.to_dict()["items"][0]

    many = build_plan(score(small, answers_of(small, rows, {"production": "many"})))
    # g2 and q3 first (by the usual rule among themselves: ops weaker, so q3), then the rest
    assert [it.key for it in many.items] == ["q3", "g2", "q1", "q2"]
    assert [it.computed_rank for it in many.items] == [1, 2, 3, 4]
    assert many.item("g2").prioritised == "Models in production? Many"
    assert not many.item("q1").prioritised
    assert many.ranking == PRIORITISED_FIRST + RANKING_RULE
    data = many.to_dict()
    assert data["ranking"].startswith("questions the profile prioritises first")
    assert data["items"][1]["prioritised"] == "Models in production? Many"
    md = many.to_markdown()
    assert "  - Prioritised by profile: Models in production? Many" in md


def test_not_applicable_questions_never_in_the_plan(small: Framework) -> None:
    rows = [{"q1": "yes", "q2": "no", "q3": "no", "g1": "no", "g2": "no"}]
    plan = build_plan(score(small, answers_of(small, rows, {"production": "none", "regulated": "yes"})))
    keys = [it.key for it in plan.items]
    assert "q3" not in keys
    assert "q2" not in keys
    assert keys == ["g2", "g1"]  # g2 prioritised by regulated=yes


# --- answers files --------------------------------------------------------------------------


def test_answers_file_profile_is_checked(tmp_path: Path, framework: Framework) -> None:
    path = tmp_path / "a.yaml"
    data: dict[str, Any] = {
        "framework": "mlops-scorecard",
        "profile": {"production": "nonee", "size": "big", "team-size": "small"},
        "respondents": [{"name": "A", "answers": {"gov-team": "yes"}}],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(AnswersError) as exc:
        load_assessment(path)
    text = str(exc.value)
    assert f"{path}: profile.production: unknown option 'nonee' (use none, some, many)" in text
    assert (
        "profile.size: unknown context question (this framework's: regulated, production, team-size)" in text
    )
    assert len(exc.value.problems) == 2  # team-size=small is fine
    del data["profile"]["size"]
    data["profile"]["production"] = "none"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    _, answers = load_assessment(path)
    assert answers.profile == {"production": "none", "team-size": "small"}
    assert answers.to_data()["profile"] == {"production": "none", "team-size": "small"}
    result = score(framework, answers)
    gov_team = next(q for q in result.dimension("governance").questions if q.question.id == "gov-team")
    assert gov_team.value is None  # answered yes, but a small team needs no MLOps team


def test_a_profile_for_a_framework_without_one(small: Framework) -> None:
    fw = parse_framework({**SMALL, "profile": []})
    answers = answers_of(small, [], {"production": "none"}).model_copy(update={"framework": fw.ref})
    with pytest.raises(AnswersError, match="has no context questions"):
        check_answers(answers, fw)
    with pytest.raises(AnswersError, match="profile: "):
        parse_answers({"framework": "x", "profile": ["production"]})


# --- the built-in framework -----------------------------------------------------------------


def test_builtin_context_questions(framework: Framework) -> None:
    assert [pq.id for pq in framework.profile] == ["regulated", "production", "team-size"]
    assert all(pq.default is None for pq in framework.profile)  # no score changes without a choice
    for pq in framework.profile:
        for option in pq.options:
            assert all(reason.endswith(".") and len(reason) > 20 for reason in option.not_applicable.values())
    none = profile_effect(framework, {"production": "none"})
    assert {"mon-metrics", "deploy-maintenance", "ci-drift"} <= none.not_applicable.keys()
    assert "deploy-repeatable" not in none.not_applicable  # getting ready to deploy still applies
    assert profile_effect(framework, {"team-size": "small"}).not_applicable.keys() == {"gov-team"}
    assert {"gov-policies", "mon-audits", "data-compliance"} <= profile_effect(
        framework, {"regulated": "yes"}
    ).prioritised


def test_builtin_scores_unchanged_without_a_profile(framework: Framework, example: AnswerSet) -> None:
    assert example.profile == {}
    m = ScoreMatrix.build(framework, example)
    assert not m.profile
    assert m.profile.choices == {}
    unset = example.model_copy(
        update={"profile": {"regulated": "no", "production": "some", "team-size": "medium"}}
    )
    # options that prioritise nothing and leave nothing out change no score
    assert score(framework, unset).to_dict() == score(framework, example).to_dict()


# --- the report -------------------------------------------------------------------------------


def test_report_context_part(framework: Framework, example: AnswerSet) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    plain = report_data(framework, example, score(framework, example))
    assert "context" not in plain
    answers = example.model_copy(update={"profile": {"production": "none", "regulated": "yes"}})
    result = score(framework, answers)
    data = report_data(framework, answers, result)
    jsonschema.validate(data, schema)
    context = data["context"]
    assert [a["label"] for a in context["answers"]] == ["Regulated", "None yet", None]
    na = {q["id"]: q for q in context["not_applicable"]}
    assert set(na) == {"mon-metrics", "deploy-maintenance"}  # the core set's only
    assert na["mon-metrics"]["context"] == "How many ML models are in production? None yet"
    assert [q["id"] for q in context["prioritised"]] == ["gov-policies", "mon-audits"]
    questions = {q["id"]: q for d in data["answers"] for q in d["questions"]}
    assert questions["mon-metrics"]["not_applicable"] == na["mon-metrics"]["reason"]
    dist = questions["mon-metrics"]["distribution"]
    assert dist["na"] == len(example.respondents) - dist["unanswered"]  # every answer counts as na
    result_dist = next(q for q in result.dimension("monitoring").questions if q.question.id == "mon-metrics")
    assert dist == result_dist.distribution
    assert "not_applicable" not in questions["gov-strategy"]
    items = data["plan"]["items"]
    flags = [bool(it.get("prioritised")) for it in items]
    assert any(flags)
    assert flags == sorted(flags, reverse=True)
    assert {it["key"] for it in items if it.get("prioritised")} <= {"gov-policies", "mon-audits"}
    assert not {"mon-metrics", "deploy-maintenance"} & {it["key"] for it in items}

    md = render_report(framework, answers, "md", result=result).decode()
    assert "## Context" in md
    assert "- How many ML models are in production? **None yet**" in md
    assert "Not applicable: No model is in production yet" in md
    assert "Prioritised by profile: Does the organization work in a regulated industry" in md
    html = render_report(framework, answers, "html", result=result).decode()
    assert '<section id="context">' in html
    assert "None yet" in html
    pdf = render_report(framework, answers, "pdf", result=result)
    assert isinstance(pdf, bytes)
    assert pdf.startswith(b"%PDF")


# --- command line -------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_score_and_plan_show_the_context(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    assert (
        runner.invoke(
            app, ["example", "-o", str(path), "--profile", "production=none", "--profile", "regulated=yes"]
        ).exit_code
        == 0
    )
    assert yaml.safe_load(path.read_text())["profile"] == {"production": "none", "regulated": "yes"}
    out = runner.invoke(app, ["score", str(path)])
    assert out.exit_code == 0, out.output
    assert "Context: Does the organization work in a regulated industry" in out.output
    assert "mon-metrics: No model is in production yet" in out.output
    data = json.loads(runner.invoke(app, ["score", str(path), "--format", "json"]).output)
    assert data["profile"]["choices"] == {"production": "none", "regulated": "yes"}
    assert "gov-policies" in data["profile"]["prioritised"]
    plan = runner.invoke(app, ["plan", str(path)])
    assert "★ prioritised" in plan.output
    assert "Ranked: questions the profile prioritises first" in plan.output
    report = runner.invoke(app, ["report", str(path), "--format", "md"])
    assert "## Context" in report.output


def test_cli_profile_errors(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    bad = runner.invoke(app, ["example", "-o", str(path), "--profile", "production=lots"])
    assert bad.exit_code == 1
    assert "profile.production: unknown option 'lots' (use none, some, many)" in bad.output
    bad = runner.invoke(app, ["example", "-o", str(path), "--profile", "production"])
    assert bad.exit_code == 1
    assert "use QUESTION=OPTION" in bad.output
    assert not path.exists()


def test_cli_assess_skips_not_applicable_questions(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    out = runner.invoke(
        app, ["assess", str(path), "--name", "Ana", "--profile", "team-size=small"], input="y\nq\n"
    )
    assert out.exit_code == 0, out.output
    assert "1 question does not apply in this file's context and is not asked." in out.output
    assert "Is there a designated team responsible for MLOps?" not in out.output
    data = yaml.safe_load(path.read_text())
    assert data["profile"] == {"team-size": "small"}
    assert data["respondents"][0]["answers"] == {"gov-strategy": "yes"}


def test_unquoted_yes_and_no_are_options(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "framework: mlops-scorecard\nprofile:\n  regulated: yes\nrespondents: []\n", encoding="utf-8"
    )
    _, answers = load_assessment(path)
    assert answers.profile == {"regulated": "yes"}
    path.write_text(
        "framework: mlops-scorecard\nprofile:\n  production: 3\nrespondents: []\n", encoding="utf-8"
    )
    with pytest.raises(AnswersError, match=r"line 3: profile\.production"):
        load_assessment(path)


def test_the_fast_reader_keeps_the_profile(framework: Framework) -> None:
    from mlops_scorecard.answers import read_answers
    from mlops_scorecard.answers.validation import fast_answer_set
    from mlops_scorecard.example import example_answers

    data = example_answers(framework, respondents=3).to_data()
    data["profile"] = {"production": "none", "regulated": True}
    fast = fast_answer_set(data)
    assert fast is not None  # one pass, not the models' slower walk
    assert fast == AnswerSet.model_validate(data)
    assert fast.profile == {"production": "none", "regulated": "yes"}
    assert fast_answer_set({**data, "profile": {"production": ["none"]}}) is None  # the models say why
    with pytest.raises(AnswersError, match=r"profile\.production"):
        read_answers(json.dumps({**data, "profile": {"production": ["none"]}}), source="a.json", as_json=True)
    with pytest.raises(AnswersError):
        read_answers(
            json.dumps({**data, "profile": {"production": "no\u0000ne"}}), source="a.json", as_json=True
        )
