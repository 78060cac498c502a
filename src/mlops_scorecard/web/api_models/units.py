"""API bodies of the organization's tree and what surrounds it: units, the token's user
(the routes of ``routes/api_units.py``); the frameworks' bodies are in :mod:`.frameworks`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from .assessments import AssessmentOut
from .common import DbId, DimensionKey, Name, StrictIn, Target

__all__ = ["Me", "UnitDetail", "UnitIn", "UnitOut", "UnitPatch"]


class Me(BaseModel):
    """The user behind the API token."""

    id: int
    username: str
    role: Literal["admin", "facilitator", "viewer"]


class UnitIn(StrictIn):
    """A new unit: a name unique among its siblings, a kind, and its parent (none for the top)."""

    name: Name
    kind: Literal["organization", "department", "team"] = "team"
    parent_id: DbId | None = None


class UnitPatch(StrictIn):
    """Fields to change; a field left out keeps its value. ``parent_id`` moves the unit
    (null: to the top); ``default_targets`` replaces the unit's defaults (``{}`` or null
    clears them); ``archived`` archives or restores it."""

    parent_id: DbId | None = Field(default=None, description="the new parent; null: the top")
    default_targets: dict[DimensionKey, Target] | None = Field(
        default=None, description="dimension id -> target (0-100) for new assessments at and below this unit"
    )
    archived: bool | None = None


class UnitOut(BaseModel):
    """A unit and its place in the tree."""

    id: int
    name: str
    kind: str
    parent_id: int | None
    created_at: dt.datetime
    archived_at: dt.datetime | None = None
    default_targets: dict[str, float] = Field(
        default_factory=dict, description="targets new assessments at and below this unit start from (0-100)"
    )


class UnitDetail(UnitOut):
    """A unit with its assessments (oldest first)."""

    assessments: list[AssessmentOut]
