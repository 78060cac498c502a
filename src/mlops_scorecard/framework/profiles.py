"""Profiles: an assessment's answers to the framework's context questions, and what
they do: questions prioritised in the plan, questions not applicable with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import FrameworkError
from .models import Framework

__all__ = ["ProfileEffect", "check_profile", "context_answer", "describe_choices", "profile_effect"]


@dataclass(frozen=True)
class ProfileEffect:
    """What a profile does: ``prioritised`` question ids, and ``not_applicable``
    question id -> the reason, as the framework words it.

    ``choices`` are the context answers in effect (defaults filled in); ``context``
    says, per question the profile touches, which context answers did it (for
    example "How many ML models are in production? None yet"; several joined with
    "; "). A question made both prioritised and not applicable is not applicable.
    """

    choices: dict[str, str] = field(default_factory=dict)
    prioritised: frozenset[str] = frozenset()
    not_applicable: dict[str, str] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        """Whether the profile changes anything."""
        return bool(self.prioritised or self.not_applicable)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (``score --format json``'s ``profile``): the choices, the
        prioritised question ids (sorted) and the not-applicable ones with reasons."""
        return {
            "choices": dict(self.choices),
            "prioritised": sorted(self.prioritised),
            "not_applicable": dict(self.not_applicable),
        }


def context_answer(framework: Framework, question_id: str, option_id: str) -> str:
    """How people read one context answer: the question's text and the option's label
    (the ids as given when the framework does not know them)."""
    pq = next((p for p in framework.profile if p.id == question_id), None)
    if pq is None:
        return f"{question_id}: {option_id}"
    option = next((o for o in pq.options if o.id == option_id), None)
    return f"{pq.text} {option_id if option is None else option.label}"


def describe_choices(framework: Framework, choices: Mapping[str, str]) -> str:
    """The context answers in one line ("Question? Label; ..."), in the framework's
    order, for terminals and pages."""
    order = {pq.id: i for i, pq in enumerate(framework.profile)}
    ordered = sorted(choices.items(), key=lambda kv: order.get(kv[0], len(order)))
    return "; ".join(context_answer(framework, qid, option) for qid, option in ordered)


def check_profile(framework: Framework, choices: Mapping[str, str]) -> dict[str, str]:
    """The profile with defaults filled in; raises :class:`FrameworkError` naming an
    unknown context question or option."""
    by_id = {pq.id: pq for pq in framework.profile}
    problems: list[str] = []
    for qid, option in choices.items():
        pq = by_id.get(qid)
        if pq is None:
            known = ", ".join(by_id) or "none"
            problems.append(f"profile.{qid}: unknown context question (this framework's: {known})")
        elif option not in {o.id for o in pq.options}:
            allowed = ", ".join(o.id for o in pq.options)
            problems.append(f"profile.{qid}: unknown option {option!r} (use {allowed})")
    if problems:
        raise FrameworkError(problems)
    out = {pq.id: pq.default for pq in framework.profile if pq.default is not None}
    out.update(choices)
    return {k: v for k, v in out.items() if v is not None}


def profile_effect(framework: Framework, choices: Mapping[str, str]) -> ProfileEffect:
    """What ``choices`` (context question id -> option id) do to ``framework``'s
    questions. Unknown ids raise :class:`FrameworkError`."""
    chosen = check_profile(framework, choices)
    prioritised: set[str] = set()
    not_applicable: dict[str, str] = {}
    context: dict[str, list[str]] = {}
    for pq in framework.profile:
        option = next((o for o in pq.options if o.id == chosen.get(pq.id)), None)
        if option is None:
            continue
        because = context_answer(framework, pq.id, option.id)
        prioritised.update(option.prioritise)
        for qid in option.prioritise:
            context.setdefault(qid, []).append(because)
        for qid, reason in option.not_applicable.items():
            if qid not in not_applicable:
                not_applicable[qid] = reason or f"not applicable when: {because}"
                # the answer that made it not applicable comes first
                context.setdefault(qid, []).insert(0, because)
    return ProfileEffect(
        choices=chosen,
        prioritised=frozenset(prioritised - not_applicable.keys()),
        not_applicable=not_applicable,
        context={qid: "; ".join(dict.fromkeys(texts)) for qid, texts in context.items()},
    )
