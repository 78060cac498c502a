"""Radar and stellar charts drawn into a PDF with fpdf2's own vector primitives.

The shapes are :mod:`.geometry`'s, the same the SVG shows, scaled to the width they get
on the page: polygons, lines, circles and text in DejaVu Sans (the font matplotlib
ships, found without importing matplotlib), translucency through fpdf2's graphics
state. The text stays text: searchable, selectable, sharp at any zoom.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import StrokeCapStyle, StrokeJoinStyle

from ..errors import ScorecardError
from .geometry import Circle, Fill, PolarLayout, Stroke, Text, polar_layout
from .series import ChartKind, Series

__all__ = ["FONT", "add_fonts", "draw_layout", "font_files", "render_pdf_chart"]

#: The family name the DejaVu fonts are registered under by :func:`add_fonts`.
FONT = "DejaVu"
# A fixed creation date for a chart on its own: its bytes depend on its input only.
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@cache
def font_files() -> tuple[str, str]:
    """DejaVu Sans regular and bold, from matplotlib's data folder.

    Located through the import system without importing matplotlib, which takes a
    good part of a second to start.
    """
    spec = find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ScorecardError("PDF output needs the DejaVu fonts that matplotlib ships: install matplotlib")
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    return str(folder / "DejaVuSans.ttf"), str(folder / "DejaVuSans-Bold.ttf")


def add_fonts(pdf: FPDF) -> None:
    """Register DejaVu Sans (regular and bold) as :data:`FONT` in ``pdf``."""
    regular, bold = font_files()
    pdf.add_font(FONT, "", regular)
    pdf.add_font(FONT, "B", bold)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def draw_layout(pdf: FPDF, layout: PolarLayout, x: float, y: float, width: float) -> float:
    """Draw ``layout`` with its top left corner at (``x``, ``y``), ``width`` document
    units wide; returns the height it took. ``pdf`` must have :func:`add_fonts`' fonts."""
    s = width / layout.width

    def pt(p: tuple[float, float]) -> tuple[float, float]:
        return x + p[0] * s, y + p[1] * s

    with pdf.local_context(stroke_join_style=StrokeJoinStyle.ROUND):
        for shape in layout.shapes:
            if isinstance(shape, Fill):
                pdf.set_fill_color(*_rgb(shape.colour))
                with pdf.local_context(fill_opacity=shape.opacity):
                    pdf.polygon([pt(p) for p in shape.points], style="F")
            elif isinstance(shape, Stroke):
                pdf.set_draw_color(*_rgb(shape.colour))
                pdf.set_line_width(shape.width * s)
                dash, gap = shape.dash or (0.0, 0.0)
                cap = StrokeCapStyle.BUTT if shape.dash else StrokeCapStyle.SQUARE
                with pdf.local_context(stroke_cap_style=cap):
                    pdf.set_dash_pattern(dash * s, gap * s)
                    points = [pt(p) for p in shape.points]
                    if shape.closed:
                        pdf.polygon(points, style="D")
                    else:
                        pdf.polyline(points, style="D")
                    pdf.set_dash_pattern()
            elif isinstance(shape, Circle):
                pdf.set_draw_color(*_rgb(shape.stroke))
                pdf.set_line_width(shape.width * s)
                if shape.fill is not None:
                    pdf.set_fill_color(*_rgb(shape.fill))
                cx, cy = pt((shape.x, shape.y))
                pdf.circle(cx, cy, shape.r * s, style="D" if shape.fill is None else "FD")
            else:
                _text(pdf, shape, pt((shape.x, shape.y)), s)
    return layout.height * s


def _text(pdf: FPDF, shape: Text, at: tuple[float, float], s: float) -> None:
    # the layout's sizes are points of a chart drawn at full size: scale them too
    pdf.set_font(FONT, "B" if shape.bold else "", shape.size * s * pdf.k)
    pdf.set_text_color(*_rgb(shape.colour))
    w = pdf.get_string_width(shape.text)
    x = at[0] - (w if shape.anchor == "end" else w / 2 if shape.anchor == "middle" else 0)
    pdf.text(x, at[1], shape.text)


def render_pdf_chart(
    kind: ChartKind, labels: list[str], series: list[Series], *, title: str | None = None, size: float = 6.0
) -> bytes:
    """A radar or stellar chart alone on a page of its size, as PDF bytes (input
    checked by the caller). The same input always gives the same bytes."""
    layout = polar_layout(kind, labels, series, title=title, size=size)
    pdf = FPDF(unit="pt", format=(layout.width, layout.height))
    pdf.set_margin(0)
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(_EPOCH)
    pdf.set_creator("mlops-scorecard")
    if title:
        pdf.set_title(title)
    add_fonts(pdf)
    pdf.add_page()
    draw_layout(pdf, layout, 0, 0, layout.width)
    return bytes(pdf.output())
