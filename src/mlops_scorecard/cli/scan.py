"""``mlops-scorecard scan``: the MLOps practices a team's repositories show, and where;
beside an answers file or an assessment on the service, the disagreements.

Every option is checked before the scan starts (paths, the output file, the answers and
their framework), so a typo costs nothing on a large repository. The scan itself is
:func:`mlops_scorecard.evidence.scanner.scan`; the outputs are in
:mod:`mlops_scorecard.evidence` (JSON, Markdown, SARIF) and :mod:`.scan_table`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ScorecardError
from .common import FORCE, check_output, fail
from .service import TOKEN_VARIABLE

if TYPE_CHECKING:
    from ..evidence.output import ScanReport
    from ..evidence.scanner import Progress

__all__ = ["EXIT_BELOW", "TOKEN_VARIABLE", "register"]

#: Exit status when the evidence coverage is below ``--fail-under``.
EXIT_BELOW = 3


class ScanFormat(StrEnum):
    """How ``scan`` writes what it found."""

    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


_SUFFIXES = {".json": ScanFormat.json, ".md": ScanFormat.markdown, ".markdown": ScanFormat.markdown}


def _format_for(output: Path | None, chosen: ScanFormat | None) -> ScanFormat:
    """The format: as given, else from the output file's name, else the table."""
    to_stdout = output is None or str(output) == "-"
    if chosen is not None:
        if chosen is ScanFormat.table and not to_stdout:
            fail("the table is for the terminal; write a file with --format json, markdown or sarif")
        return chosen
    if to_stdout:
        return ScanFormat.table
    assert output is not None
    name = output.name.lower()
    if name.endswith((".sarif", ".sarif.json")):
        return ScanFormat.sarif
    found = _SUFFIXES.get(output.suffix.lower())
    if found is None:
        fail(f"cannot tell the format from {output.name!r}: give --format json, markdown or sarif")
    return found


def _check_paths(paths: list[Path]) -> None:
    for path in paths:
        if not path.exists():
            fail(f"{path}: no such folder")
        if not path.is_dir():
            fail(f"{path}: not a folder; give the path of a repository or a folder")


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A progress bar on standard error while a scan runs, when that is a terminal
    (never in a pipe, a file or CI logs)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn
    from rich.progress import Progress as Bars

    from .scan_table import safe

    bars = Bars(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(repository: str, done: int, total: int) -> None:
        if repository not in tasks:
            tasks[repository] = bars.add_task(f"scanning {safe(repository)}", total=total)
        bars.update(tasks[repository], completed=done, total=total)

    with bars:
        yield update


def scan_cmd(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Repositories (git checkouts) or folders to scan.")
    ],
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            metavar="GLOB",
            help="Leave out files matching a .gitignore-style pattern (repeatable).",
        ),
    ] = None,
    fmt: Annotated[
        ScanFormat | None,
        typer.Option("--format", help="table, json, markdown or sarif (default: from -o, else table)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (.json, .md, .sarif); '-' or none prints it."),
    ] = None,
    force: FORCE = False,
    framework: Annotated[
        str | None,
        typer.Option(
            "--framework",
            metavar="REF",
            help="Framework id, id@version or file whose questions the practices map to "
            "(default: the answers' framework, else mlops-scorecard).",
        ),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers", metavar="FILE", help="An answers file: list where it and the code disagree."
        ),
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            metavar="PERCENT",
            min=0,
            max=100,
            help=f"Exit {EXIT_BELOW} when the evidence coverage is below PERCENT (for CI).",
        ),
    ] = None,
    upload: Annotated[
        str | None,
        typer.Option(
            "--upload", metavar="URL", help=f"Send the scan to the service (token: ${TOKEN_VARIABLE})."
        ),
    ] = None,
    assessment: Annotated[
        int | None,
        typer.Option("--assessment", metavar="ID", min=1, help="The assessment --upload attaches to."),
    ] = None,
    name: Annotated[
        list[str] | None,
        typer.Option(
            "--name",
            metavar="NAME",
            help="The name a repository goes by (one per PATH, in order; default: its folder's "
            "name). The service keeps one scan per name: the next upload of a name replaces it.",
        ),
    ] = None,
) -> None:
    """Find MLOps practices in repositories: CI, tests, data versioning, experiment
    tracking and sixteen more, each with the files and lines that show it.

    Exit status 0 whatever is found (3 under --fail-under). See docs/evidence.md.

    Examples:

      mlops-scorecard scan .

      mlops-scorecard scan ../models ../serving --answers team.yaml

      mlops-scorecard scan . --format sarif -o scan.sarif

      mlops-scorecard scan . --fail-under 50 --exclude 'experiments/**'

      mlops-scorecard scan . --upload https://scorecard.example.com --assessment 12
    """
    if (upload is None) != (assessment is None):
        fail("--upload URL and --assessment ID go together", code=2)
    names = [n.strip() for n in name or []]
    if names and len(names) != len(paths):
        fail(f"--name is given {len(names)} times for {len(paths)} paths: give one per PATH", code=2)
    if any(not n or len(n) > 200 for n in names):
        fail("--name: a name is 1 to 200 characters", code=2)
    if len(set(names)) != len(names):
        fail("--name: each repository needs a name of its own", code=2)
    chosen = _format_for(output, fmt)
    if output is not None:
        check_output(output, force)
    _check_paths(paths)

    from ..evidence.crosscheck import answer_counts, crosscheck
    from ..evidence.output import ScanReport
    from ..evidence.scanner import scan
    from ..framework import get_framework

    if answers is not None:
        from ..answers import load_assessment

        fw, answer_set = load_assessment(answers)
        if framework is not None and get_framework(framework).ref != fw.ref:
            fail(f"{answers} answers {fw.ref}; --framework {framework} is another framework")
    else:
        fw, answer_set = get_framework(framework or "mlops-scorecard"), None

    with _progress() as progress:
        result = scan(paths, framework=fw, excludes=exclude or (), progress=progress, names=names or None)
    check = None
    if answer_set is not None:
        check = crosscheck(result, fw, answer_counts(answer_set), question_set=answer_set.question_set)
    report = ScanReport.of(result, check)
    refused: ScorecardError | None = None
    if upload is not None and assessment is not None:
        from .scan_upload import upload_scan

        try:
            remote = upload_scan(
                ScanReport.of(result), upload, assessment, os.environ.get(TOKEN_VARIABLE) or None
            )
        except ScorecardError as exc:
            # the scan is still written: a CI job's next step (a SARIF upload) needs it
            refused = exc
        else:
            stored = ", ".join(repr(r.name) for r in result.repositories)
            typer.echo(f"uploaded the scan of {stored} to assessment {assessment}", err=True)
            if remote is not None:  # the assessment's answers are the ones to talk through
                report = ScanReport.of(result, remote)
    _write(report, chosen, output, [Path(p) for p in paths])
    if refused is not None:
        raise refused
    _gate(report, fail_under)


def _write(report: ScanReport, chosen: ScanFormat, output: Path | None, paths: list[Path]) -> None:
    if chosen is ScanFormat.table:
        from .scan_table import print_scan

        print_scan(report)
        return
    if chosen is ScanFormat.json:
        from ..evidence.output import scan_json

        text = scan_json(report)
    elif chosen is ScanFormat.markdown:
        from ..evidence.markdown import scan_markdown

        text = scan_markdown(report)
    else:
        import json

        from ..evidence.practices import default_catalogue
        from ..evidence.sarif import scan_sarif

        roots = {str(p): p.resolve() for p in paths}
        text = (
            json.dumps(scan_sarif(report, default_catalogue(), roots=roots), indent=2, ensure_ascii=False)
            + "\n"
        )
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    from ..datafiles import atomic_write_text
    from ..evidence.output import report_coverage
    from ..format import fmt_number

    atomic_write_text(output, text)
    coverage = report_coverage(report)
    n = len(report.repositories)
    summary = f"wrote {output} ({n} {'repository' if n == 1 else 'repositories'}, evidence coverage "
    summary += "—" if coverage is None else f"{fmt_number(coverage, 0)}%"
    if report.crosscheck is not None:
        summary += f", {len(report.crosscheck.disagreements)} disagreements with the answers"
    typer.echo(summary + ")")


def _gate(report: ScanReport, fail_under: float | None) -> None:
    if fail_under is None:
        return
    from ..evidence.output import report_coverage
    from ..format import fmt_number

    coverage = report_coverage(report) or 0.0
    if coverage < fail_under:
        typer.echo(
            f"evidence coverage {fmt_number(coverage, 0)}% is below --fail-under {fmt_number(fail_under, 0)}%",
            err=True,
        )
        raise typer.Exit(EXIT_BELOW)


def register(app: typer.Typer) -> None:
    """Add ``scan`` to the main CLI app."""
    app.command("scan")(scan_cmd)
