"""The distribution chart drawn by matplotlib: a strip chart with boxes, one row per
label (e.g. each team's score per dimension)."""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Any

from .geometry import RINGS
from .mpl import attach_canvas, draw
from .series import ChartFormat, check_format

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["render_distribution"]


def render_distribution(
    labels: list[str],
    groups: list[list[float]],
    fmt: ChartFormat = "svg",
    *,
    highlight: list[float | None] | None = None,
    highlight_name: str = "",
    title: str | None = None,
    size: float = 8.0,
    dpi: int = 150,
) -> bytes:
    """A strip chart with boxes: one row per label (e.g. dimension), a dot per value
    (e.g. each team's score) on 0-100, the box from the first to the third quartile and
    a line at the median. ``highlight`` (one value or ``None`` per row) is drawn as a
    large diamond named ``highlight_name`` in the legend (e.g. one team among its peers).

    Dots that would overlap are spread vertically by a fixed pattern (no randomness), so
    the same input always gives the same bytes. Raises :class:`ScorecardError` for an
    unknown format, :class:`ValueError` when ``groups`` or ``highlight`` do not have one
    entry per label.
    """
    check_format(fmt)
    if size <= 0 or dpi <= 0:
        raise ValueError("a chart needs a positive size and dpi")
    if len(groups) != len(labels) or (highlight is not None and len(highlight) != len(labels)):
        raise ValueError(f"need {len(labels)} groups (and highlights), one per label")

    return draw(
        lambda: _distribution_figure(labels, groups, highlight, highlight_name, title, size, fmt), fmt, dpi
    )


def _distribution_figure(
    labels: list[str],
    groups: list[list[float]],
    highlight: list[float | None] | None,
    highlight_name: str,
    title: str | None,
    size: float,
    fmt: ChartFormat,
) -> Figure:
    import numpy as np
    from matplotlib.figure import Figure

    font = max(8.0, 1.2 * size)
    rows = max(1, len(labels))
    height = 0.55 * rows + 0.9 + (0.35 if highlight is not None else 0) + (2 * font / 72 if title else 0)
    fig = Figure(figsize=(size, height), layout="constrained")
    attach_canvas(fig, fmt)
    ax = fig.add_subplot()
    ax.set_xlim(-2, 102)
    ax.set_ylim(rows - 0.5, -0.5)  # first label at the top
    ax.set_xticks([0, *RINGS])
    ax.set_yticks(range(len(labels)), [textwrap.shorten(t, 28, placeholder="…") for t in labels])
    ax.tick_params(labelsize=0.85 * font)
    ax.grid(axis="x", color="#dddddd", lw=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("Score", fontsize=0.9 * font)
    for row, values in enumerate(groups):
        kept = sorted(min(100.0, max(0.0, float(v))) for v in values if not math.isnan(v))
        if not kept:
            ax.text(50, row, "no scores", ha="center", va="center", color="#59636e", fontsize=0.8 * font)
            continue
        q1, med, q3 = (float(x) for x in np.quantile(np.array(kept), [0.25, 0.5, 0.75]))
        ax.add_patch(
            _rectangle(
                (q1, row - 0.3), max(q3 - q1, 0.4), 0.6, facecolor="#dbe9f6", edgecolor="#0072B2", lw=1
            )
        )
        ax.plot([med, med], [row - 0.3, row + 0.3], color="#0072B2", lw=2, zorder=3)
        # a fixed low-discrepancy jitter (golden ratio steps) spreads the dots of a row
        offsets = [row + 0.56 * ((i * 0.6180339887) % 1.0 - 0.5) for i in range(len(kept))]
        ax.scatter(kept, offsets, s=14, color="#1f2328", alpha=0.65, lw=0, zorder=4)
    if highlight is not None:
        marked = [(v, i) for i, v in enumerate(highlight) if v is not None]
        if marked:
            xs, ys = zip(*marked, strict=True)
            ax.scatter(
                [min(100.0, max(0.0, float(x))) for x in xs],
                ys,
                s=90,
                marker="D",
                color="#D55E00",
                edgecolor="white",
                lw=1,
                zorder=5,
                label=textwrap.shorten(highlight_name or "Highlighted", 48, placeholder="…"),
            )
            fig.legend(loc="outside lower center", fontsize=0.85 * font, frameon=False)
    if title:
        fig.suptitle(title, fontsize=1.15 * font, fontweight="bold")
    return fig


def _rectangle(xy: tuple[float, float], width: float, height: float, **style: Any) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(xy, width, height, zorder=2, **style)
