"""What respondents send, checked before anything is stored: an autosave's JSON body,
an answer against the assessment's framework and question set, an uploaded answers file.
Every problem is a :class:`~mlops_scorecard.errors.ScorecardError` kind (422)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from ..answers import Respondent as CoreRespondent
from ..answers import check_answers, read_answers
from ..errors import AnswersError, ScorecardError
from ..framework import Framework
from ..problems import validation_problems
from ..store.answers import answer_key_for
from .params import MAX_ID

__all__ = ["AnswerIn", "check_answer", "parse_answer_json", "read_upload"]


class AnswerIn(BaseModel):
    """The JSON body of an autosave: ``{question_id, answer, comment, revision}``, or
    ``{question_id, choices: [ids...], comment, revision}`` for a multiple-choice question."""

    model_config = ConfigDict(extra="forbid")

    question_id: StrictStr = Field(min_length=1, max_length=80)
    answer: StrictStr = Field(default="", max_length=80)
    #: The selected choice ids of a multiple-choice question (``[]``: none selected).
    choices: list[Annotated[StrictStr, Field(max_length=128)]] | None = Field(default=None, max_length=50)
    comment: StrictStr = Field(default="", max_length=5000)
    #: The revision the page last saw for this answer (0 when it had none). Left out,
    #: the save overwrites whatever is stored (scripts); the survey page always sends it.
    # bounded: a revision past what an integer column holds would be a database error
    revision: StrictInt | None = Field(default=None, ge=0, le=MAX_ID)


def parse_answer_json(body: bytes) -> AnswerIn:
    """Validate an autosave body; every problem is a :class:`ScorecardError` (422)."""
    usage = 'send JSON like {"question_id": "gov-strategy", "answer": "yes", "comment": "", "revision": 0}'
    if not body.strip():
        raise ScorecardError(f"the request has no body; {usage}")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, too deep
        raise ScorecardError(f"the body is not valid JSON ({exc}); {usage}") from None
    if not isinstance(data, dict):
        raise ScorecardError(f"the body must be a JSON object; {usage}")
    try:
        parsed = AnswerIn.model_validate(data)
    except ValidationError as exc:
        raise ScorecardError("; ".join(validation_problems(exc, data))) from None
    if not parsed.answer and parsed.choices is None:
        raise ScorecardError(f"give 'answer' (a scale key) or 'choices' (choice ids); {usage}")
    return parsed


def check_answer(
    framework: Framework,
    question_set: str,
    question_id: str,
    answer: str,
    choices: Sequence[str] | None = None,
) -> None:
    """Refuse a question outside the assessment's set, an answer off the scale, or
    choices the question does not have (422, naming the allowed keys or choices)."""
    found = framework.question(question_id)
    if found is None:
        raise ScorecardError(f"unknown question {question_id!r}")
    if question_set == "core" and found[1].set != "core":
        raise ScorecardError(f"question {question_id!r} is not part of this assessment's question set")
    answer_key_for(framework, question_id, answer, choices)


def _file_name(filename: str | None) -> str:
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip()
    return name[:100] or "uploaded file"


def read_upload(
    filename: str | None, data: bytes, framework: Framework, question_set: str, *, max_respondents: int
) -> CoreRespondent:
    """The one respondent of an uploaded answers file, checked against the assessment.

    Raises :class:`AnswersError` (422) naming the file and the problem. Touches no
    database: the caller reads the file before it opens a write transaction.
    """
    source = _file_name(filename)
    answers = read_answers(
        data, source=source, as_json=source.lower().endswith(".json"), max_respondents=max_respondents
    )
    if len(answers.respondents) != 1:
        raise AnswersError(
            f"the file holds {len(answers.respondents)} respondents; upload a file with exactly one "
            "(your own answers, as written by `mlops-scorecard assess`)",
            source=source,
        )
    text = data.decode("utf-8-sig", errors="replace")
    check_answers(answers, framework, source=source, text=text)
    if answers.question_set != question_set:
        raise AnswersError(
            f"the file uses the {answers.question_set!r} question set, but this assessment uses "
            f"{question_set!r} (answer with `mlops-scorecard assess FILE --set {question_set}`)",
            source=source,
        )
    return answers.respondents[0]
