"""The sample assessment on another framework: its title, and every valued key of a
custom scale drawn (a 1-5 scale used to get only 1, 3 and 5)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from mlops_scorecard.answers import load_answers
from mlops_scorecard.cli import app
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework, load_framework

FIVE = """\
id: five
version: "1"
title: Five steps
scale:
  "1": {label: Initial, value: 0}
  "2": {label: Repeatable, value: 0.25}
  "3": {label: Defined, value: 0.5}
  "4": {label: Managed, value: 0.75}
  "5": {label: Optimizing, value: 1}
  na: {label: Not applicable}
levels:
  - {id: low, name: Low, min: 0}
dimensions:
  - id: ops
    title: Operations
    questions:
""" + "".join(f"      - {{id: q{i}, text: Question {i}}}\n" for i in range(12))


def test_a_five_step_scale_gets_every_step(tmp_path: Path) -> None:
    path = tmp_path / "five.yaml"
    path.write_text(FIVE, encoding="utf-8")
    fw = load_framework(path)
    sample = example_answers(fw, respondents=5)
    used = Counter(a.answer for r in sample.respondents for a in r.answers.values())
    assert {"1", "2", "3", "4", "5"} <= set(used)
    assert sample.title == "Payments ML team: Five steps"


def test_the_example_command_titles_the_sample_after_the_framework(tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    result = CliRunner().invoke(app, ["example", "--framework", "ml-test-score", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert load_answers(out).title == f"Payments ML team: {get_framework('ml-test-score').title}"
    assert "MLOps assessment" not in load_answers(out).title


def test_one_respondent_is_one_respondent(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["example", "-o", str(tmp_path / "a.yaml"), "--respondents", "1"])
    assert result.exit_code == 0, result.output
    assert "(1 respondent, core question set)" in result.output
