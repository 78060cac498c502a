"""What a survey import shows before it imports: how each column was read, the labels
that fit nothing and where they are, and the problems (:mod:`.survey_import`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import AnswerSet

__all__ = ["ColumnMatch", "ImportPreview", "LabelProblem"]


@dataclass(frozen=True)
class ColumnMatch:
    """What one column was read as.

    ``kind`` is ``question``, ``comment``, ``evidence`` (of ``question_id``), ``name``,
    ``role``, ``email``, ``metadata`` (a timestamp, an id: left out), ``ignored`` (by
    the mapping), ``unmatched`` or ``ambiguous`` (``candidates``); ``how`` says how it
    was matched: ``text``, ``grid row``, ``grid title``, ``id``, ``mapping`` or
    ``layout`` (a known column of the export's layout).
    """

    column: str
    header: str
    kind: str
    question_id: str = ""
    how: str = ""
    candidates: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class LabelProblem:
    """A cell value that is not an answer on the scale, and the rows it is in."""

    label: str
    column: str
    question_id: str
    rows: tuple[int, ...]

    @property
    def cells(self) -> list[str]:
        """The cells in spreadsheet style (``D7``)."""
        return [f"{self.column}{r}" for r in self.rows]


@dataclass
class ImportPreview:
    """How a survey file reads: the columns, the labels that fit nothing, and the
    answer set when nothing stands in the way (``problems`` empty)."""

    source: str
    layout: str
    framework: str
    question_set: str
    columns: list[ColumnMatch]
    respondents: int = 0
    unmatched_labels: list[LabelProblem] = field(default_factory=list)
    never_answered: list[str] = field(default_factory=list)
    #: ``(dropped row, kept row, respondent)``: a second response of the same person
    #: replaces the first (the later row wins, as the later submission does).
    superseded: list[tuple[int, int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    answers: AnswerSet | None = None

    @property
    def ok(self) -> bool:
        """Whether the file can be imported as it is."""
        return not self.problems and self.answers is not None

    @property
    def unmatched_columns(self) -> list[ColumnMatch]:
        """The columns that match no question, or more than one."""
        return [c for c in self.columns if c.kind in ("unmatched", "ambiguous")]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the API's preview)."""
        return {
            "source": self.source,
            "layout": self.layout,
            "framework": self.framework,
            "question_set": self.question_set,
            "respondents": self.respondents,
            "columns": [
                {
                    "column": c.column,
                    "header": c.header,
                    "kind": c.kind,
                    "question_id": c.question_id or None,
                    "how": c.how or None,
                    "candidates": list(c.candidates),
                    "note": c.note or None,
                }
                for c in self.columns
            ],
            "unmatched_labels": [
                {"label": p.label, "column": p.column, "question_id": p.question_id, "cells": p.cells}
                for p in self.unmatched_labels
            ],
            "never_answered": list(self.never_answered),
            "superseded": [{"row": a, "kept_row": b, "respondent": who} for a, b, who in self.superseded],
            "problems": list(self.problems),
            "ok": self.ok,
        }
