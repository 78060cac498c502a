"""The report's Context part: the assessment's profile (its answers to the framework's
context questions), the questions it prioritises and those it makes not applicable.

Left out of the report when the assessment answers no context question, so that a
report without a profile stays as it was (``docs/report-format.md``).
"""

from __future__ import annotations

from typing import Any

from ..framework import Framework, QuestionSet
from ..framework.profiles import ProfileEffect

__all__ = ["context_data", "context_view"]


def context_data(
    framework: Framework, question_set: QuestionSet, effect: ProfileEffect
) -> dict[str, Any] | None:
    """The ``context`` part of the JSON report; ``None`` without context answers.

    ``answers`` lists every context question of the framework (``option`` ``None``
    where not answered); ``prioritised`` and ``not_applicable`` the questions of the
    assessment's set the answers touch, in framework order, each with the context
    answer behind it.
    """
    if not effect.choices:
        return None
    answers = []
    for pq in framework.profile:
        chosen = effect.choices.get(pq.id)
        option = next((o for o in pq.options if o.id == chosen), None)
        answers.append(
            {
                "id": pq.id,
                "question": pq.text,
                "option": None if option is None else option.id,
                "label": None if option is None else option.label,
            }
        )
    prioritised = []
    not_applicable = []
    for dim, q in framework.iter_questions(question_set):
        entry = {"id": q.id, "text": q.text, "dimension": dim.id, "context": effect.context.get(q.id, "")}
        if q.id in effect.not_applicable:
            not_applicable.append({**entry, "reason": effect.not_applicable[q.id]})
        elif q.id in effect.prioritised:
            prioritised.append(entry)
    return {"answers": answers, "prioritised": prioritised, "not_applicable": not_applicable}


def context_view(data: dict[str, Any]) -> dict[str, Any] | None:
    """What the HTML, Markdown and PDF reports show of the ``context`` part (``None``
    when the report has none)."""
    context = data.get("context")
    if not context:
        return None
    return {
        "answers": [
            (a["question"], a["label"] if a["label"] is not None else "not answered")
            for a in context["answers"]
        ],
        "prioritised": [(q["text"], q["id"], q["context"]) for q in context["prioritised"]],
        "not_applicable": [
            (q["text"], q["id"], q["reason"], q["context"]) for q in context["not_applicable"]
        ],
    }
