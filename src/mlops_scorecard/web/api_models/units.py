"""API bodies of the organization's tree and what surrounds it: units, the token's user
and the built-in frameworks (the routes of ``routes/api_units.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from .assessments import AssessmentOut
from .common import DbId, Name, StrictIn

__all__ = ["DimensionOut", "FrameworkOut", "Me", "UnitDetail", "UnitIn", "UnitOut"]


class Me(BaseModel):
    """The user behind the API token."""

    id: int
    username: str
    role: Literal["admin", "facilitator", "viewer"]


class DimensionOut(BaseModel):
    """A dimension of a framework (its id is the key of ``targets``)."""

    id: str
    title: str
    weight: float
    core_questions: int
    full_questions: int


class FrameworkOut(BaseModel):
    """A built-in framework an assessment can be pinned to."""

    id: str
    version: str
    ref: str = Field(description="`id@version`, what an assessment pins")
    title: str
    dimensions: list[DimensionOut]


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
