"""Custom answer scales: a 1-5 maturity scale from the framework file to the report,
the terminal survey's replies, and the validation of a bad scale."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from mlops_scorecard.answers import AnswerSet, load_assessment
from mlops_scorecard.errors import AnswersError, FrameworkError
from mlops_scorecard.evidence.crosscheck import crosscheck
from mlops_scorecard.evidence.results import PracticeFinding, RepositoryScan, ScanResult
from mlops_scorecard.framework import Framework, get_framework, load_framework
from mlops_scorecard.matrix import UNANSWERED, ScoreMatrix, key_codes
from mlops_scorecard.planning import build_plan
from mlops_scorecard.reports import render_report, report_schema
from mlops_scorecard.reports.view import ANSWER_COLOURS, answer_colour
from mlops_scorecard.scoring import score
from mlops_scorecard.survey import open_survey, parse_reply, run_survey, survey_help

Write = Callable[[str, str], Path]

MATURITY = """\
id: maturity
version: "1"
title: Maturity
scale:
  initial: {label: Initial, value: 0, description: "Ad hoc, depends on people."}
  repeatable: {label: Repeatable, value: 0.25, description: Done again the same way.}
  defined: {label: Defined, value: 0.5, description: Written down and agreed.}
  managed: {label: Managed, value: 0.75, description: Measured and enforced.}
  optimizing: {label: Optimizing, value: 1, description: Improved from the measures.}
  na: {label: Not applicable}
  unknown: {label: Don't know}
levels:
  - {id: low, name: Low, min: 0}
  - {id: high, name: High, min: 50}
dimensions:
  - id: data
    title: Data
    questions:
      - {id: d1, text: Data is versioned}
      - {id: d2, text: Data is validated}
  - id: model
    title: Model
    questions:
      - {id: m1, text: Models are reviewed}
evidence:
  data-versioning: [d1]
"""

ANSWERS = """\
framework: maturity.yaml
question_set: core
date: 2026-11-30
respondents:
  - name: Ann
    answers:
      d1: Managed
      d2: {answer: initial, comment: nothing yet}
      m1: optimizing
  - name: Bob
    answers:
      d1: defined
      d2: NA
      m1: repeatable
"""


@pytest.fixture
def maturity(write: Write) -> Path:
    return write("maturity.yaml", MATURITY)


def test_the_scale_keys_and_codes(maturity: Path) -> None:
    fw = load_framework(maturity)
    assert fw.answer_keys == ("initial", "repeatable", "defined", "managed", "optimizing", "na", "unknown")
    assert fw.valued_keys == fw.answer_keys[:5]
    assert fw.ranked_keys == ("initial", "defined", "optimizing")
    assert [fw.risk_answer(r) for r in ("none", "medium", "high")] == ["optimizing", "defined", "initial"]
    assert dict(key_codes(fw)) == {k: i for i, k in enumerate(fw.answer_keys)}
    assert key_codes(fw)["yes"] == UNANSWERED  # not on this scale
    assert fw.key_for("MANAGED") == fw.key_for("managed") == "managed"


def test_the_default_scale_keeps_its_keys_and_codes(framework: Framework) -> None:
    assert framework.answer_keys == ("yes", "partly", "no", "na", "unknown")
    assert framework.ranked_keys == ("no", "partly", "yes")
    assert [framework.risk_answer(r) for r in ("none", "medium", "high")] == ["yes", "partly", "no"]
    assert dict(key_codes(framework)) == {"yes": 0, "partly": 1, "no": 2, "na": 3, "unknown": 4}


def test_three_level_scale_of_the_ml_test_score(write: Write) -> None:
    scale = "scale:\n  not-done: {label: Not done, value: 0}\n  manual: {label: Manual, value: 0.5}\n"
    scale += "  automated: {label: Automated, value: 1}\nlevels:"
    fw = load_framework(write("mts.yaml", MATURITY.split("scale:")[0] + scale + MATURITY.split("levels:")[1]))
    assert fw.scale_keys == ("not-done", "manual", "automated")  # no na, no unknown on this scale
    assert fw.answer_keys == ("not-done", "manual", "automated", "na", "unknown")
    assert fw.ranked_keys == ("not-done", "manual", "automated")


def test_an_answers_file_with_the_scale_keys_scores(maturity: Path, write: Write) -> None:
    path = write("answers.yaml", ANSWERS)
    fw, answers = load_assessment(path)
    ann, bob = answers.respondents
    # keys are case-insensitive
    assert ann.answers["d1"].answer == "managed"
    assert bob.answers["d2"].answer == "na"
    result = score(fw, answers)
    d = {x.dimension.id: x for x in result.dimensions}
    # data: d1 = mean(0.75, 0.5) = 0.625, d2 = 0 (Bob's na left out) -> 31.25
    assert d["data"].score == pytest.approx(31.25)
    assert d["data"].questions[0].distribution == {
        "initial": 0,
        "repeatable": 0,
        "defined": 1,
        "managed": 1,
        "optimizing": 0,
        "na": 0,
        "unknown": 0,
        "unanswered": 0,
    }
    assert d["data"].counts.na == 1
    assert d["data"].counts.answered == 3


def test_a_key_off_the_scale_names_the_line_and_the_keys(maturity: Path, write: Write) -> None:
    path = write("answers.yaml", ANSWERS.replace("d1: defined", "d1: yes"))
    with pytest.raises(AnswersError) as info:
        load_assessment(path)
    assert str(info.value) == (
        f"{path}: line 12: respondents[1] (Bob).answers.d1.answer: unknown answer key "
        "(use initial, repeatable, defined, managed, optimizing, na, unknown)"
    )


@pytest.fixture
def scored(maturity: Path, write: Write) -> tuple[Framework, AnswerSet]:
    fw, answers = load_assessment(write("answers.yaml", ANSWERS))
    return fw, answers


def test_reports_show_the_scale(scored: tuple[Framework, AnswerSet]) -> None:
    fw, answers = scored
    when = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    data = json.loads(render_report(fw, answers, "json", generated_at=when))
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    first = data["answers"][0]["questions"][0]
    assert list(first["distribution"]) == [*fw.answer_keys, "unanswered"]
    assert [r["answer"] for r in first["responses"]] == ["managed", "defined"]
    md = render_report(fw, answers, "md", generated_at=when).decode()
    header = "| Question | Initial | Repeatable | Defined | Managed | Optimizing | N/A | Don't know | No answer | Score |"
    assert header in md
    assert "| d1 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 62.5 |" in md
    assert "- Ann: Managed" in md
    html = render_report(fw, answers, "html", generated_at=when).decode()
    assert "Optimizing" in html
    assert "Repeatable" in html
    # a colour per key by its value: the ends are no's and yes's, the middle partly's
    assert answer_colour("initial", 0.0) == ANSWER_COLOURS["no"]
    assert answer_colour("defined", 0.5) == ANSWER_COLOURS["partly"]
    assert answer_colour("optimizing", 1.0) == ANSWER_COLOURS["yes"]
    assert answer_colour("managed", 0.75) not in ANSWER_COLOURS.values()
    assert f"background: {answer_colour('managed', 0.75)}" in html
    assert render_report(fw, answers, "pdf", generated_at=when).startswith(b"%PDF-")


def test_the_plan_and_its_csv_use_the_scale(scored: tuple[Framework, AnswerSet]) -> None:
    fw, answers = scored
    plan = build_plan(score(fw, answers))
    header = plan.to_csv().splitlines()[0].split(",")
    assert header[header.index("value") + 1 : header.index("gain")] == [*fw.answer_keys, "unanswered"]
    assert {it.key for it in plan.items} == {"d1", "d2", "m1"}  # nothing is at the best key


def test_matrix_from_codes_of_a_custom_scale(maturity: Path) -> None:
    import numpy as np

    fw = load_framework(maturity)
    codes = np.array([[3, 6, UNANSWERED], [4, 0, 5]], dtype=np.int8)  # managed, unknown, -; opt., initial, na
    m = ScoreMatrix.from_codes(fw, "core", codes)
    assert m.values[0, 0] == 0.75
    assert np.isnan(m.values[0, 1:]).all()
    assert m.values[1].tolist()[:2] == [1.0, 0.0]
    assert np.isnan(m.values[1, 2])
    assert m.categories.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert m.ordinal.tolist() == [[3, -1, -1], [4, 0, -1]]
    assert m.distribution()[0].tolist() == [0, 0, 0, 1, 1, 0, 0, 0]


def test_crosscheck_suggests_the_best_and_worst_keys(maturity: Path) -> None:
    fw = load_framework(maturity)

    def scan(status: str) -> ScanResult:
        finding = PracticeFinding(id="data-versioning", title="data versioning", status=status)
        return ScanResult(repositories=[RepositoryScan(path="repo", practices=[finding])])

    found = crosscheck(scan("found"), fw, {"d1": {"initial": 2}})
    assert [s.answer for s in found.suggestions] == ["optimizing"]
    assert [d.kind for d in found.disagreements] == ["evidence-not-claimed"]
    assert "answered initial or don't know" in found.disagreements[0].message
    missing = crosscheck(scan("not-found"), fw, {"d1": {"optimizing": 1}})
    assert [s.answer for s in missing.suggestions] == ["initial"]
    assert [d.kind for d in missing.disagreements] == ["claimed-without-evidence"]


# --- the terminal survey ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("managed", ("managed", "")),
        ("Optimizing: all of it", ("optimizing", "all of it")),
        ("2", ("repeatable", "")),
        ("5", ("optimizing", "")),
        ("6", ("na", "")),  # the numbers run on over the no-value keys
        ("a", ("na", "")),
        ("u", ("unknown", "")),
        ("Don't know", ("unknown", "")),
        ("y", None),
        ("9", None),
        ("s", ("skip", "")),
    ],
)
def test_parse_reply_on_a_custom_scale(maturity: Path, reply: str, expected: tuple[str, str] | None) -> None:
    assert parse_reply(reply, load_framework(maturity)) == expected


def test_the_default_scale_replies_are_unchanged(framework: Framework) -> None:
    assert parse_reply("p: one model", framework) == ("partly", "one model")
    assert parse_reply("2", framework) is None
    assert survey_help(framework).startswith("y = yes, p = partly")


def test_terminal_survey_on_a_custom_scale(maturity: Path, tmp_path: Path) -> None:
    fw = load_framework(maturity)
    path = tmp_path / "mine.yaml"
    answers, index = open_survey(path, fw, question_set="core", name="Cy", reference=str(maturity))
    replies: Iterator[str | None] = iter(["1", "yes", "Defined: mostly", "u"])
    said: list[str] = []
    outcome = run_survey(path, fw, answers, index, ask=lambda _p: next(replies, None), say=said.append)
    assert outcome.answered_now == 3
    assert not outcome.quit
    assert "1 = Initial, 2 = Repeatable" in said[0]
    assert any("Not understood" in line for line in said)  # "yes" is not on this scale
    _, back = load_assessment(path)
    got = {q: (a.answer, a.comment) for q, a in back.respondents[0].answers.items()}
    assert got == {"d1": ("initial", ""), "d2": ("defined", "mostly"), "m1": ("unknown", "")}


# --- a bad scale ----------------------------------------------------------------------


def _scale_error(write: Write, scale: str) -> str:
    path = write("bad.yaml", MATURITY.split("scale:")[0] + scale + "levels:" + MATURITY.split("levels:")[1])
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    return str(info.value)


def test_duplicate_values_are_refused(write: Write) -> None:
    message = _scale_error(write, "scale:\n  low: {label: L, value: 0}\n  mid: {label: M, value: 0}\n")
    assert "line 6: scale.mid.value: 0 is also the value of 'low'; values must differ" in message


def test_one_valued_key_is_not_a_scale(write: Write) -> None:
    message = _scale_error(write, "scale:\n  done: {label: Done, value: 1}\n  na: {label: NA}\n")
    assert "line 5: scale: needs at least two keys with a value (the worst and the best answer)" in message


def test_a_value_out_of_range_is_refused(write: Write) -> None:
    message = _scale_error(write, "scale:\n  low: {label: L, value: 0}\n  top: {label: T, value: 5}\n")
    assert "line 6: scale.top.value: Input should be less than or equal to 1" in message


def test_a_reserved_key_with_a_value_is_refused(write: Write) -> None:
    message = _scale_error(
        write,
        "scale:\n  low: {label: L, value: 0}\n  top: {label: T, value: 1}\n  unknown: {label: U, value: 0.5}\n",
    )
    assert "line 7: scale.unknown: carries no value; remove 'value'" in message


def test_a_custom_key_without_a_value_is_refused(write: Write) -> None:
    message = _scale_error(
        write, "scale:\n  low: {label: L, value: 0}\n  top: {label: T, value: 1}\n  later: {label: X}\n"
    )
    assert "line 7: scale.later: needs a value between 0 and 1" in message


def test_numbers_are_keys(write: Write) -> None:
    scale = "scale:\n" + "".join(f"  {i}: {{label: Level {i}, value: {(i - 1) / 4}}}\n" for i in range(1, 6))
    fw = load_framework(
        write("five.yaml", MATURITY.split("scale:")[0] + scale + "levels:" + MATURITY.split("levels:")[1])
    )
    assert fw.scale_keys == ("1", "2", "3", "4", "5")
    assert parse_reply("3", fw) == ("3", "")
    assert get_framework("mlops-scorecard").default_keys
    assert not fw.default_keys


def test_example_answers_use_the_scale(maturity: Path) -> None:
    from mlops_scorecard.answers import check_answers
    from mlops_scorecard.example import example_answers

    fw = load_framework(maturity)
    answers = example_answers(fw, respondents=30)
    check_answers(answers, fw)  # every key is on the scale
    given = {a.answer for r in answers.respondents for a in r.answers.values()}
    assert {"initial", "defined", "optimizing"} <= given <= set(fw.scale_keys)


def test_counts_in_words_name_a_custom_scale_keys() -> None:
    from mlops_scorecard.format import fmt_counts

    dist = {"initial": 1, "defined": 0, "managed": 2, "na": 1, "unknown": 0, "unanswered": 3}
    assert fmt_counts(dist) == "initial 1, managed 2, n/a 1"
    assert fmt_counts({"yes": 2, "partly": 0, "no": 1, "unanswered": 1}) == "yes 2, no 1"


def test_a_profile_and_a_sum_rule_on_a_custom_scale(write: Write) -> None:
    # the profile's not-applicable question and a respondent's own "na" use this scale's
    # code for "na" (5 here, not the default scale's 3)
    text = MATURITY.replace(
        "evidence:",
        "dimension_score: sum\n"
        "profile:\n"
        "  - id: stage\n"
        "    text: Models in production?\n"
        "    options:\n"
        "      - {id: none, label: None yet, not_applicable: {d2: nothing to validate yet}}\n"
        "      - {id: many, label: Many}\n"
        "evidence:",
    )
    path = write("maturity.yaml", text)
    write(
        "answers.yaml",
        ANSWERS.replace("date: 2026-11-30\n", "date: 2026-11-30\nprofile: {stage: none}\n").replace(
            "      m1: repeatable\n", "      m1: na\n"
        ),
    )
    fw, answers = load_assessment(path.parent / "answers.yaml")
    assert key_codes(fw)["na"] == 5
    result = score(fw, answers)
    d = {x.dimension.id: x.score for x in result.dimensions}
    # data: d2 is not applicable by the profile; d1 = mean(0.75, 0.5) -> 62.5
    assert d["data"] == pytest.approx(62.5)
    # model: Ann's optimizing (1) and Bob's own "na" left out -> 100
    assert d["model"] == pytest.approx(100.0)
    ann, bob = ScoreMatrix.build(fw, answers).respondent_scores()[0]
    assert ann.tolist() == pytest.approx([75.0, 100.0])
    assert bob[0] == pytest.approx(50.0)
    assert np.isnan(bob[1])
