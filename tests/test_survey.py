"""The terminal survey: answers saved as given, resume, quit, comments."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mlops_scorecard.answers import load_assessment
from mlops_scorecard.framework import Framework, get_framework
from mlops_scorecard.survey import open_survey, parse_reply, run_survey


@pytest.fixture
def fw() -> Framework:
    return get_framework("mlops-scorecard")


def scripted(replies: list[str | None]) -> Callable[[str], str | None]:
    it: Iterator[str | None] = iter(replies)
    return lambda _prompt: next(it, None)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("y", ("yes", "")),
        ("P: only one model", ("partly", "only one model")),
        ("no", ("no", "")),
        ("a", ("na", "")),
        ("u", ("unknown", "")),
        ("?", ("unknown", "")),
        ("q", ("quit", "")),
        ("s", ("skip", "")),
        ("maybe", None),
        ("", None),
    ],
)
def test_parse_reply(reply: str, expected: tuple[str, str] | None) -> None:
    assert parse_reply(reply) == expected


def test_every_answer_is_saved_and_a_quit_resumes(tmp_path: Path, fw: Framework) -> None:
    path = tmp_path / "team.yaml"
    answers, idx = open_survey(path, fw, question_set="core", unit="Search", name="Ana", role="ml-engineer")
    said: list[str] = []
    out = run_survey(path, fw, answers, idx, ask=scripted(["y", "p: wiki only", "q"]), say=said.append)
    assert out.quit
    assert out.answered_now == 2
    assert out.remaining == 16
    _, saved = load_assessment(path)
    ana = saved.respondents[0]
    assert ana.name == "Ana"
    assert ana.role == "ml-engineer"
    assert ana.answers["gov-strategy"].answer == "yes"
    assert ana.answers["gov-policies"].answer == "partly"
    assert ana.answers["gov-policies"].comment == "wiki only"
    assert any("Dimension 1/6: Governance" in line for line in said)

    # resume: only the 16 open questions are asked
    answers, idx = open_survey(path, fw, question_set="core", name="Ana")
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return "n"

    out = run_survey(path, fw, answers, idx, ask=ask, say=lambda _s: None)
    assert not out.quit
    assert out.remaining == 0
    assert len(asked) == 16
    _, saved = load_assessment(path)
    assert len(saved.respondents[0].answers) == 18
    assert saved.respondents[0].answers["gov-strategy"].answer == "yes"


def test_end_of_input_keeps_what_was_answered(tmp_path: Path, fw: Framework) -> None:
    path = tmp_path / "a.json"
    answers, idx = open_survey(path, fw, question_set="core")
    out = run_survey(path, fw, answers, idx, ask=scripted(["n"]), say=lambda _s: None)
    assert out.quit
    _, saved = load_assessment(path)
    assert saved.respondents[0].answers["gov-strategy"].answer == "no"


def test_not_understood_asks_again(tmp_path: Path, fw: Framework) -> None:
    path = tmp_path / "a.yaml"
    answers, idx = open_survey(path, fw, question_set="core")
    said: list[str] = []
    run_survey(path, fw, answers, idx, ask=scripted(["maybe", "y", "q"]), say=said.append)
    assert any("Not understood" in s for s in said)
    _, saved = load_assessment(path)
    assert saved.respondents[0].answers["gov-strategy"].answer == "yes"


def test_second_respondent_is_added_to_the_same_file(tmp_path: Path, fw: Framework) -> None:
    path = tmp_path / "a.yaml"
    for name in ("Ana", "Bo"):
        answers, idx = open_survey(path, fw, question_set="core", name=name)
        run_survey(path, fw, answers, idx, ask=scripted(["y", "q"]), say=lambda _s: None)
    _, saved = load_assessment(path)
    assert [r.name for r in saved.respondents] == ["Ana", "Bo"]


def test_revise_keeps_answer_on_empty_reply_and_changes_on_new(tmp_path: Path, fw: Framework) -> None:
    path = tmp_path / "a.yaml"
    answers, idx = open_survey(path, fw, question_set="core", name="Ana")
    run_survey(path, fw, answers, idx, ask=scripted(["y: done", "y", "q"]), say=lambda _s: None)
    answers, idx = open_survey(path, fw, question_set="core", name="Ana")
    run_survey(path, fw, answers, idx, ask=scripted(["", "n", "q"]), say=lambda _s: None, revise=True)
    _, saved = load_assessment(path)
    a = saved.respondents[0].answers
    assert a["gov-strategy"].answer == "yes"
    assert a["gov-strategy"].comment == "done"
    assert a["gov-policies"].answer == "no"


def test_full_set_asks_48(tmp_path: Path, fw: Framework) -> None:
    path = tmp_path / "a.yaml"
    answers, idx = open_survey(path, fw, question_set="full")
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return "u"

    run_survey(path, fw, answers, idx, ask=ask, say=lambda _s: None)
    assert len(asked) == 48
