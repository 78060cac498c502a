"""API bodies of a unit's roll-up from the teams in its subtree and their distribution."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

__all__ = ["DistributionOut", "RolledOut", "RollupOut", "TeamOut"]


class RolledOut(BaseModel):
    mean: float | None
    teams: int
    min: float | None
    max: float | None


class TeamOut(BaseModel):
    unit_id: int
    name: str
    assessment_id: int
    assessment_title: str
    date: dt.date
    respondents: int
    overall: float | None
    dimensions: dict[str, float | None]


class DistributionOut(BaseModel):
    dimension: str
    title: str
    teams: int
    min: float | None
    q1: float | None
    median: float | None
    q3: float | None
    max: float | None


class RollupOut(BaseModel):
    """The unit's roll-up from the teams in its subtree (``rule``), and their distribution."""

    unit_id: int
    rule: str
    team_count: int
    teams_with_scores: int
    overall: RolledOut
    dimensions: dict[str, RolledOut]
    teams: list[TeamOut]
    distributions: list[DistributionOut]
    #: teams whose figures are of an earlier revision, being refreshed
    refreshing: int = 0
