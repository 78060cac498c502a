"""The frameworks pages' view: the list's rows and one framework's dimensions and
questions, formatted for the templates (no database, no scoring)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from ...framework import Framework
from ...store.frameworks import Listed

__all__ = [
    "FrameworkDetail",
    "FrameworkRow",
    "WarningGroup",
    "framework_detail",
    "framework_row",
    "framework_url",
    "warning_groups",
]


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
    the first one's message, how many there are and their places."""

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
            group.places.append(place)
    return list(groups.values())


@dataclass(frozen=True)
class ContextOption:
    """One option of a context question and what choosing it does: the questions it
    prioritises ``(id, text)`` and leaves out ``(id, text, reason)``."""

    label: str
    prioritised: list[tuple[str, str]]
    not_applicable: list[tuple[str, str, str]]


@dataclass(frozen=True)
class FrameworkDetail:
    """What the framework page shows above the questions: the scale ``(key, label,
    value, description)``, the scoring rule in words, the bands ``(name, from,
    description)``, the must-have questions ``(id, text, level)`` and the context
    questions ``(text, options)``."""

    scale: list[tuple[str, str, str, str]]
    rule: list[str]
    bands: list[tuple[str, str, str]]
    must_haves: list[tuple[str, str, str]]
    context: list[tuple[str, list[ContextOption]]]


def _number(x: float) -> str:
    return f"{x:g}"


def framework_detail(fw: Framework) -> FrameworkDetail:
    """The framework's scale, scoring rule, bands, must-have and context questions in
    words for its page."""
    unit = " points" if fw.points else ""
    scale = [
        (key, c.label, "not scored" if c.value is None else _number(c.value), c.description)
        for key, c in fw.scale.items()
    ]
    rule = [
        "A dimension's score is the sum of its questions' values (unanswered and “don't know” count as 0)."
        if fw.dimension_score == "sum"
        else "A dimension's score is the weighted mean of its questions' values (unanswered, “don't know” "
        "and not applicable left out).",
        "The overall score is the lowest dimension's score."
        if fw.overall == "minimum"
        else "The overall score is the weighted mean of the dimensions' scores.",
    ]
    if fw.points:
        rule.append(
            f"Scores read as points out of {_number(fw.points)} per dimension; the bands are in points."
        )
    else:
        rule.append("Scores are on 0-100.")
    questions = [q for _, q in fw.iter_questions("full")]
    if any(q.must_have for q in questions):
        rule.append(
            f"A must-have question is met when its value reaches {_number(fw.must_have_met)}; "
            "until then its dimension and the overall score stay below its level."
        )
    bands = [
        (lv.name, f"{'>' if lv.above else '≥'} {_number(lv.min)}{unit}", lv.description) for lv in fw.levels
    ]
    names = {lv.id: lv.name for lv in fw.levels}
    must_haves = [(q.id, q.text, names.get(q.must_have, q.must_have)) for q in questions if q.must_have]
    texts = {q.id: q.text for q in questions}
    context = [
        (
            pq.text,
            [
                ContextOption(
                    o.label,
                    [(qid, texts.get(qid, qid)) for qid in o.prioritise],
                    [(qid, texts.get(qid, qid), reason) for qid, reason in o.not_applicable.items()],
                )
                for o in pq.options
            ],
        )
        for pq in fw.profile
    ]
    return FrameworkDetail(scale, rule, bands, must_haves, context)
