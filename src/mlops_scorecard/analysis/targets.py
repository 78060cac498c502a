"""Targets: the score aimed at per dimension (and overall), and how far a score is from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ScorecardError
from ..framework import Framework
from ..scoring import ScoreResult, from_points, to_points

__all__ = ["TargetGap", "check_targets", "target_gaps", "targets_in_unit", "unit_range"]


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
    return _number(value) and 0 <= value <= 100


def unit_range(framework: Framework) -> str:
    """The range a target is entered in, in words: ``from 0 to 7 points`` for a framework
    that counts points, else ``from 0 to 100``."""
    if framework.points is None:
        return "from 0 to 100"
    return f"from 0 to {framework.points:g} points"


def check_targets(
    framework: Framework, targets: Mapping[str, Any], *, where: str = "targets", overall: bool = False
) -> dict[str, float]:
    """Targets as people enter them, in the framework's unit (points out of
    ``framework.points`` when it counts points, else 0-100), checked and converted to the
    0-100 scores they are stored and compared as. ``overall`` allows the key ``overall``
    beside the dimension ids. Raises :class:`ScorecardError` naming ``where.KEY`` for an
    unknown id or a value outside the unit's range (said in that unit)."""
    known = [d.id for d in framework.dimensions] + (["overall"] if overall else [])
    problems = [
        f"{where}: unknown dimension {k!r} (use {', '.join(known)})" for k in targets if k not in known
    ]
    top = 100.0 if framework.points is None else float(framework.points)
    # a CLI option reads "--target monitoring: ...", a field "targets.monitoring: ..."
    sep = " " if where.startswith("--") else "."
    problems += [
        f"{where}{sep}{k}: {f'{v:g}' if _number(v) else repr(v)} is not a target {unit_range(framework)}"
        for k, v in targets.items()
        if k in known and not (_number(v) and 0 <= v <= top)
    ]
    if problems:
        raise ScorecardError(problems)
    return {k: from_points(framework, float(v)) for k, v in targets.items()}


def targets_in_unit(framework: Framework, targets: Mapping[str, Any]) -> dict[str, float]:
    """Stored (0-100) targets in the framework's unit, as :func:`check_targets` takes
    them: what the API gives back, so that a target read and sent again is unchanged."""
    out = {k: float(v) for k, v in targets.items() if _number(v)}
    if framework.points is None:
        return out
    return {k: v for k, v in ((k, to_points(framework, v)) for k, v in out.items()) if v is not None}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
