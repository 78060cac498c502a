"""``mlops-scorecard frameworks``: list, show, validate, import and export frameworks
(questionnaires)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import framework_publish
from .common import FORCE, ErrorsAsMessages, QSet, check_output, fail

if TYPE_CHECKING:
    from ..framework import Framework, QuestionSet

__all__ = ["register"]

frameworks_app = typer.Typer(
    cls=ErrorsAsMessages,
    help="List, show, validate, import and export frameworks (questionnaires).",
    no_args_is_help=True,
)


class ShowFormat(StrEnum):
    """How ``frameworks show`` prints a framework."""

    text = "text"
    json = "json"
    yaml = "yaml"


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
    from ..framework import get_framework, standalone_document

    fw = get_framework(ref)
    if fmt is not ShowFormat.text:
        # a resolved framework without `extends` (with it, the file would read as a patch),
        # with `from` (not `from_`) in its version changes: the file loads back as shown
        data = standalone_document(fw)
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
        # an imported lens has a title but no author or year
        cited = ", ".join(p for p in (fw.source.author, fw.source.title) if p)
        typer.echo(f"Source: {cited}" + (f" ({fw.source.year})" if fw.source.year else ""))
    unit = "scores 0-100" if fw.points is None else f"points, out of {fw.points:g} per dimension"
    typer.echo(f"Scoring: dimension: {fw.dimension_score}, overall: {fw.overall}; {unit}")
    # an `above` band is open at its min: "> 1" (more than 1), not ">= 1"
    bands = ", ".join(f"{lv.name} {'>' if lv.above else '>='} {lv.min:g}" for lv in fw.levels)
    typer.echo(f"Levels{'' if fw.points is None else ' (points)'}: {bands}")
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
    from ..errors import FrameworkError
    from ..framework import declared_mapping, get_framework, load_framework

    fw = load_framework(path)
    n = sum(1 for _ in fw.iter_questions("full"))
    core = sum(1 for _ in fw.iter_questions("core"))
    mapped = ""
    if fw.previous:
        try:
            previous = get_framework(fw.previous, allow_files=False)
        except FrameworkError:
            # a published or private previous version: checked where it can be found
            mapped = f"; {fw.previous} is not built in, so its mapping is checked when compared"
        else:
            mapping = declared_mapping(previous, fw)
            mapped = f"; the mapping from {previous.ref} fits ({len(mapping.links)} links)"
    typer.echo(f"ok: {fw.ref}: {len(fw.dimensions)} dimensions, {n} questions ({core} core){mapped}")


@frameworks_app.command("import-lens")
def frameworks_import_lens(
    lens: Annotated[Path, typer.Argument(help="An AWS Well-Architected custom lens (JSON).")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The framework file to write (YAML); default: standard output."),
    ] = None,
    framework_id: Annotated[
        str | None, typer.Option("--id", help="The framework's id (default: the lens name made an id).")
    ] = None,
    version: Annotated[
        str | None,
        typer.Option("--version", help="The framework's version (default: the lens's _version, or 1.0)."),
    ] = None,
    force: FORCE = False,
) -> None:
    """Turn an AWS Well-Architected custom lens into a framework file.

    Pillars become dimensions, questions keep their ids (lower-cased), choices become
    the questions' choices and the lens's risk rules give each question its value (no
    risk 1, medium 0.5, high 0). Leniencies are printed as warnings; a lens that cannot
    be converted as a whole is refused, naming the pillar, question and field, and no
    file is written.

    Examples:

      mlops-scorecard frameworks import-lens my-lens.json -o my-lens.yaml

      mlops-scorecard frameworks import-lens my-lens.json --id my-lens --version 2.0 > my-lens.yaml
    """
    from ..datafiles import atomic_write_text, read_file_bytes
    from ..errors import FrameworkError
    from ..framework.lens import MAX_LENS_BYTES, framework_yaml, lens_to_framework

    if output is not None:
        check_output(output, force)
    raw = read_file_bytes(lens, error=FrameworkError, max_bytes=MAX_LENS_BYTES)
    result = lens_to_framework(raw, source=str(lens), framework_id=framework_id, version=version)
    to_stdout = output is None or str(output) == "-"
    for warning in result.warnings:
        typer.echo(f"warning: {lens}: {warning}", err=True)
    header = f"Imported by `mlops-scorecard frameworks import-lens` from the AWS lens {lens.name}."
    text = framework_yaml(result.data, header=header)
    if to_stdout:
        sys.stdout.write(text)
    else:
        assert output is not None
        atomic_write_text(output, text)
    where = "standard output" if to_stdout else str(output)
    typer.echo(
        f"imported {lens} as {result.framework.ref}: {result.summary()}, "
        f"{len(result.warnings)} warning{'' if len(result.warnings) == 1 else 's'}; wrote {where}",
        err=to_stdout,
    )


class ExportFormat(StrEnum):
    """What ``frameworks export`` writes."""

    md = "md"
    pdf = "pdf"
    csv = "csv"


def _export_md(fw: Framework, question_set: QuestionSet) -> bytes:
    from ..reports.questionnaire import render_questionnaire_markdown

    return render_questionnaire_markdown(fw, question_set).encode("utf-8")


def _export_pdf(fw: Framework, question_set: QuestionSet) -> bytes:
    from ..reports.pdf.questionnaire import render_questionnaire_pdf

    return render_questionnaire_pdf(fw, question_set)


def _export_csv(fw: Framework, question_set: QuestionSet) -> bytes:
    from ..answers.csv_io import framework_to_csv

    # the blank form: the header row `import-survey` and the answers CSV use
    return framework_to_csv(fw, question_set=question_set)


#: One renderer a format: a framework and a question set in, the file's bytes out.
EXPORTERS: dict[ExportFormat, Callable[[Framework, QuestionSet], bytes]] = {
    ExportFormat.md: _export_md,
    ExportFormat.pdf: _export_pdf,
    ExportFormat.csv: _export_csv,
}


@frameworks_app.command("export")
def frameworks_export(
    ref: Annotated[str, typer.Argument(help="Framework id, id@version, or a framework file.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.md,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The file to write; default: standard output (md only)."),
    ] = None,
    question_set: Annotated[
        QSet, typer.Option("--question-set", "--set", help="Questions to include: core or full.")
    ] = QSet.full,
    force: FORCE = False,
) -> None:
    """Write a framework as a printable questionnaire for interviews and workshops,
    or as a blank CSV form (the header row `import-survey` reads back).

    The questionnaire has the framework's title and source, the answer scale, the
    context (profile) questions, and per dimension the numbered questions with their
    guidance, a tick box for each answer (or each choice of a multiple-choice
    question) and room for notes.

    Examples:

      mlops-scorecard frameworks export mlops-scorecard --format pdf -o questionnaire.pdf

      mlops-scorecard frameworks export my-lens.yaml --format md --set core -o questionnaire.md

      mlops-scorecard frameworks export mlops-scorecard --format csv -o form.csv
    """
    from ..datafiles import atomic_write_bytes
    from ..framework import get_framework

    if output is not None:
        check_output(output, force)
    to_stdout = output is None or str(output) == "-"
    if to_stdout and fmt is ExportFormat.pdf:
        fail("a PDF goes to a file: give -o FILE.pdf")
    fw = get_framework(ref)
    data = EXPORTERS[fmt](fw, question_set.value)
    if to_stdout:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    assert output is not None
    atomic_write_bytes(output, data)
    n = sum(1 for _ in fw.iter_questions(question_set.value))
    typer.echo(f"wrote {output} ({fw.ref}, {n} questions)")


def register(app: typer.Typer) -> None:
    """Add the ``frameworks`` group to the main CLI app."""
    framework_publish.register(frameworks_app)
    app.add_typer(frameworks_app, name="frameworks")


# `frameworks diff` lives in its own module (framework_diff.py)
from . import framework_diff  # noqa: E402

framework_diff.register(frameworks_app)
