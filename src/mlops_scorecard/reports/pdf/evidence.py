"""The PDF report's Evidence section: the practices the code shows, the disagreements with
the answers to talk through, and the answers the code suggests.

File names come from the scanned repositories and are drawn as plain text: a PDF has no
markup for them to break out of.
"""

from __future__ import annotations

from typing import Any

from .page import ReportPDF
from .table import BOLD, GREY_TEXT, Table

__all__ = ["evidence"]


def _where(places: list[str], more: str) -> str:
    return "\n".join([*places, *([more] if more else [])])


def evidence(pdf: ReportPDF, v: dict[str, Any]) -> None:
    """The Evidence section; nothing when the report has no evidence."""
    ev = v["evidence"]
    if ev is None:
        return
    pdf.h2("Evidence", room=60)
    pdf.para(ev["lead"])
    pdf.ln(1)
    pdf.para(ev["summary"], size=8.5, grey=True)
    pdf.ln(1)
    with Table(pdf, (45, 25, 24, 86), "LLLL", ["Practice", "In the code", "Confidence", "Where"]) as table:
        for r in ev["rows"]:
            practice = f"{r['title']} ({r['id']})" + (f"\n{r['note']}" if r["note"] else "")
            table.row(
                [practice, r["status"], r["confidence"], _where(r["places"], r["more"])],
                styles=[None, BOLD if r["reading"] == "bad" else None, None, GREY_TEXT],
            )
    if ev["unmapped"]:
        pdf.para(
            f"Practices the framework maps to no question (shown, not compared): {ev['unmapped']}.",
            size=8.5,
            grey=True,
        )

    pdf.h3("Disagreements to talk through")
    if not ev["disagreements"]:
        pdf.para("No disagreements: where the code shows something, the answers say the same.")
    else:
        heading = ["#", "Question and what differs", "Files that show it"]
        with Table(pdf, (8, 98, 74), "RLL", heading) as table:
            for i, d in enumerate(ev["disagreements"], 1):
                text = f"{d['text']} ({d['question']})\n{d['dimension']} · {d['kind_text']}\n{d['message']}"
                table.row([str(i), text, "\n".join(d["files"])], styles=[None, None, GREY_TEXT])

    if ev["suggestions"]:
        # the heading, its note and the table's first rows on one page
        pdf.keep(45)
        pdf.h3("Answers the code suggests")
        pdf.para("A suggestion to check against the answers given, not an answer.", size=8.5, grey=True)
        pdf.ln(1)
        heading = ["Question", "Suggested", "Answers now", "Why"]
        with Table(pdf, (60, 23, 28, 69), "LLLL", heading) as table:
            for s in ev["suggestions"]:
                why = s["reason"] + ("\n" + _where(s["places"], s["more"]) if s["places"] else "")
                table.row([f"{s['text']} ({s['question']})", s["answer_text"], s["answers_now"], why])
