"""Golden tests: the Markdown and JSON reports of the sample assessment, byte for byte.

Run with ``UPDATE_GOLDEN=1`` to rewrite the files in ``tests/golden/`` after an
intended change, then read the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from mlops_scorecard import __version__
from mlops_scorecard.answers import AnswerSet
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import Framework
from mlops_scorecard.reports import ReportFormat, render_report

GOLDEN = Path(__file__).resolve().parent / "golden"
WHEN = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with ``tests/golden/name``; show a diff, or rewrite on request."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"{path} is missing: run the tests with UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"golden/{name}",
                tofile="rendered",
            )
        )
        pytest.fail(f"{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it):\n{diff}")


def rendered(framework: Framework, answers: AnswerSet, fmt: ReportFormat, **kwargs: Any) -> str:
    """The report as text, with the tool version masked so a release does not break it."""
    text = render_report(framework, answers, fmt, generated_at=WHEN, **kwargs).decode("utf-8")
    return text.replace(f"mlops-scorecard {__version__}", "mlops-scorecard <version>").replace(
        f'"version": "{__version__}"', '"version": "<version>"'
    )


@pytest.mark.parametrize(("fmt", "name"), [("md", "example-report.md"), ("json", "example-report.json")])
def test_example_report_matches_golden(
    framework: Framework, example: AnswerSet, fmt: ReportFormat, name: str
) -> None:
    check_golden(name, rendered(framework, example, fmt))


def test_example_report_with_history_and_plan_state_matches_golden(
    framework: Framework, example: AnswerSet
) -> None:
    # two earlier quarters for the trend, and stored plan state: every section filled in
    history = [
        example_answers(framework, seed=3, date=dt.date(2026, 4, 1)),
        example_answers(framework, seed=5, respondents=5, date=dt.date(2026, 7, 1)),
    ]
    overrides = {
        "mon-user-feedback": {"status": "done", "owner": "Ana", "due": "2026-12-01"},
        "deploy-updates": {"status": "in-progress", "owner": "Jonas", "position": 1},
    }
    text = rendered(framework, example, "md", history=history, plan_overrides=overrides)
    check_golden("example-report-trend.md", text)


def test_golden_check_fails_and_shows_a_diff(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    monkeypatch.setattr(sys.modules[__name__], "GOLDEN", tmp_path)
    (tmp_path / "x.md").write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match=r"(?s)-b.*\+c"):
        check_golden("x.md", "a\nc\n")
