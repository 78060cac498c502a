"""Targets: the score aimed at per dimension (and overall), and how far a score is from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ScorecardError
from ..scoring import ScoreResult

__all__ = ["TargetGap", "target_gaps"]


def _minus(new: float | None, old: float | None) -> float | None:
    return None if new is None or old is None else new - old


@dataclass(frozen=True)
class TargetGap:
    """A dimension's (or ``overall``'s) target and how far the score is from it.

    ``gap = target - score``: positive means short of the target.
    """

    dimension_id: str
    title: str
    target: float
    score: float | None

    @property
    def gap(self) -> float | None:
        """Points still to go (negative: above the target); ``None`` without a score."""
        return _minus(self.target, self.score)

    @property
    def met(self) -> bool:
        """Whether the score reaches the target."""
        return self.score is not None and self.score >= self.target - 1e-9

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "dimension": self.dimension_id,
            "target": self.target,
            "score": self.score,
            "gap": self.gap,
            "met": self.met,
        }


def target_gaps(result: ScoreResult, targets: Mapping[str, float]) -> list[TargetGap]:
    """The gap to each target, in framework order (``overall`` last).

    ``targets`` maps dimension ids (and optionally ``overall``) to 0-100. Raises
    :class:`ScorecardError` for an unknown id or a target outside 0-100.
    """
    known = {d.id: d for d in result.dimensions}
    problems = [
        f"targets: unknown dimension {k!r} (use {', '.join(known)} or overall)"
        for k in targets
        if k not in known and k != "overall"
    ]
    problems += [
        f"targets.{k}: {v!r} is not a score from 0 to 100" for k, v in targets.items() if not _score_like(v)
    ]
    if problems:
        raise ScorecardError(problems)
    out = [
        TargetGap(d.id, d.dimension.title, float(targets[d.id]), d.score)
        for d in result.dimensions
        if d.id in targets
    ]
    if "overall" in targets:
        out.append(TargetGap("overall", "Overall", float(targets["overall"]), result.overall))
    return out


def _score_like(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100
