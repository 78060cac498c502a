"""The plan read as a backlog: the focus list (the few actions that raise the overall
score most), the whole plan by gain, and the near-"yes" items that are folded away.

The plan's own order (:func:`~mlops_scorecard.planning.build_plan`: weakest dimension
first, or a facilitator's manual order) stays the backlog's default; these are views of
it, never a second stored order.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import Plan, PlanItem

__all__ = [
    "ACTIVE_STATUSES",
    "FOCUS_MAX",
    "FOCUS_MIN",
    "ORDERS",
    "by_gain",
    "focus",
    "gain_of",
    "ordered",
    "priority",
]

#: Statuses of items still to do: the only ones a focus list or an issue tracker wants.
ACTIVE_STATUSES: tuple[str, ...] = ("open", "in-progress")
#: The focus list holds at most this many items ...
FOCUS_MAX = 5
#: ... and at least this many (when there are), then stops at the first item worth less
#: than half the first one: a long tail of small gains is not a focus.
FOCUS_MIN = 3
#: The orders a backlog can be read in: the plan's (ranking rule or manual) or by gain.
ORDERS: tuple[str, ...] = ("plan", "gain")


def gain_of(it: PlanItem) -> float:
    """What an item is worth to the overall score (its dimension's gain when there is
    no overall score)."""
    return it.gain if it.overall_gain is None else it.overall_gain


def _gain_key(it: PlanItem) -> tuple[float, float, int]:
    # rounded so that float noise between equal gains leaves the plan's own order
    return (-round(gain_of(it), 9), -round(it.gain, 9), it.rank)


def by_gain(items: Sequence[PlanItem]) -> list[PlanItem]:
    """The items by gain to the overall score, largest first (then by gain to their
    dimension, then in plan order)."""
    return sorted(items, key=_gain_key)


def ordered(plan: Plan, order: str) -> list[PlanItem]:
    """The plan's items in one of :data:`ORDERS` (an unknown order reads as ``plan``)."""
    return by_gain(plan.items) if order == "gain" else list(plan.items)


def focus(plan: Plan) -> list[PlanItem]:
    """The focus list: the active, not near-"yes" items that raise the overall score
    most, :data:`FOCUS_MIN` to :data:`FOCUS_MAX` of them (see the module doc)."""
    candidates = [
        it
        for it in by_gain(plan.items)
        if it.status in ACTIVE_STATUSES and not it.near_yes and gain_of(it) > 1e-9
    ]
    if not candidates:
        return []
    best = gain_of(candidates[0])
    out: list[PlanItem] = []
    for it in candidates[:FOCUS_MAX]:
        if len(out) >= FOCUS_MIN and gain_of(it) < best / 2:
            break
        out.append(it)
    return out


def priority(it: PlanItem, focus_keys: set[str]) -> str:
    """An issue tracker's priority for an item: High in the focus list, Low when near
    "yes", Medium otherwise (Jira's default priority names)."""
    if it.key in focus_keys:
        return "High"
    return "Low" if it.near_yes else "Medium"
