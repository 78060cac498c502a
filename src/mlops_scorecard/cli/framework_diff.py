"""``mlops-scorecard frameworks diff OLD NEW``: how one framework version's questions map to
another's, and what else changed (:func:`mlops_scorecard.framework.diff`)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..framework import Framework, FrameworkDiff

__all__ = ["diff_markdown", "frameworks_diff", "register"]


class DiffFormat(StrEnum):
    """How ``frameworks diff`` prints the difference."""

    text = "text"
    json = "json"
    md = "md"


def frameworks_diff(
    old: Annotated[str, typer.Argument(help="The earlier version: id@version or a framework file.")],
    new: Annotated[str, typer.Argument(help="The later version: id@version or a framework file.")],
    fmt: Annotated[DiffFormat, typer.Option("--format", help="Output format.")] = DiffFormat.text,
    via: Annotated[
        list[str] | None,
        typer.Option(
            "--via",
            metavar="FRAMEWORK",
            help="A version between OLD and NEW (id@version or file), for a chain of"
            " 'previous' references; repeat for several. Built-in versions are found anyway.",
        ),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list the questions that did not change.")
    ] = False,
) -> None:
    """Show how OLD's questions map to NEW's (same, renamed, split, merged, removed,
    added) and what else changed: texts, weights, dimensions, the scale, the levels.

    The mapping is the one NEW declares (`previous:` and `changes:`, through the
    versions between when needed); without one, questions are matched by id and the
    output says so. A declared mapping that does not fit is an error naming the change.

    Examples:

      mlops-scorecard frameworks diff mlops-scorecard@1.0.0 my-framework-2.0.yaml

      mlops-scorecard frameworks diff v1.yaml v3.yaml --via v2.yaml --format md
    """
    from ..framework import diff, get_framework

    old_fw, new_fw = get_framework(old), get_framework(new)
    between = {fw.ref: fw for fw in (get_framework(v) for v in via or [])}

    def lookup(ref: str) -> Framework:
        return between[ref] if ref in between else get_framework(ref, allow_files=False)

    result = diff(old_fw, new_fw, lookup=lookup)
    if fmt is DiffFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif fmt is DiffFormat.md:
        typer.echo(diff_markdown(result, show_all=show_all), nl=False)
    else:
        _print_diff(result, show_all=show_all)


def _ids(ids: tuple[str, ...]) -> str:
    return ", ".join(ids) or "—"


def _rows(d: FrameworkDiff, show_all: bool) -> list[tuple[str, str, str, str]]:
    """(kind, old ids, new ids, what changed) for every question listed."""
    rows = []
    for q in d.questions:
        if q.unchanged and not show_all:
            continue
        what = []
        for key, (was, now) in q.changed.items():
            what.append(
                "text reworded"
                if key == "text"
                else f"{key} {was:g} -> {now:g}"
                if key == "weight"
                else f"{key} {was} -> {now}"
            )
        if q.link.note:
            what.append(q.link.note)
        rows.append((q.kind, _ids(q.link.old), _ids(q.link.new), "; ".join(what)))
    return rows


def _others(d: FrameworkDiff) -> list[str]:
    """The changes besides the questions, one line each."""
    lines = [f"dimension {x} added" for x in d.dimensions_added]
    lines += [f"dimension {x} removed" for x in d.dimensions_removed]
    for dc in d.dimensions_changed:
        for key, (was, now) in dc.changed.items():
            lines.append(
                f"dimension {dc.id}: {key} {was:g} -> {now:g}"
                if key == "weight"
                else f"dimension {dc.id}: {key} {was!r} -> {now!r}"
            )
    lines += [f"scale {x}" for x in d.scale]
    lines += [f"level {x}" for x in d.levels]
    lines += [f"rule {x}" for x in d.rules]
    return lines


def _print_diff(d: FrameworkDiff, *, show_all: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    console.print(f"{d.old.ref} -> {d.new.ref}: {d.mapping.describe()}")
    rows = _rows(d, show_all)
    if rows:
        table = Table(title="Questions" if show_all else "Questions that changed")
        for head in ("Change", d.old.ref, d.new.ref, "Also"):
            table.add_column(head)
        for row in rows:
            table.add_row(*row)
        console.print(table)
    else:
        console.print("No question changed.")
    for line in _others(d):
        console.print(f"- {line}")
    unchanged = sum(1 for q in d.questions if q.unchanged)
    hidden = f" ({unchanged} unchanged not listed; --all lists them)" if unchanged and not show_all else ""
    console.print(f"Summary: {d.summary()}{hidden}.")


def diff_markdown(d: FrameworkDiff, *, show_all: bool = False) -> str:
    """The difference as Markdown: the mapping as a table, the other changes as a list."""
    from ..escaping import md_escape

    out = [f"# {md_escape(d.old.ref)} -> {md_escape(d.new.ref)}", "", md_escape(d.mapping.describe()), ""]
    rows = _rows(d, show_all)
    if rows:
        out += [f"| Change | {md_escape(d.old.ref)} | {md_escape(d.new.ref)} | Also |", "|---|---|---|---|"]
        out += [f"| {' | '.join(md_escape(c) for c in row)} |" for row in rows]
    else:
        out.append("No question changed.")
    others = _others(d)
    if others:
        out += ["", *(f"- {md_escape(x)}" for x in others)]
    out += ["", f"Summary: {md_escape(d.summary())}.", ""]
    return "\n".join(out)


def register(app: typer.Typer) -> None:
    """Add ``diff`` to the ``frameworks`` group."""
    app.command("diff")(frameworks_diff)
