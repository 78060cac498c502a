"""Where a team stands among its peers: the distribution of the teams' latest scores,
per dimension and overall, with quartiles, ranks and percentiles. Works on the team
scores of :mod:`.rollup`, already loaded: no query."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .rollup import TeamScore

__all__ = [
    "Distribution",
    "Position",
    "distributions",
]


@dataclass(frozen=True)
class Position:
    """A team's place in a distribution: ``rank`` 1 is the highest score (ties share the
    better rank); ``percentile`` is the share of the *other* teams that score below it,
    ties counted half (``None`` when it is the only team)."""

    score: float
    rank: int
    of: int
    percentile: float | None


@dataclass(frozen=True)
class Distribution:
    """The team scores of one dimension (or ``overall``): ``scores`` as (unit id, score),
    lowest first; quartiles by linear interpolation (numpy's default)."""

    dimension_id: str
    title: str
    scores: list[tuple[int, float]]

    @property
    def count(self) -> int:
        """How many teams have a score."""
        return len(self.scores)

    def quartiles(self) -> tuple[float, float, float, float, float] | None:
        """(min, Q1, median, Q3, max), or ``None`` without scores."""
        if not self.scores:
            return None
        q = np.quantile(np.array([s for _, s in self.scores]), [0, 0.25, 0.5, 0.75, 1])
        return (float(q[0]), float(q[1]), float(q[2]), float(q[3]), float(q[4]))

    def position(self, unit_id: int) -> Position | None:
        """Where the team ``unit_id`` stands; ``None`` when it has no score here."""
        mine = next((s for u, s in self.scores if u == unit_id), None)
        if mine is None:
            return None
        above = sum(1 for _, s in self.scores if s > mine + 1e-9)
        below = sum(1 for _, s in self.scores if s < mine - 1e-9)
        equal = len(self.scores) - above - below
        others = len(self.scores) - 1
        share = (below + 0.5 * (equal - 1)) / others if others else None
        return Position(mine, above + 1, len(self.scores), share)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        q = self.quartiles()
        names = ("min", "q1", "median", "q3", "max")
        stats = dict.fromkeys(names) if q is None else dict(zip(names, q, strict=True))
        return {"dimension": self.dimension_id, "title": self.title, "teams": self.count, **stats}


def distributions(teams: Iterable[TeamScore], columns: Sequence[tuple[str, str]]) -> list[Distribution]:
    """Per column (dimension id, title) the teams' scores; add ``("overall", "Overall")``
    to ``columns`` for the overall score."""
    listed = list(teams)
    out = []
    for did, title in columns:
        scores = [(t.unit_id, s) for t in listed if (s := t.score(did)) is not None]
        scores.sort(key=lambda p: (p[1], p[0]))
        out.append(Distribution(did, title, scores))
    return out
