"""``mlops-scorecard import-survey`` and ``export-answers``: survey exports (Google
Forms, Microsoft Forms, CSV) to an answers file, and an answers file to CSV."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import FORCE, PROFILE, QSet, check_output, fail, parse_profile

if TYPE_CHECKING:
    from ..answers.survey_import import ImportPreview

__all__ = ["print_preview", "register"]


class ExportFormat(StrEnum):
    """The formats of ``export-answers``."""

    csv = "csv"


def import_survey(
    path: Annotated[
        Path, typer.Argument(help="The survey export: .csv (Google Forms or Sheets, Excel) or .xlsx.")
    ],
    framework: Annotated[str, typer.Option("--framework", help="Framework id, id@version or file.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Answers file to write (.yaml or .json).")
    ] = None,
    question_set: Annotated[
        QSet,
        typer.Option(
            "--question-set", "--set", help="core or full: the questions the columns are matched to."
        ),
    ] = QSet.core,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", metavar="MAP.yaml", help="Columns and labels to questions and answer keys."
        ),
    ] = None,
    ignore_unmatched: Annotated[
        bool, typer.Option("--ignore-unmatched", help="Leave out columns that match no question.")
    ] = False,
    unit: Annotated[str, typer.Option(help="The team or unit assessed.")] = "",
    title: Annotated[str, typer.Option(help="A title for reports.")] = "",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show how the columns and labels are read; write nothing.")
    ] = False,
    profile: PROFILE = None,
    force: FORCE = False,
) -> None:
    """Import a survey export: one row per respondent, one column per question.

    Columns are matched to questions by their text, answers to the scale by their labels
    ("Yes", "Don't know", ...); a mapping file covers the rest (docs/answers-format.md).
    Nothing is written unless every column and label fits; --dry-run shows the mapping,
    and exits 1 when the file would be refused. A multiple-choice question's cell holds
    the selected choices' labels (Google Forms joins them with ", "). A CSV has no place
    for the assessment's context: give it with --profile.

    Examples:

      mlops-scorecard import-survey responses.csv --framework mlops-scorecard -o answers.yaml

      mlops-scorecard import-survey form.xlsx --framework mlops-scorecard --set full --dry-run

      mlops-scorecard import-survey responses.csv --framework mlops-scorecard --mapping map.yaml -o answers.yaml
    """
    from ..answers import dump_answers, framework_reference
    from ..answers.survey_import import load_survey, preview_survey
    from ..answers.survey_mapping import read_mapping
    from ..datafiles import read_file_bytes
    from ..errors import AnswersError
    from ..format import plural
    from ..framework import get_framework, names_a_file

    if output is None and not dry_run:
        fail("give --output ANSWERS.yaml (or --dry-run to see the preview)")
    if output is not None and not dry_run:
        check_output(output, force)
    fw = get_framework(framework)
    chosen = parse_profile(profile)
    if chosen:
        from ..framework.profiles import check_profile

        check_profile(fw, chosen)
    plan = None
    if mapping is not None:
        plan = read_mapping(read_file_bytes(mapping, error=AnswersError), source=str(mapping))
    preview = preview_survey(
        load_survey(path),
        source=str(path),
        framework=fw,
        question_set=question_set.value,
        mapping=plan,
        ignore_unmatched=ignore_unmatched,
    )
    if dry_run:
        print_preview(preview)
        if not preview.ok:
            raise typer.Exit(1)
        return
    if not preview.ok or preview.answers is None:
        raise AnswersError(preview.problems, source=str(path))
    answers = preview.answers.model_copy(update={"unit": unit, "title": title, "profile": chosen})
    if names_a_file(framework) and output is not None:
        answers = answers.model_copy(update={"framework": framework_reference(framework, output)})
    assert output is not None
    dump_answers(answers, output)
    for dropped, kept, who in preview.superseded:
        typer.echo(f"note: row {dropped} replaced by row {kept} (a later response of {who})")
    typer.echo(
        f"wrote {output} ({plural(preview.respondents, 'respondent')}, {question_set.value} question set, "
        f"{preview.layout} layout)"
    )


def print_preview(preview: ImportPreview) -> None:
    """The dry run's table: each column, what it matched and how; then the problems."""
    from ..format import plural

    typer.echo(f"{preview.source}: {preview.layout} layout, {plural(preview.respondents, 'respondent')}")
    typer.echo(f"{'column':<7} {'matched':<28} {'how':<11} header")
    for c in preview.columns:
        what = (
            c.question_id
            if c.kind == "question"
            else (f"{c.kind}:{c.question_id}" if c.question_id else c.kind)
        )
        if c.candidates:
            what += " (" + ", ".join(c.candidates) + ")"
        header = c.header if len(c.header) <= 70 else c.header[:67] + "..."
        typer.echo(f"{c.column:<7} {what:<28} {c.how or '-':<11} {header}")
    if preview.never_answered:
        typer.echo(f"never answered ({len(preview.never_answered)}): " + ", ".join(preview.never_answered))
    for label in preview.unmatched_labels:
        cells = ", ".join(label.cells[:10]) + (", ..." if len(label.cells) > 10 else "")
        typer.echo(f"unmatched label {label.label!r} ({label.question_id}): {cells}")
    for dropped, kept, who in preview.superseded:
        typer.echo(f"row {dropped} replaced by row {kept} (a later response of {who})")
    if preview.ok:
        typer.echo("ok: the file can be imported")
    else:
        typer.echo(f"not importable ({plural(len(preview.problems), 'problem')}):")
        for p in preview.problems:
            typer.echo(f"  {p}")


def export_answers(
    path: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV file to write; '-' prints it.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv.")] = ExportFormat.csv,
    force: FORCE = False,
) -> None:
    """Write an answers file as CSV: one row per respondent, one column per question
    (with its comment); `import-survey` reads it back without loss. A multiple-choice
    answer is written as its choices' labels, one a line. The file's context (profile)
    has no place in a CSV: the command prints the --profile options that give it back.

    Example: mlops-scorecard export-answers answers.yaml --format csv -o answers.csv
    """
    from ..answers import load_assessment
    from ..answers.csv_io import answers_to_csv
    from ..datafiles import atomic_write_bytes
    from ..format import plural

    check_output(output, force)
    fw, answers = load_assessment(path)
    data = answers_to_csv(answers, fw)
    del fmt  # one format for now
    kept = " ".join(f"--profile {q}={o}" for q, o in answers.profile.items())
    note = f"note: the profile is not in the CSV; import it back with {kept}" if kept else ""
    if str(output) == "-":
        sys.stdout.write(data.decode("utf-8-sig"))
        if note:
            typer.echo(note, err=True)
        return
    atomic_write_bytes(output, data)
    typer.echo(f"wrote {output} ({plural(len(answers.respondents), 'respondent')})")
    if note:
        typer.echo(note)


def register(app: typer.Typer) -> None:
    """Add ``import-survey`` and ``export-answers`` to the main CLI app."""
    app.command("import-survey")(import_survey)
    app.command("export-answers")(export_answers)
