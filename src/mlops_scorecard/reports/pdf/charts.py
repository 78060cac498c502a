"""Charts placed on the report's pages: the radar and the stellar side by side, and a
chart centred with its caption (roles, trend). Radar, stellar and roles are vector
drawings with their labels as text; only the trend panels are an image.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Mapping

from fpdf.enums import XPos, YPos

from ...charts.geometry import PolarLayout
from ...charts.pdf import draw_layout
from ..data import ReportData
from ..figures import chart_caption
from .page import FONT, GREY, ReportPDF

__all__ = ["Chart", "chart_row", "figure"]

#: A chart for the PDF: a layout drawn as vector shapes, or PNG bytes placed as an image.
Chart = PolarLayout | bytes


def chart_row(pdf: ReportPDF, charts: Mapping[str, Chart], data: ReportData) -> None:
    """The Charts section: ``charts`` side by side, each with its caption."""
    kinds = list(charts)
    if not kinds:
        return
    pdf.h2("Charts")
    gap = 6.0
    w = (pdf.epw - gap * (len(kinds) - 1)) / len(kinds)
    heights = [w * _aspect(charts[kind]) for kind in kinds]
    pdf.keep(max(heights) + 8)
    top = pdf.get_y()
    for i, kind in enumerate(kinds):
        x = pdf.l_margin + i * (w + gap)
        _place(pdf, charts[kind], x, top, w, chart_caption(kind, data))
        pdf.set_xy(x, top + heights[i])
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(w, 4, chart_caption(kind, data), align="C")
        pdf.set_text_color(0)
    pdf.set_xy(pdf.l_margin, top + max(heights) + 10)


def figure(pdf: ReportPDF, chart: Chart, width: float, caption: str) -> None:
    """A chart centred on the page with its caption below; a new page first if it does not fit."""
    height = width * _aspect(chart)
    pdf.keep(height + 8)
    x = pdf.l_margin + (pdf.epw - width) / 2
    top = pdf.get_y() + 1
    _place(pdf, chart, x, top, width, caption)
    pdf.set_xy(pdf.l_margin, top + height)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 5, pdf.fit(caption, pdf.epw), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(2)


def _aspect(chart: Chart) -> float:
    """Height over width of a chart."""
    if isinstance(chart, PolarLayout):
        return chart.height / chart.width
    # a PNG's size is in its IHDR chunk, bytes 16-24: no need to decode the image
    width, height = struct.unpack(">II", chart[16:24])
    return float(height) / float(width)


def _place(pdf: ReportPDF, chart: Chart, x: float, y: float, width: float, caption: str) -> None:
    """A chart ``width`` mm wide with its top left corner at (``x``, ``y``)."""
    if isinstance(chart, PolarLayout):
        draw_layout(pdf, chart, x, y, width)
    else:
        pdf.image(io.BytesIO(chart), x=x, y=y, w=width, alt_text=caption)
