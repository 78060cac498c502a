"""API bodies of the organization's tree and what surrounds it: units, the token's user
(the routes of ``routes/api_units.py``); the frameworks' bodies are in :mod:`.frameworks`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from .assessments import AssessmentOut
from .common import DbId, Name, StrictIn

__all__ = ["Me", "UnitDetail", "UnitIn", "UnitOut"]


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


class UnitOut(BaseModel):
    """A unit and its place in the tree."""

    id: int
    name: str
    kind: str
    parent_id: int | None
    created_at: dt.datetime


class UnitDetail(UnitOut):
    """A unit with its assessments (oldest first)."""

    assessments: list[AssessmentOut]
