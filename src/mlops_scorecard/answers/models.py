"""The answers models: what an answers file may hold, and the API callers use.

These models define validity. :mod:`.validation` builds them faster for the shapes files
usually have, and hands everything else to them, so their messages name every problem.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..framework import AnswerKey, QuestionSet

__all__ = ["Answer", "AnswerSet", "Respondent"]

_BOOL_KEYS = {True: "yes", False: "no"}


class Answer(BaseModel):
    """One respondent's answer to one question.

    Frozen: a file of 10,000 respondents holds half a million answers, and the reader
    shares one object among equal answers (see :mod:`.validation`); change an answer by
    putting a new one in its place (``answer.model_copy(update=...)``).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    answer: AnswerKey
    comment: str = Field(default="", max_length=5000)
    evidence: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("answer", mode="before")
    @classmethod
    def _answer_key(cls, value: Any) -> Any:
        # YAML 1.1 reads unquoted yes/no as booleans; answer keys are case-insensitive.
        if isinstance(value, bool):
            return _BOOL_KEYS[value]
        return value.strip().lower() if isinstance(value, str) else value

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
            str(qid): {"answer": a} if isinstance(a, str | bool) or a is None else a
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
                if a.comment or a.evidence:
                    full: dict[str, Any] = {"answer": a.answer}
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
