"""Documentation that cannot go stale: the CLI reference is generated from the app,
and the README keeps its two-command Quick start."""

from __future__ import annotations

import re
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


# Code-like mentions of a command: `...` spans, <code> elements and fenced blocks in
# docs and templates; everywhere in Python (docstring examples, error messages).
_CODE_SPANS = re.compile(r"```.*?```|`[^`\n]+`|<code>.*?</code>", re.S)
_MENTION = re.compile(r"mlops-scorecard((?: +[A-Za-z0-9_.\[\]-]+){1,2})")


def _command_mentions() -> list[tuple[str, list[str]]]:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    package = ROOT / "src" / "mlops_scorecard"
    templates = sorted(package.rglob("*.html")) + sorted(package.rglob("*.j2"))
    found: list[tuple[str, list[str]]] = []
    for path in [*docs, *templates, *sorted(package.rglob("*.py"))]:
        text = path.read_text()
        chunks = [text] if path.suffix == ".py" else _CODE_SPANS.findall(text)
        for chunk in chunks:
            for m in _MENTION.finditer(chunk):
                found.append((str(path.relative_to(ROOT)), m.group(1).split()))
    return found


def test_every_command_mentioned_exists() -> None:
    import typer.main

    from mlops_scorecard.cli import app

    # typer vendors its own click: groups are told by their ``commands``
    commands: dict[str, object] = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    mentions = _command_mentions()
    assert len(mentions) > 50  # the scan finds the docs' examples
    bad = []
    for where, words in mentions:
        first = words[0]
        if first == "is":
            continue  # the product as a subject: "the file is for 0.9, but mlops-scorecard is 1.0"
        if not first.islower() or first.startswith("-") or "." in first:
            continue  # an option, a placeholder such as COMMAND, a file name
        if first not in commands:
            bad.append(f"{where}: mlops-scorecard {first}")
            continue
        subcommands = getattr(commands[first], "commands", None)
        if subcommands is not None and len(words) > 1:
            sub = words[1]
            if sub.islower() and not sub.startswith("-") and sub not in subcommands:
                bad.append(f"{where}: mlops-scorecard {first} {sub}")
    assert not bad, "commands that do not exist: " + "; ".join(sorted(set(bad)))
