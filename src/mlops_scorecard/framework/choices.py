"""Multiple-choice answers: the selected choices of a question, checked and turned into
an answer key by the question's risk rules (docs/framework-format.md).

A question with ``choices`` (an AWS lens question) is answered by selecting choice ids.
Its risk rules are tried in order; the first whose condition holds gives the risk, and
the risk the answer key (:meth:`~.models.Framework.risk_answer`: no risk the best key,
medium the middle one, high the worst). When no rule holds (real lenses leave out the
``default`` rule), the answer is the worst key, the highest risk, with a note saying
so. Selecting nothing (``choices: []``) is an answer, not a missing one: the rules run
on an empty selection.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .models import Framework, Question
from .risk import Condition, parse_condition

__all__ = ["ChoiceAnswer", "answer_for_choices", "choice_problems"]


@dataclass(frozen=True)
class ChoiceAnswer:
    """What a selection of choices gives: the answer key, the risk and, when no rule
    held, a note that says the worst key was taken."""

    key: str
    risk: str
    note: str = ""


#: Conditions by their text: a file answers the same question thousands of times.
_parsed = lru_cache(maxsize=4096)(parse_condition)


def choice_problems(question: Question, selected: Sequence[str]) -> list[str]:
    """What is wrong with ``selected`` as an answer to ``question`` (empty: nothing):
    a question without choices, an unknown or repeated choice id, or the "None of these"
    choice selected with others."""
    if not question.choices:
        return [f"question {question.id!r} has no choices; answer it with a scale key"]
    known = [c.id for c in question.choices]
    problems = [
        f"unknown choice {cid!r} (choices of {question.id!r}: {', '.join(known)})"
        for cid in selected
        if cid not in known
    ]
    if len(set(selected)) != len(selected):
        dup = next(c for c in selected if selected.count(c) > 1)
        problems.append(f"choice {dup!r} is selected twice")
    nones = [c.id for c in question.choices if c.none and c.id in selected]
    if nones and len(set(selected)) > 1:
        problems.append(f"{nones[0]!r} (None of these) must be selected alone")
    return problems


def answer_for_choices(framework: Framework, question: Question, selected: Collection[str]) -> ChoiceAnswer:
    """The answer key ``selected`` (choice ids, checked with :func:`choice_problems`)
    gives for ``question``: the risk of its first rule that holds, as a key of the
    framework's scale; the worst key, with a note, when no rule holds."""
    rules: list[tuple[Condition, str]] = [(_parsed(r.condition), r.risk) for r in question.risk_rules]
    for condition, risk in rules:
        if condition.holds(selected):
            return ChoiceAnswer(framework.risk_answer(risk), risk)
    chosen = ", ".join(sorted(selected)) or "no choice"
    return ChoiceAnswer(
        framework.risk_answer("high"),
        "high",
        f"no risk rule of {question.id!r} holds for {chosen}; taken as high risk",
    )
