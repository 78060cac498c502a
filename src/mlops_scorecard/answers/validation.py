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

import datetime as dt
from typing import Any, cast

from pydantic import ValidationError

from ..datafiles import MAX_CONTAINERS, check_plain_text
from ..framework import ANSWER_KEYS
from .models import KEY_PATTERN, Answer, AnswerSet, Respondent

__all__ = ["fast_answer_set"]

_SET_FIELDS = frozenset(AnswerSet.model_fields)
_RESPONDENT_FIELDS = frozenset(Respondent.model_fields)
_ANSWER_FIELDS = frozenset(Answer.model_fields)
#: What pydantic's ``str_strip_whitespace`` strips: Unicode's White_Space characters.
#: ``str.strip()`` also strips the separators U+001C-U+001F, which pydantic keeps, so a
#: name of "\x1cBob" must stay "\x1cBob" here as in the models.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
# the models' max_length values, checked after stripping as pydantic does
_MAX_NAME = 200
_MAX_ROLE = 100
_MAX_COMMENT = 5000
_MAX_EVIDENCE = 50
# what the header fields may hold here (anything else, such as a list, goes to the models)
_HEADER_TYPES = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})


def fast_answer_set(
    data: dict[str, Any], *, texts: bool = True, max_containers: int = MAX_CONTAINERS
) -> AnswerSet | None:
    """The answer set ``data`` holds, as the models would build it; ``None`` when this
    pass cannot tell (the models must then validate ``data`` and say what is wrong).

    Also does what :func:`~mlops_scorecard.datafiles.check_plain_tree` does, so the reader
    needs no second walk over the file: an answer set is nested six levels at most, holds
    no binary values, and here no more than ``max_containers`` mappings and lists (else
    ``None``); with ``texts``, every text is checked with
    :func:`~mlops_scorecard.datafiles.check_plain_text` (each distinct answer text once).
    """
    if not data.keys() <= _SET_FIELDS:
        return None
    people = data.get("respondents", [])
    if type(people) is not list:
        return None
    header = {k: v for k, v in data.items() if k != "respondents"}
    for key, value in header.items():
        if key == "profile" and _plain_profile(value, texts):
            continue
        if type(value) not in _HEADER_TYPES or (texts and type(value) is str and check_plain_text(value)):
            return None
    try:
        # the few header fields go through the model itself: its rules, no copies of them
        answers = AnswerSet.model_validate(header)
    except ValidationError:
        return None
    builder = _Builder(texts)
    respondents = []
    for raw in people:
        respondent = builder.respondent(raw)
        if respondent is None:
            return None
        respondents.append(respondent)
    if builder.containers + len(respondents) + 2 + ("profile" in header) > max_containers:
        return None
    answers.respondents = respondents
    return answers


def _plain_profile(value: Any, texts: bool) -> bool:
    """Whether ``value`` is a profile this pass can hand to the model: a flat mapping of
    text (or YAML's yes/no booleans) to text, each text plain (one container)."""
    if type(value) is not dict or len(value) > 50:
        return False
    for k, v in value.items():
        if type(k) is not str or type(v) not in (str, bool):
            return False
        if texts and (check_plain_text(k) or (type(v) is str and check_plain_text(v))):
            return False
    return True


class _Builder:
    """Caches for one document: the answers built so far and the question ids seen."""

    def __init__(self, texts: bool) -> None:
        self.texts = texts
        #: answers dicts, long-form answers and evidence lists (see fast_answer_set)
        self.containers = 0
        plain = {key: Answer.model_construct({"answer"}, answer=key) for key in ANSWER_KEYS}
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
        name = self.text(raw.get("name"), _MAX_NAME)
        role = self.text(raw.get("role"), _MAX_ROLE)
        given = raw.get("answers")
        if name is None or role is None:
            return None
        answers: dict[str, Answer]
        if given is None:
            answers = {}
        elif type(given) is not dict:
            return None
        else:
            self.containers += 1
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
            if type(qid) is not str or qid != qid.strip() or (self.texts and check_plain_text(qid)):
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
            if (key in self.plain or KEY_PATTERN.fullmatch(key)) and not (
                self.texts and check_plain_text(value)
            ):
                # any key a scale may have (models.answer_key_of): the framework check says which
                if key not in self.plain:
                    self.plain[key] = Answer.model_construct({"answer"}, answer=key)
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
            self.containers += 1
            pair = _texts(value)
            if pair is not None and (seen := self.by_text.get(pair)) is not None:
                return seen
            built = self.build(value)
            if built is not None:
                if pair is not None:
                    self.by_text[pair] = built
                return built
        self.failed = True
        return self.plain["unknown"]

    def build(self, value: dict[str, Any]) -> Answer | None:
        """The answer a ``{answer: ..., comment: ..., evidence: ...}`` mapping holds."""
        if not value.keys() <= _ANSWER_FIELDS or "answer" not in value or "choices" in value:
            return None  # answers by choices are rare enough for the models
        key = self.key(value["answer"])
        comment = self.text(value.get("comment"), _MAX_COMMENT)
        evidence = self.evidence(value.get("evidence"))
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

    def text(self, value: Any, max_length: int) -> str | None:
        """A text field as the models keep it (``None`` is empty, whitespace stripped)."""
        if value is None:
            return ""
        if type(value) is not str or (self.texts and check_plain_text(value)):
            return None
        value = value.strip(WHITE_SPACE)
        return value if len(value) <= max_length else None

    def evidence(self, value: Any) -> list[str] | None:
        """The evidence list as the models keep it: one text is a list of one."""
        if value is None:
            return []
        if type(value) is str:
            if not value.strip():  # the models' test (str.strip), before their own stripping
                return []
            one = self.text(value, len(value))
            return None if one is None else [one]
        if type(value) is not list or len(value) > _MAX_EVIDENCE:
            return None
        self.containers += 1
        items = [self.text(item, len(item)) if type(item) is str else None for item in value]
        return None if None in items else cast(list[str], items)


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
