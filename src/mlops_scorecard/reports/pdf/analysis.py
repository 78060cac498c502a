"""The PDF report's analysis sections: agreement and the hotspots to discuss, scores by
role, the improvement plan, and progress over time.
"""

from __future__ import annotations

from typing import Any

from ..data import ReportData
from ..figures import chart_caption
from .charts import Chart, figure
from .page import ReportPDF
from .table import BOLD, GREY_TEXT, Table

__all__ = ["agreement", "plan", "roles", "trend"]


def agreement(pdf: ReportPDF, v: dict[str, Any]) -> None:
    """Agreement (Krippendorff's alpha) overall and per dimension, and the hotspots."""
    ag = v["agreement"]
    overall = ag["overall"]
    pdf.h2("Agreement and the calibration agenda", room=60)
    text = f"Krippendorff's alpha (ordinal) overall: {overall['alpha']} ({overall['band']}). {overall['reading']}"
    if overall["reason"]:
        text += f" ({overall['reason']})"
    pdf.para(text)
    pdf.ln(1)
    heading = ["Dimension", "Alpha", "Agreement", "Questions", "Values"]
    with Table(pdf, (62, 18, 56, 22, 22), "LRLRR", heading) as table:
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
        f"Questions where the answers split (both {v['split_words']}) or spread widely, ordered by how many"
        " points the dimension score moves between the lowest and the highest answer given.",
        size=8.5,
        grey=True,
    )
    pdf.ln(1)
    heading = ["#", "Question, answers and comments", "Moves (points)"]
    with Table(pdf, (8, 142, 30), "RLR", heading) as table:
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
            table.row([str(h["rank"]), "\n".join(lines), f"{h['swing']}\noverall {h['overall_swing']}"])


def roles(pdf: ReportPDF, v: dict[str, Any], chart: Chart | None, data: ReportData) -> None:
    """Scores by role, the groups scored together, roles missing, the roles chart."""
    roles = v["roles"]
    pdf.h2("Who answered: scores by role", room=50)
    if roles["rows"]:
        n = len(roles["columns"])
        dim_w = min(24.0, (pdf.epw - 28 - 7 - 15) / max(n, 1))
        widths = (28.0, 7.0, *([dim_w] * n), 15.0)
        align = "LR" + "R" * n + "R"
        heading = ["Role", "n", *roles["columns"], "Overall"]
        with Table(pdf, widths, align, heading, heading_size=7) as table:
            for r in roles["rows"]:
                table.row(
                    [r["name"], str(r["n"]), *r["scores"], r["overall"]],
                    style=GREY_TEXT if r["group"] else None,
                )
            if roles["gap"]:
                gap = roles["gap"]
                table.row([gap["name"], "", *gap["scores"], gap["overall"]], style=BOLD)
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
        figure(pdf, chart, 110, chart_caption("roles", data))


def plan(pdf: ReportPDF, v: dict[str, Any]) -> None:
    """The ranked improvement plan."""
    plan = v["plan"]
    pdf.h2("Improvement plan", room=50)
    if not plan["actions"]:
        pdf.para(plan["message"])
        return
    pdf.para(
        f"Ranked {plan['ranking']}. Gain: the points the dimension (and the overall) score would rise"
        f" if everyone who answered said {v['best_words']}.",
        size=8.5,
        grey=True,
    )
    pdf.ln(1)
    heading = ["#", "Action", "Answers now", "Gain", "Overall"]
    with Table(pdf, (8, 110, 29, 15, 18), "RLLRR", heading) as table:
        for it in plan["actions"]:
            lines = [f"{it['question']} ({it['key']}{', extended' if it['set'] == 'extended' else ''})"]
            lines.append(f"{it['dimension']} ({it['dimension_score']})")
            if it["prioritised"]:
                lines.append(f"Prioritised by profile: {it['prioritised']}")
            if it["recommendation"]:
                lines.append(f"To do: {it['recommendation']}")
            if plan["tracked"]:
                lines.append(f"Status: {it['status']} · owner: {it['owner']} · due: {it['due']}")
            table.row([str(it["rank"]), "\n".join(lines), it["answers"], it["gain"], it["overall_gain"]])


def trend(pdf: ReportPDF, v: dict[str, Any], chart: Chart | None, data: ReportData) -> None:
    """Progress over time: the scores of each assessment, the changes, the trend chart."""
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
    align = "L" + "R" * (len(labels) + len(heads)) + ("L" if done else "")
    heading = ["Dimension", *labels, *heads, *(["Plan items done"] if done else [])]
    with Table(pdf, widths, align, heading) as table:
        for row in trend["rows"]:
            # the score on one line, its interval on the next: columns stay narrow and even
            scores = [c.replace(" (", "\n(") for c in row["cells"]]
            cells = [row["title"], *scores, *row["changes"], *([", ".join(row["done"])] if done else [])]
            table.row(cells, style=BOLD if row["overall"] else None)
    counts = ", ".join(f"{label} {n}" for label, n in zip(labels, trend["respondents"], strict=True))
    pdf.para(
        f"Scores with their {v['confidence']} intervals in brackets; {trend['change_note']}."
        f" Respondents: {counts}.",
        size=8.5,
        grey=True,
    )
    if chart is not None:
        pdf.ln(2)
        figure(pdf, chart, pdf.epw, chart_caption("trend", data))
