"""Answer scales: the default one, what a custom scale may hold, and the orders of its
keys (docs/framework-format.md, "scale").

The default scale's keys are ``yes``, ``partly``, ``no``, ``na`` and ``unknown``. A
framework may declare its own ordered keys with values in [0, 1]; ``na`` and
``unknown`` stay reserved for the answers that carry no value.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ANSWER_KEYS",
    "DEFAULT_SCALE",
    "NO_VALUE_KEYS",
    "VALUED_KEYS",
    "AnswerKey",
    "ScaleChoice",
    "answer_keys_of",
    "ranked_keys_of",
    "scale_problems",
    "uses_default_keys",
]

#: An answer key: one of the framework's scale keys (``Framework.answer_keys``).
AnswerKey = str
#: The default scale's keys, in the order its answer codes take.
ANSWER_KEYS: tuple[str, ...] = ("yes", "partly", "no", "na", "unknown")
#: The default scale's keys that carry a value; the others are counted but never scored.
VALUED_KEYS: tuple[str, ...] = ("yes", "partly", "no")
#: Keys that never carry a value, on any scale: "not applicable" and "don't know".
NO_VALUE_KEYS: tuple[str, ...] = ("na", "unknown")


class ScaleChoice(BaseModel):
    """One answer choice: its label and value (``None`` for choices never scored)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    label: str
    value: float | None = Field(default=None, ge=0, le=1)
    description: str = ""


DEFAULT_SCALE: dict[str, ScaleChoice] = {
    "yes": ScaleChoice(label="Yes", value=1.0),
    "partly": ScaleChoice(label="Partly", value=0.5),
    "no": ScaleChoice(label="No", value=0.0),
    "na": ScaleChoice(label="Not applicable"),
    "unknown": ScaleChoice(label="Don't know"),
}


def uses_default_keys(scale: dict[str, ScaleChoice]) -> bool:
    """Whether ``scale`` uses the default keys only (their values and labels may differ)."""
    return scale.keys() <= set(ANSWER_KEYS)


def answer_keys_of(scale: dict[str, ScaleChoice]) -> tuple[str, ...]:
    """The keys answer codes index: :data:`ANSWER_KEYS` for a scale of the default keys,
    else the valued keys in file order, then ``na`` and ``unknown``."""
    if uses_default_keys(scale):
        return ANSWER_KEYS
    return (*(k for k in scale if k not in NO_VALUE_KEYS), *NO_VALUE_KEYS)


def ranked_keys_of(scale: dict[str, ScaleChoice]) -> tuple[str, str, str]:
    """The worst, the middle and the best valued key of a valid scale: the lowest value,
    the inner key nearest the middle of the range (the lower on a tie; the worst key
    when there is no inner one) and the highest."""
    value = {k: c.value for k, c in scale.items() if c.value is not None and k not in NO_VALUE_KEYS}
    ordered = sorted(value, key=value.__getitem__)
    worst, best = ordered[0], ordered[-1]
    mid = (value[worst] + value[best]) / 2
    inner = sorted(ordered[1:-1], key=lambda k: (abs(value[k] - mid), value[k]))
    return worst, inner[0] if inner else worst, best


_SCALE_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def scale_problems(scale: dict[str, ScaleChoice]) -> list[str]:
    """What is wrong with a scale: keys are slugs; ``na`` and ``unknown`` carry no value
    and every other key carries one; at least two valued keys, with distinct values; a
    scale of the default keys needs ``yes`` and ``no`` in order (:func:`_scale_order`)."""
    problems: list[str] = []
    for key, choice in scale.items():
        if not isinstance(key, str) or not _SCALE_KEY.match(key) or len(key) > 80:
            problems.append(
                f"scale.{key}: a scale key is a lower-case slug (letters, digits, '.', '_', '-'; at most 80)"
            )
        elif key in NO_VALUE_KEYS:
            if choice.value is not None:
                problems.append(f"scale.{key}: carries no value; remove 'value'")
        elif choice.value is None:
            problems.append(f"scale.{key}: needs a value between 0 and 1")
    if scale.keys() <= set(ANSWER_KEYS):
        for key in ("yes", "no"):
            if key not in scale:
                problems.append(f"scale: the key {key!r} is required")
    valued = [(k, c.value) for k, c in scale.items() if k not in NO_VALUE_KEYS and c.value is not None]
    if len(valued) < 2 and not problems:
        problems.append("scale: needs at least two keys with a value (the worst and the best answer)")
    if scale.keys() <= set(ANSWER_KEYS):
        return problems + _scale_order(scale)  # which also refuses equal values
    seen: dict[float, str] = {}
    for key, value in valued:
        if value in seen:
            problems.append(
                f"scale.{key}.value: {value:g} is also the value of {seen[value]!r}; values must differ"
            )
        else:
            seen[value] = key
    return problems + _scale_order(scale)  # yes above no, when a custom scale has both


def _scale_order(scale: dict[str, ScaleChoice]) -> list[str]:
    """Problems with the order no < partly < yes: the plan and the levels read a higher
    value as a better answer, so a scale the other way round would call "no" done."""
    value = {k: scale[k].value for k in VALUED_KEYS if k in scale}
    yes, partly, no = value.get("yes"), value.get("partly"), value.get("no")
    if yes is None or no is None:
        return []  # a missing key or value is reported on its own
    if yes <= no:
        return [f"scale.yes.value: {yes:g} must be above the value of 'no' ({no:g}): yes is the best answer"]
    if partly is not None and not no < partly < yes:
        return [
            f"scale.partly.value: {partly:g} must be between the values of 'no' ({no:g}) and 'yes' ({yes:g})"
        ]
    return []
