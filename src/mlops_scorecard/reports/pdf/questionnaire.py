"""The printable questionnaire as a PDF (A4), on the report's pages and fonts.

It draws :func:`~mlops_scorecard.reports.questionnaire.questionnaire_view`: tick boxes
are drawn squares beside text, so every question, answer and choice stays text that can
be searched and copied. The creation date is fixed: the same framework gives the same
bytes.
"""

from __future__ import annotations

import datetime as dt

from ...framework import Framework, QuestionSet
from ..questionnaire import Box, QuestionnaireItem, QuestionnaireView, questionnaire_view
from .page import FONT, GREY, LINE, ReportPDF

__all__ = ["render_questionnaire_pdf"]

_BOX = 3.2  # mm, the side of a tick box
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def render_questionnaire_pdf(fw: Framework, question_set: QuestionSet = "full") -> bytes:
    """The questionnaire of ``fw``'s ``question_set`` as PDF bytes."""
    v = questionnaire_view(fw, question_set)
    pdf = ReportPDF(v.title, f"{v.ref} · questionnaire")
    pdf.set_title(f"{v.title}: questionnaire")
    pdf.set_creator("mlops-scorecard")
    pdf.set_lang("en")
    pdf.set_creation_date(_EPOCH)
    pdf.add_page()
    _title(pdf, v)
    _how_to_answer(pdf, v)
    if v.profile:
        pdf.h2("Context")
        pdf.para(
            "Asked once, before the questions: the answers say which questions matter most here.", grey=True
        )
        for item in v.profile:
            _question(pdf, item, notes=False)
    for dim in v.dimensions:
        pdf.h2(f"{dim.number}. {dim.title}", room=60)
        if dim.description:
            pdf.para(dim.description, grey=True)
        for item in dim.items:
            _question(pdf, item)
    return bytes(pdf.output())


def _title(pdf: ReportPDF, v: QuestionnaireView) -> None:
    pdf.set_font(FONT, "B", 18)
    pdf.lines(0, 9, v.title)
    what = "core questions" if v.question_set == "core" else "all questions"
    pdf.para(f"Questionnaire for {v.ref} ({what}, {v.count} in all)", grey=True)
    if v.description:
        pdf.ln(2)
        pdf.para(v.description)
    if v.source:
        pdf.ln(2)
        pdf.para("Source: " + "\n".join(v.source), size=8.5, grey=True)
    pdf.ln(4)
    pdf.set_font(FONT, "", 10)
    pdf.lines(0, 7, "Interviewee: ____________________   Role: ____________________   Date: ______________")


def _how_to_answer(pdf: ReportPDF, v: QuestionnaireView) -> None:
    pdf.h2("How to answer")
    if v.has_scale_questions:
        pdf.para("Tick one answer for each question:")
        pdf.ln(1)
        for box in v.scale:
            _box_line(pdf, box, size=9.5, bold=True)
            if box.description:
                _indented(pdf, box.description, size=8.5)
    if v.has_choice_questions:
        pdf.ln(1)
        text = (
            "For a question with choices, tick every choice that is in place; a choice marked "
            '"selected alone" stands for none of the others.'
        )
        if v.unscored:
            text += f" Tick {' or '.join(v.unscored)} instead when no choice can be given."
        pdf.para(text)


def _question(pdf: ReportPDF, item: QuestionnaireItem, *, notes: bool = True) -> None:
    pdf.keep(45)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 10.5)
    pdf.lines(0, 5.5, f"{item.number}  {item.text}")
    pdf.para(f"Question {item.id}" + (" (extended)" if item.extended else ""), size=8, grey=True)
    for paragraph in item.guidance.split("\n\n"):
        if paragraph.strip():
            pdf.para(paragraph.strip(), size=8.5, grey=True)
    pdf.ln(1.5)
    if item.kind == "choices":
        pdf.para("Tick every choice in place:", size=8.5)
        for box in item.boxes:
            _box_line(pdf, box, size=9.5)
            if box.description:
                _indented(pdf, box.description + (f" {box.url}" if box.url else ""), size=7.5)
        for box in item.other_boxes:
            _box_line(pdf, box, size=9.5)
    else:
        _box_row(pdf, item.boxes)
    if notes:
        pdf.ln(1)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*GREY)
        pdf.lines(0, 5, "Notes:")
        pdf.set_text_color(0)
        pdf.set_draw_color(*LINE)
        for _ in range(2):
            pdf.keep(8)
            y = pdf.get_y() + 6
            pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
            pdf.set_y(y + 1)


def _draw_box(pdf: ReportPDF, x: float, y: float, h: float) -> None:
    pdf.set_draw_color(0)
    pdf.set_line_width(0.25)
    pdf.rect(x, y + (h - _BOX) / 2, _BOX, _BOX)


def _box_line(pdf: ReportPDF, box: Box, *, size: float, bold: bool = False) -> None:
    """A tick box with its label wrapped beside it."""
    h = size * 0.55
    pdf.keep(h + 2)
    x = pdf.l_margin + 2
    _draw_box(pdf, x, pdf.get_y(), h)
    pdf.set_x(x + _BOX + 1)
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.lines(0, h, box.label)


def _box_row(pdf: ReportPDF, boxes: list[Box]) -> None:
    """Tick boxes side by side, on as many lines as they need."""
    size = 9.5
    h = size * 0.6
    pdf.set_font(FONT, "", size)
    x = pdf.l_margin + 2
    right = pdf.w - pdf.r_margin
    pdf.keep(h + 2)
    for box in boxes:
        width = _BOX + 1.5 + pdf.text_width(box.label) + 6
        if x + width > right and x > pdf.l_margin + 2:
            pdf.set_y(pdf.get_y() + h)
            pdf.keep(h + 2)
            x = pdf.l_margin + 2
        y = pdf.get_y()
        _draw_box(pdf, x, y, h)
        pdf.place(x + _BOX + 1.5, right, y, h, box.label)
        x += width
    pdf.set_y(pdf.get_y() + h)
    pdf.set_x(pdf.l_margin)


def _indented(pdf: ReportPDF, text: str, *, size: float) -> None:
    pdf.set_x(pdf.l_margin + 2 + _BOX + 1)
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*GREY)
    pdf.lines(0, size * 0.5, text)
    pdf.set_text_color(0)
