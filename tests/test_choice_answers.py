"""Multiple-choice answers: risk rules turn the selected choices into an answer key, in
answers files, in the terminal survey and in reports; bad selections are errors."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import jsonschema
import pytest

from mlops_scorecard.answers import AnswerSet, dump_answers, load_answers, load_assessment
from mlops_scorecard.errors import AnswersError
from mlops_scorecard.framework import Framework, Question, answer_for_choices, choice_problems, load_framework
from mlops_scorecard.reports import render_report, report_schema
from mlops_scorecard.scoring import score
from mlops_scorecard.survey import open_survey, parse_choices, run_survey

Write = Callable[[str, str], Path]

LENS = """\
id: lens
version: "1"
title: A lens
levels:
  - {id: low, name: Low, min: 0}
  - {id: high, name: High, min: 50}
dimensions:
  - id: ops
    title: Operations
    questions:
      - id: q1
        text: How do you deploy?
        choices:
          - {id: q1_a, label: Pipelines, description: Every release goes through CI., recommendation: Build a pipeline.}
          - {id: q1_b, label: Rollbacks, recommendation: Practise rollbacks.}
          - {id: q1_c, label: Canaries}
          - {id: q1_no, label: None of these, none: true}
        risk_rules:
          - {condition: "q1_a && q1_b && q1_c", risk: none}
          - {condition: "(q1_a || q1_b) && !q1_no", risk: medium}
          - {condition: default, risk: high}
      # a real lens's question without a `default` rule
      - id: q2
        text: How do you monitor?
        choices:
          - {id: m_dash, label: Dashboards}
          - {id: m_alerts, label: Alerts}
          - {id: m_none, label: None of these, none: true}
        risk_rules:
          - {condition: "m_dash && m_alerts", risk: none}
          - {condition: "m_dash || m_alerts", risk: medium}
          - {condition: m_none, risk: high}
      - {id: q3, text: A plain question}
"""


@pytest.fixture
def lens(write: Write) -> Path:
    return write("lens.yaml", LENS)


@pytest.fixture
def fw(lens: Path) -> Framework:
    return load_framework(lens)


def _question(fw: Framework, qid: str) -> Question:
    found = fw.question(qid)
    assert found is not None
    return found[1]


@pytest.mark.parametrize(
    ("selected", "key", "risk"),
    [
        # hand-evaluated: the first rule that holds decides
        (["q1_a", "q1_b", "q1_c"], "yes", "none"),
        (["q1_c", "q1_b", "q1_a"], "yes", "none"),  # order does not matter
        (["q1_a", "q1_c"], "partly", "medium"),  # rule 1 fails (no q1_b), rule 2 holds
        (["q1_b"], "partly", "medium"),
        (["q1_c"], "no", "high"),  # neither q1_a nor q1_b: only default holds
        (["q1_no"], "no", "high"),
        ([], "no", "high"),  # nothing selected is an answer: default
    ],
)
def test_rules_with_a_default(fw: Framework, selected: list[str], key: str, risk: str) -> None:
    got = answer_for_choices(fw, _question(fw, "q1"), selected)
    assert (got.key, got.risk, got.note) == (key, risk, "")


@pytest.mark.parametrize(
    ("selected", "key", "note"),
    [
        (["m_dash", "m_alerts"], "yes", False),
        (["m_alerts"], "partly", False),
        (["m_none"], "no", False),
        ([], "no", True),  # no rule holds, no default: the highest risk, with a note
    ],
)
def test_rules_without_a_default(fw: Framework, selected: list[str], key: str, note: bool) -> None:
    got = answer_for_choices(fw, _question(fw, "q2"), selected)
    assert got.key == key
    assert bool(got.note) is note
    if note:
        assert got.note == "no risk rule of 'q2' holds for no choice; taken as high risk"


def test_choice_problems(fw: Framework) -> None:
    q1 = _question(fw, "q1")
    assert choice_problems(q1, ["q1_a", "q1_b"]) == []
    assert choice_problems(q1, ["q1_x"]) == [
        "unknown choice 'q1_x' (choices of 'q1': q1_a, q1_b, q1_c, q1_no)"
    ]
    assert choice_problems(q1, ["q1_a", "q1_no"]) == ["'q1_no' (None of these) must be selected alone"]
    assert choice_problems(q1, ["q1_a", "q1_a"]) == ["choice 'q1_a' is selected twice"]
    assert choice_problems(_question(fw, "q3"), []) == [
        "question 'q3' has no choices; answer it with a scale key"
    ]


def test_risk_on_a_custom_scale(write: Write) -> None:
    scale = "scale:\n  not-done: {label: Not done, value: 0}\n  manual: {label: Manual, value: 0.5}\n"
    scale += "  automated: {label: Automated, value: 1}\nlevels:"
    fw = load_framework(write("mts.yaml", LENS.replace("levels:", scale, 1)))
    q1 = _question(fw, "q1")
    assert answer_for_choices(fw, q1, ["q1_a", "q1_b", "q1_c"]).key == "automated"
    assert answer_for_choices(fw, q1, ["q1_a"]).key == "manual"
    assert answer_for_choices(fw, q1, []).key == "not-done"


ANSWERS = """\
framework: lens.yaml
respondents:
  - name: Ann
    answers:
      q1: {choices: [q1_a, q1_b, q1_c]}
      q2: {choices: [m_alerts], comment: no dashboards yet}
      q3: yes
  - name: Bob
    answers:
      q1: {choices: [q1_no]}
      q2: {choices: []}
      q3: partly
"""


def test_an_answers_file_with_choices(lens: Path, write: Write, caplog: pytest.LogCaptureFixture) -> None:
    path = write("answers.yaml", ANSWERS)
    with caplog.at_level(logging.WARNING):
        fw, answers = load_assessment(path)
    ann, bob = answers.respondents
    assert (ann.answers["q1"].answer, ann.answers["q1"].choices) == ("yes", ("q1_a", "q1_b", "q1_c"))
    assert (ann.answers["q2"].answer, ann.answers["q2"].comment) == ("partly", "no dashboards yet")
    assert (bob.answers["q1"].answer, bob.answers["q2"].answer, bob.answers["q2"].choices) == ("no", "no", ())
    # Bob's empty selection of q2 has no rule: a warning, not an error
    assert "respondents[1] (Bob): no risk rule of 'q2' holds for no choice; taken as high risk" in caplog.text
    result = score(fw, answers)
    # q1: mean(1, 0) = 0.5; q2: mean(0.5, 0) = 0.25; q3: mean(1, 0.5) = 0.75 -> 50
    assert result.dimensions[0].score == pytest.approx(50.0)


def test_the_choices_are_written_back(lens: Path, write: Write, tmp_path: Path) -> None:
    _, answers = load_assessment(write("answers.yaml", ANSWERS))
    out = tmp_path / "again.yaml"
    dump_answers(answers, out)
    again = load_answers(out)
    assert again.respondents[0].answers["q1"].choices == ("q1_a", "q1_b", "q1_c")
    assert again.respondents[1].answers["q2"].choices == ()
    data = again.to_data()
    assert data["respondents"][0]["answers"]["q1"] == {"answer": "yes", "choices": ["q1_a", "q1_b", "q1_c"]}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "q1: {choices: [q1_no]}",
            "q1: {choices: [q1_no, q1_a]}",
            "line 10: respondents[1] (Bob).answers.q1.choices: 'q1_no' (None of these) must be selected alone",
        ),
        (
            "q1: {choices: [q1_no]}",
            "q1: {choices: [q1_z]}",
            "line 10: respondents[1] (Bob).answers.q1.choices: unknown choice 'q1_z' "
            "(choices of 'q1': q1_a, q1_b, q1_c, q1_no)",
        ),
        (
            "q3: partly",
            "q3: {choices: [q1_a]}",
            "line 12: respondents[1] (Bob).answers.q3.choices: question 'q3' has no choices; answer it with a scale key",
        ),
    ],
)
def test_bad_choices_name_respondent_question_and_id(
    lens: Path, write: Write, old: str, new: str, message: str
) -> None:
    path = write("answers.yaml", ANSWERS.replace(old, new))
    with pytest.raises(AnswersError) as info:
        load_assessment(path)
    assert str(info.value) == f"{path}: {message}"


def test_neither_answer_nor_choices_is_an_error(lens: Path, write: Write) -> None:
    path = write("answers.yaml", ANSWERS.replace("q3: partly", "q3: {comment: hmm}"))
    with pytest.raises(AnswersError) as info:
        load_assessment(path)
    assert "respondents[1] (Bob).answers.q3: give 'answer' (a scale key) or 'choices' (choice ids)" in str(
        info.value
    )


def test_a_key_that_differs_from_the_choices_is_replaced(
    lens: Path, write: Write, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(
        "answers.yaml",
        ANSWERS.replace("{choices: [q1_a, q1_b, q1_c]}", "{answer: no, choices: [q1_a, q1_b, q1_c]}"),
    )
    with caplog.at_level(logging.WARNING):
        _, answers = load_assessment(path)
    assert answers.respondents[0].answers["q1"].answer == "yes"
    assert "answer to 'q1': 'no' replaced by 'yes', the answer its choices give" in caplog.text


def test_a_choice_question_also_takes_na(lens: Path, write: Write) -> None:
    _, answers = load_assessment(write("answers.yaml", ANSWERS.replace("q1: {choices: [q1_no]}", "q1: na")))
    assert answers.respondents[1].answers["q1"].answer == "na"
    assert answers.respondents[1].answers["q1"].choices is None


def test_reports_show_the_selected_choices(lens: Path, write: Write) -> None:
    fw, answers = load_assessment(write("answers.yaml", ANSWERS))
    when = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    data = json.loads(render_report(fw, answers, "json", generated_at=when))
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    q1 = data["answers"][0]["questions"][0]
    assert q1["responses"][0]["choices"] == [
        {"id": "q1_a", "label": "Pipelines"},
        {"id": "q1_b", "label": "Rollbacks"},
        {"id": "q1_c", "label": "Canaries"},
    ]
    assert "choices" not in data["answers"][0]["questions"][2]["responses"][0]  # q3: a plain answer
    md = render_report(fw, answers, "md", generated_at=when).decode()
    assert "- Ann: Yes (selected: Pipelines; Rollbacks; Canaries)" in md
    assert "- Bob: No (selected: none)" in md
    html = render_report(fw, answers, "html", generated_at=when).decode()
    assert "Selected: None of these" in html


def test_the_plan_names_the_choices_not_selected(lens: Path, write: Write) -> None:
    from mlops_scorecard.planning import build_plan

    fw, answers = load_assessment(write("answers.yaml", ANSWERS))
    plan = build_plan(score(fw, answers))
    q1 = next(it for it in plan.items if it.key == "q1")
    # Bob selected none of q1's choices: every recommendation of an unselected choice
    assert q1.recommendation == "Build a pipeline. Practise rollbacks."


def test_terminal_survey_takes_choices(lens: Path, fw: Framework, tmp_path: Path) -> None:
    assert parse_choices("1, 3: mostly", _question(fw, "q1")) == (("q1_a", "q1_c"), "mostly")
    assert parse_choices("q1_b", _question(fw, "q1")) == (("q1_b",), "")
    assert parse_choices("7", _question(fw, "q1")) is None
    path = tmp_path / "mine.yaml"
    answers: AnswerSet
    answers, index = open_survey(path, fw, question_set="core", name="Cy", reference=str(lens))
    replies: Iterator[str | None] = iter(["1, 4", "y", "1 2 3", "a", "y"])
    said: list[str] = []
    run_survey(path, fw, answers, index, ask=lambda _p: next(replies, None), say=said.append)
    assert "  1. Pipelines (Every release goes through CI.)" in said
    assert any("must be selected alone" in line for line in said)  # 1 with None of these
    assert any("Not understood" in line for line in said)  # "y" on a choice question
    _, back = load_assessment(path)
    got = {q: (a.answer, a.choices) for q, a in back.respondents[0].answers.items()}
    assert got == {"q1": ("yes", ("q1_a", "q1_b", "q1_c")), "q2": ("na", None), "q3": ("yes", None)}
