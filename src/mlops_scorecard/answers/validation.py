"""Answers data validated in one plain pass, without a model object per answer.

Validating the models of :mod:`.models` runs a model and three Python validators per
answer: five seconds for a file of 10,000 respondents x 48 questions. Files mostly hold
the same few answers over and over (``yes``, ``partly``, ``no``...), so this pass checks
the shapes files usually have in plain Python and builds the models directly, sharing
one frozen :class:`~.models.Answer` among equal answers. It answers ``None`` for anything
else, valid or not (a field of another type, a question id with spaces around it, an
unknown answer key...), and the caller lets the models validate the whole document:
the models stay the one definition of what is valid, and their errors, with the line
and place of every problem, stay exactly what they were. A test checks that both ways
agree on generated documents.
"""

from __future__ import annotations

from typing import Any, cast

from pydantic import ValidationError

from ..framework import ANSWER_KEYS, AnswerKey
from .models import Answer, AnswerSet, Respondent

__all__ = ["fast_answer_set"]

_SET_FIELDS = frozenset(AnswerSet.model_fields)
_RESPONDENT_FIELDS = frozenset(Respondent.model_fields)
_ANSWER_FIELDS = frozenset(Answer.model_fields)
# the models' max_length values, checked after stripping as pydantic does
_MAX_NAME = 200
_MAX_ROLE = 100
_MAX_COMMENT = 5000
_MAX_EVIDENCE = 50


def fast_answer_set(data: dict[str, Any]) -> AnswerSet | None:
    """The answer set ``data`` holds, as the models would build it; ``None`` when this
    pass cannot tell (the models must then validate ``data`` and say what is wrong)."""
    if not data.keys() <= _SET_FIELDS:
        return None
    people = data.get("respondents", [])
    if type(people) is not list:
        return None
    try:
        # the few header fields go through the model itself: its rules, no copies of them
        answers = AnswerSet.model_validate({k: v for k, v in data.items() if k != "respondents"})
    except ValidationError:
        return None
    builder = _Builder()
    respondents = []
    for raw in people:
        respondent = builder.respondent(raw)
        if respondent is None:
            return None
        respondents.append(respondent)
    answers.respondents = respondents
    return answers


class _Builder:
    """Caches for one document: the answers built so far and the question ids seen."""

    def __init__(self) -> None:
        plain = {key: Answer.model_construct({"answer"}, answer=cast(AnswerKey, key)) for key in ANSWER_KEYS}
        self.plain: dict[str, Answer] = plain
        # raw answer text -> answer; str keys only (True == 1, so bools stay out)
        self.short: dict[str, Answer] = dict(plain)
        self.full: dict[tuple[str, str, tuple[str, ...]], Answer] = {}
        # raw {answer, comment} texts -> answer
        self.by_text: dict[tuple[str, str], Answer] = {}
        self.ids: set[str] = set()
        self.failed = False

    def respondent(self, raw: Any) -> Respondent | None:
        if type(raw) is not dict or not raw.keys() <= _RESPONDENT_FIELDS:
            return None
        name = _text(raw.get("name"), _MAX_NAME)
        role = _text(raw.get("role"), _MAX_ROLE)
        given = raw.get("answers")
        if name is None or role is None:
            return None
        answers: dict[str, Answer]
        if given is None:
            answers = {}
        elif type(given) is not dict:
            return None
        else:
            if not self.ids.issuperset(given) and not self.new_ids(given):
                return None
            # the common case, a short answer seen before, is one lookup; this line runs
            # half a million times for a large file, hence no function call for it
            short, answer = self.short.get, self.answer
            answers = {qid: (short(v) if type(v) is str else None) or answer(v) for qid, v in given.items()}
            if self.failed:
                return None
        return Respondent.model_construct(set(raw), name=name, role=role, answers=answers)

    def new_ids(self, given: dict[Any, Any]) -> bool:
        """Whether every key is a question id the models would keep as it is."""
        for qid in given:
            if type(qid) is not str or qid != qid.strip():
                return False
        self.ids.update(given)
        return True

    def key(self, value: Any) -> str | None:
        """The answer key ``value`` means (the models' ``_answer_key``), if it is one."""
        if type(value) is bool:
            return "yes" if value else "no"
        if type(value) is str:
            answer = self.short.get(value)
            if answer is not None:
                return answer.answer
            key = value.strip().lower()
            if key in self.plain:
                self.short[value] = self.plain[key]
                return key
        return None

    def answer(self, value: Any) -> Answer:
        """The answer ``value`` stands for; on a problem, sets ``failed`` (and answers
        anything, so that a dict comprehension can call it)."""
        if type(value) is not dict:
            key = self.key(value)
            if key is not None:
                return self.plain[key]
        else:
            texts = _texts(value)
            if texts is not None and (seen := self.by_text.get(texts)) is not None:
                return seen
            built = self.build(value)
            if built is not None:
                if texts is not None:
                    self.by_text[texts] = built
                return built
        self.failed = True
        return self.plain["unknown"]

    def build(self, value: dict[str, Any]) -> Answer | None:
        """The answer a ``{answer: ..., comment: ..., evidence: ...}`` mapping holds."""
        if not value.keys() <= _ANSWER_FIELDS or "answer" not in value:
            return None
        key = self.key(value["answer"])
        comment = _text(value.get("comment"), _MAX_COMMENT)
        evidence = _evidence(value.get("evidence"))
        if key is None or comment is None or evidence is None:
            return None
        if not comment and not evidence:
            return self.plain[key]
        shared = (key, comment, tuple(evidence))
        answer = self.full.get(shared)
        if answer is None:
            answer = self.full[shared] = Answer.model_construct(
                set(value), answer=self.plain[key].answer, comment=comment, evidence=evidence
            )
        return answer


def _texts(value: dict[str, Any]) -> tuple[str, str] | None:
    """``(answer, comment)`` of the common long form, two texts and nothing else: a key
    to find an equal mapping seen before (the same remark often comes back)."""
    if len(value) != 2:
        return None
    key, comment = value.get("answer"), value.get("comment")
    # typed first: True == 1, so a cached (True, "x") must never answer (1, "x")
    if type(key) is not str or type(comment) is not str:
        return None
    return key, comment


def _text(value: Any, max_length: int) -> str | None:
    """A text field as the models keep it (``None`` is empty, whitespace stripped)."""
    if value is None:
        return ""
    if type(value) is not str:
        return None
    value = value.strip()
    return value if len(value) <= max_length else None


def _evidence(value: Any) -> list[str] | None:
    """The evidence list as the models keep it: one text is a list of one."""
    if value is None:
        return []
    if type(value) is str:
        value = value.strip()
        return [value] if value else []
    if type(value) is not list or len(value) > _MAX_EVIDENCE:
        return None
    items = [item.strip() for item in value if type(item) is str]
    return items if len(items) == len(value) else None
