"""The Calibration part of the report: the answers a calibration meeting agreed on, and
the individual and agreed scores side by side (left out when nothing was agreed, so a
report without a meeting stays as it was).

The rule is :mod:`mlops_scorecard.analysis.calibration`'s: an agreed answer replaces the
respondents' answers to its question in the agreed scores; the individual answers are
kept and give the individual scores, which are the report's result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..format import fmt_delta, fmt_number, fmt_score_in

if TYPE_CHECKING:
    from ..analysis.calibration import Calibration
    from ..framework import Framework
    from .data import ReportData

__all__ = ["calibration_data", "calibration_view"]


def calibration_data(framework: Framework, cal: Calibration) -> dict[str, Any]:
    """The ``calibration`` part of the JSON report: the rule, the individual and agreed
    scores per dimension and overall, and each agreed question with its note (who
    recorded it is left out: reports go to viewers too)."""
    data = cal.to_dict()
    for q in data["questions"]:
        q.pop("agreed_by", None)
        choice = framework.scale.get(q["answer"])
        q["label"] = q["answer"] if choice is None else choice.label
    return data


def calibration_view(data: ReportData) -> dict[str, Any] | None:
    """What every format shows of the Calibration part (``None``: the report has none)."""
    cal = data.get("calibration")
    if not cal:
        return None
    points = (data["result"].get("rule") or {}).get("points")
    titles = {d["dimension"]: d["title"] for d in data["answers"]}

    def row(title: str, m: dict[str, Any]) -> dict[str, Any]:
        moved = m["moved"]
        if moved is not None and points is not None:
            moved = moved * points / 100.0
        return {
            "title": title,
            "individual": fmt_score_in(m["individual"], points, unit=False),
            "agreed": fmt_score_in(m["agreed"], points, unit=False),
            "moved": fmt_delta(moved),
            "questions": str(m["agreed_questions"]),
        }

    rows = [row(d["title"], d) for d in cal["dimensions"]]
    rows.append(row("Overall", cal["overall"]))
    questions = [
        {
            "id": q["question"],
            "text": q["text"],
            "dimension": titles.get(q["dimension"], q["dimension"]),
            "label": q["label"],
            "note": q["note"],
            "individual": "no value"
            if q["individual_value"] is None
            else fmt_number(q["individual_value"], 2),
            "counted": q["counted"],
            "date": (q["agreed_at"] or "")[:10],
        }
        for q in cal["questions"]
    ]
    return {"rows": rows, "questions": questions}
