"""What a store keeps of a plan's items (status, owner, due date, effort, a place in a
manual order), checked, and laid over a freshly derived plan (:func:`apply_overrides`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ScorecardError
from . import EFFORTS, STATUSES, Plan, PlanItem

__all__ = ["PlanOverride", "apply_overrides", "parse_effort"]


@dataclass(frozen=True)
class PlanOverride:
    """What a store keeps for one item: ``None`` leaves the derived value.

    ``position`` is the item's place in a manual order (any integers; lower first);
    ``effort`` one of :data:`EFFORTS`.
    """

    status: str | None = None
    owner: str | None = None
    due: dt.date | None = None
    position: int | None = None
    effort: str | None = None


def _status(value: Any, key: str) -> str:
    norm = re.sub(r"[\s_]+", "-", str(value).strip().lower())
    if norm not in STATUSES:
        raise ScorecardError(f"plan item {key!r}: unknown status {value!r} (use {', '.join(STATUSES)})")
    return norm


def _override(key: str, value: PlanOverride | Mapping[str, Any]) -> PlanOverride:
    if isinstance(value, PlanOverride):
        data: dict[str, Any] = dataclasses.asdict(value)
    elif isinstance(value, Mapping):
        data = dict(value)
        unknown = sorted(set(data) - {"status", "owner", "due", "position", "effort"})
        if unknown:
            raise ScorecardError(f"plan item {key!r}: unknown field {', '.join(map(repr, unknown))}")
    else:
        raise ScorecardError(f"plan item {key!r}: an override must be a mapping")
    due = data.get("due")
    if isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due) if due else None
        except ValueError:
            raise ScorecardError(f"plan item {key!r}: due date {due!r} is not YYYY-MM-DD") from None
    elif isinstance(due, dt.datetime):
        due = due.date()
    elif due is not None and not isinstance(due, dt.date):
        raise ScorecardError(f"plan item {key!r}: due must be a date")
    position = data.get("position")
    if position is not None and (isinstance(position, bool) or not isinstance(position, int)):
        raise ScorecardError(f"plan item {key!r}: position must be a whole number")
    status = data.get("status")
    owner = data.get("owner")
    return PlanOverride(
        status=None if status is None else _status(status, key),
        owner=None if owner is None else str(owner),
        due=due,
        position=position,
        effort=None if data.get("effort") is None else parse_effort(data["effort"], key),
    )


def parse_effort(value: Any, key: str | None = None) -> str:
    """An effort estimate (:data:`EFFORTS`: ``S``, ``M``, ``L``, or empty for none; the
    words small, medium, large and any case accepted), or a :class:`ScorecardError`."""
    text = str(value).strip()
    norm = {"small": "S", "medium": "M", "large": "L"}.get(text.lower(), text.upper())
    if norm not in EFFORTS:
        where = f"plan item {key!r}: " if key else ""
        raise ScorecardError(f"{where}unknown effort {text[:20]!r} (use S, M, L or nothing)")
    return norm


def apply_overrides(plan: Plan, overrides: Mapping[str, PlanOverride | Mapping[str, Any]]) -> Plan:
    """Lay stored statuses, owners, due dates and a manual order over a derived plan.

    Items with a ``position`` come first, in position order (ties by computed rank);
    the others follow in computed order, so an item that is new since the order was
    stored lands after the ordered ones. Ranks are renumbered from 1. Keys that match
    no item are returned as ``orphans``. Raises :class:`ScorecardError` for an unknown
    status, field or a malformed due date.
    """
    parsed = {key: _override(key, value) for key, value in overrides.items()}
    updated = []
    for it in plan.items:
        o = parsed.get(it.key)
        if o is not None:
            it = dataclasses.replace(
                it,
                status=it.status if o.status is None else o.status,
                owner=it.owner if o.owner is None else o.owner,
                due=it.due if o.due is None else o.due,
                effort=it.effort if o.effort is None else o.effort,
            )
        updated.append(it)

    def order(it: PlanItem) -> tuple[int, int, int]:
        pos = parsed[it.key].position if it.key in parsed else None
        return (0, pos, it.computed_rank) if pos is not None else (1, 0, it.computed_rank)

    updated.sort(key=order)
    items = [dataclasses.replace(it, rank=n) for n, it in enumerate(updated, start=1)]
    keys = {it.key for it in items}
    return dataclasses.replace(plan, items=items, orphans=sorted(k for k in parsed if k not in keys))
