"""Radar and "stellar" charts of dimension scores, as SVG, PNG or PDF bytes.

The article behind the default framework shows the six dimension scores as a radar
chart and as a stellar chart (each dimension a spike). Both share one polar frame:
an axis per dimension starting at the top and going clockwise, 0-100 outwards.

matplotlib is imported only when a chart is drawn, so importing this module (and the
CLI) stays fast. Drawing uses a bare ``Figure`` and backend canvas, never pyplot and its
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
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from ..errors import ScorecardError
from ..series import Series

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes
    from matplotlib.typing import RcKeyType

    from ..scoring import ScoreResult

__all__ = [
    "ChartFormat",
    "ChartKind",
    "Series",
    "render_chart",
    "render_distribution",
    "render_trend",
    "render_trend_panels",
    "render_trend_with_bands",
    "series_from_result",
    "write_chart",
]

ChartKind = Literal["radar", "stellar"]
ChartFormat = Literal["svg", "png", "pdf"]

#: Okabe-Ito colours, ordered so the first few contrast best on white; yellow is last
#: because it is the hardest to see.
_PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)

_RINGS = (20, 40, 60, 80, 100)
_LABEL_WIDTH = 16  # characters per line of an axis label
_LABEL_LINES = 3  # beyond this a label is cut with an ellipsis, so the layout stays bounded
_STAR_DIP = 0.1  # stellar: the outline dips to this share of the neighbours' mean

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


def render_chart(
    kind: ChartKind,
    labels: list[str],
    series: list[Series],
    fmt: ChartFormat = "svg",
    *,
    title: str | None = None,
    size: float = 6.0,
    dpi: int = 150,
) -> bytes:
    """Draw a radar or stellar chart of ``series`` over the axes ``labels``.

    ``size`` is the width in inches; the height follows from the labels, the title and
    the legend (shown for more than one series). ``dpi`` sets the PNG resolution. The
    same input always gives the same bytes. Raises :class:`ScorecardError` for an
    unknown kind or format, :class:`ValueError` for a series without one value per label.
    """
    if kind not in get_args(ChartKind):
        raise ScorecardError(f"unknown chart kind {kind!r} (use radar or stellar)")
    if fmt not in get_args(ChartFormat):
        raise ScorecardError(f"unknown chart format {fmt!r} (use svg, png or pdf)")
    if not labels or size <= 0 or dpi <= 0:
        raise ValueError("a chart needs at least one label, a positive size and dpi")
    for s in series:
        lists = [s.values, *(s.band or ())]
        if any(len(v) != len(labels) for v in lists):
            raise ValueError(f"series {s.name!r}: need {len(labels)} values, one per label")

    return _draw(lambda: _figure(kind, labels, series, title, size, dpi, fmt), fmt, dpi)


def _draw(build: Callable[[], Figure], fmt: ChartFormat, dpi: int) -> bytes:
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


def series_from_result(result: ScoreResult, *, respondents: bool = False) -> tuple[list[str], list[Series]]:
    """Labels (dimension titles) and series for :func:`render_chart` from a score.

    One series ``Overall``; with ``respondents=True`` also one per respondent, named
    ``Name (role)`` (just ``Name`` when the role is empty).
    """
    labels = [d.dimension.title for d in result.dimensions]
    series = [Series("Overall", [d.score for d in result.dimensions])]
    if respondents:
        for r in result.respondents:
            name = f"{r.name} ({r.role})" if r.role else r.name
            series.append(Series(name, [r.dimensions.get(d.id) for d in result.dimensions]))
    return labels, series


def write_chart(
    path: str | Path,
    kind: ChartKind,
    labels: list[str],
    series: list[Series],
    *,
    title: str | None = None,
) -> None:
    """Render a chart to ``path``, in the format its suffix names (.svg, .png, .pdf).

    The file is replaced atomically. An unknown suffix raises :class:`ScorecardError`.
    """
    from ..datafiles import atomic_write_bytes  # imports YAML and pydantic: load on use

    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in get_args(ChartFormat):
        what = f"the suffix '.{suffix}'" if suffix else "a name without a suffix"
        raise ScorecardError(
            f"cannot tell the chart format from {what}: use a .svg, .png or .pdf file name",
            source=str(path),
        )
    data = render_chart(kind, labels, series, cast(ChartFormat, suffix), title=title)
    atomic_write_bytes(path, data)


def _radii(values: list[float | None]) -> tuple[list[float], list[bool]]:
    """Values clipped to 0-100 with missing ones (None, NaN) at 0, and which were missing."""
    missing = [v is None or math.isnan(v) for v in values]
    radii = [
        0.0 if m else min(100.0, max(0.0, float(v or 0.0))) for v, m in zip(values, missing, strict=True)
    ]
    return radii, missing


def _outline(kind: ChartKind, radii: list[float]) -> tuple[list[float], list[float]]:
    """Closed outline (thetas, radii): a polygon, or for stellar a star with dips between axes."""
    n, step = len(radii), 2 * math.pi / len(radii)
    thetas: list[float] = []
    rs: list[float] = []
    for i, r in enumerate(radii):
        thetas.append(i * step)
        rs.append(r)
        if kind == "stellar":
            # The dip between two axes makes each dimension a spike of its own.
            thetas.append((i + 0.5) * step)
            rs.append(_STAR_DIP * (r + radii[(i + 1) % n]) / 2)
    return [*thetas, 2 * math.pi], [*rs, rs[0]]


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
    wrap = [textwrap.fill(t, _LABEL_WIDTH, max_lines=_LABEL_LINES, placeholder="…") for t in labels]
    # Extra height for the title and legend keeps the circle as large as without them.
    height = _height(wrap, font, size) + (rows * 1.5 * font / 72 + 0.15 if rows else 0)
    height += 2 * font / 72 if title else 0
    fig = Figure(figsize=(size, height), dpi=dpi, layout="constrained")
    # The canvas of the output format, without pyplot or a global backend.
    import_module(f"matplotlib.backends.backend_{'agg' if fmt == 'png' else fmt}").FigureCanvas(fig)
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
    color = _PALETTE[i % len(_PALETTE)]
    z = 3 + (count - i) / count  # earlier series on top: the first is the main one
    alpha = (0.25 if count == 1 else 0.15 if count <= 3 else 0.07) * (0.5 if s.dashed else 1)
    radii, missing = _radii(s.values)
    thetas, rs = _outline(kind, radii)
    if s.band is not None:
        # Where low or high is missing, fall back to the value: the band just pinches.
        lo = [r if m else v for r, v, m in zip(radii, *_radii(s.band[0]), strict=True)]
        hi = [r if m else v for r, v, m in zip(radii, *_radii(s.band[1]), strict=True)]
        # Outer outline one way and inner one back the other way fills just the ring.
        ring = [*_outline(kind, hi)[1], *_outline(kind, lo)[1][::-1]]
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
    axes = [2 * math.pi * k / len(radii) for k in range(len(radii))]
    for hollow in (False, True):
        at = [(t, r) for t, r, m in zip(axes, radii, missing, strict=True) if m == hollow]
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
    ax.set_rgrids(_RINGS, [str(r) for r in _RINGS], angle=180 / n, fontsize=0.75 * font, color="#555555")
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
    if fmt not in get_args(ChartFormat):
        raise ScorecardError(f"unknown chart format {fmt!r} (use svg, png or pdf)")
    if size <= 0 or dpi <= 0:
        raise ValueError("a chart needs a positive size and dpi")
    for s in series:
        if len(s.values) != len(points):
            raise ValueError(f"series {s.name!r}: need {len(points)} values, one per point")

    return _draw(lambda: _trend_figure(points, series, title, size, fmt), fmt, dpi)


def _trend_figure(
    points: list[str], series: list[Series], title: str | None, size: float, fmt: ChartFormat
) -> Figure:
    from matplotlib.figure import Figure

    font = max(8.0, 1.35 * size)
    cols = 3 if size >= 7 else 2
    rows = math.ceil(len(series) / cols) if series else 0
    height = 0.5 * size + rows * 1.5 * font / 72 + (2 * font / 72 if title else 0)
    fig = Figure(figsize=(size, height), layout="constrained")
    import_module(f"matplotlib.backends.backend_{'agg' if fmt == 'png' else fmt}").FigureCanvas(fig)
    ax = fig.add_subplot()
    ax.set_ylim(0, 100)
    ax.set_yticks([0, *_RINGS])
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
            color = _PALETTE[i % len(_PALETTE)]
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
    if fmt not in get_args(ChartFormat):
        raise ScorecardError(f"unknown chart format {fmt!r} (use svg, png or pdf)")
    if size <= 0 or dpi <= 0:
        raise ValueError("a chart needs a positive size and dpi")
    for s in series:
        if any(len(v) != len(points) for v in [s.values, *(s.band or ())]):
            raise ValueError(f"series {s.name!r}: need {len(points)} values, one per point")

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
                ax.fill_between(xs, lo, hi, color=_PALETTE[i % len(_PALETTE)], alpha=alpha, lw=0, zorder=2)
        return fig

    return _draw(build, fmt, dpi)


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
    if fmt not in get_args(ChartFormat):
        raise ScorecardError(f"unknown chart format {fmt!r} (use svg, png or pdf)")
    if size <= 0 or dpi <= 0 or columns < 1:
        raise ValueError("a chart needs a positive size, dpi and number of columns")
    for s in series:
        if any(len(v) != len(points) for v in [s.values, *(s.band or ())]):
            raise ValueError(f"series {s.name!r}: need {len(points)} values, one per point")

    return _draw(lambda: _panels_figure(points, series, title, columns, size, fmt), fmt, dpi)


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
    import_module(f"matplotlib.backends.backend_{'agg' if fmt == 'png' else fmt}").FigureCanvas(fig)
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
    xs = list(range(len(points)))
    short = [textwrap.shorten(p, 16, placeholder="…") for p in points]
    for k in range(rows * cols):
        ax = axes[k // cols][k % cols]
        if k >= len(series):
            ax.set_visible(False)
            continue
        s = series[k]
        color = _PALETTE[k % len(_PALETTE)]
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
    if fmt not in get_args(ChartFormat):
        raise ScorecardError(f"unknown chart format {fmt!r} (use svg, png or pdf)")
    if size <= 0 or dpi <= 0:
        raise ValueError("a chart needs a positive size and dpi")
    if len(groups) != len(labels) or (highlight is not None and len(highlight) != len(labels)):
        raise ValueError(f"need {len(labels)} groups (and highlights), one per label")

    return _draw(
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
    import_module(f"matplotlib.backends.backend_{'agg' if fmt == 'png' else fmt}").FigureCanvas(fig)
    ax = fig.add_subplot()
    ax.set_xlim(-2, 102)
    ax.set_ylim(rows - 0.5, -0.5)  # first label at the top
    ax.set_xticks([0, *_RINGS])
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
