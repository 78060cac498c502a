"""Units: the organization's tree of departments and teams."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError, ScorecardError
from .models import Assessment, Unit

__all__ = [
    "UNIT_KINDS",
    "create_unit",
    "delete_unit",
    "get_unit",
    "list_units",
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
    if parent_id is not None:
        get_unit(session, unit_id=parent_id)
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


def list_units(session: Session) -> list[Unit]:
    """Every unit, in a stable order (by id)."""
    return list(session.scalars(select(Unit).order_by(Unit.id)))


def unit_path(session: Session, *, unit: Unit) -> list[Unit]:
    """The unit's ancestors from the top, ending with the unit itself."""
    by_id = {u.id: u for u in list_units(session)}
    path = [unit]
    while path[0].parent_id is not None and path[0].parent_id in by_id and len(path) < 50:
        path.insert(0, by_id[path[0].parent_id])
    return path


def subtree_ids(session: Session, *, unit_id: int) -> list[int]:
    """The ids of a unit and every unit below it."""
    units = list_units(session)
    children: dict[int | None, list[int]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u.id)
    out, todo = [], [unit_id]
    while todo:
        current = todo.pop()
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
