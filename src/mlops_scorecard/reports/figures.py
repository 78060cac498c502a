"""The report's charts, drawn from the report data through :mod:`mlops_scorecard.charts`.

- ``radar``: the dimension scores with their intervals as a band;
- ``stellar``: the dimension scores as spikes;
- ``roles``: one radar outline per respondent role, overlaid (two roles or more);
- ``trend``: each dimension across the assessments given, with intervals (history only).

Radar, stellar and roles are written as SVG directly and drawn into the PDF as vector
shapes, without matplotlib; only the trend panels (PNG in the PDF) need it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..format import fmt_interval, fmt_score

if TYPE_CHECKING:
    from ..charts import ChartFormat, ChartKind, Series
    from ..charts.geometry import PolarLayout
    from .data import ReportData

__all__ = ["CHART_KINDS", "CHART_TITLES", "chart_alt", "chart_caption", "pdf_charts", "report_charts"]

#: Every chart a report can show, in the order they appear.
CHART_KINDS: tuple[str, ...] = ("radar", "stellar", "roles", "trend")
CHART_TITLES: dict[str, str] = {
    "radar": "Radar chart of the dimension scores",
    "stellar": "Stellar chart of the dimension scores",
    "roles": "Radar chart of the scores by role",
    "trend": "Scores over time",
}
#: The two charts of the Charts section; ``roles`` and ``trend`` sit in their sections.
SUMMARY_KINDS: tuple[str, ...] = ("radar", "stellar")


def chart_caption(kind: str, data: ReportData) -> str:
    """The caption under a chart: its title, and what its band shows."""
    confidence = f"{data['intervals']['confidence']:.0%}"
    if kind == "radar":
        text = f"{CHART_TITLES[kind]}; the band is the {confidence} interval"
    elif kind == "trend":
        text = f"{CHART_TITLES[kind]}: each dimension and the overall score, with {confidence} intervals as bands"
    else:
        text = CHART_TITLES[kind]
    return text + _percent_note(data)


def _percent_note(data: ReportData) -> str:
    """For a framework that counts points, what the charts' 0-100 axes are: the share of
    the most points (the tables give the points themselves)."""
    points = (data["result"].get("rule") or {}).get("points")
    return "" if points is None else f" (axes in % of the maximum: {points:g} points = 100)"


def _dims(data: ReportData) -> list[dict[str, Any]]:
    dims: list[dict[str, Any]] = data["result"]["dimensions"]
    return dims


def chart_alt(kind: str, data: ReportData) -> str:
    """Alternative text with the chart's numbers, for screen readers and text browsers."""

    def num(value: float | None) -> str:
        return "no score" if value is None else fmt_score(value)

    if kind in ("radar", "stellar"):
        ivs = data["intervals"]["dimensions"]
        parts = []
        for d in _dims(data):
            iv = ivs.get(d["id"]) if kind == "radar" else None
            band = "" if iv is None else f" ({fmt_interval(iv['low'], iv['high'], sep=' to ')})"
            parts.append(f"{d['title']} {num(d['score'])}{band}")
        return f"{CHART_TITLES[kind]}{_percent_note(data)}: {', '.join(parts)}"
    if kind == "roles":
        roles = [
            f"{r['role']}: "
            + ", ".join(f"{d['title']} {num(r['dimensions'].get(d['id']))}" for d in _dims(data))
            for r in data["roles"]["roles"]
        ]
        return f"{CHART_TITLES[kind]}{_percent_note(data)}. " + "; ".join(roles)
    points = [f"{p['label']}: overall {num(p['overall']['score'])}" for p in data["trend"]["points"]]
    return f"{CHART_TITLES[kind]}{_percent_note(data)}. " + "; ".join(points)


def chart_series(kind: str, data: ReportData) -> tuple[list[str], list[Series]] | None:
    """Axis labels and series of a chart, or ``None`` when the report has no such chart
    (``roles`` with fewer than two roles, ``trend`` without earlier assessments)."""
    from ..charts import Series

    dims = _dims(data)
    labels = [d["title"] for d in dims]
    scores: list[float | None] = [d["score"] for d in dims]
    if kind == "stellar":
        return labels, [Series("Overall", scores)]
    if kind == "radar":
        ivs = data["intervals"]["dimensions"]
        lows = [None if (iv := ivs.get(d["id"])) is None else iv["low"] for d in dims]
        highs = [None if (iv := ivs.get(d["id"])) is None else iv["high"] for d in dims]
        return labels, [Series("Overall", scores, band=(lows, highs))]
    if kind == "roles":
        roles = data["roles"]["roles"]
        if len(roles) < 2:
            return None
        series = [
            Series(f"{r['role']} (n={r['respondents']})", [r["dimensions"].get(d["id"]) for d in dims])
            for r in roles
        ]
        return labels, series
    if kind == "trend":
        trend = data["trend"]
        points = trend["points"]
        if not points:
            return None
        out = []
        for did, title in [*((d["id"], d["title"]) for d in trend["dimensions"]), ("overall", "Overall")]:
            entries = [p["overall"] if did == "overall" else p["dimensions"].get(did) for p in points]
            values = [None if e is None else e["score"] for e in entries]
            lows = [None if e is None else e["low"] for e in entries]
            highs = [None if e is None else e["high"] for e in entries]
            band = None if all(v is None for v in lows) else (lows, highs)
            out.append(Series(title, values, band=band, dashed=did == "overall"))
        return [p["label"] for p in points], out
    raise ValueError(f"unknown report chart {kind!r}")


def report_charts(
    data: ReportData,
    fmt: ChartFormat,
    *,
    size: float = 6.0,
    dpi: int = 150,
    kinds: tuple[str, ...] = CHART_KINDS,
) -> dict[str, bytes]:
    """The report's charts of ``data`` as ``fmt`` bytes, by kind; a chart the data has
    nothing for (see :func:`chart_series`) is left out."""
    from ..charts import render_chart, render_trend_panels

    out: dict[str, bytes] = {}
    for kind in kinds:
        found = chart_series(kind, data)
        if found is None:
            continue
        labels, series = found
        if kind == "trend":
            out[kind] = render_trend_panels(labels, series, fmt, size=1.5 * size, dpi=dpi)
        else:
            out[kind] = render_chart(_polar(kind), labels, series, fmt, size=size, dpi=dpi)
    return out


def pdf_charts(data: ReportData, *, size: float = 6.0, dpi: int = 150) -> dict[str, PolarLayout | bytes]:
    """The report's charts for the PDF, by kind: radar, stellar and roles as layouts
    to draw as vector shapes, the trend panels as PNG bytes (the one chart matplotlib
    draws, imported only when the report has a trend)."""
    from ..charts import render_trend_panels
    from ..charts.geometry import polar_layout

    out: dict[str, PolarLayout | bytes] = {}
    for kind in CHART_KINDS:
        found = chart_series(kind, data)
        if found is None:
            continue
        labels, series = found
        if kind == "trend":
            out[kind] = render_trend_panels(labels, series, "png", size=1.5 * size, dpi=dpi)
        else:
            out[kind] = polar_layout(_polar(kind), labels, series, size=size)
    return out


def _polar(kind: str) -> ChartKind:
    return "stellar" if kind == "stellar" else "radar"
