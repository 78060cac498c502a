"""The PDF report's summary sections: the title block with the overall score, the
scores table, and how far to trust the result (facts, warnings, the method's
limitations, the respondents).
"""

from __future__ import annotations

from typing import Any

from fpdf.enums import XPos, YPos
from fpdf.util import Padding

from .page import FONT, GREY, LINE, SOFT, ReportPDF, rgb
from .table import BOLD, GREY_TEXT, Table

__all__ = ["scores", "title_block", "trust"]


def title_block(pdf: ReportPDF, v: dict[str, Any]) -> None:
    """The report's title, its facts (unit, date, framework...) and the overall score."""
    pdf.set_font(FONT, "B", 18)
    pdf.lines(0, 9, v["heading"])
    pdf.ln(1)
    for label, value in v["meta"]:
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*GREY)
        pdf.cell(28, 5, label)
        pdf.set_text_color(0)
        pdf.lines(0, 5, str(value))
    pdf.ln(3)
    y = pdf.get_y()
    pdf.set_fill_color(*SOFT)
    pdf.rect(pdf.l_margin, y, pdf.epw, 18, style="F")
    pdf.set_xy(pdf.l_margin + 4, y + 2)
    points = bool(v.get("overall_points"))
    # in points the big figure is "1.88 / 7": the words beside it move right to make room
    big = v["overall_cell"]
    pdf.set_font(FONT, "B", 24)
    indent = max(36.0, pdf.get_string_width(big) + 10)
    pdf.cell(indent - 6, 14, big)
    pdf.set_font(FONT, "", 10)
    pdf.set_xy(pdf.l_margin + indent, y + 3)
    pdf.cell(
        0, 6, f"Overall score in points ({v['overall_score']} of 100)" if points else "Overall score (0-100)"
    )
    pdf.set_xy(pdf.l_margin + indent, y + 9)
    pdf.set_font(FONT, "B", 10)
    pdf.set_text_color(*rgb(v["overall_colour"]))
    pdf.cell(pdf.get_string_width(v["overall_level"]) + 3, 6, v["overall_level"])
    if v["overall_interval"] != "—":
        pdf.set_font(FONT, "", 9.5)
        pdf.set_text_color(*GREY)
        pdf.cell(0, 6, f"{v['interval_heading']} {v['overall_interval']}")
    pdf.set_text_color(0)
    pdf.set_y(y + 20)
    for note in v.get("cap_notes", []):
        pdf.para(note, size=9)


def scores(pdf: ReportPDF, v: dict[str, Any]) -> None:
    """The scores table: each dimension and the overall, with intervals, levels and bars."""
    pdf.h2("Scores")
    targets = bool(v["has_targets"])
    # with targets, two columns more: the dimension names and the bars give up the room
    base = [46.0, 14.0, 26.0, 24.0, 15.0, 13.0, 19.0] if targets else [58.0, 15.0, 28.0, 27.0, 19.0]
    # the level and score columns grow to their longest text ("Strongly automated",
    # "1.88 / 7") rather than cut it; the dimension names give up the room, down to 34 mm,
    # and the bars keep at least 14 mm
    pdf.set_font(FONT, "B", 9.5)
    levels = [r["level"] for r in v["rows"]] + [v["overall_level"]]
    scores = [r["score_text"] for r in v["rows"]] + [v["overall_cell"]]
    base[3] = max(base[3], max(pdf.get_string_width(t) for t in levels) + 6)
    base[1] = max(base[1], max(pdf.get_string_width(t) for t in scores) + 3)
    base[0] = max(34.0, min(base[0], pdf.epw - 4 - 14 - sum(base[1:])))
    widths = tuple(base)
    bar_w = pdf.epw - sum(widths) - 4
    pdf.set_font(FONT, "B", 9.5)
    pdf.set_fill_color(*SOFT)
    heads = [
        "Dimension",
        v["score_heading"],
        v["interval_heading"],
        "  Level",
        *(["Target", "Gap"] if targets else []),
    ]
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
            v["overall_cell"],
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
        pdf.set_text_color(*GREY)
        pdf.set_font(FONT, "", 9)
        pdf.cell(widths[2], 7, interval, align="R")
        pdf.set_text_color(*rgb(colour))
        pdf.set_font(FONT, "B", 9.5)
        pdf.cell(widths[3], 7, "  " + pdf.fit(level, widths[3] - 4))
        pdf.set_text_color(0)
        pdf.set_font(FONT, "B" if bold else "", 9.5)
        if targets:
            pdf.cell(widths[4], 7, target["target"], align="R")
            pdf.cell(widths[5], 7, target["gap"], align="R")
        pdf.cell(widths[-1], 7, coverage, align="R")
        pdf.bar(pdf.get_x() + 4, y + 2.2, bar_w, 2.6, [(bar / 100, colour)])
        pdf.set_draw_color(*LINE)
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


def trust(pdf: ReportPDF, v: dict[str, Any]) -> None:
    """How far to trust the result: facts, warnings, limitations and respondents."""
    # the facts are short: keep them on one page with their heading
    pdf.h2("How far to trust this result", room=16 + 5.5 * len(v["facts"]))
    for label, value in v["facts"]:
        pdf.set_font(FONT, "B", 9.5)
        pdf.cell(pdf.get_string_width(label + ": ") + 1, 5.5, label + ":")
        pdf.set_font(FONT, "", 9.5)
        pdf.lines(0, 5.5, value)
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
    heading = ["Limitation", "What this assessment shows", "Risk, and what the report does about it"]
    with Table(pdf, (28, 84, 68), "LLL", heading) as table:
        for lim in v["limitations"]:
            table.row(
                [lim["title"], lim["finding"], f"{lim['risk']}\n{lim['response']}"],
                styles=[BOLD, None, GREY_TEXT],
            )

    pdf.h3("Respondents")
    if not v["respondents"]:
        pdf.para(v["respondents_note"])
        return
    heading = ["Respondent", "Role", "Scored", "N/A", "Don't know", "No answer", "Overall"]
    with Table(pdf, (46, 32, 18, 16, 24, 24, 20), "LLRRRRR", heading) as table:
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
