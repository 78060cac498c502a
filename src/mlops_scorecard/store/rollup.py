"""Department roll-ups: a unit's scores from the latest scores of the teams below it.

Everything here works on rows and results already loaded
(:func:`~mlops_scorecard.store.results.latest_results`), so it costs no query.

**Roll-up rule** (:data:`ROLLUP_RULE`, ``docs/analysis.md`` section 10): a unit's
roll-up is the *unweighted* mean of the latest scores of the teams in its subtree (every
unit of kind ``team`` below it, at any depth, and the unit itself when it is a team),
per dimension over the teams that have a score in that dimension; the overall roll-up is
the mean of those teams' overall scores. Each team counts once, however many people
answered for it: a large team does not outvote a small one, and a unit is not scored
better or worse for surveying more people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .results import score_value

__all__ = [
    "ROLLUP_RULE",
    "RolledScore",
    "Rollup",
    "TeamScore",
    "rollup",
    "rollup_over",
    "rollups",
    "subtree_map",
    "subtree_teams",
    "summary_teams",
    "team_scores",
]

ROLLUP_RULE = (
    "unweighted mean of the latest scores of the teams in the unit's subtree (the unit itself when it "
    "is a team), per dimension over the teams with a score in it; overall: the mean of their overall scores"
)


@dataclass(frozen=True)
class TeamScore:
    """A team's latest assessment with answers: who, when, and its scores."""

    unit_id: int
    name: str
    assessment_id: int
    assessment_title: str
    date: dt.date
    respondents: int
    overall: float | None
    dimensions: dict[str, float | None]

    def score(self, key: str) -> float | None:
        """A dimension's score, or the overall score for ``"overall"``."""
        return self.overall if key == "overall" else self.dimensions.get(key)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        return {
            "unit_id": self.unit_id,
            "name": self.name,
            "assessment_id": self.assessment_id,
            "assessment_title": self.assessment_title,
            "date": self.date.isoformat(),
            "respondents": self.respondents,
            "overall": self.overall,
            "dimensions": dict(self.dimensions),
        }


def team_scores(
    units: Iterable[Any], latest: Mapping[int, tuple[Any, Mapping[str, Any]]]
) -> dict[int, TeamScore]:
    """Per team unit id (units of kind ``team``), its latest scores; teams without a
    latest assessment with answers are left out.

    ``units`` are objects with ``id``, ``name`` and ``kind``; ``latest`` is
    :func:`~mlops_scorecard.store.results.latest_results`.
    """
    out: dict[int, TeamScore] = {}
    for u in units:
        found = latest.get(u.id)
        if u.kind != "team" or found is None:
            continue
        a, result = found
        out[u.id] = TeamScore(
            unit_id=u.id,
            name=u.name,
            assessment_id=a.id,
            assessment_title=a.title,
            date=a.date,
            respondents=int(result.get("respondent_count") or 0),
            overall=score_value(result.get("overall")),
            dimensions={
                str(d.get("id")): score_value(d.get("score")) for d in result.get("dimensions") or []
            },
        )
    return out


def summary_teams(units: Iterable[Any], latest: Mapping[int, Any]) -> dict[int, TeamScore]:
    """:func:`team_scores` from the compact summaries of
    :func:`~mlops_scorecard.store.summaries.latest_summaries` (objects with
    ``assessment_id``, ``title``, ``date``, ``respondents``, ``overall`` and ``dimensions``)."""
    out: dict[int, TeamScore] = {}
    for u in units:
        s = latest.get(u.id)
        if u.kind != "team" or s is None:
            continue
        out[u.id] = TeamScore(
            unit_id=u.id,
            name=u.name,
            assessment_id=s.assessment_id,
            assessment_title=s.title,
            date=s.date,
            respondents=s.respondents,
            overall=s.overall,
            dimensions=dict(s.dimensions),
        )
    return out


def subtree_teams(unit_id: int, units: Iterable[Any]) -> list[int]:
    """The ids of the units of kind ``team`` in the subtree of ``unit_id`` (itself included),
    in tree order (depth first, by id); safe against parent cycles."""
    listed = list(units)
    kinds = {u.id: u.kind for u in listed}
    children: dict[int | None, list[int]] = {}
    for u in listed:
        children.setdefault(u.parent_id, []).append(u.id)
    out: list[int] = []
    seen: set[int] = set()
    todo = [unit_id]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if kinds.get(current) == "team":
            out.append(current)
        todo.extend(sorted(children.get(current, []), reverse=True))
    return out


@dataclass(frozen=True)
class RolledScore:
    """One dimension (or overall) of a roll-up: the mean over ``teams`` teams, and their range."""

    mean: float | None
    teams: int
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        return {"mean": self.mean, "teams": self.teams, "min": self.low, "max": self.high}


def _rolled(values: Iterable[float | None]) -> RolledScore:
    kept = [v for v in values if v is not None]
    if not kept:
        return RolledScore(None, 0, None, None)
    return RolledScore(sum(kept) / len(kept), len(kept), min(kept), max(kept))


@dataclass(frozen=True)
class Rollup:
    """A unit's roll-up from its teams (:data:`ROLLUP_RULE`).

    ``team_count`` counts every team in the subtree, ``teams`` those with a latest
    result (the ones the means are over).
    """

    unit_id: int
    name: str
    kind: str
    team_count: int
    teams: list[TeamScore]
    overall: RolledScore
    dimensions: dict[str, RolledScore]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        return {
            "rule": ROLLUP_RULE,
            "team_count": self.team_count,
            "teams_with_scores": len(self.teams),
            "overall": self.overall.to_dict(),
            "dimensions": {k: v.to_dict() for k, v in self.dimensions.items()},
        }


def rollup(
    unit: Any,
    units: Iterable[Any],
    teams: Mapping[int, TeamScore],
    dimension_ids: Sequence[str] | None = None,
) -> Rollup:
    """The roll-up of ``unit`` (with ``id``, ``name``, ``kind``) from ``teams``
    (:func:`team_scores`). Dimensions are ``dimension_ids`` or, when not given, those
    the teams have, in first-seen order."""
    ids = subtree_teams(unit.id, units)
    scored = [teams[i] for i in ids if i in teams]
    if dimension_ids is None:
        seen: dict[str, None] = {}
        for t in scored:
            seen.update(dict.fromkeys(t.dimensions))
        dimension_ids = list(seen)
    return Rollup(
        unit_id=unit.id,
        name=unit.name,
        kind=unit.kind,
        team_count=len(ids),
        teams=scored,
        overall=_rolled(t.overall for t in scored),
        dimensions={d: _rolled(t.dimensions.get(d) for t in scored) for d in dimension_ids},
    )


def rollups(
    order: Iterable[Any],
    units: Iterable[Any],
    teams: Mapping[int, TeamScore],
    dimension_ids: Sequence[str] | None = None,
) -> list[Rollup]:
    """The roll-up of every unit in ``order`` that is not a team and has at least one
    team with scores below it (departments and the organization), in that order."""
    listed = list(units)
    out = []
    for u in order:
        if u.kind == "team":
            continue
        r = rollup(u, listed, teams, dimension_ids)
        if r.teams:
            out.append(r)
    return out


def subtree_map(units: Iterable[Any]) -> dict[int, list[int]]:
    """Per unit id, :func:`subtree_teams` of that unit, for every unit in one walk of the
    tree (a page of thousands of units cannot afford a walk per department)."""
    listed = list(units)
    kinds = {u.id: u.kind for u in listed}
    children: dict[int | None, list[int]] = {}
    for u in listed:
        children.setdefault(u.parent_id, []).append(u.id)
    for ids in children.values():
        ids.sort()
    out: dict[int, list[int]] = {}
    # iterative post-order: a unit's teams are itself (if a team) then its children's, in order
    for start in sorted(kinds):
        if start in out:
            continue
        stack: list[tuple[int, bool]] = [(start, False)]
        active: set[int] = set()
        while stack:
            current, done = stack.pop()
            if done:
                active.discard(current)
                teams = [current] if kinds.get(current) == "team" else []
                for c in children.get(current, []):
                    teams.extend(out.get(c, []))
                out[current] = teams
                continue
            if current in out or current in active:  # done already, or a parent cycle
                continue
            active.add(current)
            stack.append((current, True))
            stack.extend((c, False) for c in reversed(children.get(current, [])) if c not in out)
    return out


def rollup_over(
    unit: Any, team_ids: Sequence[int], teams: Mapping[int, TeamScore], dimension_ids: Sequence[str]
) -> Rollup:
    """:func:`rollup` of ``unit`` when its subtree's teams (``team_ids``, from
    :func:`subtree_map`) are known already."""
    scored = [teams[i] for i in team_ids if i in teams]
    return Rollup(
        unit_id=unit.id,
        name=unit.name,
        kind=unit.kind,
        team_count=len(team_ids),
        teams=scored,
        overall=_rolled(t.overall for t in scored),
        dimensions={d: _rolled(t.dimensions.get(d) for t in scored) for d in dimension_ids},
    )
