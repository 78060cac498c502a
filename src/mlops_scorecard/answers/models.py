"""The answers models: what an answers file may hold, and the API callers use.

These models define validity. :mod:`.validation` builds them faster for the shapes files
usually have, and hands everything else to them, so their messages name every problem.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..framework import QuestionSet

__all__ = ["KEY_PATTERN", "Answer", "AnswerSet", "Respondent", "answer_key_of"]

_BOOL_KEYS = {True: "yes", False: "no"}
#: What an answer key may look like (a framework's scale key); which keys a file may
#: use is its framework's business (:func:`~mlops_scorecard.answers.check_answers`).
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")
#: The message for an answer that cannot be a key, as the framework check words it.
UNKNOWN_KEY = "unknown answer key (use a key of the framework's scale, such as yes, partly, no, na, unknown)"


def answer_key_of(value: Any) -> str | None:
    """The answer key ``value`` reads as in a file (``None``: it cannot be one).

    YAML 1.1 reads unquoted yes/no as booleans; a 1-5 scale's keys may be numbers;
    keys are case-insensitive."""
    if isinstance(value, bool):
        return _BOOL_KEYS[value]
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str):
        key = value.strip().lower()
        if KEY_PATTERN.fullmatch(key):
            return key
    return None


class Answer(BaseModel):
    """One respondent's answer to one question.

    Frozen: a file of 10,000 respondents holds half a million answers, and the reader
    shares one object among equal answers (see :mod:`.validation`); change an answer by
    putting a new one in its place (``answer.model_copy(update=...)``).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    #: A key of the framework's scale. Empty only for an answer given by its choices
    #: alone, until :func:`~mlops_scorecard.answers.check_answers` derives the key.
    answer: str = ""
    #: The selected choice ids of a multiple-choice question (``()``: none selected,
    #: which is an answer); ``None`` for an answer given by a key.
    choices: tuple[Annotated[str, Field(max_length=128)], ...] | None = Field(default=None, max_length=50)
    comment: str = Field(default="", max_length=5000)
    evidence: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("answer", mode="before")
    @classmethod
    def _answer_key(cls, value: Any) -> Any:
        key = answer_key_of(value)
        if key is None:
            raise PydanticCustomError("answer_key", UNKNOWN_KEY)
        return key

    @field_validator("choices", mode="before")
    @classmethod
    def _choice_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(c, str) for c in value):
            return tuple(c.strip() for c in value)
        return value

    @model_validator(mode="after")
    def _key_or_choices(self) -> Answer:
        if not self.answer and self.choices is None:
            raise PydanticCustomError("answer_key", "give 'answer' (a scale key) or 'choices' (choice ids)")
        return self

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [value] if value.strip() else []
        return [] if value is None else value

    @field_validator("comment", mode="before")
    @classmethod
    def _comment_text(cls, value: Any) -> Any:
        return "" if value is None else value


class Respondent(BaseModel):
    """A person (or an anonymous respondent) and their answers by question id."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=100)
    answers: dict[str, Answer] = Field(default_factory=dict)

    @field_validator("name", "role", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("answers", mode="before")
    @classmethod
    def _short_answers(cls, value: Any) -> Any:
        # `q-id: yes` is short for `q-id: {answer: yes}`.
        if value is None:
            return {}
        if not isinstance(value, dict):
            return value
        return {
            str(qid): {"answer": a} if isinstance(a, str | int) or a is None else a
            for qid, a in value.items()
        }


class AnswerSet(BaseModel):
    """The content of an answers file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    framework: str = Field(min_length=1)
    question_set: QuestionSet = "core"
    unit: str = ""
    title: str = ""
    date: dt.date | None = None
    #: The assessment's context: profile question id -> option id (see
    #: :mod:`mlops_scorecard.framework.profiles`); checked against the framework.
    profile: dict[str, str] = Field(default_factory=dict)
    respondents: list[Respondent] = Field(default_factory=list)

    @field_validator("unit", "title", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return "" if value is None else str(value)

    @field_validator("profile", mode="before")
    @classmethod
    def _profile_options(cls, value: Any) -> Any:
        # `regulated: yes` unquoted is YAML 1.1's true: the option meant is "yes"
        if value is None:
            return {}
        if isinstance(value, dict):
            return {k: _BOOL_KEYS[v] if isinstance(v, bool) else v for k, v in value.items()}
        return value

    def respondent_label(self, index: int) -> str:
        """How messages and reports name respondent ``index``."""
        name = self.respondents[index].name
        return name if name else f"respondent {index + 1}"

    def to_data(self) -> dict[str, Any]:
        """Plain data in the file format, with short answers where nothing else is set."""
        data: dict[str, Any] = {"framework": self.framework, "question_set": self.question_set}
        if self.unit:
            data["unit"] = self.unit
        if self.title:
            data["title"] = self.title
        if self.date:
            data["date"] = self.date.isoformat()
        if self.profile:
            data["profile"] = dict(self.profile)
        data["respondents"] = []
        for r in self.respondents:
            answers: dict[str, Any] = {}
            for qid, a in r.answers.items():
                if a.comment or a.evidence or a.choices is not None:
                    full: dict[str, Any] = {"answer": a.answer} if a.answer else {}
                    if a.choices is not None:
                        full["choices"] = list(a.choices)
                    if a.comment:
                        full["comment"] = a.comment
                    if a.evidence:
                        full["evidence"] = list(a.evidence)
                    answers[qid] = full
                else:
                    answers[qid] = a.answer
            entry: dict[str, Any] = {}
            if r.name:
                entry["name"] = r.name
            if r.role:
                entry["role"] = r.role
            entry["answers"] = answers
            data["respondents"].append(entry)
        return data
