"""Units: the organization's tree of departments and teams; moving, archiving and
deleting them; the default targets new assessments below a unit start from."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError, ScorecardError
from .models import Assessment, Unit, utcnow
from .throttle import one_at_a_time

__all__ = [
    "UNIT_KINDS",
    "archive_unit",
    "create_unit",
    "default_targets_for",
    "delete_unit",
    "get_unit",
    "list_units",
    "move_unit",
    "set_default_targets",
    "subtree_ids",
    "unit_path",
]

UNIT_KINDS = ("organization", "department", "team")


def create_unit(session: Session, *, name: str, kind: str = "team", parent_id: int | None = None) -> Unit:
    """Add a unit under ``parent_id`` (or at the top); names are unique among siblings."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ScorecardError("unit name must be 1 to 200 characters")
    if kind not in UNIT_KINDS:
        raise ScorecardError(f"unknown unit kind {kind!r} (use {', '.join(UNIT_KINDS)})")
    if parent_id is not None and get_unit(session, unit_id=parent_id).archived_at is not None:
        raise ConflictError("the parent unit is archived; restore it before adding units under it")
    same_parent = Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
    clash = session.scalar(select(Unit).where(same_parent, Unit.name == name))
    if clash is not None:
        raise ConflictError(f"a unit named {name!r} already exists there")
    unit = Unit(name=name, kind=kind, parent_id=parent_id)
    session.add(unit)
    session.flush()
    return unit


def get_unit(session: Session, *, unit_id: int) -> Unit:
    """The unit with this id, or :class:`NotFoundError`."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(f"no unit {unit_id}")
    return unit


def list_units(session: Session, *, archived: bool | None = False) -> list[Unit]:
    """Units in a stable order (by id): those not archived (``archived=True``: only the
    archived ones; ``None``: every unit)."""
    query = select(Unit).order_by(Unit.id)
    if archived is not None:
        query = query.where(Unit.archived_at.is_not(None) if archived else Unit.archived_at.is_(None))
    return list(session.scalars(query))


def unit_path(session: Session, *, unit: Unit) -> list[Unit]:
    """The unit's ancestors from the top, ending with the unit itself (one lookup per
    level, most found in the session already, rather than every unit of the tree)."""
    path = [unit]
    while path[0].parent_id is not None and len(path) < 50:
        parent = session.get(Unit, path[0].parent_id)
        if parent is None:  # pragma: no cover - the foreign key keeps parents
            break
        path.insert(0, parent)
    return path


def subtree_ids(session: Session, *, unit_id: int) -> list[int]:
    """The ids of a unit and every unit below it (archived ones too)."""
    # the columns as stored, not loaded units: one loaded earlier in the session keeps
    # the parent it had then, and the loop check of a move must see the one committed
    children: dict[int | None, list[int]] = {}
    for uid, parent_id in session.execute(select(Unit.id, Unit.parent_id).order_by(Unit.id)):
        children.setdefault(parent_id, []).append(uid)
    out, todo, seen = [], [unit_id], set()
    while todo:
        current = todo.pop()
        if current in seen:  # a tree that loops already is walked once, not forever
            continue
        seen.add(current)
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def delete_unit(session: Session, *, unit_id: int) -> None:
    """Delete an empty unit (no sub-units, no assessments)."""
    unit = get_unit(session, unit_id=unit_id)
    if session.scalar(select(Unit.id).where(Unit.parent_id == unit_id).limit(1)) is not None:
        raise ConflictError(f"unit {unit.name!r} has sub-units; move or delete them first")
    if session.scalar(select(Assessment.id).where(Assessment.unit_id == unit_id).limit(1)) is not None:
        raise ConflictError(f"unit {unit.name!r} has assessments; it cannot be deleted")
    session.delete(unit)


def _active_contents(session: Session, unit: Unit) -> str | None:
    """Why ``unit`` is not empty enough to archive (a sub-unit or an assessment not
    archived), or ``None``."""
    child = session.scalar(
        select(Unit.name).where(Unit.parent_id == unit.id, Unit.archived_at.is_(None)).limit(1)
    )
    if child is not None:
        return f"unit {unit.name!r} has sub-unit {child!r}; move or archive it first"
    found = session.scalar(
        select(Assessment.title)
        .where(Assessment.unit_id == unit.id, Assessment.archived_at.is_(None))
        .limit(1)
    )
    if found is not None:
        return f"unit {unit.name!r} has assessment {found!r}; archive or delete it first"
    return None


def archive_unit(session: Session, *, unit: Unit, archived: bool = True) -> Unit:
    """Archive a unit (hidden from the tree and the lists, kept with its archived
    assessments) or restore it. Only a unit whose sub-units and assessments are all
    archived can be archived; a unit is restored only under a parent that is not."""
    if archived:
        if unit.archived_at is not None:
            return unit
        why = _active_contents(session, unit)
        if why:
            raise ConflictError(why)
        unit.archived_at = utcnow()
        return unit
    if unit.archived_at is None:
        return unit
    if unit.parent_id is not None and get_unit(session, unit_id=unit.parent_id).archived_at is not None:
        raise ConflictError(f"unit {unit.name!r} is under an archived unit; restore that one first")
    unit.archived_at = None
    return unit


def move_unit(session: Session, *, unit: Unit, parent_id: int | None) -> Unit:
    """Put ``unit`` (and everything below it) under ``parent_id`` (``None``: the top).
    Refused: under itself or one of its own sub-units (a cycle), under an archived
    unit, or where a sibling has its name."""
    if parent_id == unit.parent_id:
        return unit
    # two moves at once (A under B, B under A) would each pass the loop check without
    # seeing the other: moves wait for each other, and each checks the committed tree
    one_at_a_time(session, key="units.move")
    if parent_id is not None:
        parent = get_unit(session, unit_id=parent_id)
        if parent_id in subtree_ids(session, unit_id=unit.id):
            where = "itself" if parent_id == unit.id else f"its own sub-unit {parent.name!r}"
            raise ConflictError(f"unit {unit.name!r} cannot move under {where}: the tree would loop")
        if parent.archived_at is not None:
            raise ConflictError(f"unit {parent.name!r} is archived; restore it before moving units under it")
    same_parent = Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
    clash = session.scalar(select(Unit.id).where(same_parent, Unit.name == unit.name, Unit.id != unit.id))
    if clash is not None:
        raise ConflictError(f"a unit named {unit.name!r} already exists there; rename one first")
    unit.parent_id = parent_id
    return unit


def set_default_targets(session: Session, *, unit: Unit, targets: Mapping[str, Any] | None) -> Unit:
    """Set the targets new assessments below ``unit`` start from: dimension id ->
    score on 0-100 (``None`` or ``{}``: none here, so a unit further up decides)."""
    checked: dict[str, float] = {}
    for key, value in (targets or {}).items():
        if not isinstance(key, str) or not key or len(key) > 80:
            raise ScorecardError(f"default target {key!r}: a dimension id is 1 to 80 characters")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ScorecardError(f"default target for {key!r}: {value!r} is not a number")
        if not 0 <= value <= 100:
            raise ScorecardError(f"default target for {key!r}: {value:g} is not between 0 and 100")
        checked[key] = float(value)
    if len(checked) > 100:
        raise ScorecardError("at most 100 default targets")
    unit.default_targets = checked or None
    return unit


def default_targets_for(session: Session, *, unit_id: int) -> tuple[dict[str, float], Unit | None]:
    """The default targets a new assessment of ``unit_id`` starts from: those of the
    nearest unit up the tree (the unit itself first) that has any, and that unit
    (``({}, None)`` when none has)."""
    for u in reversed(unit_path(session, unit=get_unit(session, unit_id=unit_id))):
        if u.default_targets:
            return {str(k): float(v) for k, v in u.default_targets.items()}, u
    return {}, None
