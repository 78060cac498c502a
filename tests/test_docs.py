"""Documentation that cannot go stale: the CLI reference is generated from the app,
and the README keeps its two-command Quick start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "cli.md"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "typer",
            "mlops_scorecard.cli",
            "utils",
            "docs",
            "--name",
            "mlops-scorecard",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    expected = out.read_text()
    actual = (ROOT / "docs" / "cli.md").read_text()
    assert actual == expected, "docs/cli.md is stale: run `make docs`"


def test_readme_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert "\ndemo:" in makefile
    assert "\ntest:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_docs_named_in_the_readme_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in (
        "scoring.md",
        "framework-format.md",
        "answers-format.md",
        "report-format.md",
        "cli.md",
        "architecture.md",
        "analysis.md",
        "api.md",
    ):
        assert f"docs/{name}" in readme
        assert (ROOT / "docs" / name).is_file(), name
