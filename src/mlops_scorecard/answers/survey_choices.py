"""A multiple-choice question's cell in a survey export or this tool's CSV: the labels
of the selected choices (``docs/answers-format.md``, "Multiple-choice questions").

Google Forms writes a checkbox answer as the labels joined by ``", "`` (``;`` in its
Forms download), Microsoft Forms as ``a;b;``; this tool's
CSV writes one label a line, since labels hold commas but never line breaks. A cell is
read by matching the known labels (and the choice ids) greedily, the longest first,
each followed by the end or a separator (``,``, ``;`` or a line break), backtracking
when a longer label leaves a rest that matches nothing: "Tests, and reviews, Linting"
is the two choices "Tests, and reviews" and "Linting" when those are the labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..framework import Question

__all__ = ["CHOICE_SEPARATOR", "NOTHING_SELECTED", "allowed_labels", "choice_cell", "read_choice_cell"]

#: Between the labels of this tool's own CSV (one label a line).
CHOICE_SEPARATOR = "\n"
#: The cell of an answer that selects no choice at all (an empty cell is unanswered).
NOTHING_SELECTED = "(nothing selected)"

_SEPARATOR = re.compile(r"[ \t]*[,;\n][ \t]*")
_SPACES = re.compile(r"[ \t\u00a0]+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _fold(text: str) -> str:
    """Text as matched: straight quotes, one space for a run of blanks, case-folded."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").translate(_QUOTES).split("\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in lines).casefold()


def choice_cell(question: Question, selected: Sequence[str]) -> str:
    """The cell for ``selected`` (choice ids of ``question``): their labels, one a
    line; :data:`NOTHING_SELECTED` for an empty selection."""
    labels = {c.id: c.label for c in question.choices}
    if not selected:
        return NOTHING_SELECTED
    return CHOICE_SEPARATOR.join(labels.get(cid, cid) for cid in selected)


def read_choice_cell(text: str, question: Question) -> tuple[str, ...] | None:
    """The choice ids a non-empty cell selects (labels or ids, see the module's
    notes); ``None`` when the cell is not made of the question's choices."""
    cell = _fold(text).rstrip(" \t\n;")  # Microsoft Forms ends a selection with ";"
    if cell == _fold(NOTHING_SELECTED):
        return ()
    tokens: dict[str, str] = {}
    for c in question.choices:
        tokens.setdefault(_fold(c.id), c.id)
    for c in question.choices:
        tokens[_fold(" ".join(c.label.split()))] = c.id  # a label wins over an equal id
    ordered = sorted(tokens.items(), key=lambda t: -len(t[0]))
    failed: set[int] = set()

    def parse(pos: int) -> list[str] | None:
        if pos in failed:
            return None
        for token, cid in ordered:
            if not token or not cell.startswith(token, pos):
                continue
            end = pos + len(token)
            if end == len(cell):
                return [cid]
            sep = _SEPARATOR.match(cell, end)
            if sep is None:
                continue
            rest = parse(sep.end())
            if rest is not None:
                return [cid, *rest]
        failed.add(pos)
        return None

    found = parse(0)
    return None if found is None else tuple(found)


def allowed_labels(question: Question) -> str:
    """The question's choice labels, quoted, for a message."""
    return ", ".join(f'"{c.label if len(c.label) <= 60 else c.label[:57] + "..."}"' for c in question.choices)
