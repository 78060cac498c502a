"""CLI commands for results people can trust and act on: analyze, plan, compare, trend.

Thin: each command loads answers files, calls the library (:mod:`.analysis`,
:mod:`.planning`, :mod:`.comparison`) and prints the result (the tables are in
:mod:`.terminal`). Library errors become ``error: ...`` lines through the main app's
group class.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import FORCE, check_output

__all__ = ["register"]

# --seed and --resamples configured the old bootstrap; kept hidden so scripts that pass
# them keep working (the intervals draw nothing at random).
SEED = Annotated[int, typer.Option("--seed", hidden=True, help="No effect (kept for older scripts).")]
CONFIDENCE = Annotated[float, typer.Option("--confidence", help="Interval confidence, between 0 and 1.")]
RESAMPLES = Annotated[
    int, typer.Option("--resamples", hidden=True, help="No effect (kept for older scripts).")
]


def _error(message: str) -> Exception:
    from ..errors import ScorecardError

    return ScorecardError(message)


def _format(value: str, allowed: tuple[str, ...]) -> str:
    fmt = value.strip().lower()
    if fmt not in allowed:
        raise _error(f"unknown format {value!r} (use {', '.join(allowed)})")
    return fmt


# --- analyze ------------------------------------------------------------------------


def analyze(
    path: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    fmt: Annotated[str, typer.Option("--format", metavar="table|json", help="Output format.")] = "table",
    seed: SEED = 0,
    confidence: CONFIDENCE = 0.9,
    resamples: RESAMPLES = 1000,
    hotspots: Annotated[int, typer.Option("--hotspots", min=0, help="Hotspots to list (table).")] = 10,
    comments: Annotated[int, typer.Option("--comments", min=0, help="Comments per hotspot (table).")] = 3,
) -> None:
    """Agreement, intervals, scores by role and disagreement hotspots of an assessment.

    Examples:

      mlops-scorecard analyze answers.yaml

      mlops-scorecard analyze answers.yaml --confidence 0.95 --format json
    """
    from ..analysis import analyze as run_analysis
    from ..answers import load_assessment

    fmt = _format(fmt, ("table", "json"))
    fw, answers = load_assessment(path)
    del seed, resamples  # accepted for older scripts; the intervals draw nothing
    result = run_analysis(fw, answers, confidence=confidence)
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from .terminal import print_analysis

    print_analysis(result, answers.title or answers.unit or fw.title, hotspots, comments)


# --- plan ---------------------------------------------------------------------------


def plan(
    path: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="md|csv|json|github|jira|table",
            help="Output format (default: from -o, else table); github and jira are issues of the open items.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (md, csv, json; github and jira with --format)."),
    ] = None,
    force: FORCE = False,
) -> None:
    """The improvement plan: ranked actions with recommendations and what each is worth.

    Ranked weakest dimension first, core questions before extended ones, larger gains
    first.

    Examples:

      mlops-scorecard plan answers.yaml

      mlops-scorecard plan answers.yaml -o plan.md

      mlops-scorecard plan answers.yaml --format csv > plan.csv

      mlops-scorecard plan answers.yaml --format github > issues.json

    A stored assessment's plan (statuses, owners, efforts) is `plan-export`'s.
    """
    from ..answers import load_assessment
    from ..planning import build_plan
    from ..scoring import score

    if fmt is not None:
        chosen = _format(fmt, ("md", "csv", "json", "github", "jira", "table"))
    elif output is not None:
        suffix = output.suffix.lower().lstrip(".")
        chosen = {"md": "md", "markdown": "md", "csv": "csv", "json": "json"}.get(suffix, "")
        if not chosen:
            raise _error(f"cannot tell the format from {output.name!r}: give --format md, csv or json")
    else:
        chosen = "table"
    if output is not None:
        if chosen == "table":
            raise _error("the table format is for the terminal; write md, csv or json to a file")
        check_output(output, force)
    fw, answers = load_assessment(path)
    the_plan = build_plan(score(fw, answers))
    if chosen == "table":
        from .terminal import print_plan

        print_plan(the_plan)
        return
    title = answers.title or answers.unit or None
    from ..planning.export import ExportContext, github_issues_json, jira_csv

    ctx = ExportContext(title=title or "")
    if chosen == "md":
        text = the_plan.to_markdown(title=title)
    elif chosen == "csv":
        text = the_plan.to_csv()
    elif chosen == "github":
        text = github_issues_json(the_plan, ctx)
    elif chosen == "jira":
        text = jira_csv(the_plan, ctx)
    else:
        text = the_plan.to_json()
    if output is None:
        sys.stdout.write(text)
        return
    from ..datafiles import atomic_write_text

    atomic_write_text(output, text)
    typer.echo(f"wrote {output} ({len(the_plan.items)} actions)")


# --- compare ------------------------------------------------------------------------


def compare(
    old: Annotated[Path, typer.Argument(help="The earlier answers file.")],
    new: Annotated[Path, typer.Argument(help="The later answers file.")],
    fmt: Annotated[str, typer.Option("--format", metavar="table|json", help="Output format.")] = "table",
) -> None:
    """Compare two assessments: score changes per dimension and the answers that changed.

    Across framework versions the questions are matched through the mapping the newer
    version declares (or by id), only the questions both asked are compared, the
    output lists what was left out and splits each change into the part due to the
    framework and the part due to the answers.

    Example: mlops-scorecard compare q1.yaml q2.yaml
    """
    from ..analysis.comparison import compare as run_compare
    from ..answers import load_assessment

    fmt = _format(fmt, ("table", "json"))
    old_fw, old_answers = load_assessment(old)
    new_fw, new_answers = load_assessment(new)
    result = run_compare(old_fw, old_answers, new_fw, new_answers)
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from .terminal import print_comparison

    print_comparison(result, old.name, new.name)


# --- trend --------------------------------------------------------------------------


def trend(
    paths: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="Answers files of one unit, each with a date.")
    ],
    fmt: Annotated[str, typer.Option("--format", metavar="table|json", help="Output format.")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also draw the trend chart: .svg, .png or .pdf.")
    ] = None,
    force: FORCE = False,
    seed: SEED = 0,
    confidence: CONFIDENCE = 0.9,
    resamples: RESAMPLES = 1000,
) -> None:
    """Each dimension across several assessments by date, with intervals.

    Examples:

      mlops-scorecard trend q1.yaml q2.yaml q3.yaml

      mlops-scorecard trend assessments/*.yaml -o trend.svg
    """
    from ..analysis.trends import score_trend
    from ..analysis.uncertainty import matrix_intervals
    from ..answers import load_assessment
    from ..scoring import score

    del seed, resamples  # accepted for older scripts; the intervals draw nothing
    fmt = _format(fmt, ("table", "json"))
    if output is not None:
        if output.suffix.lower() not in (".svg", ".png", ".pdf"):
            raise _error(f"cannot tell the chart format from {output.name!r}: use a .svg, .png or .pdf name")
        check_output(output, force)
    points = []
    framework_id = None
    for path in paths:
        fw, answers = load_assessment(path)
        if framework_id is not None and fw.id != framework_id:
            raise _error(f"{path}: is an assessment of {fw.id!r}, the others of {framework_id!r}")
        framework_id = fw.id
        if answers.date is None:
            raise _error(
                f"{path}: has no date; add `date: YYYY-MM-DD` (the trend orders assessments by date)"
            )
        scored = score(fw, answers)
        points.append((answers.date, scored, matrix_intervals(scored.matrix, confidence=confidence)))
    # each change of framework version is split through the question mapping, in a note
    result = score_trend(points)
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        from .terminal import print_trend

        print_trend(result, confidence)
    if output is not None:
        from ..charts import render_trend_with_bands
        from ..datafiles import atomic_write_bytes

        data = render_trend_with_bands(
            result.labels(),
            result.series(),
            output.suffix.lower().lstrip("."),  # type: ignore[arg-type]
            title=f"Scores over time ({confidence:.0%} intervals)",
        )
        atomic_write_bytes(output, data)
        typer.echo(f"wrote {output}", err=fmt == "json")


def register(app: typer.Typer) -> None:
    """Add analyze, plan, compare and trend to the main CLI app."""
    app.command("analyze")(analyze)
    app.command("plan")(plan)
    app.command("compare")(compare)
    app.command("trend")(trend)
