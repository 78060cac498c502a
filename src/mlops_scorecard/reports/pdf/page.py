"""The PDF report's page furniture: A4 pages with a running head and page numbers, the
DejaVu fonts, its colours, and the building blocks every section uses (headings,
paragraphs, bars, text cut to fit, keeping a heading with its text).

fpdf2's built-in fonts are Latin-1 only, so the report embeds DejaVu Sans (shipped with
matplotlib, found without importing it): names and comments in any script that DejaVu
covers print as written.
"""

from __future__ import annotations

import logging

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from ...charts.pdf import FONT, add_fonts

__all__ = ["FONT", "GREY", "LINE", "MARGIN", "SOFT", "ReportPDF", "rgb", "wrap"]

#: The page margin (mm) on every side.
MARGIN = 15.0
#: Secondary text, rules and shaded backgrounds.
GREY = (89, 99, 110)
LINE = (209, 217, 224)
SOFT = (246, 248, 250)


def _not_missing_glyphs(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Font %s is missing the following glyphs")


# fpdf2 logs a warning for the glyphs DejaVu lacks (CJK, for one), which print as empty
# boxes; without a font that covers every script that is the best a report can do, and
# the warning would only reach a CLI user as noise. Other fpdf2 messages pass.
logging.getLogger("fpdf.output").addFilter(_not_missing_glyphs)


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as an (r, g, b) triple of 0-255."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class ReportPDF(FPDF):
    """A4 pages with a running head and page numbers."""

    def __init__(self, heading: str, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.heading = heading
        self.footer_text = footer_text
        add_fonts(self)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=18)

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FONT, "", 8)
            self.set_text_color(*GREY)
            self.cell(0, 5, self.fit(self.heading, self.epw), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(3)
            self.set_text_color(0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)

    # -- building blocks -------------------------------------------------------------

    def h2(self, text: str, room: float = 30) -> None:
        """A section heading with a rule; a new page first unless ``room`` mm are left."""
        self.keep(room)
        self.ln(4)
        self.set_font(FONT, "B", 13)
        self.cell(0, 8, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*LINE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)

    def h3(self, text: str) -> None:
        """A sub-heading."""
        self.keep(20)
        self.ln(2)
        self.set_font(FONT, "B", 11)
        self.lines(0, 6, text)
        self.ln(1)

    def para(self, text: str, *, size: float = 9.5, grey: bool = False) -> None:
        """A wrapped paragraph."""
        self.set_font(FONT, "", size)
        if grey:
            self.set_text_color(*GREY)
        self.lines(0, size * 0.5, text)
        self.set_text_color(0)

    def lines(self, w: float, h: float, text: str) -> None:
        """``text`` left-aligned in lines ``h`` mm high, wrapped to ``w`` mm (0: to the
        right margin) from the current position, a new page when one is full; then the
        left margin of the next line. ``multi_cell``'s plain text, without its
        character-by-character line breaker (see :func:`wrap`)."""
        x = self.get_x()
        if w == 0:
            w = self.w - self.r_margin - x
        for line in wrap(self, text, w - 2 * self.c_margin) or [""]:
            if self.will_page_break(h):
                self.add_page()
                self.set_x(x)
            self.place(x + self.c_margin, x + w - self.c_margin, self.get_y(), h, line)
            self.set_y(self.get_y() + h)
        self.set_x(self.l_margin)

    def text_width(self, text: str) -> float:
        """The width of ``text`` in the current font (mm), as ``get_string_width`` gives it.

        For a TrueType font without text shaping, stretching or letter spacing (the
        report uses none) that is the sum of the characters' advances: measured here
        directly, without the bidirectional-text pass ``get_string_width`` runs on every
        call, which made measuring the words to wrap a fifth of drawing the report.
        """
        font = self.current_font
        if (
            not isinstance(font, TTFFont)
            or self.text_shaping
            or self.font_stretching != 100
            or self.char_spacing
        ):
            return self.get_string_width(text)
        # cw is a defaultdict: a character the font lacks counts its default width
        advances = sum(map(font.cw.__getitem__, map(ord, text)))
        return advances * self.font_size_pt * 0.001 / self.k

    def place(self, left: float, right: float, y: float, h: float, line: str, align: str = "L") -> None:
        """One line of text from ``left`` (``align`` ``L``) or to ``right`` (``R``), centred
        in a line ``h`` mm high from ``y`` as ``cell`` sets it. ``text()`` skips the
        fragment and graphics-state machinery that makes ``cell`` ten times slower."""
        if not line:
            return
        x = right - self.text_width(line) if align == "R" else left
        self.text(x, y + 0.5 * h + 0.3 * self.font_size, line)

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width`` mm in the current font."""
        if self.text_width(text) <= width:
            return text
        while text and self.text_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm are left: headings stay with their text."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def bar(self, x: float, y: float, w: float, h: float, parts: list[tuple[float, str]]) -> None:
        """A horizontal bar: a light track filled by ``(share, colour)`` segments."""
        self.set_fill_color(236, 239, 241)
        self.rect(x, y, w, h, style="F")
        for share, colour in parts:
            if share <= 0:
                continue
            self.set_fill_color(*rgb(colour))
            self.rect(x, y, w * share, h, style="F")
            x += w * share


def wrap(pdf: ReportPDF, text: str, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` mm in the current font.

    The lines fpdf2's ``multi_cell`` makes of plain text: a line breaks before the word
    that would overflow it, a word wider than a line breaks between characters, a
    newline always breaks (carriage returns are dropped). Measuring a word at a time
    instead of a character at a time is what makes it fast.
    """
    lines: list[str] = []
    for paragraph in text.replace("\r", "").split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if pdf.text_width(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            # a word wider than the cell breaks between characters
            while len(line) > 1 and pdf.text_width(line) > width:
                cut = len(line) - 1
                while cut > 1 and pdf.text_width(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines if text else []
