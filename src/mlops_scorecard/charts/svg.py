"""Radar and stellar charts written as SVG text directly, from :mod:`.geometry`'s shapes.

No drawing library: a chart is a few dozen elements, written in a fixed order with
numbers to two decimals, so the same input gives the same bytes in any process. The
SVG has no ids, scripts, styles or links: it can be inlined, used as an image or
served on its own under a strict Content-Security-Policy. User text (dimension titles
come from framework files, series names from answers files) is XML-escaped, and
characters XML cannot hold are replaced, so a title can never break the document.
"""

from __future__ import annotations

import re
from html import escape

from .geometry import Circle, Fill, PolarLayout, Shape, Stroke, polar_layout
from .series import ChartKind, Series

__all__ = ["render_svg", "svg_document"]

FONT_FAMILY = "'DejaVu Sans', 'Bitstream Vera Sans', sans-serif"
# Characters XML 1.0 does not allow, even escaped: C0 controls but tab and newlines,
# lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _num(value: float) -> str:
    """A coordinate with two decimals and no trailing zeros (fixed, so bytes are stable)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value), quote=True)


def _points(points: tuple[tuple[float, float], ...]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _shape(shape: Shape) -> str:
    if isinstance(shape, Fill):
        opacity = "" if shape.opacity >= 1 else f' fill-opacity="{_num(shape.opacity)}"'
        return f'<polygon points="{_points(shape.points)}" fill="{shape.colour}"{opacity}/>'
    if isinstance(shape, Stroke):
        tag = "polygon" if shape.closed else "polyline"
        dash = (
            "" if shape.dash is None else f' stroke-dasharray="{_num(shape.dash[0])} {_num(shape.dash[1])}"'
        )
        cap = "butt" if shape.dash else "square"  # matplotlib's caps for dashed and solid lines
        return (
            f'<{tag} points="{_points(shape.points)}" fill="none" stroke="{shape.colour}"'
            f' stroke-width="{_num(shape.width)}" stroke-linejoin="round" stroke-linecap="{cap}"{dash}/>'
        )
    if isinstance(shape, Circle):
        return (
            f'<circle cx="{_num(shape.x)}" cy="{_num(shape.y)}" r="{_num(shape.r)}"'
            f' fill="{shape.fill or "none"}" stroke="{shape.stroke}" stroke-width="{_num(shape.width)}"/>'
        )
    anchor = "" if shape.anchor == "start" else f' text-anchor="{shape.anchor}"'
    bold = ' font-weight="bold"' if shape.bold else ""
    colour = "" if shape.colour == "#000000" else f' fill="{shape.colour}"'
    return (
        f'<text x="{_num(shape.x)}" y="{_num(shape.y)}" font-size="{_num(shape.size)}"{anchor}{bold}{colour}>'
        f"{_text(shape.text)}</text>"
    )


def svg_document(layout: PolarLayout) -> bytes:
    """The SVG document of a layout, UTF-8; one element a line."""
    w, h = _num(layout.width), _num(layout.height)
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" viewBox="0 0 {w} {h}"'
        f' font-family="{FONT_FAMILY}">\n'
    )
    body = "".join(_shape(s) + "\n" for s in layout.shapes)
    return (head + body + "</svg>\n").encode("utf-8")


def render_svg(
    kind: ChartKind, labels: list[str], series: list[Series], *, title: str | None = None, size: float = 6.0
) -> bytes:
    """A radar or stellar chart as SVG bytes (input checked by the caller)."""
    return svg_document(polar_layout(kind, labels, series, title=title, size=size))
