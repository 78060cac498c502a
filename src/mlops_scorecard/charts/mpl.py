"""The charts matplotlib draws: radar and stellar as PNG, and the machinery the trend
and distribution charts share.

matplotlib is imported only when one of these is drawn (importing it takes a good part
of a second). Drawing uses a bare ``Figure`` and backend canvas, never pyplot and its
global state, inside ``rc_context`` from matplotlib's defaults: the output neither
depends on nor changes the caller's settings.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any, cast

from .geometry import PALETTE, RINGS, outline, radii, wrap_label
from .series import ChartFormat, ChartKind, Series

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes
    from matplotlib.typing import RcKeyType

__all__ = ["attach_canvas", "draw", "render_polar"]

# Settings that make output legible, searchable and byte-for-byte reproducible.
_RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib, so every machine has it
    "text.parse_math": False,  # a "$" in a name is a dollar, not the start of a formula
    "svg.fonttype": "none",  # keep SVG text as <text>, not paths
    "svg.hashsalt": "mlops-scorecard",  # otherwise SVG ids are random per run
}
# Per format: drop the metadata that would change on every run.
_METADATA: dict[str, dict[str, Any]] = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
    "png": {"Software": None},
}
# rcParams are global to matplotlib: serialise drawing so threads (the web app) do
# not see each other's settings.
_LOCK = threading.Lock()


def draw(build: Callable[[], Figure], fmt: ChartFormat, dpi: int) -> bytes:
    """Build a figure with this module's settings (never the user's matplotlibrc, and
    nothing left behind in matplotlib's global state) and save it deterministically."""
    import matplotlib

    with _LOCK, matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(_RC)
        fig = build()
        out = io.BytesIO()
        fig.savefig(out, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return out.getvalue()


def attach_canvas(fig: Figure, fmt: ChartFormat) -> None:
    """Give ``fig`` the canvas of the output format, without pyplot or a global backend."""
    import_module(f"matplotlib.backends.backend_{'agg' if fmt == 'png' else fmt}").FigureCanvas(fig)


def render_polar(
    kind: ChartKind,
    labels: list[str],
    series: list[Series],
    fmt: ChartFormat,
    *,
    title: str | None,
    size: float,
    dpi: int,
) -> bytes:
    """A radar or stellar chart drawn by matplotlib (input checked by the caller)."""
    return draw(lambda: _figure(kind, labels, series, title, size, dpi, fmt), fmt, dpi)


def _figure(
    kind: ChartKind,
    labels: list[str],
    series: list[Series],
    title: str | None,
    size: float,
    dpi: int,
    fmt: ChartFormat,
) -> Figure:
    from matplotlib.figure import Figure

    font = max(6.0, 1.6 * size)  # text scales with the chart, but stays readable
    cols = 1 if size < 5 else 2
    rows = math.ceil(len(series) / cols) if len(series) > 1 else 0
    wrap = ["\n".join(wrap_label(t)) for t in labels]
    # Extra height for the title and legend keeps the circle as large as without them.
    height = _height(wrap, font, size) + (rows * 1.5 * font / 72 + 0.15 if rows else 0)
    height += 2 * font / 72 if title else 0
    fig = Figure(figsize=(size, height), dpi=dpi, layout="constrained")
    attach_canvas(fig, fmt)
    ax = cast("PolarAxes", fig.add_subplot(projection="polar"))
    _frame(ax, wrap, font)
    for i, s in enumerate(series):
        _draw_series(ax, kind, s, i, len(series), font / 9.6)
    if len(series) > 1:
        fig.legend(loc="outside lower center", ncols=cols, fontsize=0.9 * font, frameon=False)
    if title:
        fig.suptitle(title, fontsize=1.25 * font, fontweight="bold")
    return fig


def _draw_series(ax: PolarAxes, kind: ChartKind, s: Series, i: int, count: int, scale: float) -> None:
    """One series: optional band, translucent fill, outline, markers (hollow where missing).

    ``scale`` sizes lines and markers with the text, so small charts are not all ink.
    """
    color = PALETTE[i % len(PALETTE)]
    z = 3 + (count - i) / count  # earlier series on top: the first is the main one
    alpha = (0.25 if count == 1 else 0.15 if count <= 3 else 0.07) * (0.5 if s.dashed else 1)
    clipped, missing = radii(s.values)
    thetas, rs = outline(kind, clipped)
    if s.band is not None:
        # Where low or high is missing, fall back to the value: the band just pinches.
        lo = [r if m else v for r, v, m in zip(clipped, *radii(s.band[0]), strict=True)]
        hi = [r if m else v for r, v, m in zip(clipped, *radii(s.band[1]), strict=True)]
        # Outer outline one way and inner one back the other way fills just the ring.
        ring = [*outline(kind, hi)[1], *outline(kind, lo)[1][::-1]]
        ax.fill([*thetas, *thetas[::-1]], ring, color=color, alpha=0.15, lw=0, zorder=z - 1)
    ax.fill(thetas, rs, color=color, alpha=alpha, lw=0, zorder=z - 1)
    style: dict[str, Any] = {"color": color, "zorder": z}
    ax.plot(
        thetas,
        rs,
        lw=1.8 * scale,
        ls="--" if s.dashed else "-",
        label=textwrap.shorten(s.name, 48, placeholder="…"),
        **style,
    )
    axes = [2 * math.pi * k / len(clipped) for k in range(len(clipped))]
    for hollow in (False, True):
        at = [(t, r) for t, r, m in zip(axes, clipped, missing, strict=True) if m == hollow]
        if at:
            face = "white" if hollow else color
            marker: dict[str, Any] = {
                "marker": "o",
                "ms": 5.5 * scale,
                "mfc": face,
                "mew": 1.5 * scale,
            }
            ax.plot(*zip(*at, strict=True), ls="", **marker, **style)


def _frame(ax: PolarAxes, labels: list[str], font: float) -> None:
    """The polar frame: axes clockwise from the top, labelled rings at 20..100."""
    n = len(labels)
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 100)
    # Ring labels sit half-way between the first two axes, clear of the axis labels.
    ax.set_rgrids(RINGS, [str(r) for r in RINGS], angle=180 / n, fontsize=0.75 * font, color="#555555")
    ax.set_thetagrids([360 * i / n for i in range(n)], labels, fontsize=font)
    ax.tick_params(axis="x", pad=0.6 * font)
    ax.grid(color="#cccccc", lw=0.8)
    ax.spines["polar"].set_color("#999999")
    # Align each label away from the circle: left on the right side, top at the bottom...
    for i, label in enumerate(ax.get_xticklabels()):
        x, y = math.sin(2 * math.pi * i / n), math.cos(2 * math.pi * i / n)
        label.set_horizontalalignment("left" if x > 0.1 else "right" if x < -0.1 else "center")
        label.set_verticalalignment("bottom" if y > 0.1 else "top" if y < -0.1 else "center")


def _height(wrapped: list[str], font: float, size: float) -> float:
    """Height (inches) the circle and its labels need at width ``size``, so that a
    square figure does not leave bands of white above and below a circle narrowed by
    side labels. Text size is estimated (0.6 em a character); constrained layout does
    the exact fit, so a wrong guess costs some white space, never clipping.
    """
    em, half = font / 72, size / 2 - 0.15
    pad = 0.6 * em + 0.05
    boxes = []  # per label: direction (x, y) from the centre, width, height
    for i, text in enumerate(wrapped):
        angle, lines = 2 * math.pi * i / len(wrapped), text.split("\n")
        w, h = 0.6 * em * max(map(len, lines)), 1.25 * em * len(lines)
        boxes.append((math.sin(angle), math.cos(angle), w, h))
    # The radius is bounded by the side labels, which are aligned away from the circle.
    r = min([half] + [(half - w) / abs(x) - pad for x, _, w, _ in boxes if abs(x) > 0.1])
    up = [(r + pad) * y + (h if y > 0.1 else h / 2 if y >= -0.1 else 0) for _, y, _, h in boxes]
    down = [-(r + pad) * y + (h if y < -0.1 else h / 2 if y <= 0.1 else 0) for _, y, _, h in boxes]
    return max(r, *up) + max(r, *down) + 0.3
