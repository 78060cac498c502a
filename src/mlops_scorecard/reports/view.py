"""What the Markdown, HTML and PDF reports show, built once from the report data.

The three renderers take their strings from here, so that a score reads "48.6" and a
missing one "—" in every format, and a change of wording is made in one place.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ..escaping import is_web_link, md_escape, md_link
from ..format import NO_ANSWER, NO_SCORE, UNANSWERED, fmt_alpha, fmt_pct, fmt_score
from .context import context_view
from .data import ReportData
from .evidence import evidence_view
from .view_analysis import analysis_view

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "ANSWER_COLOURS",
    "DISTRIBUTION_KEYS",
    "is_web_link",
    "jinja_env",
    "md_escape",
    "md_link",
    "report_view",
]

#: Columns of a question's distribution, in the order the reports show them.
DISTRIBUTION_KEYS = ("yes", "partly", "no", "na", "unknown", "unanswered")
ANSWER_COLOURS = {
    "yes": "#2e7d32",
    "partly": "#f0a202",
    "no": "#c62828",
    "na": "#90a4ae",
    "unknown": "#7e57c2",
    "unanswered": "#e0e0e0",
}
#: From the lowest level to the highest; a framework with other than five levels
#: takes evenly spread colours from this ramp.
#: Dark enough for white chip text (contrast about 4.5:1 or more).
_LEVEL_RAMP = ("#c62828", "#d84315", "#a15c00", "#558b2f", "#2e7d32")


def _target_cells(target: dict[str, Any] | None) -> dict[str, str]:
    """A row's target and the gap to it ("met" once reached); empty without a target."""
    if target is None:
        return {"target": "", "gap": ""}
    gap = "met" if target["met"] else fmt_score(target["gap"])
    return {"target": fmt_score(target["target"]), "gap": gap}


def _level_colours(levels: list[dict[str, Any]]) -> dict[str, str]:
    n = len(levels)
    last = len(_LEVEL_RAMP) - 1
    return {
        lv["id"]: _LEVEL_RAMP[round(i * last / (n - 1)) if n > 1 else last] for i, lv in enumerate(levels)
    }


def report_view(data: ReportData) -> dict[str, Any]:
    """Display strings and rows for the renderers, derived only from ``data``."""
    assessment = data["assessment"]
    fw = assessment["framework"]
    result = data["result"]
    levels = {lv["id"]: lv for lv in data["levels"]}
    colours = _level_colours(data["levels"])
    labels = {c["key"]: c["label"] for c in data["scale"]}
    labels[UNANSWERED] = NO_ANSWER

    def level_name(level_id: str | None) -> str:
        return levels[level_id]["name"] if level_id in levels else "no score"

    extra = analysis_view(data)
    targets = {t["dimension"]: t for t in data.get("targets") or []}
    rows = []
    for dim in result["dimensions"]:
        rows.append(
            {
                "id": dim["id"],
                "title": dim["title"],
                "score": dim["score"],
                "score_text": fmt_score(dim["score"]),
                "interval": extra["intervals"][dim["id"]],
                "level": level_name(dim["level"]),
                "colour": colours.get(dim["level"] or "", "#bdbdbd"),
                "coverage": fmt_pct(dim["counts"]["coverage"]),
                **_target_cells(targets.get(dim["id"])),
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
                            "colour": ANSWER_COLOURS[key],
                        }
                        for key in DISTRIBUTION_KEYS
                    ],
                    "responses": [
                        {**r, "label": labels.get(r["answer"], r["answer"])} for r in q["responses"]
                    ],
                    "not_applicable": q.get("not_applicable", ""),
                }
            )
        sections.append(
            {
                "id": block["dimension"],
                "title": block["title"],
                "score": fmt_score(dim["score"] if dim else None),
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
        "meta": [
            ("Unit", assessment["unit"] or NO_SCORE),
            ("Date", assessment["date"] or NO_SCORE),
            ("Framework", f"{fw['title']} {fw['version']} ({fw['id']})"),
            ("Question set", assessment["question_set"]),
            ("Generated", data["generated_at"]),
        ],
        "overall": fmt_score(result["overall"]),
        "overall_level": level_name(result["level"]),
        "overall_colour": colours.get(result["level"] or "", "#bdbdbd"),
        "coverage": fmt_pct(trust["coverage"]),
        "overall_bar": 0.0 if result["overall"] is None else result["overall"],
        "has_targets": bool(targets),
        "overall_target": _target_cells(targets.get("overall")),
        "rows": rows,
        "levels": [
            {**lv, "colour": colours[lv["id"]], "range": f"{lv['min']:g}-{lv['max']:g}"}
            for lv in data["levels"]
        ],
        "facts": facts,
        "warnings": [w["message"] for w in trust["warnings"]],
        "limitations": trust["limitations"],
        # without rows, either nobody answered or the report is a viewer's (aggregates only)
        "respondents_note": "Nobody has answered yet."
        if not trust["respondent_count"]
        else f"{trust['respondent_count']} answered; who, and each one's scores, are shown to facilitators only.",
        "respondents": [
            {**r, "overall": fmt_score(s["overall"])}
            for r, s in zip(trust["respondents"], result["respondents"], strict=True)
        ],
        "sections": sections,
        "evidence": evidence_view(data),
        "context": context_view(data),
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
