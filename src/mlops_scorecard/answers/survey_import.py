"""Survey import: a Google Forms or Microsoft Forms export (or this tool's CSV) to an
:class:`AnswerSet`, with a preview of how every column and label was read.

One row per respondent, one column per question. Columns are matched to questions by
their text, normalized (:func:`.survey_mapping.normalize`), or by a ``qid: ...`` header
(this tool's CSV), or by a mapping file; answer labels to the framework's scale by its
keys and labels, a few synonyms, or the mapping. Nothing is imported half-way: every
column that matches no question (unless ignored), every ambiguous column and every
label that is not on the scale is a problem, and :func:`import_survey` refuses the file
listing all of them with their rows and columns; :func:`preview_survey` shows them.

A multiple-choice question's column (``Question.choices``) holds the selected choices'
labels (:mod:`.survey_choices`): the answer is ``choices: [...]`` and its key is
derived by the question's risk rules, as for an answers file; a scale label there is an
answer given by its key.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..datafiles import read_file_bytes
from ..errors import AnswersError
from ..framework import Framework, Question, QuestionSet, choice_problems
from . import check_answers
from .models import Answer, AnswerSet, Respondent
from .survey_choices import allowed_labels, read_choice_cell
from .survey_layouts import MAX_SURVEY_BYTES, Table, column_letter, read_table
from .survey_mapping import SurveyMapping, header_keys, label_table, metadata_role, normalize, unescape_cell
from .survey_preview import ColumnMatch, ImportPreview, LabelProblem

__all__ = [
    "ColumnMatch",
    "ImportPreview",
    "LabelProblem",
    "import_survey",
    "load_survey",
    "match_columns",
    "preview_survey",
]

_MAX_PROBLEMS = 50
_MISSING = object()
_BLANK = object()


def _where(column: ColumnMatch, row: int | None = None) -> str:
    head = column.header if len(column.header) <= 60 else column.header[:57] + "..."
    place = f"row {row}, column {column.column}" if row is not None else f"column {column.column}"
    return f'{place} ("{head}")' if head else place


def _mapped(target: str, letter: str, header: str, framework: Framework, in_set: set[str]) -> ColumnMatch:
    kind, _, qid = target.partition(":")
    if kind in ("comment", "evidence") and qid:
        return ColumnMatch(letter, header, kind, qid.strip(), "mapping")
    if target in ("name", "role", "email"):
        return ColumnMatch(letter, header, target, how="mapping")
    if target == "ignore":
        return ColumnMatch(letter, header, "ignored", how="mapping")
    if target not in in_set and framework.question(target) is not None:
        return ColumnMatch(letter, header, "unmatched", how="mapping", note=f"{target!r} is not in the set")
    return ColumnMatch(letter, header, "question", target, "mapping")


def match_columns(
    header: list[str], framework: Framework, question_set: QuestionSet, mapping: SurveyMapping | None = None
) -> list[ColumnMatch]:
    """What each header names, by the mapping first, then a ``qid:`` prefix, the
    layouts' known columns and the normalized question texts."""
    in_set = {q.id for _, q in framework.iter_questions(question_set)}
    by_text: dict[str, list[str]] = defaultdict(list)
    for _, q in framework.iter_questions(question_set):
        for key in dict.fromkeys((normalize(q.text), normalize(q.id))):
            by_text[key].append(q.id)
    columns = dict(mapping.columns) if mapping else {}
    normalized = {normalize(k): v for k, v in columns.items()}
    out: list[ColumnMatch] = []
    for i, text in enumerate(header):
        letter = column_letter(i)
        target = columns.get(text)
        if target is None:
            target = normalized.get(normalize(text)) if text else None
        if target is None:
            target = columns.get(letter)
        if target is not None:
            out.append(_mapped(target.strip(), letter, text, framework, in_set))
            continue
        out.append(_match_text(text, letter, framework, in_set, by_text))
    return out


def _match_text(
    text: str, letter: str, framework: Framework, in_set: set[str], by_text: dict[str, list[str]]
) -> ColumnMatch:
    keys = header_keys(text)
    if keys.id_prefix and framework.question(keys.id_prefix[0]) is not None:
        qid, rest = keys.id_prefix
        if qid not in in_set:
            return ColumnMatch(letter, text, "unmatched", note=f"{qid!r} is not in the set")
        kind = normalize(rest)
        return ColumnMatch(letter, text, kind if kind in ("comment", "evidence") else "question", qid, "id")
    role = metadata_role(text)
    if role is not None:
        return ColumnMatch(letter, text, role, how="layout")
    for how, key in keys.texts:
        hits = by_text.get(key, [])
        if len(hits) == 1:
            return ColumnMatch(letter, text, "question", hits[0], how)
        if len(hits) > 1:
            return ColumnMatch(letter, text, "ambiguous", candidates=tuple(hits))
    return ColumnMatch(letter, text, "unmatched")


def _column_problems(
    columns: list[ColumnMatch], table: Table, framework: Framework, ignore_unmatched: bool
) -> list[str]:
    problems: list[str] = []
    seen: dict[tuple[str, str], ColumnMatch] = {}
    for i, c in enumerate(columns):
        if c.kind == "ambiguous":
            problems.append(
                f"{_where(c)}: matches several questions ({', '.join(c.candidates)}); "
                "name one in a mapping file"
            )
        elif c.kind == "unmatched" and (c.note or not ignore_unmatched):
            if c.note:
                problems.append(f"{_where(c)}: {c.note} (use question set full, or map it)")
            elif any(i < len(r) and r[i].strip() for r in table.rows):
                problems.append(
                    f"{_where(c)}: matches no question of {framework.ref}; map it to a question "
                    "or to 'ignore' in a mapping file (or import with ignore unmatched columns)"
                )
        elif c.kind in ("question", "comment", "evidence"):
            other = seen.setdefault((c.kind, c.question_id), c)
            if other is not c:
                problems.append(
                    f"{_where(c)}: {c.question_id!r} is already column {other.column}; "
                    "map one of them to 'ignore' in a mapping file"
                )
    return problems


def preview_survey(
    data: bytes,
    *,
    source: str,
    framework: Framework,
    question_set: QuestionSet = "core",
    mapping: SurveyMapping | None = None,
    ignore_unmatched: bool = False,
) -> ImportPreview:
    """Read a survey export and show how it maps; the answer set when it all fits.

    Raises :class:`AnswersError` only when the file cannot be read as a table at all;
    everything else is in the preview's ``problems``.
    """
    table = read_table(data, source=source)
    columns = match_columns(table.header, framework, question_set, mapping)
    ignore_unmatched = ignore_unmatched or (mapping is not None and mapping.ignore_unmatched)
    problems = mapping.check(framework) if mapping else []
    problems += _column_problems(columns, table, framework, ignore_unmatched)
    preview = ImportPreview(source, table.layout, framework.ref, question_set, columns, problems=problems)
    people = _read_rows(table, columns, framework, mapping, preview)
    preview.respondents = len(people)
    answered = {qid for person in people for qid in person.answers}
    preview.never_answered = [q.id for _, q in framework.iter_questions(question_set) if q.id not in answered]
    if len(preview.problems) > _MAX_PROBLEMS:
        preview.problems = [*preview.problems[:_MAX_PROBLEMS], "... stopped after 50 problems"]
    if preview.problems:
        return preview
    try:
        answers = AnswerSet(framework=framework.ref, question_set=question_set, respondents=people)
        check_answers(answers, framework, source=source)
    except ValidationError as exc:  # the cells were checked; this is a guard
        preview.problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        return preview
    except AnswersError as exc:
        preview.problems = list(exc.problems)
        return preview
    preview.answers = answers
    return preview


def _read_rows(
    table: Table,
    columns: list[ColumnMatch],
    framework: Framework,
    mapping: SurveyMapping | None,
    preview: ImportPreview,
) -> list[Respondent]:
    """The respondents of ``table``; problems and superseded rows go to ``preview``."""
    labels = label_table(framework, mapping.labels if mapping else {})
    questions = [(i, c) for i, c in enumerate(columns) if c.kind == "question"]
    comments = {c.question_id: i for i, c in enumerate(columns) if c.kind == "comment"}
    evidence = {c.question_id: i for i, c in enumerate(columns) if c.kind == "evidence"}
    names = [i for i, c in enumerate(columns) if c.kind == "name"]
    emails = [i for i, c in enumerate(columns) if c.kind == "email"]
    roles = [i for i, c in enumerate(columns) if c.kind == "role"]
    choice_qs = {q.id: q for _, q in framework.iter_questions("full") if q.is_choice()}
    # frozen answers are shared: most cells are one of five labels
    shared = {key: Answer(answer=key) for key in framework.scale}
    known: dict[str, Any] = {}
    bad: dict[tuple[int, str], list[int]] = defaultdict(list)
    problems = preview.problems
    people: list[Respondent] = []
    index: dict[str, int] = {}
    rows_of: list[int] = []

    def cell(row: list[str], i: int) -> str:
        return unescape_cell(row[i].strip()) if i < len(row) else ""

    def first(row: list[str], where: list[int]) -> str:
        return next((v for v in (cell(row, i) for i in where) if v), "")

    # one entry a question column: (column, question id, comment column, evidence column)
    plan = [
        (i, c.question_id, comments.get(c.question_id), evidence.get(c.question_id)) for i, c in questions
    ]
    width = len(columns)
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        if len(row) < width:
            row = row + [""] * (width - len(row))
        answers: dict[str, Answer] = {}
        for i, qid, ci, ei in plan:
            raw = row[i]
            # the fast path: a raw cell seen before (most cells are one of a few labels)
            key = known.get(raw, _MISSING)
            if key is _MISSING:
                text = raw.strip()
                key = known[raw] = _BLANK if not text else labels.get(normalize(unescape_cell(text)))
            if ci is None and ei is None and key is not _BLANK and key is not None and qid not in choice_qs:
                answers[qid] = shared[key]
                continue
            note = cell(row, ci) if ci is not None else ""
            links = cell(row, ei) if ei is not None else ""
            if key is _BLANK:
                if note or links:
                    where = columns[ci if note and ci is not None else ei or 0]
                    problems.append(
                        f"{_where(where, number)}: a comment or evidence on a question not answered"
                    )
                continue
            picked: tuple[str, ...] | None = None
            if qid in choice_qs:
                picked = _read_choices(
                    raw, choice_qs[qid], columns[i], number, problems, label=key is not None
                )
                if picked is None and key is None:
                    continue  # the problem is listed
            if picked is None and key is None:
                bad[(i, raw.strip())].append(number)
                continue
            if ci is not None and len(note) > 5000:
                problems.append(
                    f"{_where(columns[ci], number)}: a comment of {len(note):,} characters; the limit is 5,000"
                )
                continue
            items = [line.strip() for line in links.splitlines() if line.strip()]
            if ei is not None and len(items) > 50:
                problems.append(
                    f"{_where(columns[ei], number)}: {len(items)} evidence items; the limit is 50"
                )
                continue
            if picked is not None:
                answers[qid] = Answer(choices=picked, comment=note, evidence=items)
            else:
                answers[qid] = (
                    Answer(answer=key, comment=note, evidence=items) if note or items else shared[key]
                )
        name = first(row, names)
        if name.casefold() == "anonymous":
            name = ""
        email = first(row, emails)
        if not name and email.casefold() != "anonymous":
            name = email
        role = first(row, roles)
        for text, limit, what, where_cols in (
            (name, 200, "name", names or emails),
            (role, 100, "role", roles),
        ):
            if len(text) > limit:
                problems.append(
                    f"{_where(columns[where_cols[0]], number)}: a {what} of {len(text):,} characters; the limit is {limit}"
                )
        person = Respondent.model_construct(name=name[:200], role=role[:100], answers=answers)
        if name and name in index:
            at = index[name]
            preview.superseded.append((rows_of[at], number, name))
            people[at] = person
            rows_of[at] = number
            continue
        if name:
            index[name] = len(people)
        people.append(person)
        rows_of.append(number)
    for (i, raw), rows in bad.items():
        col = columns[i]
        preview.unmatched_labels.append(LabelProblem(raw, col.column, col.question_id, tuple(rows)))
        also = (
            f" (also row{'s' if len(rows) > 2 else ''} {', '.join(map(str, rows[1:6]))}"
            f"{', ...' if len(rows) > 6 else ''})"
            if len(rows) > 1
            else ""
        )
        scale = ", ".join(c.label for c in framework.scale.values())
        shown = raw if len(raw) <= 60 else raw[:57] + "..."
        problems.append(
            f"{_where(col, rows[0])}: {shown!r} is not an answer on the scale ({scale}){also}; "
            "map it under 'labels' in a mapping file"
        )
    return people


def _read_choices(
    raw: str, question: Question, column: ColumnMatch, number: int, problems: list[str], *, label: bool
) -> tuple[str, ...] | None:
    """The choice ids a multiple-choice cell selects; ``None``, with the problem listed
    unless the cell is a scale label (an answer given by its key), when it selects none."""
    text = unescape_cell(raw.strip())
    picked = read_choice_cell(text, question)
    if picked is None:
        if label:
            return None
        shown = text if len(text) <= 60 else text[:57] + "..."
        problems.append(
            f"{_where(column, number)}: {shown!r} is not a choice of {question.id!r} "
            f"(the choices: {allowed_labels(question)}; several are separated by commas or line breaks)"
        )
        return None
    wrong = choice_problems(question, picked)
    if wrong:
        problems.extend(f"{_where(column, number)}: {w}" for w in wrong)
        return None
    return picked


def import_survey(
    data: bytes,
    *,
    source: str,
    framework: Framework,
    question_set: QuestionSet = "core",
    mapping: SurveyMapping | None = None,
    ignore_unmatched: bool = False,
) -> AnswerSet:
    """The answer set of a survey export; :class:`AnswersError` lists every problem."""
    preview = preview_survey(
        data,
        source=source,
        framework=framework,
        question_set=question_set,
        mapping=mapping,
        ignore_unmatched=ignore_unmatched,
    )
    if not preview.ok or preview.answers is None:
        raise AnswersError(preview.problems, source=source)
    return preview.answers


def load_survey(path: str | Path) -> bytes:
    """The bytes of a survey file on disk, within the import's size limit."""
    return read_file_bytes(path, error=AnswersError, max_bytes=MAX_SURVEY_BYTES)
