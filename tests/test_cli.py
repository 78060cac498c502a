"""CLI wiring and messages: every command, and each bad-input case exits non-zero
with a one-line ``error:`` message and no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from mlops_scorecard.cli import app

runner = CliRunner()


def run(*args: str, input: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=input)


def assert_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ") or result.stderr.startswith("error: ")
    for fragment in fragments:
        assert fragment in result.output


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    result = run("example", "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


def test_help_on_every_command_has_an_example() -> None:
    commands = [
        ["frameworks", "list"],
        ["frameworks", "show"],
        ["frameworks", "validate"],
        ["example"],
        ["assess"],
        ["score"],
        ["chart"],
        ["report"],
    ]
    for cmd in commands:
        result = run(*cmd, "--help")
        assert result.exit_code == 0, cmd
        assert "mlops-scorecard " in result.output.split("Usage:", 1)[1], cmd
        assert "Example" in result.output, cmd


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith("mlops-scorecard ")


def test_frameworks_list_and_show() -> None:
    result = run("frameworks", "list")
    assert result.exit_code == 0
    assert "mlops-scorecard@1.0.0" in result.output
    result = run("frameworks", "show", "mlops-scorecard")
    assert result.exit_code == 0
    assert "gov-strategy" in result.output
    assert "Continuous Improvement" in result.output


def test_frameworks_show_json_has_the_documented_fields() -> None:
    result = run("frameworks", "show", "mlops-scorecard@1.0.0", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["id"] == "mlops-scorecard"
    assert data["version"] == "1.0.0"
    assert data["title"]
    assert len(data["levels"]) >= 3
    assert [d["id"] for d in data["dimensions"]] == [
        "governance",
        "data-management",
        "model-development",
        "deployment",
        "monitoring",
        "continuous-improvement",
    ]
    for dim in data["dimensions"]:
        assert {"id", "title", "weight", "questions"} <= set(dim)
        for q in dim["questions"]:
            assert {"id", "text", "set", "weight"} <= set(q)
    assert sum(len(d["questions"]) for d in data["dimensions"]) == 48


def test_frameworks_show_core_yaml() -> None:
    result = run("frameworks", "show", "mlops-scorecard", "--format", "yaml", "--set", "core")
    assert result.exit_code == 0
    assert result.output.count("  set: core") == 18
    assert "set: extended" not in result.output


def test_frameworks_show_unknown_id_and_version() -> None:
    assert_error(run("frameworks", "show", "nope"), "unknown framework 'nope'")
    assert_error(run("frameworks", "show", "mlops-scorecard@9"), "no version '9'")


def test_frameworks_validate_good_and_bad(tmp_path: Path) -> None:
    good = tmp_path / "fw.json"
    good.write_text(run("frameworks", "show", "mlops-scorecard", "--format", "json").output)
    result = run("frameworks", "validate", str(good))
    assert result.exit_code == 0
    assert result.output.startswith("ok: mlops-scorecard@1.0.0")

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\nversion: 1\ntitle: X\nlevels: [{id: a, name: A, min: 0}]\ndimensions:\n  - id: d\n    title: D\n    weight: -1\n    questions: [{id: q, text: Q}]\n"
    )
    assert_error(run("frameworks", "validate", str(bad)), "bad.yaml", "line 8", "dimensions[0] (d).weight")

    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n")
    assert_error(run("frameworks", "validate", str(broken)), "broken.yaml", "invalid YAML")
    assert_error(run("frameworks", "validate", str(tmp_path / "missing.yaml")), "file not found")


def test_example_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    assert run("example", "-o", str(path), "--respondents", "2", "--set", "full").exit_code == 0
    data = json.loads(path.read_text())
    assert len(data["respondents"]) == 2
    assert data["question_set"] == "full"
    before = path.read_text()
    assert_error(run("example", "-o", str(path)), "already exists", "--force")
    assert path.read_text() == before
    assert run("example", "-o", str(path), "--force").exit_code == 0
    assert json.loads(path.read_text())["question_set"] == "core"


def test_example_into_missing_folder(tmp_path: Path) -> None:
    assert_error(run("example", "-o", str(tmp_path / "no" / "a.yaml")), "does not exist")


def test_score_table_and_json(answers_file: Path) -> None:
    result = run("score", str(answers_file), "--respondents")
    assert result.exit_code == 0
    assert "Governance" in result.output
    assert "Overall" in result.output
    assert "4 respondents" in result.output
    result = run("score", str(answers_file), "--format", "json")
    data = json.loads(result.output)
    assert isinstance(data["overall"], float)
    assert data["level"] in {"initial", "repeatable", "defined", "managed", "optimizing"}
    assert next(d["id"] for d in data["dimensions"]) == "governance"
    assert all(isinstance(d["score"], float) for d in data["dimensions"])


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (
            "framework: mlops-scorecard\nrespondents:\n  - name: Ana\n    answers:\n      gov-nope: yes\n",
            ["respondents[0] (Ana)", "'gov-nope'", "unknown question id"],
        ),
        (
            "framework: mlops-scorecard\nrespondents:\n  - name: Ana\n    answers:\n      gov-strategy: maybe\n",
            ["line 5", "respondents[0] (Ana)", "gov-strategy", "unknown answer key"],
        ),
        (
            "framework: mlops-scorecard\nrespondents:\n  - name: Bo\n    answers:\n      gov-ethics: yes\n",
            ["respondents[0] (Bo)", "'gov-ethics'", "not in the 'core' set"],
        ),
        ("framework: mlops-scorecard@0.9\nrespondents: []\n", ["no version '0.9'"]),
        ("framework: other\nrespondents: []\n", ["unknown framework 'other'"]),
        ("framework: mlops-scorecard\nrespondents: [\n", ["invalid YAML", "line"]),
        ("framework: mlops-scorecard\ncolour: blue\n", ["colour", "unknown field"]),
        ("- just\n- a list\n", ["must be a mapping"]),
    ],
)
def test_score_bad_answers_files(tmp_path: Path, content: str, fragments: list[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    assert_error(run("score", str(path)), "bad.yaml", *fragments)


def test_score_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"framework": "mlops-scorecard",\n "respondents": [}\n')
    assert_error(run("score", str(path)), "bad.json", "line 2", "invalid JSON")


def test_chart_each_kind_and_format(answers_file: Path, tmp_path: Path) -> None:
    for kind, name, magic in [
        ("radar", "r.svg", b"<?xml"),
        ("stellar", "s.png", b"\x89PNG"),
        ("radar", "r.pdf", b"%PDF"),
    ]:
        out = tmp_path / name
        result = run("chart", str(answers_file), "--kind", kind, "-o", str(out), "--respondents")
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)
    assert_error(run("chart", str(answers_file), "-o", str(tmp_path / "r.svg")), "already exists")
    assert_error(run("chart", str(answers_file), "-o", str(tmp_path / "r.gif")), "gif")
    result = run("chart", str(answers_file), "--kind", "pie", "-o", str(tmp_path / "p.svg"))
    assert result.exit_code == 2


def test_report_each_format(answers_file: Path, tmp_path: Path) -> None:
    for fmt, magic in [("html", b"<!DOCTYPE html"), ("md", b"# "), ("json", b"{"), ("pdf", b"%PDF")]:
        out = tmp_path / f"report.{fmt}"
        result = run("report", str(answers_file), "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.read_bytes().lstrip()[: len(magic)].lower() == magic.lower(), fmt
    # format from the suffix, and stdout for text formats
    result = run("report", str(answers_file), "-o", str(tmp_path / "second.html"))
    assert result.exit_code == 0
    result = run("report", str(answers_file), "--format", "json")
    assert json.loads(result.output)["schema_version"] == 2


def test_report_bad_input(answers_file: Path, tmp_path: Path) -> None:
    assert_error(run("report", str(answers_file)), "--format")
    assert_error(run("report", str(answers_file), "--format", "pdf"), "needs --output")
    assert_error(run("report", str(answers_file), "-o", str(tmp_path / "r.docx")), "docx")
    existing = tmp_path / "r.md"
    existing.write_text("keep me")
    assert_error(run("report", str(answers_file), "-o", str(existing)), "already exists")
    assert existing.read_text() == "keep me"


def test_assess_then_resume(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    result = run(
        "assess", str(path), "--name", "Ana", "--role", "ml-engineer", input="y\np: partly done\nq\n"
    )
    assert result.exit_code == 0, result.output
    assert "Dimension 1/6: Governance" in result.output
    assert "16 questions still open" in result.output
    result = run("assess", str(path), "--name", "Ana", input="n\n" * 16)
    assert result.exit_code == 0, result.output
    assert "Done." in result.output
    scored = json.loads(run("score", str(path), "--format", "json").output)
    assert scored["respondents"][0]["name"] == "Ana"
    assert scored["counts"]["answered"] == 18


def test_assess_end_of_input_saves(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    result = run("assess", str(path), input="y\n")
    assert result.exit_code == 0, result.output
    assert "still open" in result.output
    assert "gov-strategy: 'yes'" in path.read_text()


def test_assess_refuses_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("framework: [\n")
    assert_error(run("assess", str(path), input="y\n"), "invalid YAML")
    assert path.read_text() == "framework: [\n"


def test_entry_point_runs_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from mlops_scorecard.cli import main; main()",
            "score",
            str(tmp_path / "x.yaml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: {tmp_path / 'x.yaml'}: file not found"


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\nfrom mlops_scorecard.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('numpy', 'matplotlib', 'pydantic', 'jinja2', 'fpdf') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY="


def test_answers_files_with_aliases_are_refused_without_a_traceback(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        "framework: mlops-scorecard\nrespondents:\n- &p {answers: {gov-strategy: yes}}\n" + "- *p\n" * 1000
    )
    result = run("score", str(bomb))
    assert result.exit_code != 0
    assert "line 4: YAML aliases (*p) are not supported" in result.output
    assert "Traceback" not in result.output


def test_a_custom_framework_file_works_with_the_file_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `example --framework FILE` wrote `framework: my-fw@1.0.0`, which no command could
    # resolve (only built-ins have ids); the answers now name the file, relative to
    # themselves, and every command finds it beside them from any working folder
    (tmp_path / "fw").mkdir()
    (tmp_path / "answers").mkdir()
    shown = yaml.safe_load(run("frameworks", "show", "mlops-scorecard", "--format", "yaml").output)
    shown["id"] = "my-fw"
    (tmp_path / "fw" / "custom.yaml").write_text(yaml.safe_dump(shown))
    monkeypatch.chdir(tmp_path)
    result = run("example", "--framework", "fw/custom.yaml", "-o", "answers/c.yaml")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((tmp_path / "answers" / "c.yaml").read_text())["framework"] == "../fw/custom.yaml"
    monkeypatch.chdir(tmp_path / "fw")
    scored = run("score", "../answers/c.yaml", "--format", "json")
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.output)["framework"] == {"id": "my-fw", "version": shown["version"]}
    report = run("report", "../answers/c.yaml", "-o", str(tmp_path / "r.md"))
    assert report.exit_code == 0, report.output
    # a framework file that is not there is named in the error
    text = (tmp_path / "answers" / "c.yaml").read_text().replace("custom.yaml", "missing.yaml")
    (tmp_path / "answers" / "bad.yaml").write_text(text)
    assert_error(run("score", "../answers/bad.yaml"), "bad.yaml", "missing.yaml")


def test_the_sample_a_newcomer_scores_first_shows_a_team_that_mostly_agrees(tmp_path: Path) -> None:
    # `make example` is the first result a newcomer sees: answers drawn independently
    # read "don't trust this" (alpha near 0), which is not what a real team looks like
    out = tmp_path / "answers.yaml"
    assert run("example", "-o", str(out)).exit_code == 0
    result = run("analyze", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    overall = json.loads(result.output)["agreement"]["overall"]
    assert overall["alpha"] >= 0.667, overall
    assert overall["band"] in {"moderate", "strong"}
