"""The radar and stellar charts as plain shapes: one layout that SVG and PDF both draw.

Both charts share one polar frame: an axis per dimension starting at the top and going
clockwise, 0-100 outwards, rings at 20..100. :func:`polar_layout` places everything
(rings, spokes, labels, outlines, markers, legend, title) in points (1/72 inch, y
downwards) and returns the shapes in drawing order, so the SVG template and the PDF
drawing cannot disagree on where anything is. No drawing library is needed to compute
it: text widths come from DejaVu Sans' advance widths, the font both outputs use.
"""

from __future__ import annotations

import math
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .series import ChartKind, Series

__all__ = [
    "PALETTE",
    "RINGS",
    "Circle",
    "Fill",
    "PolarLayout",
    "Shape",
    "Stroke",
    "Text",
    "outline",
    "polar_layout",
    "radii",
    "text_width",
    "wrap_label",
]

#: Okabe-Ito colours, ordered so the first few contrast best on white; yellow is last
#: because it is the hardest to see.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
RINGS = (20, 40, 60, 80, 100)
LABEL_WIDTH = 16  # characters per line of an axis label
LABEL_LINES = 3  # beyond this a label is cut with an ellipsis, so the layout stays bounded
STAR_DIP = 0.1  # stellar: the outline dips to this share of the neighbours' mean

# DejaVu Sans advance widths of " " to "~", in 1/2048 em (from the font's hmtx table).
_ASCII_WIDTHS = (
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087,
    2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612,
    1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024,
    1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253,
    1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
)  # fmt: skip
_BOLD = 1.1  # DejaVu Sans Bold is about a tenth wider
# Text boxes of DejaVu Sans, in em: ascent, descent, and matplotlib's line spacing.
_ASCENT, _DESCENT, _LINE = 0.93, 0.24, 1.2
_MARGIN = 4.0  # points of white around the chart

Anchor = Literal["start", "middle", "end"]
Point = tuple[float, float]
_At = Callable[[float, float], Point]  # (theta, score) to a point


@dataclass(frozen=True)
class Fill:
    """A filled polygon without an outline (non-zero winding rule)."""

    points: tuple[Point, ...]
    colour: str
    opacity: float = 1.0


@dataclass(frozen=True)
class Stroke:
    """A line through ``points``; ``closed`` joins the last point to the first."""

    points: tuple[Point, ...]
    colour: str
    width: float
    dash: tuple[float, float] | None = None
    closed: bool = False


@dataclass(frozen=True)
class Circle:
    """A circle: an outline of ``width`` in ``stroke``, filled with ``fill`` (or not)."""

    x: float
    y: float
    r: float
    stroke: str
    fill: str | None
    width: float


@dataclass(frozen=True)
class Text:
    """One line of text; ``y`` is its baseline, ``anchor`` which end ``x`` is."""

    x: float
    y: float
    text: str
    size: float
    anchor: Anchor
    colour: str = "#000000"
    bold: bool = False


Shape = Fill | Stroke | Circle | Text


@dataclass(frozen=True)
class PolarLayout:
    """A chart ``width`` x ``height`` points, drawn by painting ``shapes`` in order."""

    width: float
    height: float
    shapes: tuple[Shape, ...]


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in points of ``text`` in DejaVu Sans at ``size`` points (an estimate
    outside ASCII: wide East Asian characters one em, others 0.62 em)."""
    units = 0.0
    for ch in text:
        code = ord(ch)
        if 32 <= code < 127:
            units += _ASCII_WIDTHS[code - 32] / 2048
        else:
            units += 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.62
    return units * size * (_BOLD if bold else 1.0)


def wrap_label(label: str) -> list[str]:
    """An axis label as the lines it is drawn on: wrapped, cut with an ellipsis."""
    return textwrap.fill(label, LABEL_WIDTH, max_lines=LABEL_LINES, placeholder="…").split("\n")


def radii(values: list[float | None]) -> tuple[list[float], list[bool]]:
    """Values clipped to 0-100 with missing ones (None, NaN) at 0, and which were missing."""
    missing = [v is None or math.isnan(v) for v in values]
    clipped = [
        0.0 if m else min(100.0, max(0.0, float(v or 0.0))) for v, m in zip(values, missing, strict=True)
    ]
    return clipped, missing


def outline(kind: ChartKind, values: list[float]) -> tuple[list[float], list[float]]:
    """Closed outline (thetas, radii): a polygon, or for stellar a star with dips between axes."""
    n, step = len(values), 2 * math.pi / len(values)
    thetas: list[float] = []
    rs: list[float] = []
    for i, r in enumerate(values):
        thetas.append(i * step)
        rs.append(r)
        if kind == "stellar":
            # The dip between two axes makes each dimension a spike of its own.
            thetas.append((i + 0.5) * step)
            rs.append(STAR_DIP * (r + values[(i + 1) % n]) / 2)
    return [*thetas, 2 * math.pi], [*rs, rs[0]]


@dataclass(frozen=True)
class _Label:
    lines: list[str]
    x: float  # anchor, relative to the centre
    first: float  # baseline of the first line, relative to the centre
    anchor: Anchor
    box: tuple[float, float, float, float]  # left, top, right, bottom, relative to the centre


def _place_labels(wrapped: list[list[str]], r: float, font: float) -> list[_Label]:
    """Axis labels around a circle of radius ``r``, each aligned away from the circle:
    left-aligned on the right side, bottom-aligned at the top, and so on."""
    pad, lh = 1.7 * font, _LINE * font
    out = []
    for i, lines in enumerate(wrapped):
        angle = 2 * math.pi * i / len(wrapped)
        s, c = math.sin(angle), math.cos(angle)
        px, py = (r + pad) * s, -(r + pad) * c
        anchor: Anchor = "start" if s > 0.1 else "end" if s < -0.1 else "middle"
        extra = (len(lines) - 1) * lh
        if c > 0.1:  # above the centre: the last line sits on the anchor
            first = py - 0.2 * font - extra
        elif c < -0.1:  # below: the first line hangs from it
            first = py + 1.25 * font
        else:
            first = py - extra / 2 + 0.35 * font
        w = max(text_width(t, font) for t in lines)
        left = px if anchor == "start" else px - w if anchor == "end" else px - w / 2
        box = (left, first - _ASCENT * font, left + w, first + extra + _DESCENT * font)
        out.append(_Label(lines, px, first, anchor, box))
    return out


def _fit_radius(wrapped: list[list[str]], font: float, room: float) -> float:
    """The largest radius whose circle and labels fit ``room`` points across."""

    def across(r: float) -> float:
        boxes = [lab.box for lab in _place_labels(wrapped, r, font)]
        return max(r, *(-b[0] for b in boxes)) + max(r, *(b[2] for b in boxes))

    lo, hi = 0.1 * room, room / 2
    if across(hi) <= room:
        return hi
    for _ in range(40):  # bisection: the width grows with the radius
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if across(mid) <= room else (lo, mid)
    return lo


def polar_layout(
    kind: ChartKind, labels: list[str], series: list[Series], *, title: str | None = None, size: float = 6.0
) -> PolarLayout:
    """Lay out a radar or stellar chart ``size`` inches wide (input checked by the caller).

    The height follows from the labels, the title and the legend (shown for more than
    one series). Text scales with the chart but stays readable; lines and markers scale
    with the text, so small charts are not all ink.
    """
    width = 72 * size
    font = max(6.0, 1.6 * size)
    scale = font / 9.6
    wrapped = [wrap_label(t) for t in labels]
    r = _fit_radius(wrapped, font, width - 2 * _MARGIN)
    placed = _place_labels(wrapped, r, font)
    left = max(r, *(-lab.box[0] for lab in placed))
    right = max(r, *(lab.box[2] for lab in placed))
    top = max(r, *(-lab.box[1] for lab in placed))
    bottom = max(r, *(lab.box[3] for lab in placed))

    y = _MARGIN
    title_font = 1.25 * font
    if title:
        y += _LINE * title_font + 0.3 * font
    cx = _MARGIN + left + (width - 2 * _MARGIN - left - right) / 2
    cy = y + top
    y = cy + bottom
    legend = _legend(series, font, scale, width, y + 0.6 * font) if len(series) > 1 else ([], 0.0)
    height = (legend[1] if legend[0] else y) + _MARGIN

    def at(theta: float, value: float) -> Point:
        return cx + r * value / 100 * math.sin(theta), cy - r * value / 100 * math.cos(theta)

    n = len(labels)
    shapes: list[Shape] = [Fill(((0, 0), (width, 0), (width, height), (0, height)), "#ffffff")]
    shapes += [Circle(cx, cy, r * ring / 100, "#cccccc", None, 0.8) for ring in RINGS]
    shapes += [Stroke(((cx, cy), at(2 * math.pi * i / n, 100)), "#cccccc", 0.8) for i in range(n)]
    shapes.append(Circle(cx, cy, r, "#999999", None, 0.8))
    for lab in placed:
        for k, line in enumerate(lab.lines):
            shapes.append(Text(cx + lab.x, cy + lab.first + k * _LINE * font, line, font, lab.anchor))
    # The first series is the main one: drawn last, on top; every fill below every line.
    order = list(reversed(range(len(series))))
    for i in order:
        shapes += _fills(kind, series[i], i, len(series), at)
    # Ring labels sit half-way between the first two axes, clear of the axis labels.
    for ring in RINGS:
        x, y = at(math.pi / n, ring)
        shapes.append(Text(x, y, str(ring), 0.75 * font, "start", "#555555"))
    for i in order:
        shapes += _lines(kind, series[i], i, scale, at)
    shapes += legend[0]
    if title:
        shapes.append(Text(width / 2, _MARGIN + _ASCENT * title_font, title, title_font, "middle", bold=True))
    return PolarLayout(width, height, tuple(shapes))


def _fills(kind: ChartKind, s: Series, i: int, count: int, at: _At) -> list[Shape]:
    """A series' band (the ring between its low and high outlines) and its fill."""
    colour = PALETTE[i % len(PALETTE)]
    alpha = (0.25 if count == 1 else 0.15 if count <= 3 else 0.07) * (0.5 if s.dashed else 1)
    values, _ = radii(s.values)
    thetas, rs = outline(kind, values)
    out: list[Shape] = []
    if s.band is not None:
        # Where low or high is missing, fall back to the value: the band just pinches.
        lo = [v if m else b for v, b, m in zip(values, *radii(s.band[0]), strict=True)]
        hi = [v if m else b for v, b, m in zip(values, *radii(s.band[1]), strict=True)]
        # The outer outline one way and the inner one back the other way fill just the ring.
        ring = [at(t, v) for t, v in zip(thetas, outline(kind, hi)[1], strict=True)]
        ring += [at(t, v) for t, v in zip(thetas[::-1], outline(kind, lo)[1][::-1], strict=True)]
        out.append(Fill(tuple(ring), colour, 0.15))
    out.append(Fill(tuple(at(t, v) for t, v in zip(thetas, rs, strict=True)), colour, alpha))
    return out


def _lines(kind: ChartKind, s: Series, i: int, scale: float, at: _At) -> list[Shape]:
    """A series' outline and its markers, hollow where there is no score."""
    colour = PALETTE[i % len(PALETTE)]
    values, missing = radii(s.values)
    thetas, rs = outline(kind, values)
    lw = 1.8 * scale
    # matplotlib's dashes, scaled with the line as matplotlib does, for the same look
    dash = (3.7 * lw, 1.6 * lw) if s.dashed else None
    points = tuple(at(t, v) for t, v in zip(thetas[:-1], rs[:-1], strict=True))
    out: list[Shape] = [Stroke(points, colour, lw, dash, closed=True)]
    axes = [2 * math.pi * k / len(values) for k in range(len(values))]
    for hollow in (False, True):
        for theta, v, m in zip(axes, values, missing, strict=True):
            if m == hollow:
                x, y = at(theta, v)
                out.append(Circle(x, y, 2.75 * scale, colour, "#ffffff" if hollow else colour, 1.5 * scale))
    return out


def _legend(
    series: list[Series], font: float, scale: float, width: float, top: float
) -> tuple[list[Shape], float]:
    """The legend centred below the chart, filled column by column; returns its shapes
    and where it ends."""
    size = 0.9 * font
    cols = 1 if width < 5 * 72 else 2
    rows = math.ceil(len(series) / cols)
    names = [textwrap.shorten(s.name, 48, placeholder="…") for s in series]
    handle, gap, spacing, step = 2.0 * size, 0.8 * size, 2.0 * size, 1.5 * size
    columns = [names[c * rows : (c + 1) * rows] for c in range(cols)]
    widths = [handle + gap + max((text_width(t, size) for t in col), default=0.0) for col in columns if col]
    x = (width - sum(widths) - spacing * (len(widths) - 1)) / 2
    shapes: list[Shape] = []
    for c, col_width in enumerate(widths):
        for row in range(len(columns[c])):
            k = c * rows + row
            s, colour = series[k], PALETTE[k % len(PALETTE)]
            baseline = top + _ASCENT * size + row * step
            lw = 1.8 * scale
            mid = baseline - 0.32 * size
            dash = (3.7 * lw, 1.6 * lw) if s.dashed else None
            shapes.append(Stroke(((x, mid), (x + handle, mid)), colour, lw, dash))
            shapes.append(Text(x + handle + gap, baseline, names[k], size, "start"))
        x += col_width + spacing
    return shapes, top + (rows - 1) * step + (_ASCENT + _DESCENT) * size
