"""``mlops-scorecard frameworks``: list, show and validate frameworks (questionnaires)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import framework_publish
from .common import ErrorsAsMessages, QSet

if TYPE_CHECKING:
    from ..framework import Framework

__all__ = ["register"]

frameworks_app = typer.Typer(
    cls=ErrorsAsMessages,
    help="List, show and validate frameworks (questionnaires).",
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


def register(app: typer.Typer) -> None:
    """Add the ``frameworks`` group to the main CLI app."""
    framework_publish.register(frameworks_app)
    app.add_typer(frameworks_app, name="frameworks")
