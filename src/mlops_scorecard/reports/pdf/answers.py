"""The PDF report's long part: every question with the distribution of its answers and
each respondent's answer, comment and evidence.
"""

from __future__ import annotations

from typing import Any

from fpdf.enums import XPos, YPos

from .page import FONT, GREY, MARGIN, ReportPDF

__all__ = ["answers"]


def answers(pdf: ReportPDF, v: dict[str, Any]) -> None:
    """Answers per question, dimension by dimension, on pages of their own."""
    # the long part of the report starts on a page of its own, after the summary
    pdf.add_page()
    pdf.h2("Answers per question")
    for section in v["sections"]:
        pdf.h3(f"{section['title']}: {section['score']} ({section['level']})")
        for q in section["questions"]:
            pdf.keep(26)
            pdf.set_font(FONT, "B", 9.5)
            tag = " (extended)" if q["set"] == "extended" else ""
            pdf.lines(0, 5, f"{q['id']}{tag}: {q['text']}")
            if q["not_applicable"]:
                pdf.para(f"Not applicable: {q['not_applicable']}", size=8.5, grey=True)
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
            pdf.set_left_margin(MARGIN + 4)
            pdf.set_x(pdf.l_margin)
            for r in q["responses"] or [None]:
                _response(pdf, r)
            pdf.set_left_margin(MARGIN)
            pdf.set_x(pdf.l_margin)
            pdf.ln(2.5)


def _response(pdf: ReportPDF, r: dict[str, Any] | None) -> None:
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
        widths.append(pdf.text_width(text))
    # placing the runs side by side skips fpdf2's line breaking, which makes write()
    # some ten times slower: do that whenever the answer fits on one line (most do),
    # write() when it wraps
    fits = sum(widths) <= pdf.epw - 1
    if fits and pdf.will_page_break(4.8):
        pdf.add_page()
    x, y = pdf.get_x(), pdf.get_y()
    for (text, bold, grey), width in zip(runs, widths, strict=True):
        if not text:
            continue
        pdf.set_font(FONT, "B" if bold else "", 9)
        if grey:
            pdf.set_text_color(*GREY)
        if fits:
            # where cell(width, ...) would set it: in by c_margin, the next run after it
            pdf.place(x + pdf.c_margin, x + pdf.c_margin + width, y, 4.8, text)
            x += width
        else:
            pdf.write(4.8, text)
        pdf.set_text_color(0)
    pdf.ln(4.8)
