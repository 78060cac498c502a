"""The file commands: example, assess, score, chart and report.

Each opens an answers file, calls one or two library functions and writes the result.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .common import FORCE, PROFILE, QSet, check_output, fail, parse_profile

__all__ = ["register"]


class ChartKindOpt(StrEnum):
    """The chart ``chart --kind`` draws."""

    radar = "radar"
    stellar = "stellar"


class ReportFormatOpt(StrEnum):
    """The report formats of ``report --format``."""

    html = "html"
    md = "md"
    json = "json"
    pdf = "pdf"


class ScoreFormat(StrEnum):
    """How ``score`` prints the scores."""

    table = "table"
    json = "json"


def example(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Answers file to write (.yaml or .json).")
    ] = Path("example-answers.yaml"),
    framework: Annotated[str, typer.Option(help="Framework id, id@version or file.")] = "mlops-scorecard",
    respondents: Annotated[int, typer.Option(min=1, max=1000, help="How many respondents.")] = 4,
    question_set: Annotated[
        QSet, typer.Option("--set", help="core (18) or full (48) questions.")
    ] = QSet.core,
    profile: PROFILE = None,
    force: FORCE = False,
) -> None:
    """Write a filled-in sample answers file to try the other commands on.

    Example: mlops-scorecard example -o answers.yaml --respondents 5 --set full --profile production=none
    """
    from ..answers import dump_answers, framework_reference
    from ..example import example_answers
    from ..format import plural
    from ..framework import get_framework, names_a_file
    from ..framework.profiles import check_profile

    check_output(output, force)
    fw = get_framework(framework)
    chosen = parse_profile(profile)
    check_profile(fw, chosen)
    answers = example_answers(fw, respondents=respondents, question_set=question_set.value, consensus=True)
    answers.profile = chosen
    if names_a_file(framework):  # a file the answers can name, where an id@version of it is unknown
        answers = answers.model_copy(update={"framework": framework_reference(framework, output)})
    dump_answers(answers, output)
    typer.echo(f"wrote {output} ({plural(respondents, 'respondent')}, {question_set.value} question set)")


def assess(
    path: Annotated[Path, typer.Argument(help="Answers file to write and resume (.yaml or .json).")],
    name: Annotated[str, typer.Option(help="Your name (leave empty to answer anonymously).")] = "",
    role: Annotated[str, typer.Option(help="Your role, e.g. ml-engineer, data-scientist, leadership.")] = "",
    framework: Annotated[
        str, typer.Option(help="Framework id, id@version or file (new files).")
    ] = "mlops-scorecard",
    question_set: Annotated[
        QSet, typer.Option("--set", help="core or full questions (new files).")
    ] = QSet.core,
    unit: Annotated[str, typer.Option(help="The team or unit assessed (new files).")] = "",
    revise: Annotated[bool, typer.Option("--revise", help="Go through answered questions again.")] = False,
    profile: PROFILE = None,
) -> None:
    """Answer the questionnaire in the terminal, one dimension at a time.

    Every answer is saved at once; run the same command again to resume. Several people
    can answer into the same file, one --name each.

    With --profile, the file records the context (added to what it holds); questions the
    context makes not applicable are not asked.

    Example: mlops-scorecard assess team.yaml --name "Ana" --role ml-engineer --unit "Search"
    """
    from ..answers import framework_for, framework_reference
    from ..format import fmt_score, plural
    from ..framework import get_framework, names_a_file
    from ..framework.profiles import check_profile
    from ..scoring import score
    from ..survey import open_survey, run_survey

    fw = get_framework(framework)
    answers, index = open_survey(
        path,
        fw,
        question_set=question_set.value,
        unit=unit,
        name=name,
        role=role,
        reference=framework_reference(framework, path) if names_a_file(framework) else None,
    )
    if path.exists():
        fw = framework_for(answers, path)
    if profile:
        merged = {**answers.profile, **parse_profile(profile)}
        check_profile(fw, merged)
        answers.profile = merged

    def ask(prompt: str) -> str | None:
        try:
            return str(typer.prompt(prompt, default="", show_default=False))
        except (EOFError, typer.Abort):
            return None

    try:
        outcome = run_survey(path, fw, answers, index, ask=ask, say=typer.echo, revise=revise)
    except KeyboardInterrupt:
        typer.echo(f"\nInterrupted. Your answers so far are saved in {path}; run the same command to resume.")
        raise typer.Exit(130) from None
    typer.echo("")
    if outcome.remaining:
        typer.echo(
            f"Saved {path}: {plural(outcome.remaining, 'question')} still open; run the same command to resume."
        )
    else:
        mine = score(fw, answers).respondents[index]
        overall = "no score" if mine.overall is None else fmt_score(mine.overall)
        typer.echo(f"Done. Saved {path}. Your overall score: {overall}.")


# --- results ----------------------------------------------------------------------


def score_cmd(
    path: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    fmt: Annotated[ScoreFormat, typer.Option("--format", help="table or json.")] = ScoreFormat.table,
    respondents: Annotated[bool, typer.Option("--respondents", help="Add one row per respondent.")] = False,
) -> None:
    """Score an answers file: per dimension, overall, and the level (in points, and with
    the must-haves that cap a level, when the framework has them).

    Examples:

      mlops-scorecard score answers.yaml

      mlops-scorecard score answers.yaml --format json | jq .overall
    """
    from ..answers import load_assessment
    from ..scoring import score

    fw, answers = load_assessment(path)
    result = score(fw, answers)
    if fmt is ScoreFormat.json:
        data = result.to_dict()
        if result.matrix.profile.choices:
            data["profile"] = result.matrix.profile.to_dict()
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from .terminal import print_score_table

    print_score_table(result, answers, respondents=respondents)


def chart(
    path: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Chart file: .svg, .png or .pdf.")],
    kind: Annotated[ChartKindOpt, typer.Option("--kind", help="radar or stellar.")] = ChartKindOpt.radar,
    respondents: Annotated[
        bool, typer.Option("--respondents", help="One series per respondent besides the overall.")
    ] = False,
    force: FORCE = False,
) -> None:
    """Draw the dimension scores as a radar or stellar chart.

    Examples:

      mlops-scorecard chart answers.yaml --kind radar -o radar.svg

      mlops-scorecard chart answers.yaml --kind stellar --respondents -o stellar.png
    """
    from ..answers import load_assessment
    from ..charts import series_from_result, write_chart
    from ..scoring import score

    check_output(output, force)
    fw, answers = load_assessment(path)
    labels, series = series_from_result(score(fw, answers), respondents=respondents)
    write_chart(output, kind.value, labels, series, title=answers.title or fw.title)
    typer.echo(f"wrote {output}")


def _targets(values: list[str]) -> dict[str, float]:
    """``--target governance=70`` options as a mapping; the library checks ids and range
    (in the framework's unit) and converts them to 0-100."""
    out: dict[str, float] = {}
    for value in values:
        key, sep, number = value.partition("=")
        try:
            out[key.strip()] = float(number)
        except ValueError:
            sep = ""
        if not sep or not key.strip():
            fail(f"--target {value!r}: use DIMENSION=SCORE, for example governance=70")
    return out


def report(
    path: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Report file; '-' or none prints md/json.")
    ] = None,
    fmt: Annotated[
        ReportFormatOpt | None, typer.Option("--format", help="html, md, json or pdf (default: from -o).")
    ] = None,
    previous: Annotated[
        list[Path] | None,
        typer.Option(
            "--previous",
            metavar="FILE",
            help="An earlier answers file of the same framework, with a date, for the trend (repeatable).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", hidden=True, help="No effect (kept for older scripts).")] = 0,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            metavar="DIMENSION=SCORE",
            help="The score aimed at for a dimension id (or overall), in the framework's unit: 0-100,"
            " or points (0-7 for the ML Test Score) for a framework that counts points; the report"
            " shows the gap (repeatable).",
        ),
    ] = None,
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence",
            metavar="SCAN.json",
            help="A scan result (scan --format json) to set beside the answers in an Evidence"
            " section (repeatable: the scans' repositories are taken together).",
        ),
    ] = None,
    force: FORCE = False,
) -> None:
    """Write a report: scores with intervals and targets, charts, agreement and hotspots,
    scores by role, the improvement plan, the trend, how far to trust it, and every answer;
    with --evidence, what the code of the scanned repositories shows beside the answers.

    Examples:

      mlops-scorecard report answers.yaml -o report.html

      mlops-scorecard report answers.yaml --format pdf -o report.pdf

      mlops-scorecard report answers.yaml --format md

      mlops-scorecard report q3.yaml --previous q1.yaml --previous q2.yaml -o report.html

      mlops-scorecard report answers.yaml --target governance=70 --target overall=60 -o report.md

      mlops-scorecard report answers.yaml --evidence api.json --evidence training.json -o report.html
    """
    from ..analysis.targets import check_targets
    from ..answers import load_assessment
    from ..errors import ScorecardError
    from ..reports import format_for_path, render_report

    if fmt is None:
        if output is None or str(output) == "-":
            fail("give --format (html, md, json, pdf) or an --output file name")
        chosen = format_for_path(output)
    else:
        chosen = fmt.value
    if output is not None:
        check_output(output, force)
    if (output is None or str(output) == "-") and chosen in ("html", "pdf"):
        fail(f"a {chosen} report needs --output FILE")
    entered = _targets(target or [])
    fw, answers = load_assessment(path)
    targets = check_targets(fw, entered, where="--target", overall=True)
    history = []
    for earlier in previous or []:
        earlier_fw, earlier_answers = load_assessment(earlier)
        if earlier_fw.id != fw.id:
            raise ScorecardError(
                f"{earlier}: is an assessment of {earlier_fw.ref}, {path} of {fw.ref}; "
                "a trend needs assessments of one framework"
            )
        if earlier_answers.date is None:
            raise ScorecardError(f"{earlier}: has no date; add `date: YYYY-MM-DD` (the trend orders by date)")
        history.append((earlier_fw, earlier_answers))
    del seed  # accepted for older scripts; the intervals draw nothing
    check = None
    scanned_at: list[str] = []
    if evidence:
        from ..evidence.crosscheck import answer_counts, crosscheck
        from ..reports.evidence import combine_scans, read_scan_file

        scans = [read_scan_file(p) for p in evidence]
        scanned_at = [s.generated_at for s in scans]
        check = crosscheck(
            combine_scans(scans), fw, answer_counts(answers), question_set=answers.question_set
        )
    data = render_report(
        fw, answers, chosen, history=history, targets=targets, evidence=check, evidence_scanned_at=scanned_at
    )
    if output is None or str(output) == "-":
        sys.stdout.write(data.decode("utf-8"))
        return
    from ..datafiles import atomic_write_bytes

    atomic_write_bytes(output, data)
    typer.echo(f"wrote {output}")


def register(app: typer.Typer) -> None:
    """Add the file commands to the main CLI app."""
    app.command()(example)
    app.command()(assess)
    app.command("score")(score_cmd)
    app.command()(chart)
    app.command()(report)
