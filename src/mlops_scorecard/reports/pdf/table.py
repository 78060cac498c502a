"""Tables in the PDF report: a shaded heading row, repeated at the top of every page a
table runs onto, rules between rows, and text wrapped at spaces at the top of its cell.

Drawn line by line (:func:`~.page.wrap`, :meth:`~.page.ReportPDF.place`) rather than
with fpdf2's ``table()``: that lays every cell out twice through its
character-by-character line breaker, which made the tables a third of a cold PDF
report. The text comes out where ``table()`` put it (same lines, same positions), the
heading row repeats on each page a table runs onto, and a row never splits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

from .page import FONT, GREY, LINE, SOFT, ReportPDF, wrap

__all__ = ["BOLD", "GREY_TEXT", "CellStyle", "Table"]

#: Body text size (pt), the height of a line of it (mm), and the padding around a cell's text (mm).
SIZE = 9.0
LINE_HEIGHT = 4.6
PADDING = 1.2


@dataclass(frozen=True)
class CellStyle:
    """How a row's or a cell's text is set: bold, or grey (secondary)."""

    bold: bool = False
    grey: bool = False


BOLD = CellStyle(bold=True)
GREY_TEXT = CellStyle(grey=True)
_PLAIN = CellStyle()


class Table:
    """A table across the page's width, drawn row by row as :meth:`row` is called.

    ``widths`` are relative (scaled to fill the width between the margins); ``align``
    has a letter a column, ``L`` or ``R``; ``heading`` is the first row, shaded and
    bold, in ``heading_size`` pt (smaller for many columns). Use it as a context
    manager: a table with no rows still shows its heading when the block ends.
    """

    def __init__(
        self,
        pdf: ReportPDF,
        widths: Sequence[float],
        align: str,
        heading: Sequence[str],
        *,
        heading_size: float | None = None,
    ) -> None:
        total = sum(widths)
        self.pdf = pdf
        self.widths = [w / total * pdf.epw for w in widths]
        self.align = list(align)
        self.heading = list(heading)
        self.heading_size = heading_size or SIZE
        self._drawn = False
        self._head: tuple[list[list[str]], float] | None = None

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None and not self._drawn:
            self._draw_heading()
        self.pdf.set_x(self.pdf.l_margin)

    def row(
        self,
        cells: Sequence[str],
        style: CellStyle | None = None,
        styles: Sequence[CellStyle | None] | None = None,
    ) -> None:
        """A row of ``cells`` in ``style`` (plain by default); ``styles`` sets single cells'."""
        chosen = [
            (styles[j] if styles is not None and styles[j] is not None else style) or _PLAIN
            for j in range(len(cells))
        ]
        lines, height = self._lay_out(cells, chosen, SIZE)
        pdf = self.pdf
        if not self._drawn:
            # the heading never stands alone at the foot of a page
            pdf.keep(self._heading_layout()[1] + height)
            self._draw_heading()
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            self._draw_heading()
        self._draw(lines, chosen, height, SIZE, heading=False)

    # -- layout and drawing ---------------------------------------------------------

    def _lay_out(
        self, cells: Sequence[str], styles: Sequence[CellStyle], size: float
    ) -> tuple[list[list[str]], float]:
        """Each cell's lines and the row's height."""
        lines = []
        for text, width, st in zip(cells, self.widths, styles, strict=True):
            self.pdf.set_font(FONT, "B" if st.bold else "", size)
            lines.append(wrap(self.pdf, text, width - 2 * PADDING))
        most = max((len(cell) for cell in lines), default=0)
        # an empty row keeps a line's height, as fpdf2's tables did
        return lines, most * LINE_HEIGHT + 2 * PADDING if most else LINE_HEIGHT

    def _heading_layout(self) -> tuple[list[list[str]], float]:
        if self._head is None:
            self._head = self._lay_out(self.heading, [BOLD] * len(self.heading), self.heading_size)
        return self._head

    def _draw_heading(self) -> None:
        lines, height = self._heading_layout()
        self._draw(lines, [BOLD] * len(lines), height, self.heading_size, heading=True)
        self._drawn = True

    def _draw(
        self,
        lines: list[list[str]],
        styles: Sequence[CellStyle],
        height: float,
        size: float,
        *,
        heading: bool,
    ) -> None:
        pdf = self.pdf
        x, y = pdf.l_margin, pdf.get_y()
        width = sum(self.widths)
        if heading:
            pdf.set_fill_color(*SOFT)
            pdf.rect(x, y, width, height, style="F")
        else:
            # a rule above every row but the heading: between rows, none under the last
            pdf.set_draw_color(*LINE)
            pdf.line(x, y, x + width, y)
        for cell, w, align, st in zip(lines, self.widths, self.align, styles, strict=True):
            pdf.set_font(FONT, "B" if st.bold else "", size)
            pdf.set_text_color(*(GREY if st.grey else (0, 0, 0)))
            for k, line in enumerate(cell):
                pdf.place(
                    x + PADDING, x + w - PADDING, y + PADDING + k * LINE_HEIGHT, LINE_HEIGHT, line, align
                )
            x += w
        pdf.set_text_color(0)
        pdf.set_xy(pdf.l_margin, y + height)
