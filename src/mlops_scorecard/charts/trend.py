"""Trend charts drawn by matplotlib: one line per series across points in time, with
or without bands, and small multiples (one panel per series)."""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

from .geometry import PALETTE, RINGS
from .mpl import attach_canvas, draw
from .series import ChartFormat, Series, check_trend

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["render_trend", "render_trend_panels", "render_trend_with_bands"]


def render_trend(
    points: list[str],
    series: list[Series],
    fmt: ChartFormat = "svg",
    *,
    title: str | None = None,
    size: float = 8.0,
    dpi: int = 150,
) -> bytes:
    """A line chart of each series (e.g. each dimension) across ``points`` (e.g. dates).

    ``points`` label the x axis in order; each series has one score (0-100) per point,
    ``None`` where there is none (the line breaks there). Dashed series are drawn
    dashed. With no points the chart says so. The same input always gives the same
    bytes. Raises :class:`ScorecardError` for an unknown format, :class:`ValueError`
    for a series without one value per point.
    """
    check_trend(points, series, fmt, size, dpi, bands=False)

    return draw(lambda: _trend_figure(points, series, title, size, fmt), fmt, dpi)


def _trend_figure(
    points: list[str], series: list[Series], title: str | None, size: float, fmt: ChartFormat
) -> Figure:
    from matplotlib.figure import Figure

    font = max(8.0, 1.35 * size)
    cols = 3 if size >= 7 else 2
    rows = math.ceil(len(series) / cols) if series else 0
    height = 0.5 * size + rows * 1.5 * font / 72 + (2 * font / 72 if title else 0)
    fig = Figure(figsize=(size, height), layout="constrained")
    attach_canvas(fig, fmt)
    ax = fig.add_subplot()
    ax.set_ylim(0, 100)
    ax.set_yticks([0, *RINGS])
    ax.tick_params(labelsize=0.85 * font)
    ax.grid(axis="y", color="#dddddd", lw=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_ylabel("Score", fontsize=0.9 * font)
    if not points:
        ax.set_xticks([])
        ax.text(0.5, 0.5, "No scores yet", transform=ax.transAxes, ha="center", va="center", fontsize=font)
    else:
        xs = list(range(len(points)))
        ax.set_xlim(-0.3, len(points) - 0.7)
        ax.set_xticks(xs, [textwrap.shorten(p, 24, placeholder="…") for p in points])
        if len(points) > 6:
            for label in ax.get_xticklabels():
                label.set_rotation(30)
                label.set_horizontalalignment("right")
        for i, s in enumerate(series):
            color = PALETTE[i % len(PALETTE)]
            ys = [math.nan if v is None else min(100.0, max(0.0, float(v))) for v in s.values]
            ax.plot(
                xs,
                ys,
                color=color,
                lw=1.8,
                ls="--" if s.dashed else "-",
                marker="o",
                ms=4.5,
                label=textwrap.shorten(s.name, 40, placeholder="…"),
                zorder=3 + (len(series) - i) / len(series),
            )
    if series and points:
        fig.legend(loc="outside lower center", ncols=cols, fontsize=0.85 * font, frameon=False)
    if title:
        fig.suptitle(title, fontsize=1.15 * font, fontweight="bold")
    return fig


def render_trend_with_bands(
    points: list[str],
    series: list[Series],
    fmt: ChartFormat = "svg",
    *,
    title: str | None = None,
    size: float = 8.0,
    dpi: int = 150,
) -> bytes:
    """:func:`render_trend`, plus each series' ``band`` (a low and a high per point,
    e.g. score intervals) drawn as a translucent band in the series' colour.

    A band is left out where its low or high is ``None``. Raises as :func:`render_trend`
    does, and :class:`ValueError` for a band without one value per point.
    """
    check_trend(points, series, fmt, size, dpi)

    def build() -> Figure:
        fig = _trend_figure(points, series, title, size, fmt)
        if points and fig.axes:
            ax, xs = fig.axes[0], list(range(len(points)))
            banded = sum(1 for s in series if s.band is not None)
            alpha = 0.18 if banded <= 2 else 0.1 if banded <= 4 else 0.06  # many bands: lighter
            for i, s in enumerate(series):
                if s.band is None:
                    continue
                lo = [math.nan if v is None else min(100.0, max(0.0, float(v))) for v in s.band[0]]
                hi = [math.nan if v is None else min(100.0, max(0.0, float(v))) for v in s.band[1]]
                ax.fill_between(xs, lo, hi, color=PALETTE[i % len(PALETTE)], alpha=alpha, lw=0, zorder=2)
        return fig

    return draw(build, fmt, dpi)


def render_trend_panels(
    points: list[str],
    series: list[Series],
    fmt: ChartFormat = "svg",
    *,
    title: str | None = None,
    columns: int = 4,
    size: float = 9.0,
    dpi: int = 150,
) -> bytes:
    """Small multiples of a trend: one panel per series (e.g. per dimension), each with
    its line across ``points`` and its ``band`` (e.g. score intervals) shaded, on
    a shared 0-100 axis; a dashed series is drawn dashed. Bands stay readable where one
    chart of seven overlapping bands would not.

    ``columns`` panels a row; ``size`` is the width in inches. The same input always
    gives the same bytes. Raises :class:`ScorecardError` for an unknown format,
    :class:`ValueError` for a series or band without one value per point.
    """
    if columns < 1:
        raise ValueError("a chart needs a positive size, dpi and number of columns")
    check_trend(points, series, fmt, size, dpi)

    return draw(lambda: _panels_figure(points, series, title, columns, size, fmt), fmt, dpi)


def _clip(values: list[float | None]) -> list[float]:
    return [math.nan if v is None else min(100.0, max(0.0, float(v))) for v in values]


def _panels_figure(
    points: list[str], series: list[Series], title: str | None, columns: int, size: float, fmt: ChartFormat
) -> Figure:
    from matplotlib.figure import Figure

    count = max(1, len(series))
    cols = min(columns, count)
    rows = math.ceil(count / cols)
    font = max(7.0, 1.0 * size)
    panel_h = 0.7 * size / cols
    height = rows * panel_h + (0.5 if len(points) > 6 else 0.25) + (2 * font / 72 if title else 0)
    fig = Figure(figsize=(size, height), layout="constrained")
    attach_canvas(fig, fmt)
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
    xs = list(range(len(points)))
    short = [textwrap.shorten(p, 16, placeholder="…") for p in points]
    for k in range(rows * cols):
        ax = axes[k // cols][k % cols]
        if k >= len(series):
            ax.set_visible(False)
            continue
        s = series[k]
        color = PALETTE[k % len(PALETTE)]
        ax.set_ylim(0, 100)
        ax.set_yticks([0, 50, 100])
        ax.grid(axis="y", color="#dddddd", lw=0.7)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(labelsize=0.8 * font)
        ax.set_title(textwrap.shorten(s.name, 36, placeholder="…"), fontsize=0.95 * font, loc="left")
        if not points:
            ax.text(0.5, 0.5, "No scores yet", transform=ax.transAxes, ha="center", va="center")
            continue
        if s.band is not None:
            ax.fill_between(xs, _clip(s.band[0]), _clip(s.band[1]), color=color, alpha=0.22, lw=0, zorder=2)
        ax.plot(
            xs, _clip(s.values), color=color, lw=1.6, ls="--" if s.dashed else "-", marker="o", ms=3, zorder=3
        )
    step = max(1, math.ceil(len(points) / (12 // cols + 2)))  # a few labels a panel, never crowded
    for ax in axes.flat:
        if points:
            ax.set_xlim(-0.3, len(points) - 0.7)
            ax.set_xticks(xs[::step], short[::step])
            if len(points) > 2:
                ax.tick_params(axis="x", labelrotation=30)
                for label in ax.get_xticklabels():
                    label.set_horizontalalignment("right")
        else:
            ax.set_xticks([])
    # a hidden panel of the last row leaves the one above it without tick labels: show them there
    for k in range(len(series), rows * cols):
        if k - cols >= 0:
            axes[(k - cols) // cols][(k - cols) % cols].tick_params(labelbottom=True)
    if title:
        fig.suptitle(title, fontsize=1.15 * font, fontweight="bold")
    return fig
