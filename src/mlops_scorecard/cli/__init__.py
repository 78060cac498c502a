"""The ``mlops-scorecard`` command: thin commands over the library.

Each command opens its inputs, calls one or two library functions and formats the
result. Heavy modules (numpy, pydantic, matplotlib) are imported inside commands so
that ``--help`` answers at once. A :class:`ScorecardError` becomes a one-line
``error: ...`` and exit code 1; usage errors exit 2.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from .. import __version__

if TYPE_CHECKING:
    from ..framework import Framework


class _ErrorsAsMessages(TyperGroup):
    """Turns library and OS errors into ``error: ...`` lines and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        from ..errors import ScorecardError

        try:
            return super().invoke(ctx)
        except ScorecardError as exc:
            for line in str(exc).splitlines():
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(1) from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            typer.echo(f"error: {where}{exc.strerror or exc}", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    name="mlops-scorecard",
    cls=_ErrorsAsMessages,
    help="Measure how far an organization has come in MLOps: answer the scorecard, "
    "score it per dimension, draw radar and stellar charts and write reports.\n\n"
    "Try it: mlops-scorecard example -o answers.yaml && mlops-scorecard score answers.yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
frameworks_app = typer.Typer(
    cls=_ErrorsAsMessages,
    help="List, show and validate frameworks (questionnaires).",
    no_args_is_help=True,
)
app.add_typer(frameworks_app, name="frameworks")


class QSet(StrEnum):
    core = "core"
    full = "full"


class ChartKindOpt(StrEnum):
    radar = "radar"
    stellar = "stellar"


class ReportFormatOpt(StrEnum):
    html = "html"
    md = "md"
    json = "json"
    pdf = "pdf"


class ShowFormat(StrEnum):
    text = "text"
    json = "json"
    yaml = "yaml"


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"


FORCE = Annotated[bool, typer.Option("--force", "-f", help="Overwrite the output file if it exists.")]


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _check_output(path: Path, force: bool) -> None:
    if str(path) == "-":
        return
    if path.exists() and not force:
        _fail(f"{path} already exists; use --force to overwrite it")
    if path.parent and not path.parent.exists():
        _fail(f"{path.parent} does not exist; create the folder first")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlops-scorecard {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Measure how far an organization has come in MLOps."""


# --- frameworks -------------------------------------------------------------------


@frameworks_app.command("list")
def frameworks_list() -> None:
    """List the built-in frameworks.

    Example: mlops-scorecard frameworks list
    """
    from ..framework import builtin_frameworks

    for fw in builtin_frameworks():
        n = sum(1 for _ in fw.iter_questions("full"))
        core = sum(1 for _ in fw.iter_questions("core"))
        typer.echo(f"{fw.ref:<28} {fw.title} ({len(fw.dimensions)} dimensions, {n} questions, {core} core)")


@frameworks_app.command("show")
def frameworks_show(
    ref: Annotated[str, typer.Argument(help="Framework id, id@version, or a framework file.")],
    fmt: Annotated[ShowFormat, typer.Option("--format", help="Output format.")] = ShowFormat.text,
    question_set: Annotated[QSet, typer.Option("--set", help="Questions to show.")] = QSet.full,
) -> None:
    """Show a framework's dimensions, questions and levels.

    Examples:

      mlops-scorecard frameworks show mlops-scorecard

      mlops-scorecard frameworks show mlops-scorecard@1.0.0 --format json
    """
    from ..framework import get_framework

    fw = get_framework(ref)
    if fmt is not ShowFormat.text:
        data = fw.model_dump(mode="json")
        if question_set is QSet.core:
            for dim in data["dimensions"]:
                dim["questions"] = [q for q in dim["questions"] if q["set"] == "core"]
        if fmt is ShowFormat.json:
            typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            import yaml

            typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), nl=False)
        return
    _print_framework(fw, question_set.value)


def _print_framework(fw: Framework, question_set: str) -> None:
    typer.echo(f"{fw.title} ({fw.ref})")
    if fw.source.title:
        typer.echo(f"Source: {fw.source.author}, {fw.source.title} ({fw.source.year})")
    typer.echo("Levels: " + ", ".join(f"{lv.name} >= {lv.min:g}" for lv in fw.levels))
    for dim in fw.dimensions:
        typer.echo(f"\n{dim.title} [{dim.id}] weight {dim.weight:g}")
        for q in dim.questions_in("full" if question_set == "full" else "core"):
            typer.echo(f"  {q.id:<30} {q.set:<8} {q.text}")


@frameworks_app.command("validate")
def frameworks_validate(
    path: Annotated[Path, typer.Argument(help="A framework file (YAML or JSON).")],
) -> None:
    """Check a framework file and report every problem with its place.

    Example: mlops-scorecard frameworks validate my-framework.yaml
    """
    from ..framework import load_framework

    fw = load_framework(path)
    n = sum(1 for _ in fw.iter_questions("full"))
    core = sum(1 for _ in fw.iter_questions("core"))
    typer.echo(f"ok: {fw.ref}: {len(fw.dimensions)} dimensions, {n} questions ({core} core)")


# --- answering --------------------------------------------------------------------


@app.command()
def example(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Answers file to write (.yaml or .json).")
    ] = Path("example-answers.yaml"),
    framework: Annotated[str, typer.Option(help="Framework id, id@version or file.")] = "mlops-scorecard",
    respondents: Annotated[int, typer.Option(min=1, max=1000, help="How many respondents.")] = 4,
    question_set: Annotated[
        QSet, typer.Option("--set", help="core (18) or full (48) questions.")
    ] = QSet.core,
    force: FORCE = False,
) -> None:
    """Write a filled-in sample answers file to try the other commands on.

    Example: mlops-scorecard example -o answers.yaml --respondents 5 --set full
    """
    from ..answers import dump_answers
    from ..example import example_answers
    from ..framework import get_framework

    _check_output(output, force)
    fw = get_framework(framework)
    answers = example_answers(fw, respondents=respondents, question_set=question_set.value)
    dump_answers(answers, output)
    typer.echo(f"wrote {output} ({respondents} respondents, {question_set.value} question set)")


@app.command()
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
) -> None:
    """Answer the questionnaire in the terminal, one dimension at a time.

    Every answer is saved at once; run the same command again to resume. Several people
    can answer into the same file, one --name each.

    Example: mlops-scorecard assess team.yaml --name "Ana" --role ml-engineer --unit "Search"
    """
    from ..format import fmt_score
    from ..framework import get_framework
    from ..scoring import score
    from ..survey import open_survey, run_survey

    fw = get_framework(framework)
    answers, index = open_survey(path, fw, question_set=question_set.value, unit=unit, name=name, role=role)
    if path.exists():
        fw = get_framework(answers.framework)

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
        typer.echo(f"Saved {path}: {outcome.remaining} questions still open; run the same command to resume.")
    else:
        mine = score(fw, answers).respondents[index]
        overall = "no score" if mine.overall is None else fmt_score(mine.overall)
        typer.echo(f"Done. Saved {path}. Your overall score: {overall}.")


# --- results ----------------------------------------------------------------------


@app.command("score")
def score_cmd(
    path: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    fmt: Annotated[ScoreFormat, typer.Option("--format", help="table or json.")] = ScoreFormat.table,
    respondents: Annotated[bool, typer.Option("--respondents", help="Add one row per respondent.")] = False,
) -> None:
    """Score an answers file: per dimension, overall, and the level.

    Examples:

      mlops-scorecard score answers.yaml

      mlops-scorecard score answers.yaml --format json | jq .overall
    """
    from ..answers import load_assessment
    from ..scoring import score

    fw, answers = load_assessment(path)
    result = score(fw, answers)
    if fmt is ScoreFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from .terminal import print_score_table

    print_score_table(result, answers, respondents=respondents)


@app.command()
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

    _check_output(output, force)
    fw, answers = load_assessment(path)
    labels, series = series_from_result(score(fw, answers), respondents=respondents)
    write_chart(output, kind.value, labels, series, title=answers.title or fw.title)
    typer.echo(f"wrote {output}")


def _targets(values: list[str]) -> dict[str, float]:
    """``--target governance=70`` options as a mapping; the library checks ids and range."""
    out: dict[str, float] = {}
    for value in values:
        key, sep, number = value.partition("=")
        try:
            out[key.strip()] = float(number)
        except ValueError:
            sep = ""
        if not sep or not key.strip():
            _fail(f"--target {value!r}: use DIMENSION=SCORE, for example governance=70")
    return out


@app.command()
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
            help="The score aimed at for a dimension id (or overall), 0-100; the report shows the gap"
            " (repeatable).",
        ),
    ] = None,
    force: FORCE = False,
) -> None:
    """Write a report: scores with intervals and targets, charts, agreement and hotspots,
    scores by role, the improvement plan, the trend, how far to trust it, and every answer.

    Examples:

      mlops-scorecard report answers.yaml -o report.html

      mlops-scorecard report answers.yaml --format pdf -o report.pdf

      mlops-scorecard report answers.yaml --format md

      mlops-scorecard report q3.yaml --previous q1.yaml --previous q2.yaml -o report.html

      mlops-scorecard report answers.yaml --target governance=70 --target overall=60 -o report.md
    """
    from ..answers import load_assessment
    from ..errors import ScorecardError
    from ..reports import format_for_path, render_report

    if fmt is None:
        if output is None or str(output) == "-":
            _fail("give --format (html, md, json, pdf) or an --output file name")
        chosen = format_for_path(output)
    else:
        chosen = fmt.value
    if output is not None:
        _check_output(output, force)
    if (output is None or str(output) == "-") and chosen in ("html", "pdf"):
        _fail(f"a {chosen} report needs --output FILE")
    targets = _targets(target or [])
    fw, answers = load_assessment(path)
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
    data = render_report(fw, answers, chosen, history=history, targets=targets)
    if output is None or str(output) == "-":
        sys.stdout.write(data.decode("utf-8"))
        return
    from ..datafiles import atomic_write_bytes

    atomic_write_bytes(output, data)
    typer.echo(f"wrote {output}")


from .analysis import register as _register_analysis_commands  # noqa: E402
from .server import register as _register_server_commands  # noqa: E402

_register_server_commands(app, _ErrorsAsMessages)
_register_analysis_commands(app)


def main() -> None:
    """Entry point: run the app; an unexpected error is one line, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("MLOPS_SCORECARD_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc} "
            "(set MLOPS_SCORECARD_DEBUG=1 for details and please report it)",
            err=True,
        )
        sys.exit(70)
