"""What the Markdown, HTML and PDF reports show, built once from the report data.

The three renderers take their strings from here, so that a score reads "48.6" and a
missing one "—" in every format, and a change of wording is made in one place.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ..escaping import is_web_link, md_escape, md_link
from ..format import (
    NO_ANSWER,
    NO_SCORE,
    UNANSWERED,
    fmt_alpha,
    fmt_amount_in,
    fmt_cap,
    fmt_pct,
    fmt_score,
    fmt_score_in,
    scale_labels,
)
from .calibration import calibration_view
from .context import context_view
from .data import ReportData
from .evidence import evidence_view
from .palette import ANSWER_COLOURS, NO_LEVEL, VALUE_RAMP, level_colours
from .view_analysis import analysis_view

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "ANSWER_COLOURS",
    "DISTRIBUTION_KEYS",
    "answer_colour",
    "is_web_link",
    "jinja_env",
    "md_escape",
    "md_link",
    "report_view",
]

#: Columns of a question's distribution, in the order the reports show them.
DISTRIBUTION_KEYS = ("yes", "partly", "no", "na", "unknown", "unanswered")
#: The distribution's column heads in the Markdown table, on the default scale.
_DEFAULT_COLUMNS = ("Yes", "Partly", "No", "N/A", "Don't know", "No answer")


def answer_colour(key: str, value: float | None, ramp: tuple[tuple[float, str], ...] = VALUE_RAMP) -> str:
    """The colour of an answer key in charts of answers: the default keys' own
    (:data:`ANSWER_COLOURS`), another key's by its value, between the colours of no
    (0), partly (0.5) and yes (1) (``ramp``: other colours at those values)."""
    if key in ANSWER_COLOURS:
        return ANSWER_COLOURS[key]
    if value is None:
        return ANSWER_COLOURS["na"]
    (x0, c0), (x1, c1) = next(
        (pair for pair in pairwise(ramp) if value <= pair[1][0]),
        (ramp[-2], ramp[-1]),
    )
    t = 0.0 if x1 == x0 else min(max((value - x0) / (x1 - x0), 0.0), 1.0)
    rgb = [round(int(c0[i : i + 2], 16) * (1 - t) + int(c1[i : i + 2], 16) * t) for i in (1, 3, 5)]
    return "#" + "".join(f"{v:02x}" for v in rgb)


def _target_cells(target: dict[str, Any] | None, points: float | None) -> dict[str, str]:
    """A row's target and the gap to it ("met" once reached), in the framework's unit
    (points when it counts ``points``); empty without a target."""
    if target is None:
        return {"target": "", "gap": ""}
    gap = "met" if target["met"] else fmt_amount_in(target["gap"], points)
    return {"target": fmt_amount_in(target["target"], points), "gap": gap}


def _level_colours(levels: list[dict[str, Any]]) -> dict[str, str]:
    return level_colours([lv["id"] for lv in levels])


def _band(level: dict[str, Any], points: float | None) -> str:
    """A level's range for the legend: ``40-60``, ``0`` for a band of one value, and
    ``over 1 to 2`` for a band open at its min (``above``); in points when the framework
    counts points."""
    low, high = level["min"], level["max"]
    if low == high:
        text = f"{low:g}"
    elif level.get("above"):
        text = f"over {low:g} to {high:g}"
    else:
        text = f"{low:g}-{high:g}"
    return text if points is None else f"{text} points"


def _cap_notes(result: dict[str, Any], name: Any) -> list[str]:
    """One sentence per level a must-have caps (:func:`~mlops_scorecard.format.fmt_cap`);
    none for results frozen before levels were capped."""
    met = (result.get("rule") or {}).get("must_have_met", 1.0)
    rows = [*((d["title"], d) for d in result["dimensions"]), ("Overall", result)]
    return [
        fmt_cap(where, name(r["level"]), name(r.get("uncapped_level")), r["capped_by"], met)
        for where, r in rows
        if r.get("capped_by")
    ]


def report_view(data: ReportData) -> dict[str, Any]:
    """Display strings and rows for the renderers, derived only from ``data``."""
    assessment = data["assessment"]
    fw = assessment["framework"]
    result = data["result"]
    levels = {lv["id"]: lv for lv in data["levels"]}
    colours = _level_colours(data["levels"])
    labels = {c["key"]: c["label"] for c in data["scale"]}
    labels[UNANSWERED] = NO_ANSWER
    scale_values = {c["key"]: c["value"] for c in data["scale"]}
    default_keys = set(labels) <= set(DISTRIBUTION_KEYS)
    # the default scale keeps its fixed columns; another shows its own keys, in the
    # order the distribution holds them (the framework's answer keys, then unanswered)
    first = next((q["distribution"] for b in data["answers"] for q in b["questions"]), None)
    dist_keys = list(DISTRIBUTION_KEYS) if default_keys or first is None else list(first)
    dist_colours = {k: answer_colour(k, scale_values.get(k)) for k in dist_keys}
    # the default keys under the scale's own labels (the ML Test Score's "Automated"
    # for yes) take those labels as heads; the default labels keep the short heads
    relabelled = scale_labels({c["key"]: c["label"] for c in data["scale"]}) is not None
    columns = (
        [
            _DEFAULT_COLUMNS[i] if k == UNANSWERED or not relabelled or k not in labels else labels[k]
            for i, k in enumerate(DISTRIBUTION_KEYS)
        ]
        if default_keys
        else [
            _DEFAULT_COLUMNS[3 + ("na", "unknown", UNANSWERED).index(k)]
            if k in ("na", "unknown", UNANSWERED)
            else labels.get(k, k)
            for k in dist_keys
        ]
    )

    def level_name(level_id: str | None) -> str:
        return levels[level_id]["name"] if level_id in levels else "no score"

    # results frozen before scoring rules existed have no "rule": scores on 0-100
    points = (result.get("rule") or {}).get("points")

    extra = analysis_view(data)
    targets = {t["dimension"]: t for t in data.get("targets") or []}
    rows = []
    for dim in result["dimensions"]:
        rows.append(
            {
                "id": dim["id"],
                "title": dim["title"],
                "score": dim["score"],
                "score_text": fmt_score_in(dim["score"], points, unit=False),
                "score_100": fmt_score(dim["score"]),
                "interval": extra["intervals"][dim["id"]],
                "level": level_name(dim["level"]),
                "colour": colours.get(dim["level"] or "", NO_LEVEL),
                "coverage": fmt_pct(dim["counts"]["coverage"]),
                **_target_cells(targets.get(dim["id"]), points),
                "bar": 0.0 if dim["score"] is None else max(0.0, min(100.0, dim["score"])),
            }
        )

    values = {q["id"]: q["value"] for d in result["dimensions"] for q in d["questions"]}
    scored = {d["id"]: d for d in result["dimensions"]}
    sections = []
    for block in data["answers"]:
        dim = scored.get(block["dimension"])
        questions = []
        for q in block["questions"]:
            value = values.get(q["id"])
            total = sum(q["distribution"].values())
            questions.append(
                {
                    "id": q["id"],
                    "text": q["text"],
                    "set": q["set"],
                    "value": NO_SCORE if value is None else fmt_score(100 * value),
                    "distribution": [
                        {
                            "key": key,
                            "label": labels.get(key, key),
                            "count": q["distribution"].get(key, 0),
                            "share": q["distribution"].get(key, 0) / total if total else 0.0,
                            "colour": dist_colours[key],
                        }
                        for key in dist_keys
                    ],
                    "responses": [
                        {
                            **r,
                            "label": labels.get(r["answer"], r["answer"]),
                            "choice_text": "; ".join(c["label"] for c in r.get("choices") or []),
                        }
                        for r in q["responses"]
                    ],
                    "not_applicable": q.get("not_applicable", ""),
                }
            )
        sections.append(
            {
                "id": block["dimension"],
                "title": block["title"],
                "score": fmt_score_in(dim["score"] if dim else None, points),
                "level": level_name(dim["level"] if dim else None),
                "questions": questions,
            }
        )

    trust = data["trust"]
    roles = ", ".join(f"{role} ({count})" for role, count in trust["roles"].items())
    facts = [
        ("Respondents", f"{trust['respondent_count']}" + (f": {roles}" if roles else "")),
        (
            "Coverage",
            f"{fmt_pct(trust['coverage'])} of {trust['cells']} answers carry a score"
            f" ({trust['respondent_count']} respondents x {trust['question_count']} questions)",
        ),
        (labels.get("unknown", "unknown"), f"{trust['unknown_count']} ({fmt_pct(trust['unknown_share'])})"),
        (labels.get("na", "na"), str(trust["na_count"])),
        (NO_ANSWER, str(trust["unanswered_count"])),
        (
            "Dimensions without a score",
            ", ".join(d["title"] for d in trust["dimensions_without_score"]) or "none",
        ),
        ("Agreement", _agreement_fact(data)),
        ("Roles missing", ", ".join(data["roles"]["missing"]) or "none"),
    ]
    heading = assessment["title"] or (
        f"{assessment['unit']}: {fw['title']}" if assessment["unit"] else fw["title"]
    )
    source = fw["source"]
    return {
        **extra,
        "heading": heading,
        "distribution_columns": columns,
        "meta": [
            ("Unit", assessment["unit"] or NO_SCORE),
            ("Date", assessment["date"] or NO_SCORE),
            ("Framework", f"{fw['title']} {fw['version']} ({fw['id']})"),
            ("Question set", assessment["question_set"]),
            ("Generated", data["generated_at"]),
        ],
        # the overall score in the framework's unit ("1.88 / 7 points" when it counts
        # points), the table's cell ("1.88 / 7", under "Points") and the 0-100 score
        "overall": fmt_score_in(result["overall"], points),
        "overall_cell": fmt_score_in(result["overall"], points, unit=False),
        "overall_score": fmt_score(result["overall"]),
        "overall_points": "" if points is None else fmt_score_in(result["overall"], points),
        "score_heading": "Score" if points is None else "Points",
        "scale_note": 'Scores run from 0 to 100; "—" means no score (no answer with a value).'
        if points is None
        else f"Scores are points out of {points:g} per dimension ({fw['title']}'s rule);"
        ' "—" means no score (no answer with a value).',
        "cap_notes": _cap_notes(result, level_name),
        "overall_level": level_name(result["level"]),
        "overall_colour": colours.get(result["level"] or "", NO_LEVEL),
        "coverage": fmt_pct(trust["coverage"]),
        "overall_bar": 0.0 if result["overall"] is None else result["overall"],
        "has_targets": bool(targets),
        "overall_target": _target_cells(targets.get("overall"), points),
        "rows": rows,
        "levels": [{**lv, "colour": colours[lv["id"]], "range": _band(lv, points)} for lv in data["levels"]],
        "facts": facts,
        "warnings": [w["message"] for w in trust["warnings"]],
        "limitations": trust["limitations"],
        # without rows, either nobody answered or the report is a viewer's (aggregates only)
        "respondents_note": "Nobody has answered yet."
        if not trust["respondent_count"]
        else f"{trust['respondent_count']} answered; who, and each one's scores, are shown to facilitators only.",
        "respondents": [
            {**r, "overall": fmt_score_in(s["overall"], points, unit=False)}
            for r, s in zip(trust["respondents"], result["respondents"], strict=True)
        ],
        "sections": sections,
        "evidence": evidence_view(data),
        "context": context_view(data),
        "calibration": calibration_view(data),
        "source": ", ".join(
            part
            for part in (
                " ".join(p for p in (source.get("author", ""), _year(source.get("year"))) if p),
                f'"{source["title"]}"' if source.get("title") else "",
            )
            if part
        ),
        "source_url": source.get("url", ""),
        "tool": f"{data['tool']['name']} {data['tool']['version']}",
    }


def _agreement_fact(data: ReportData) -> str:
    overall = data["agreement"]["overall"]
    if overall["alpha"] is None:
        return f"not measured: {overall['reason']}"
    return f"Krippendorff's alpha {fmt_alpha(overall['alpha'])} ({overall['band']})"


def _year(year: int | None) -> str:
    return f"({year})" if year else ""


@cache
def jinja_env(autoescape: bool) -> jinja2.Environment:
    """The template environment, built once per process (parsing templates is slow).

    Compiled templates are kept in Jinja's bytecode cache (a private folder of the
    user's in the temporary directory), so a new process loads a report template in
    milliseconds instead of compiling it again (some 90 ms for the HTML report); the
    cache is keyed by the template's source, so an edited template is compiled anew.
    Where no such folder can be made, templates are compiled every time.
    """
    import jinja2

    try:
        cache_: jinja2.BytecodeCache | None = jinja2.FileSystemBytecodeCache()
    except (RuntimeError, OSError):
        cache_ = None
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mlops_scorecard.reports", "templates"),
        bytecode_cache=cache_,
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,  # a typo in a template fails, not renders blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["score"] = fmt_score
    env.filters["pct"] = fmt_pct
    env.filters["md"] = md_escape
    env.filters["md_link"] = md_link
    env.tests["web_link"] = is_web_link
    return env
