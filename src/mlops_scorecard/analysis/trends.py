"""Trends: how a unit's dimension scores move across its assessments.

Works on result data (``ScoreResult.to_dict()``, which is also what a closed assessment
freezes), so a trend never rescores anything and never touches the database. Dimensions
are matched by their stable ids, so assessments on different framework versions line up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..series import Series

__all__ = ["Trend", "TrendEntry", "TrendPoint", "build_trend"]


@dataclass(frozen=True)
class TrendEntry:
    """One assessment as a trend takes it in: who it is and its result data."""

    assessment_id: int
    title: str
    date: dt.date
    status: str
    result: Mapping[str, Any]


@dataclass(frozen=True)
class TrendPoint:
    """One assessment on the trend: its date, overall score and score per dimension id."""

    assessment_id: int
    title: str
    date: dt.date
    status: str
    label: str
    overall: float | None
    respondents: int
    scores: dict[str, float | None]


@dataclass(frozen=True)
class Trend:
    """The points in date order and the dimensions (id, title) met along the way."""

    dimensions: list[tuple[str, str]]
    points: list[TrendPoint]

    def values(self, dimension_id: str) -> list[float | None]:
        """A dimension's score at each point (``None`` where it has none)."""
        return [p.scores.get(dimension_id) for p in self.points]

    def overall(self) -> list[float | None]:
        """The overall score at each point."""
        return [p.overall for p in self.points]

    def since_previous(self, dimension_id: str | None = None) -> float | None:
        """Latest score minus the one before it (of a dimension, or overall when ``None``);
        ``None`` unless both exist."""
        values = self.overall() if dimension_id is None else self.values(dimension_id)
        scored = [v for v in values if v is not None]
        if len(scored) < 2 or values[-1] is None:
            return None
        return scored[-1] - scored[-2]

    def since_first(self, dimension_id: str | None = None) -> float | None:
        """Latest score minus the first one with a score; ``None`` unless both exist."""
        values = self.overall() if dimension_id is None else self.values(dimension_id)
        scored = [v for v in values if v is not None]
        if len(scored) < 2 or values[-1] is None:
            return None
        return scored[-1] - scored[0]

    def labels(self) -> list[str]:
        """The x-axis labels: each point's date (made unique when two share a date)."""
        return [p.label for p in self.points]

    def series(self, *, overall: bool = True) -> list[Series]:
        """Chart series: one per dimension, plus a dashed ``Overall``."""
        out = [Series(title, self.values(did)) for did, title in self.dimensions]
        if overall:
            out.append(Series("Overall", self.overall(), dashed=True))
        return out


def _score(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def build_trend(entries: Iterable[TrendEntry]) -> Trend:
    """The trend of some assessments; those nobody answered are left out."""
    kept = sorted(
        (e for e in entries if e.result.get("respondent_count")), key=lambda e: (e.date, e.assessment_id)
    )
    dimensions: dict[str, str] = {}
    points: list[TrendPoint] = []
    seen: dict[str, int] = {}
    for e in kept:
        scores: dict[str, float | None] = {}
        for d in e.result.get("dimensions") or []:
            did = str(d.get("id", ""))
            if not did:
                continue
            dimensions.setdefault(did, str(d.get("title") or did))
            scores[did] = _score(d.get("score"))
        label = e.date.isoformat()
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} #{seen[label]}"
        points.append(
            TrendPoint(
                assessment_id=e.assessment_id,
                title=e.title,
                date=e.date,
                status=e.status,
                label=label,
                overall=_score(e.result.get("overall")),
                respondents=int(e.result.get("respondent_count") or 0),
                scores=scores,
            )
        )
    return Trend(dimensions=list(dimensions.items()), points=points)
