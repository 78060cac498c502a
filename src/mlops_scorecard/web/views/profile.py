"""An assessment's context (profile) on the pages: the select per context question of the
new-assessment form and of the profile form, and the Context block of the results page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import ScorecardError
from ...framework import Framework, QuestionSet
from ...framework.profiles import ProfileEffect, profile_effect
from ..params import form_text

__all__ = [
    "FIELD_PREFIX",
    "ContextView",
    "ProfileField",
    "context_view",
    "profile_fields",
    "profile_from_form",
]

#: Form fields of the context questions are named ``profile_<question id>``.
FIELD_PREFIX = "profile_"
_MAX_FIELDS = 50  # as many as a framework may have context questions


@dataclass(frozen=True)
class ProfileField:
    """One context question as a select: its options ``(id, label)`` and the one chosen
    (``""``: not answered)."""

    id: str
    text: str
    options: list[tuple[str, str]]
    selected: str

    @property
    def name(self) -> str:
        """The form field's name."""
        return FIELD_PREFIX + self.id


def profile_fields(framework: Framework, chosen: Mapping[str, str]) -> list[ProfileField]:
    """The framework's context questions as form fields, with ``chosen`` selected."""
    return [
        ProfileField(pq.id, pq.text, [(o.id, o.label) for o in pq.options], chosen.get(pq.id, ""))
        for pq in framework.profile
    ]


def profile_from_form(form: Any) -> dict[str, str]:
    """The context answers a form sends (``profile_<id>`` fields; empty ones are "not
    answered" and left out). The store checks them against the framework."""
    out: dict[str, str] = {}
    for key in form:
        if isinstance(key, str) and key.startswith(FIELD_PREFIX):
            if len(out) >= _MAX_FIELDS:
                raise ScorecardError(f"too many context answers (at most {_MAX_FIELDS})")
            value = form_text(form, key, max_length=80)
            if value:
                out[key[len(FIELD_PREFIX) :][:80]] = value
    return out


@dataclass(frozen=True)
class ContextView:
    """The results page's Context block: the answers ``(question, label)``, the questions
    of the set prioritised ``(id, text)`` and not applicable ``(id, text, reason)``."""

    answers: list[tuple[str, str]]
    prioritised: list[tuple[str, str]] = field(default_factory=list)
    not_applicable: list[tuple[str, str, str]] = field(default_factory=list)
    fields: list[ProfileField] = field(default_factory=list)

    @property
    def reasons(self) -> dict[str, str]:
        """Question id -> why it is not applicable."""
        return {qid: reason for qid, _, reason in self.not_applicable}

    @property
    def chosen(self) -> bool:
        """Whether any context question is answered."""
        return any(f.selected for f in self.fields)


def context_view(
    framework: Framework, question_set: QuestionSet, profile: Mapping[str, str] | None
) -> ContextView | None:
    """The Context block of an assessment (``None`` when its framework has no context
    questions)."""
    if not framework.profile:
        return None
    chosen = dict(profile or {})
    effect: ProfileEffect = profile_effect(framework, chosen)
    fields = profile_fields(framework, chosen)
    answers = [
        (f.text, next((label for oid, label in f.options if oid == f.selected), "not answered"))
        for f in fields
    ]
    prioritised, not_applicable = [], []
    for _, q in framework.iter_questions(question_set):
        if q.id in effect.not_applicable:
            not_applicable.append((q.id, q.text, effect.not_applicable[q.id]))
        elif q.id in effect.prioritised:
            prioritised.append((q.id, q.text))
    return ContextView(answers, prioritised, not_applicable, fields)
