"""CLI wiring of analyze, plan, compare and trend: output of each command and each bad
input (missing file, other frameworks, unknown format) as an ``error:`` line, exit 1."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from mlops_scorecard.analysis.uncertainty import METHOD
from mlops_scorecard.answers import dump_answers
from mlops_scorecard.cli import app
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import Framework, builtin_frameworks, parse_framework
from mlops_scorecard.framework import loading as framework_module

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def assert_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ") or result.stderr.startswith("error: ")
    for fragment in fragments:
        assert fragment in result.output


def write_example(fw: Framework, path: Path, *, date: dt.date | None = None, seed: int = 7) -> Path:
    dump_answers(example_answers(fw, respondents=5, seed=seed, date=date), path)
    return path


@pytest.fixture
def answers_file(framework: Framework, tmp_path: Path) -> Path:
    return write_example(framework, tmp_path / "answers.yaml")


@pytest.fixture
def extra_frameworks(framework: Framework) -> Iterator[tuple[Framework, Framework]]:
    """Two more frameworks known by reference while a test runs: ``mlops-scorecard@2.0.0``
    (one core question dropped, one added) and ``other@1``."""
    builtin_frameworks()  # fill the cache first, so the additions do not stop it loading
    data: dict[str, Any] = framework.model_dump(mode="json")
    data["version"] = "2.0.0"
    gov = data["dimensions"][0]
    gov["questions"] = [q for q in gov["questions"] if q["id"] != "gov-team"]
    data["profile"] = []  # the built-in context questions name gov-team
    gov["questions"].append({"id": "gov-new-risk-register", "text": "Is there an ML risk register?"})
    v2 = parse_framework(data)
    other = parse_framework(
        {
            "id": "other",
            "version": "1",
            "title": "Other",
            "levels": [{"id": "l", "name": "L", "min": 0}],
            "dimensions": [{"id": "governance", "title": "G", "questions": [{"id": "g1", "text": "G1?"}]}],
        }
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(framework_module._BUILTIN_CACHE, v2.ref, v2)
        mp.setitem(framework_module._BUILTIN_CACHE, other.ref, other)
        yield v2, other


def test_help_on_every_command_has_an_example() -> None:
    for cmd in ("analyze", "plan", "compare", "trend"):
        result = run(cmd, "--help")
        assert result.exit_code == 0, cmd
        assert "Example" in result.output, cmd
        assert "mlops-scorecard " + cmd in result.output.split("Usage:", 1)[1], cmd


# --- analyze -------------------------------------------------------------------------------


def test_analyze_table(answers_file: Path) -> None:
    result = run("analyze", str(answers_file))
    assert result.exit_code == 0, result.output
    for fragment in ("90% interval", "Krippendorff", "hotspots", "Scores by role", "compliance"):
        assert fragment in result.output


def test_analyze_json_repeats(answers_file: Path) -> None:
    args = ("analyze", str(answers_file), "--format", "json")
    first = run(*args)
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert data["intervals"]["method"] == METHOD
    assert set(data["intervals"]["overall"]) == {"low", "high"}
    assert data["intervals"]["confidence"] == 0.9
    assert data["agreement"]["metric"] == "krippendorff-alpha-ordinal"
    assert set(data["dimensions"]) == set(data["intervals"]["dimensions"])
    assert json.loads(run(*args, "--seed", "3").output) == data
    wider = json.loads(run(*args, "--seed", "3", "--confidence", "0.99").output)
    assert wider["intervals"]["confidence"] == 0.99


def test_analyze_bad_input(answers_file: Path, tmp_path: Path) -> None:
    assert_error(run("analyze", str(tmp_path / "nope.yaml")), "file not found")
    assert_error(run("analyze", str(answers_file), "--format", "xml"), "unknown format 'xml'")
    assert_error(run("analyze", str(answers_file), "--confidence", "1.5"), "confidence")


# --- plan ----------------------------------------------------------------------------------


def test_plan_formats_to_stdout(answers_file: Path) -> None:
    table = run("plan", str(answers_file))
    assert table.exit_code == 0, table.output
    assert "Improvement plan" in table.output
    md = run("plan", str(answers_file), "--format", "md")
    assert md.output.startswith("# Improvement plan")
    assert "- [ ] **1. " in md.output
    rows = list(csv.DictReader(io.StringIO(run("plan", str(answers_file), "--format", "csv").output)))
    data = json.loads(run("plan", str(answers_file), "--format", "json").output)
    assert [r["key"] for r in rows] == [i["key"] for i in data["items"]]
    assert data["items"][0]["rank"] == 1


def test_plan_to_a_file(answers_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    result = run("plan", str(answers_file), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("rank,key,status")
    assert_error(run("plan", str(answers_file), "-o", str(out)), "already exists")
    assert run("plan", str(answers_file), "-o", str(out), "--format", "json", "--force").exit_code == 0
    assert json.loads(out.read_text())["items"]


def test_plan_bad_input(answers_file: Path, tmp_path: Path) -> None:
    assert_error(run("plan", str(tmp_path / "nope.yaml")), "file not found")
    assert_error(run("plan", str(answers_file), "--format", "pdf"), "unknown format 'pdf'")
    assert_error(run("plan", str(answers_file), "-o", str(tmp_path / "plan.txt")), "cannot tell the format")
    assert_error(
        run("plan", str(answers_file), "--format", "table", "-o", str(tmp_path / "p.md")), "terminal"
    )
    assert_error(run("plan", str(answers_file), "-o", str(tmp_path / "no" / "plan.md")), "does not exist")


# --- compare -------------------------------------------------------------------------------


def test_compare_table_and_json(framework: Framework, tmp_path: Path) -> None:
    old = write_example(framework, tmp_path / "old.yaml", seed=1)
    new = write_example(framework, tmp_path / "new.yaml", seed=2)
    table = run("compare", str(old), str(new))
    assert table.exit_code == 0, table.output
    assert "New - old" in table.output
    assert "Answers that changed" in table.output
    data = json.loads(run("compare", str(old), str(new), "--format", "json").output)
    assert data["same_questions"] is True
    assert data["note"] is None
    assert {d["dimension"] for d in data["dimensions"]} == {d.id for d in framework.dimensions}


def test_compare_across_versions(
    framework: Framework, extra_frameworks: tuple[Framework, Framework], tmp_path: Path
) -> None:
    v2, _ = extra_frameworks
    old = write_example(framework, tmp_path / "old.yaml")
    new = write_example(v2, tmp_path / "new.yaml")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", "250")  # the note on one line
        result = run("compare", str(old), str(new))
    assert result.exit_code == 0, result.output
    assert "note: Compared on the" in result.output
    assert "The framework changed (mlops-scorecard@1.0.0 to mlops-scorecard@2.0.0)" in result.output
    for head in ("Due to", "framework", "answers"):
        assert head in result.output
    data = json.loads(run("compare", str(old), str(new), "--format", "json").output)
    assert data["same_version"] is False
    overall = data["overall"]
    assert overall["framework_effect"] + overall["answer_effect"] == pytest.approx(overall["delta"])
    assert data["dropped"] == ["gov-team"]
    assert data["added"] == ["gov-new-risk-register"]


def test_compare_bad_input(
    framework: Framework, extra_frameworks: tuple[Framework, Framework], answers_file: Path, tmp_path: Path
) -> None:
    _, other = extra_frameworks
    other_file = write_example(other, tmp_path / "other.yaml")
    assert_error(run("compare", str(answers_file), str(other_file)), "different frameworks")
    assert_error(run("compare", str(answers_file), str(tmp_path / "nope.yaml")), "file not found")
    assert_error(run("compare", str(answers_file), str(answers_file), "--format", "md"), "unknown format")


# --- trend ---------------------------------------------------------------------------------


@pytest.fixture
def quarters(framework: Framework, tmp_path: Path) -> list[Path]:
    return [
        write_example(framework, tmp_path / f"q{i}.yaml", date=dt.date(2026, 3 * i, 1), seed=i)
        for i in (1, 2, 3)
    ]


def test_trend_table_json_and_chart(
    quarters: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # headings on one line each
    # given out of order: the trend sorts by date
    table = run("trend", str(quarters[2]), str(quarters[0]), str(quarters[1]), "--resamples", "100")
    assert table.exit_code == 0, table.output
    assert (
        table.output.index("2026-03-01") < table.output.index("2026-06-01") < table.output.index("2026-09-01")
    )
    assert "Overall" in table.output
    # two changes, each named: "Change" alone once meant last minus first here
    assert "Since previous" in table.output
    assert "Since first" in table.output
    assert "Change" not in table.output
    data = json.loads(run("trend", *map(str, quarters), "--format", "json", "--resamples", "100").output)
    assert [p["date"] for p in data["points"]] == ["2026-03-01", "2026-06-01", "2026-09-01"]
    overall = [p["overall"] for p in data["points"]]
    change = data["changes"][-1]
    assert change["dimension"] == "overall"
    assert change["since_previous"] == pytest.approx(overall[2] - overall[1])
    assert change["since_first"] == pytest.approx(overall[2] - overall[0])
    assert data["points"][0]["intervals"]["method"] == METHOD
    chart = tmp_path / "trend.svg"
    result = run("trend", *map(str, quarters), "-o", str(chart), "--resamples", "100")
    assert result.exit_code == 0, result.output
    assert chart.read_text().lstrip().startswith("<?xml")
    assert_error(run("trend", *map(str, quarters), "-o", str(chart)), "already exists")


def test_trend_bad_input(
    framework: Framework, extra_frameworks: tuple[Framework, Framework], quarters: list[Path], tmp_path: Path
) -> None:
    _, other = extra_frameworks
    undated = tmp_path / "undated.yaml"
    data = example_answers(framework)
    dump_answers(data.model_copy(update={"date": None}), undated)
    assert_error(run("trend", str(quarters[0]), str(undated)), "has no date")
    other_file = write_example(other, tmp_path / "other.yaml", date=dt.date(2026, 1, 1))
    assert_error(run("trend", str(quarters[0]), str(other_file)), "other")
    assert_error(run("trend", str(quarters[0]), str(tmp_path / "nope.yaml")), "file not found")
    assert_error(run("trend", *map(str, quarters), "--format", "csv"), "unknown format")
    assert_error(
        run("trend", *map(str, quarters), "-o", str(tmp_path / "t.gif")), "cannot tell the chart format"
    )
