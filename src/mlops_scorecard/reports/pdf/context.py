"""The PDF's Context section: the profile's answers, prioritised and not-applicable
questions (nothing when the assessment answers no context question)."""

from __future__ import annotations

from typing import Any

from .page import ReportPDF
from .table import BOLD, GREY_TEXT, Table

__all__ = ["context"]


def context(pdf: ReportPDF, v: dict[str, Any]) -> None:
    """The Context section, when the report has one."""
    c = v["context"]
    if not c:
        return
    pdf.h2("Context", room=40)
    pdf.para(
        "The assessment's answers to the framework's context questions. A question they make not"
        " applicable is left out of the score, whatever was answered; a prioritised one comes first"
        " in the improvement plan.",
        size=8.5,
        grey=True,
    )
    pdf.ln(1)
    with Table(pdf, (130, 50), "LL", ["Context question", "Answer"]) as table:
        for question, label in c["answers"]:
            table.row([question, label], styles=[None, BOLD])
    if c["prioritised"]:
        pdf.h3("Prioritised")
        with Table(pdf, (140, 40), "LL", ["Question", "Id"]) as table:
            for text, qid, _ in c["prioritised"]:
                table.row([text, qid])
    if c["not_applicable"]:
        pdf.h3("Not applicable")
        with Table(pdf, (100, 80), "LL", ["Question", "Why"]) as table:
            for text, qid, reason, _ in c["not_applicable"]:
                table.row([f"{text} ({qid})", reason], styles=[None, GREY_TEXT])
