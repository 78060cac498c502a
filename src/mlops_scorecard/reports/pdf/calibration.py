"""The PDF's Calibration section: the individual and agreed scores and the answers a
calibration meeting agreed on (nothing when no answer was agreed)."""

from __future__ import annotations

from typing import Any

from .page import ReportPDF
from .table import BOLD, GREY_TEXT, Table

__all__ = ["calibration"]


def calibration(pdf: ReportPDF, v: dict[str, Any]) -> None:
    """The Calibration section, when the report has one."""
    c = v["calibration"]
    if not c:
        return
    pdf.h2("Calibration meeting", room=40)
    pdf.para(
        "Answers agreed in a calibration meeting. The scores above are the individual answers';"
        " in the agreed scores an agreed answer replaces the respondents' answers to its question."
        " The individual answers are kept.",
        size=8.5,
        grey=True,
    )
    pdf.ln(1)
    with Table(
        pdf, (70, 28, 28, 27, 27), "LRRRR", ["Dimension", "Individual", "Agreed", "Moved", "Agreed q."]
    ) as t:
        for i, r in enumerate(c["rows"]):
            last = i == len(c["rows"]) - 1
            t.row(
                [r["title"], r["individual"], r["agreed"], r["moved"], r["questions"]],
                styles=[BOLD if last else None, None, BOLD, BOLD if last else None, None],
            )
    pdf.h3("Agreed answers")
    with Table(pdf, (80, 30, 70), "LLL", ["Question", "Agreed", "Note"]) as t:
        for q in c["questions"]:
            agreed = (
                q["label"]
                + (f" ({q['date']})" if q["date"] else "")
                + ("" if q["counted"] else "; not counted")
            )
            t.row(
                [f"{q['text']} ({q['id']}; respondents' mean {q['individual']})", agreed, q["note"]],
                styles=[None, BOLD, GREY_TEXT],
            )
