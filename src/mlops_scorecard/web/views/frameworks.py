"""The frameworks pages' view: the list's rows and one framework's dimensions and
questions, formatted for the templates (no database, no scoring)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from ...framework import Framework
from ...store.frameworks import Listed

__all__ = ["FrameworkRow", "WarningGroup", "framework_row", "framework_url", "warning_groups"]


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


#: How many places of a kind of warning are named before the rest is folded away.
FIRST_PLACES = 3


@dataclass
class WarningGroup:
    """Warnings of one kind (the same message but for the names and numbers it quotes):
    the first one's message, how many there are and their places (``place`` or
    ``place: message`` when the message differs from the first's)."""

    message: str
    places: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many warnings of this kind."""
        return len(self.places)

    @property
    def first(self) -> list[str]:
        """The places named in the line."""
        return self.places[:FIRST_PLACES]

    @property
    def rest(self) -> list[str]:
        """The places folded away."""
        return self.places[FIRST_PLACES:]


def warning_groups(warnings: list[str]) -> list[WarningGroup]:
    """A lens import's warnings (``place: message``) grouped by kind, in the order each
    kind first comes: 54 "taken as the None of these choice" warnings are one line."""
    groups: dict[str, WarningGroup] = {}
    for w in warnings:
        place, sep, message = w.partition(": ")
        if not sep:
            place, message = "", w
        kind = re.sub(r"'[^']*'|\d+", "…", message)
        group = groups.get(kind)
        if group is None:
            group = groups[kind] = WarningGroup(message)
        if place:
            group.places.append(place if message == group.message else f"{place}: {message}")
    return list(groups.values())
