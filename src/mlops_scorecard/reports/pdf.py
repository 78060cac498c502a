"""The PDF report (A4), drawn with fpdf2 from the same view as the other formats.

fpdf2's built-in fonts are Latin-1 only, so the report embeds DejaVu Sans (shipped with
matplotlib, found without importing it): names and comments in any script that DejaVu
covers print as written. The radar, stellar and roles charts are vector drawings with
their labels as text; only the trend panels are an image. The creation date is the
report's ``generated_at``, so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import struct
from collections.abc import Mapping
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from fpdf.util import Padding

from ..charts.geometry import PolarLayout
from ..charts.pdf import FONT, add_fonts, draw_layout
from .data import ReportData
from .figures import SUMMARY_KINDS, chart_caption
from .view import report_view

__all__ = ["render_pdf"]

_MARGIN = 15.0
_GREY = (89, 99, 110)
_LINE = (209, 217, 224)
_SOFT = (246, 248, 250)


def _not_missing_glyphs(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Font %s is missing the following glyphs")


# fpdf2 logs a warning for the glyphs DejaVu lacks (CJK, for one), which print as empty
# boxes; without a font that covers every script that is the best a report can do, and
# the warning would only reach a CLI user as noise. Other fpdf2 messages pass.
logging.getLogger("fpdf.output").addFilter(_not_missing_glyphs)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class _ReportPDF(FPDF):
    """A4 pages with a running head and page numbers."""

    def __init__(self, heading: str, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.heading = heading
        self.footer_text = footer_text
        add_fonts(self)
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(auto=True, margin=18)

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FONT, "", 8)
            self.set_text_color(*_GREY)
            self.cell(0, 5, self.fit(self.heading, self.epw), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(3)
            self.set_text_color(0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_GREY)
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
        self.set_draw_color(*_LINE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)

    def h3(self, text: str) -> None:
        """A sub-heading."""
        self.keep(20)
        self.ln(2)
        self.set_font(FONT, "B", 11)
        self.multi_cell(0, 6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def para(self, text: str, *, size: float = 9.5, grey: bool = False) -> None:
        """A wrapped paragraph."""
        self.set_font(FONT, "", size)
        if grey:
            self.set_text_color(*_GREY)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width`` mm in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
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
            self.set_fill_color(*_rgb(colour))
            self.rect(x, y, w * share, h, style="F")
            x += w * share


#: A chart for the PDF: a layout drawn as vector shapes, or PNG bytes placed as an image.
Chart = PolarLayout | bytes


def render_pdf(
    data: ReportData, charts: Mapping[str, Chart], *, generated_at: dt.datetime | None = None
) -> bytes:
    """The PDF report of ``data`` with ``charts`` (by kind, as
    :func:`~.figures.pdf_charts` gives them): radar and stellar side by side, roles and
    trend in their sections.

    ``generated_at`` sets the document's creation date; it defaults to the report's
    ``generated_at`` so the bytes depend on the data only.
    """
    v = report_view(data)
    pdf = _ReportPDF(v["heading"], f"{v['tool']} · {data['generated_at']}")
    pdf.set_title(v["heading"])
    pdf.set_creator(v["tool"])
    pdf.set_lang("en")
    pdf.set_creation_date(generated_at or dt.datetime.fromisoformat(data["generated_at"]))
    pdf.add_page()

    _title_block(pdf, v)
    _scores(pdf, v)
    _charts(pdf, {k: charts[k] for k in SUMMARY_KINDS if k in charts}, data)
    _trust(pdf, v)
    _agreement(pdf, v)
    _roles(pdf, v, charts.get("roles"), data)
    _plan(pdf, v)
    _trend(pdf, v, charts.get("trend"), data)
    _answers(pdf, v)
    return bytes(pdf.output())


def _title_block(pdf: _ReportPDF, v: dict[str, Any]) -> None:
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 9, v["heading"], align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    for label, value in v["meta"]:
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*_GREY)
        pdf.cell(28, 5, label)
        pdf.set_text_color(0)
        pdf.multi_cell(0, 5, str(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    y = pdf.get_y()
    pdf.set_fill_color(*_SOFT)
    pdf.rect(pdf.l_margin, y, pdf.epw, 18, style="F")
    pdf.set_xy(pdf.l_margin + 4, y + 2)
    pdf.set_font(FONT, "B", 24)
    pdf.cell(30, 14, v["overall"])
    pdf.set_font(FONT, "", 10)
    pdf.set_xy(pdf.l_margin + 36, y + 3)
    pdf.cell(0, 6, "Overall score (0-100)")
    pdf.set_xy(pdf.l_margin + 36, y + 9)
    pdf.set_font(FONT, "B", 10)
    pdf.set_text_color(*_rgb(v["overall_colour"]))
    pdf.cell(pdf.get_string_width(v["overall_level"]) + 3, 6, v["overall_level"])
    if v["overall_interval"] != "—":
        pdf.set_font(FONT, "", 9.5)
        pdf.set_text_color(*_GREY)
        pdf.cell(0, 6, f"{v['interval_heading']} {v['overall_interval']}")
    pdf.set_text_color(0)
    pdf.set_y(y + 20)


def _scores(pdf: _ReportPDF, v: dict[str, Any]) -> None:
    pdf.h2("Scores")
    targets = bool(v["has_targets"])
    # with targets, two columns more: the dimension names and the bars give up the room
    widths: tuple[float, ...] = (
        (46.0, 14.0, 26.0, 24.0, 15.0, 13.0, 19.0) if targets else (58.0, 15.0, 28.0, 27.0, 19.0)
    )
    bar_w = pdf.epw - sum(widths) - 4
    pdf.set_font(FONT, "B", 9.5)
    pdf.set_fill_color(*_SOFT)
    heads = ["Dimension", "Score", v["interval_heading"], "  Level", *(["Target", "Gap"] if targets else [])]
    for text, w, align in zip(
        [*heads, "Coverage"], widths, ["L", "R", "R", "L", *(["R", "R"] if targets else []), "R"], strict=True
    ):
        pdf.cell(w, 7, text, align=align, fill=True)
    pdf.cell(0, 7, "", fill=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    rows = [
        (
            r["title"],
            r["score_text"],
            r["interval"],
            r["level"],
            r,
            r["coverage"],
            r["bar"],
            r["colour"],
            False,
        )
        for r in v["rows"]
    ]
    rows.append(
        (
            "Overall",
            v["overall"],
            v["overall_interval"],
            v["overall_level"],
            v["overall_target"],
            v["coverage"],
            v["overall_bar"],
            v["overall_colour"],
            True,
        )
    )
    for title, score, interval, level, target, coverage, bar, colour, bold in rows:
        y = pdf.get_y()
        pdf.set_font(FONT, "B" if bold else "", 9.5)
        pdf.cell(widths[0], 7, pdf.fit(title, widths[0] - 2))
        pdf.cell(widths[1], 7, score, align="R")
        pdf.set_text_color(*_GREY)
        pdf.set_font(FONT, "", 9)
        pdf.cell(widths[2], 7, interval, align="R")
        pdf.set_text_color(*_rgb(colour))
        pdf.set_font(FONT, "B", 9.5)
        pdf.cell(widths[3], 7, "  " + pdf.fit(level, widths[3] - 4))
        pdf.set_text_color(0)
        pdf.set_font(FONT, "B" if bold else "", 9.5)
        if targets:
            pdf.cell(widths[4], 7, target["target"], align="R")
            pdf.cell(widths[5], 7, target["gap"], align="R")
        pdf.cell(widths[-1], 7, coverage, align="R")
        pdf.bar(pdf.get_x() + 4, y + 2.2, bar_w, 2.6, [(bar / 100, colour)])
        pdf.set_draw_color(*_LINE)
        pdf.line(pdf.l_margin, y + 7, pdf.w - pdf.r_margin, y + 7)
        pdf.set_xy(pdf.l_margin, y + 7)
    pdf.ln(2)
    legend = ", ".join(f"{lv['name']} {lv['range']}" for lv in v["levels"])
    pdf.para(
        f'Levels: {legend}. "—" means no score: none of the dimension\'s answers carries a value.'
        f" {v['interval_note']}",
        size=8.5,
        grey=True,
    )


def _charts(pdf: _ReportPDF, charts: Mapping[str, Chart], data: ReportData) -> None:
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
        pdf.set_text_color(*_GREY)
        pdf.multi_cell(w, 4, chart_caption(kind, data), align="C")
        pdf.set_text_color(0)
    pdf.set_xy(pdf.l_margin, top + max(heights) + 10)


def _aspect(chart: Chart) -> float:
    """Height over width of a chart."""
    if isinstance(chart, PolarLayout):
        return chart.height / chart.width
    # a PNG's size is in its IHDR chunk, bytes 16-24: no need to decode the image
    width, height = struct.unpack(">II", chart[16:24])
    return float(height) / float(width)


def _place(pdf: _ReportPDF, chart: Chart, x: float, y: float, width: float, caption: str) -> None:
    """A chart ``width`` mm wide with its top left corner at (``x``, ``y``)."""
    if isinstance(chart, PolarLayout):
        draw_layout(pdf, chart, x, y, width)
    else:
        pdf.image(io.BytesIO(chart), x=x, y=y, w=width, alt_text=caption)


def _trust(pdf: _ReportPDF, v: dict[str, Any]) -> None:
    # the facts are short: keep them on one page with their heading
    pdf.h2("How far to trust this result", room=16 + 5.5 * len(v["facts"]))
    for label, value in v["facts"]:
        pdf.set_font(FONT, "B", 9.5)
        pdf.cell(pdf.get_string_width(label + ": ") + 1, 5.5, label + ":")
        pdf.set_font(FONT, "", 9.5)
        pdf.multi_cell(0, 5.5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    messages = v["warnings"] or [
        'No warnings: enough respondents in more than one role, good coverage, few "don\'t know" answers.'
    ]
    colour = (239, 108, 0) if v["warnings"] else (46, 125, 50)
    fill = (255, 244, 229) if v["warnings"] else (237, 247, 238)
    for message in messages:
        pdf.set_font(FONT, "", 9.5)
        pdf.keep(12)
        y = pdf.get_y()
        pdf.set_x(pdf.l_margin + 3)
        pdf.set_fill_color(*fill)
        pdf.multi_cell(
            pdf.epw - 3,
            5.5,
            message,
            fill=True,
            padding=Padding(1.5, 2, 1.5, 2),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_fill_color(*colour)
        pdf.rect(pdf.l_margin, y, 1.5, pdf.get_y() - y, style="F")
        pdf.ln(1.5)

    pdf.h3("Limitations of the method")
    with _table(pdf, (28, 84, 68), ("LEFT", "LEFT", "LEFT")) as table:
        table.row(["Limitation", "What this assessment shows", "Risk, and what the report does about it"])
        for lim in v["limitations"]:
            row = table.row()
            row.cell(lim["title"], style=_bold())
            row.cell(lim["finding"])
            row.cell(f"{lim['risk']}\n{lim['response']}", style=_grey())

    pdf.h3("Respondents")
    if not v["respondents"]:
        pdf.para(v["respondents_note"])
        return
    align = ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
    with _table(pdf, (46, 32, 18, 16, 24, 24, 20), align) as table:
        table.row(["Respondent", "Role", "Scored", "N/A", "Don't know", "No answer", "Overall"])
        for r in v["respondents"]:
            table.row(
                [
                    r["name"],
                    r["role"] or "—",
                    str(r["answered"]),
                    str(r["na"]),
                    str(r["unknown"]),
                    str(r["unanswered"]),
                    r["overall"],
                ]
            )


def _bold() -> FontFace:
    return FontFace(family=FONT, emphasis="BOLD")


def _grey() -> FontFace:
    return FontFace(family=FONT, color=_GREY)


def _figure(pdf: _ReportPDF, chart: Chart, width: float, caption: str) -> None:
    """A chart centred on the page with its caption below; a new page first if it does not fit."""
    height = width * _aspect(chart)
    pdf.keep(height + 8)
    x = pdf.l_margin + (pdf.epw - width) / 2
    top = pdf.get_y() + 1
    _place(pdf, chart, x, top, width, caption)
    pdf.set_xy(pdf.l_margin, top + height)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*_GREY)
    pdf.cell(0, 5, pdf.fit(caption, pdf.epw), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(2)


def _agreement(pdf: _ReportPDF, v: dict[str, Any]) -> None:
    ag = v["agreement"]
    overall = ag["overall"]
    pdf.h2("Agreement and the calibration agenda", room=60)
    text = f"Krippendorff's alpha (ordinal) overall: {overall['alpha']} ({overall['band']}). {overall['reading']}"
    if overall["reason"]:
        text += f" ({overall['reason']})"
    pdf.para(text)
    pdf.ln(1)
    align = ("LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT")
    with _table(pdf, (62, 18, 56, 22, 22), align) as table:
        table.row(["Dimension", "Alpha", "Agreement", "Questions", "Values"])
        for row in ag["rows"]:
            band = row["band"] + (f" ({row['reason']})" if row["reason"] else "")
            table.row([row["title"], row["alpha"], band, str(row["units"]), str(row["value_count"])])
    pdf.para(
        "Alpha is 1 when everyone gives the same answers, about 0 when the answers are as unrelated"
        " as chance; from 0.8 the scores can be relied on, from 0.667 tentatively.",
        size=8.5,
        grey=True,
    )
    pdf.h3("Hotspots: questions to discuss together")
    if not v["hotspots"]:
        pdf.para("No hotspots: no question where the answers split.")
        return
    pdf.para(
        "Questions where the answers split (both yes and no) or spread widely, ordered by how many"
        " points the dimension score moves between the lowest and the highest answer given.",
        size=8.5,
        grey=True,
    )
    pdf.ln(1)
    with _table(pdf, (8, 142, 30), ("RIGHT", "LEFT", "RIGHT")) as table:
        table.row(["#", "Question, answers and comments", "Moves (points)"])
        for h in v["hotspots"]:
            lines = [
                f"{h['text']} ({h['id']})",
                f"{h['dimension']} · {h['kind']} · answers: {h['answers']}",
            ]
            lines += [
                f"{c['respondent']}{' (' + c['role'] + ')' if c['role'] else ''}, {c['answer']}: {c['comment']}"
                for c in h["comments"]
            ]
            if h["more_comments"]:
                lines.append(f"{h['more_comments']} more comments under the answers.")
            row = table.row()
            row.cell(str(h["rank"]))
            row.cell("\n".join(lines))
            row.cell(f"{h['swing']}\noverall {h['overall_swing']}")


def _roles(pdf: _ReportPDF, v: dict[str, Any], chart: Chart | None, data: ReportData) -> None:
    roles = v["roles"]
    pdf.h2("Who answered: scores by role", room=50)
    if roles["rows"]:
        n = len(roles["columns"])
        dim_w = min(24.0, (pdf.epw - 28 - 7 - 15) / max(n, 1))
        widths = (28.0, 7.0, *([dim_w] * n), 15.0)
        align = ("LEFT", "RIGHT", *(["RIGHT"] * n), "RIGHT")
        with _table(pdf, widths, align, heading_size=7) as table:
            table.row(["Role", "n", *roles["columns"], "Overall"])
            for r in roles["rows"]:
                table.row(
                    [r["name"], str(r["n"]), *r["scores"], r["overall"]],
                    style=_grey() if r["group"] else None,
                )
            if roles["gap"]:
                gap = roles["gap"]
                table.row([gap["name"], "", *gap["scores"], gap["overall"]], style=_bold())
        for g in roles["groups"]:
            pdf.para(f"Group {g['name']}: {', '.join(g['roles'])}, scored together.", size=8.5, grey=True)
    else:
        pdf.para("Nobody has answered yet.")
    if not roles["gap"]:
        first, second = roles["gap_groups"]
        pdf.para(f"No gap between {first} and {second}: it needs respondents of both.", size=8.5, grey=True)
    pdf.ln(1)
    if roles["missing"]:
        pdf.para(
            f"Roles missing: {', '.join(roles['missing'])}. A diverse group of assessors should include them."
        )
    else:
        pdf.para("Every role a diverse group should include answered.")
    if chart is not None:
        pdf.ln(2)
        _figure(pdf, chart, 110, chart_caption("roles", data))


def _plan(pdf: _ReportPDF, v: dict[str, Any]) -> None:
    plan = v["plan"]
    pdf.h2("Improvement plan", room=50)
    if not plan["actions"]:
        pdf.para(plan["message"])
        return
    pdf.para(
        f"Ranked {plan['ranking']}. Gain: the points the dimension (and the overall) score would rise"
        " if everyone who answered said yes.",
        size=8.5,
        grey=True,
    )
    pdf.ln(1)
    align = ("RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT")
    with _table(pdf, (8, 110, 29, 15, 18), align) as table:
        table.row(["#", "Action", "Answers now", "Gain", "Overall"])
        for it in plan["actions"]:
            lines = [f"{it['question']} ({it['key']}{', extended' if it['set'] == 'extended' else ''})"]
            lines.append(f"{it['dimension']} ({it['dimension_score']})")
            if it["recommendation"]:
                lines.append(f"To do: {it['recommendation']}")
            if plan["tracked"]:
                lines.append(f"Status: {it['status']} · owner: {it['owner']} · due: {it['due']}")
            row = table.row()
            row.cell(str(it["rank"]))
            row.cell("\n".join(lines))
            row.cell(it["answers"])
            row.cell(it["gain"])
            row.cell(it["overall_gain"])


def _trend(pdf: _ReportPDF, v: dict[str, Any], chart: Chart | None, data: ReportData) -> None:
    trend = v["trend"]
    pdf.h2("Progress over time", room=40)
    if trend["reason"]:
        pdf.para(trend["reason"])
        return
    for note in trend["notes"]:
        pdf.para(f"Note: {note}", size=8.5, grey=True)
    labels = trend["labels"]
    done = trend["has_done"]
    heads = trend["change_heads"]
    rest = pdf.epw - 44 - 18 * len(heads) - (38 if done else 0)
    col = rest / max(len(labels), 1)
    widths = (44.0, *([col] * len(labels)), *([18.0] * len(heads)), *((38.0,) if done else ()))
    align = ("LEFT", *(["RIGHT"] * (len(labels) + len(heads))), *(("LEFT",) if done else ()))
    with _table(pdf, widths, align) as table:
        table.row(["Dimension", *labels, *heads, *(["Plan items done"] if done else [])])
        for row in trend["rows"]:
            # the score on one line, its interval on the next: columns stay narrow and even
            scores = [c.replace(" (", "\n(") for c in row["cells"]]
            cells = [row["title"], *scores, *row["changes"], *([", ".join(row["done"])] if done else [])]
            table.row(cells, style=_bold() if row["overall"] else None)
    counts = ", ".join(f"{label} {n}" for label, n in zip(labels, trend["respondents"], strict=True))
    pdf.para(
        f"Scores with their {v['confidence']} intervals in brackets; {trend['change_note']}."
        f" Respondents: {counts}.",
        size=8.5,
        grey=True,
    )
    if chart is not None:
        pdf.ln(2)
        _figure(pdf, chart, pdf.epw, chart_caption("trend", data))


def _table(
    pdf: _ReportPDF, widths: tuple[float, ...], align: tuple[str, ...], *, heading_size: float | None = None
) -> Any:
    """An fpdf2 table with a shaded heading row, rules between rows and text at the top
    of its cell; ``heading_size`` (pt) shrinks the heading row, e.g. for many columns."""
    # tables fill cells with the current fill colour unless told otherwise
    pdf.set_fill_color(255)
    pdf.set_draw_color(*_LINE)
    pdf.set_font(FONT, "", 9)
    return pdf.table(
        col_widths=widths,
        line_height=4.6,
        text_align=align,
        headings_style=FontFace(family=FONT, emphasis="BOLD", size_pt=heading_size, fill_color=_SOFT),
        v_align="TOP",
        cell_fill_mode="NONE",
        borders_layout="HORIZONTAL_LINES",
        padding=1.2,
    )


def _answers(pdf: _ReportPDF, v: dict[str, Any]) -> None:
    # the long part of the report starts on a page of its own, after the summary
    pdf.add_page()
    pdf.h2("Answers per question")
    for section in v["sections"]:
        pdf.h3(f"{section['title']}: {section['score']} ({section['level']})")
        for q in section["questions"]:
            pdf.keep(26)
            pdf.set_font(FONT, "B", 9.5)
            tag = " (extended)" if q["set"] == "extended" else ""
            pdf.multi_cell(
                0, 5, f"{q['id']}{tag}: {q['text']}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            y = pdf.get_y() + 1
            pdf.bar(
                pdf.l_margin,
                y,
                pdf.epw,
                2.2,
                [(d["share"], d["colour"]) for d in q["distribution"]],
            )
            pdf.set_y(y + 3.2)
            counts = " · ".join(f"{d['label']} {d['count']}" for d in q["distribution"])
            pdf.para(f"{counts} · Score {q['value']}", size=8.5, grey=True)
            pdf.set_left_margin(_MARGIN + 4)
            pdf.set_x(pdf.l_margin)
            for r in q["responses"] or [None]:
                _response(pdf, r)
            pdf.set_left_margin(_MARGIN)
            pdf.set_x(pdf.l_margin)
            pdf.ln(2.5)


def _response(pdf: _ReportPDF, r: dict[str, Any] | None) -> None:
    """One respondent's answer: name (role): answer — comment; evidence."""
    if r is None:
        pdf.set_font(FONT, "", 9)
        pdf.cell(0, 4.8, "No answers.", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    tail = f" — {r['comment']}" if r["comment"] else ""
    if r["evidence"]:
        tail += " Evidence: " + "; ".join(r["evidence"])
    # (text, bold, grey) runs of one line
    runs = [
        (r["respondent"], True, False),
        (f" ({r['role']})" if r["role"] else "", False, True),
        (": ", False, False),
        (r["label"], True, False),
        (tail, False, False),
    ]
    widths = []
    for text, bold, _ in runs:
        pdf.set_font(FONT, "B" if bold else "", 9)
        widths.append(pdf.get_string_width(text))
    # cell() skips fpdf2's line breaking, which makes write() some ten times slower:
    # use it whenever the answer fits on one line (most do), write() when it wraps
    fits = sum(widths) <= pdf.epw - 1
    for (text, bold, grey), width in zip(runs, widths, strict=True):
        if not text:
            continue
        pdf.set_font(FONT, "B" if bold else "", 9)
        if grey:
            pdf.set_text_color(*_GREY)
        if fits:
            pdf.cell(width, 4.8, text)
        else:
            pdf.write(4.8, text)
        pdf.set_text_color(0)
    pdf.ln(4.8)
