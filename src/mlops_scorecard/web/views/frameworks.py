"""The frameworks pages' view: the list's rows and one framework's dimensions and
questions, formatted for the templates (no database, no scoring)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ...framework import Framework
from ...store.frameworks import Listed

__all__ = ["FrameworkRow", "framework_row", "framework_url"]


@dataclass(frozen=True)
class FrameworkRow:
    """One line of the frameworks list."""

    ref: str
    url: str
    title: str
    version: str
    origin: str
    extends: str
    dimensions: int
    questions: int
    core: int
    assessments: int
    in_use: bool
    deletable: bool


def framework_url(fw: Framework) -> str:
    """The page of a framework (``/frameworks/id@version``)."""
    return "/frameworks/" + quote(fw.ref, safe="@")


def framework_row(entry: Listed) -> FrameworkRow:
    """A framework as a row of the list."""
    fw = entry.framework
    if entry.builtin:
        origin = "built in"
    else:
        origin = "published" + (f" by {entry.publisher}" if entry.publisher else "")
        if entry.row is not None:
            origin += f" on {entry.row.created_at.date().isoformat()}"
    return FrameworkRow(
        ref=fw.ref,
        url=framework_url(fw),
        title=fw.title,
        version=fw.version,
        origin=origin,
        extends=fw.extends,
        dimensions=len(fw.dimensions),
        questions=sum(1 for _ in fw.iter_questions("full")),
        core=sum(1 for _ in fw.iter_questions("core")),
        assessments=entry.assessments,
        in_use=entry.in_use,
        deletable=not entry.builtin and not entry.in_use,
    )
