"""The practices catalogue shipped in the package: it loads, holds the twenty practices in
order, every signal can match something, and a broken edit fails with its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlops_scorecard.evidence.matching import compile_catalogue, compile_globs, live_lines
from mlops_scorecard.evidence.practices import (
    PRACTICE_IDS,
    CatalogueError,
    default_catalogue,
    load_catalogue,
)
from mlops_scorecard.framework import Framework


def test_twenty_practices_in_order() -> None:
    catalogue = default_catalogue()
    assert [p.id for p in catalogue.practices] == list(PRACTICE_IDS)
    assert [p.id for p in catalogue.practices if p.negative] == ["large-artifacts-committed"]


def test_every_practice_is_described() -> None:
    for p in default_catalogue().practices:
        assert p.title, p.id
        assert p.description, p.id
        assert p.remediation, p.id
        assert len(p.caveat) > 40, f"{p.id}: say where detection may under- or over-report"


def test_every_practice_can_be_found() -> None:
    # found needs a high or medium signal: a practice of mentions only could never be found
    for p in default_catalogue().practices:
        assert any(s.level in ("high", "medium") for s in p.signals), p.id


def test_every_signal_compiles() -> None:
    catalogue = default_catalogue()
    matchers = compile_catalogue(catalogue)
    assert len(matchers.signals) == sum(len(p.signals) for p in catalogue.practices)
    for p in catalogue.practices:
        for s in p.signals:
            if s.paths:
                assert compile_globs(s.paths) is not None, f"{p.id}.{s.id}"
            if s.pattern:
                re.compile(s.pattern)
            assert all(e.startswith(".") for e in s.extensions), f"{p.id}.{s.id}"


def test_ci_patterns_match_what_they_are_for() -> None:
    signals = {s.id: s for p in default_catalogue().practices for s in p.signals}

    def runs(signal: str, command: str) -> bool:
        pattern = signals[signal].pattern
        assert pattern is not None
        return re.search(pattern, command) is not None

    for command in [
        "pytest -q",
        "python -m pytest tests",
        "tox -e py311",
        "make test",
        "uv run pytest",
        "FOO=1 pytest",
    ]:
        assert runs("tests-in-ci", command), command
    for command in ["pip install pytest", "echo tests", "make lint-latest", "curl -X POST $REPORT_URL"]:
        assert not runs("tests-in-ci", command), command
    assert runs("linters-in-ci", "ruff check .")
    assert not runs("linters-in-ci", "pip install ruff black")
    assert runs("scanners-in-ci", "bandit -r src")
    assert not runs("scanners-in-ci", "pip install bandit")


def test_framework_maps_every_practice(framework: Framework) -> None:
    assert set(framework.evidence) == set(PRACTICE_IDS)


def test_broken_catalogue_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "practices.yaml"
    path.write_text(
        "format: 1\n"
        "practices:\n"
        "  - id: ci\n"
        "    title: CI\n"
        "    description: d\n"
        "    remediation: r\n"
        "    signals:\n"
        "      - id: one\n"
        "        kind: content\n"
        "        title: t\n"
        "        paths: [x.yml]\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    message = str(info.value)
    assert str(path) in message
    assert "line 8" in message
    assert "pattern" in message


def test_bad_regular_expression_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "practices.yaml"
    path.write_text(
        "format: 1\npractices:\n  - id: ci\n    title: CI\n    description: d\n    remediation: r\n"
        "    signals:\n      - id: one\n        kind: ci-command\n        title: t\n        pattern: '(unclosed'\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match=r"line 11.*regular expression"):
        load_catalogue(path)


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "practices.yaml"
    path.write_text(
        "format: 1\npractices:\n  - id: ci\n    title: CI\n    description: d\n    remediation: r\n"
        "    signals:\n      - id: one\n        kind: guess\n        title: t\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="line 9"):
        load_catalogue(path)


def test_globs_match_like_gitignore() -> None:
    tests = compile_globs(["**/tests/**/*.py"])
    assert tests is not None
    assert tests.match("tests/test_a.py")
    assert tests.match("pkg/tests/unit/test_b.py")
    assert not tests.match("pkg/attests/b.py")
    rooted = compile_globs(["/README.*"])
    assert rooted is not None
    assert rooted.match("readme.md")  # any case
    assert not rooted.match("docs/README.md")


def test_comments_are_not_lines() -> None:
    text = "# mlflow\nmlflow  # tracker\n<!-- x -->\n"
    assert [line for _, line in live_lines("requirements.txt", text)] == ["mlflow", "<!-- x -->"]
    md = "# Title\n<!-- hidden\nmlflow\n-->\nshown <!-- no --> here\n"
    assert list(live_lines("README.md", md)) == [(1, "# Title"), (5, "shown  here")]
    assert list(live_lines("Jenkinsfile", "// sh 'pytest'\nsh 'make'\n")) == [(2, "sh 'make'")]
    assert list(live_lines("data.json", '{"#": 1}\n')) == [(1, '{"#": 1}')]


def test_negated_globs_exclude() -> None:
    glob = compile_globs(["Dockerfile", "!.devcontainer/"])
    assert glob is not None
    assert glob.match("app/Dockerfile")
    assert not glob.match(".devcontainer/Dockerfile")
    assert compile_globs(["!x"]) is None
