"""Profiles: an assessment's answers to the framework's context questions, and what
they do: questions prioritised in the plan, questions not applicable with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import FrameworkError
from .models import Framework

__all__ = ["ProfileEffect", "check_profile", "profile_effect"]


@dataclass(frozen=True)
class ProfileEffect:
    """What a profile does: ``prioritised`` question ids, and ``not_applicable``
    question id -> the reason (each reason names the context answer behind it)."""

    choices: dict[str, str] = field(default_factory=dict)
    prioritised: frozenset[str] = frozenset()
    not_applicable: dict[str, str] = field(default_factory=dict)


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
    for pq in framework.profile:
        option = next((o for o in pq.options if o.id == chosen.get(pq.id)), None)
        if option is None:
            continue
        prioritised.update(option.prioritise)
        for qid, reason in option.not_applicable.items():
            because = f"{pq.text} {option.label}"
            not_applicable.setdefault(qid, f"{reason} ({because})" if reason else because)
    return ProfileEffect(
        choices=chosen,
        prioritised=frozenset(prioritised - not_applicable.keys()),
        not_applicable=not_applicable,
    )
