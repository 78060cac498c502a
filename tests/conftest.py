"""Shared fixtures: the built-in framework, a sample assessment, a file writer."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mlops_scorecard.answers import AnswerSet
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import Framework, get_framework


@pytest.fixture(scope="session")
def framework() -> Framework:
    """The built-in MLOps scorecard framework (immutable, so shared by all tests)."""
    return get_framework("mlops-scorecard")


@pytest.fixture
def example(framework: Framework) -> AnswerSet:
    """The deterministic sample assessment: four respondents, core questions."""
    return example_answers(framework)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """``write(name, text)`` writes ``text`` to ``tmp_path / name`` and returns the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def doc_blocks() -> Callable[[str, str], list[str]]:
    """``doc_blocks("scoring.md", "yaml")``: the fenced code blocks of that language in a doc."""

    def _blocks(name: str, lang: str) -> list[str]:
        text = (DOCS / name).read_text(encoding="utf-8")
        return re.findall(rf"^```{lang}\n(.*?)^```$", text, flags=re.DOTALL | re.MULTILINE)

    return _blocks
