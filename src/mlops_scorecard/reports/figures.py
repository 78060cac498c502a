"""The two charts every report shows, rendered through :mod:`mlops_scorecard.charts`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..charts import ChartFormat, ChartKind
    from ..scoring import ScoreResult

__all__ = ["CHART_KINDS", "CHART_TITLES", "report_charts"]

CHART_KINDS: tuple[ChartKind, ...] = ("radar", "stellar")
CHART_TITLES: dict[str, str] = {
    "radar": "Radar chart of the dimension scores",
    "stellar": "Stellar chart of the dimension scores",
}


def report_charts(
    result: ScoreResult, fmt: ChartFormat, *, size: float = 6.0, dpi: int = 150
) -> dict[str, bytes]:
    """The radar and the stellar chart of ``result`` as ``fmt`` bytes, by kind."""
    # imported here: charts pulls in matplotlib, which only chart-bearing formats need
    from ..charts import render_chart, series_from_result

    labels, series = series_from_result(result)
    return {kind: render_chart(kind, labels, series, fmt, size=size, dpi=dpi) for kind in CHART_KINDS}
