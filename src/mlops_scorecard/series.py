"""Series: the plain data a chart draws (one outline of scores per axis).

The analyses (scores by role, intervals, trends) describe what to draw as
:class:`Series`; :mod:`.charts` draws them. The type lives here, not in ``charts``,
so that the analyses do not depend on the module that draws (charts come after the
analysis in the data flow); ``mlops_scorecard.charts.Series`` is this same class.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Series"]


@dataclass(frozen=True)
class Series:
    """One outline on a chart.

    ``values`` has one score (0-100) per axis; ``None`` (no score) is drawn at 0 with a
    hollow marker. ``band`` is an optional ``(low, high)`` per axis drawn as a
    translucent band; ``dashed`` draws the outline dashed (e.g. for targets).
    """

    name: str
    values: list[float | None]
    band: tuple[list[float | None], list[float | None]] | None = None
    dashed: bool = False
