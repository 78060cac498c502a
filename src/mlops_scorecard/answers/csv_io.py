"""Answers and the blank form as CSV, in the layout :mod:`.survey_import` reads back.

One row per respondent: ``Name``, ``Role``, then for each question of the set a column
headed ``qid: question text`` holding the scale label ("Yes", "Don't know"), and a
``qid: comment`` column (a multiple-choice question's cell holds the selected choices'
labels, one a line, :mod:`.survey_choices`); ``qid: evidence`` columns (one link a line) only when some
answer has evidence. The id in the header keeps the match exact even where question
texts were reworded in the spreadsheet. The file is UTF-8 with a byte order mark, so
that Excel opens it as UTF-8, with CRLF row ends.

A cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written behind a ``'``, which the importer takes
off again, so the round trip keeps the text and opening the file runs nothing.
"""

from __future__ import annotations

import csv
import io

from ..framework import Framework, QuestionSet
from .models import AnswerSet
from .survey_choices import choice_cell
from .survey_mapping import FORMULA_START

__all__ = ["answers_to_csv", "csv_header", "framework_to_csv"]


def _safe(text: str) -> str:
    return "'" + text if FORMULA_START.match(text) else text


def csv_header(
    framework: Framework, question_set: QuestionSet, *, evidence: set[str] | None = None
) -> list[str]:
    """The header row: name, role, then each question with its comment (and evidence)
    column."""
    header = ["Name", "Role"]
    for _, q in framework.iter_questions(question_set):
        header += [f"{q.id}: {q.text}", f"{q.id}: comment"]
        if evidence and q.id in evidence:
            header.append(f"{q.id}: evidence")
    return header


def _write(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[_safe(cell) for cell in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def framework_to_csv(framework: Framework, question_set: QuestionSet = "full") -> bytes:
    """The blank form: the header row only, to fill in one row per respondent with the
    scale's labels (or keys); it imports with ``import-survey``."""
    return _write([csv_header(framework, question_set)])


def answers_to_csv(answers: AnswerSet, framework: Framework) -> bytes:
    """Every respondent of ``answers`` as a row; imports back to the same respondents,
    answers (a multiple-choice answer by its choices), comments and evidence (the file's
    framework, set, unit, title, date and profile are not in the CSV: give them when
    importing)."""
    qs = [q for _, q in framework.iter_questions(answers.question_set)]
    with_evidence = {qid for r in answers.respondents for qid, a in r.answers.items() if a.evidence}
    rows = [csv_header(framework, answers.question_set, evidence=with_evidence)]
    labels = {key: choice.label for key, choice in framework.scale.items()}
    for r in answers.respondents:
        row = [r.name, r.role]
        for q in qs:
            a = r.answers.get(q.id)
            if a is None:
                row += ["", ""]
            elif a.choices is not None and q.is_choice():
                row += [choice_cell(q, a.choices), a.comment]
            else:
                row += [labels.get(a.answer, a.answer), a.comment]
            if q.id in with_evidence:
                row.append("" if a is None else "\n".join(a.evidence))
        rows.append(row)
    return _write(rows)
