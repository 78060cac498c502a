"""The report's Evidence part: what a scan of the team's repositories shows, beside the answers.

The data is a :class:`~mlops_scorecard.evidence.crosscheck.CrossCheck` laid out for the
JSON report (``evidence`` in ``docs/report-format.md``); the view gives the three
renderers their strings. Everything in it that came from a scan (file names, details,
notes) was written by whoever controls the repositories: the templates escape it like
any other user text. This module also reads scan files (``scan --format json``) for
``report --evidence``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..datafiles import parse_plain_document, read_text_file
from ..errors import ScorecardError
from ..evidence.results import SCHEMA_VERSION as SCAN_SCHEMA_VERSION
from ..evidence.results import Evidence, ScanResult, place_text
from ..format import NO_SCORE

if TYPE_CHECKING:
    from ..evidence.crosscheck import CrossCheck

__all__ = [
    "PLACES_SHOWN",
    "combine_scans",
    "evidence_data",
    "evidence_view",
    "read_scan_file",
]

#: Places named per practice and per suggested answer (the rest are counted).
PLACES_SHOWN = 3

_STATUS_TEXT = {"found": "found", "not-found": "not found", "inconclusive": "inconclusive"}
_KIND_TEXT = {
    "claimed-without-evidence": "Claimed, no evidence",
    "contradicted-by-evidence": "Contradicted by the code",
    "evidence-not-claimed": "Evidence not claimed",
}
_ANSWER_TEXT = {"yes": "Yes", "partly": "Partly", "no": "No"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _place(e: Evidence) -> dict[str, Any]:
    return {
        "repository": e.repository,
        "path": e.path,
        "line": e.line,
        "signal": e.signal,
        "confidence": e.confidence,
        "detail": e.detail,
    }


def evidence_data(check: CrossCheck, *, scanned_at: Iterable[str] = ()) -> dict[str, Any]:
    """The report's ``evidence`` part of ``check``: the practices merged over the
    repositories with their first places, the disagreements with the answers and the
    suggested answers. ``scanned_at`` holds the scans' ``generated_at`` times."""
    practices = [
        {
            "id": f.id,
            "title": f.title,
            "negative": f.negative,
            "status": f.status,
            "confidence": f.confidence,
            "evidence_total": max(f.evidence_total, len(f.evidence)),
            "places": [_place(e) for e in f.evidence[:PLACES_SHOWN]],
            "questions": list(f.questions),
            "note": f.note,
        }
        for f in check.practices
    ]
    return {
        "framework": check.framework,
        "repository_count": check.repositories,
        "scanned_at": sorted({s for s in scanned_at if s}),
        "practices": practices,
        "disagreements": [d.model_dump() for d in check.disagreements],
        "suggestions": [
            {
                "question": s.question,
                "dimension": s.dimension,
                "text": s.text,
                "answer": s.answer,
                "reason": s.reason,
                "practices": list(s.practices),
                "evidence_total": len(s.evidence),
                "places": [_place(e) for e in s.evidence[:PLACES_SHOWN]],
            }
            for s in check.suggestions
        ],
        "unmapped": list(check.unmapped),
    }


def _when(scanned_at: Sequence[str]) -> str:
    """When the scans were made, to follow "scanned": ``on DATE``, ``between DATE and
    DATE``, or empty without a time."""
    dates = sorted({m.group(0) if (m := _DATE.match(s)) else s for s in scanned_at})
    if not dates:
        return ""
    if len(dates) == 1:
        return f" on {dates[0]}"
    return f" between {dates[0]} and {dates[-1]}"


def _reading(negative: bool, status: str) -> str:
    """Whether a finding is good news (``good``), bad news (``bad``) or neither (``open``)."""
    if status == "inconclusive":
        return "open"
    if negative:
        return "bad" if status == "found" else "good"
    return "good" if status == "found" else "open"


def _places(places: list[dict[str, Any]], total: int) -> dict[str, Any]:
    """The places to print, and how many more there are ("and 4 more", or empty)."""
    shown = [place_text(p["path"], p["line"], p["repository"]) for p in places]
    more = total - len(shown)
    return {"places": shown, "more": f"and {more} more" if more > 0 else ""}


def _answers_now(question: dict[str, Any] | None, labels: dict[str, str]) -> str:
    if question is None:
        return NO_SCORE
    given = [(k, n) for k, n in question["distribution"].items() if n and k != "unanswered"]
    return ", ".join(f"{labels.get(k, k)} {n}" for k, n in given) or "no answers"


def evidence_view(data: dict[str, Any]) -> dict[str, Any] | None:
    """Display strings and rows of the report's ``evidence`` part; ``None`` without one."""
    ev = data.get("evidence")
    if not ev:
        return None
    titles = {d["id"]: d["title"] for d in data["result"]["dimensions"]}
    questions = {q["id"]: q for block in data["answers"] for q in block["questions"]}
    labels = {c["key"]: c["label"] for c in data["scale"]}
    n = ev["repository_count"]
    repos = f"{n} repositor{'y' if n == 1 else 'ies'}"
    practices = ev["practices"]
    found = sum(1 for p in practices if p["status"] == "found" and not p["negative"])
    positive = sum(1 for p in practices if not p["negative"])
    rows = []
    for p in practices:
        status = _STATUS_TEXT.get(p["status"], p["status"])
        rows.append(
            {
                "id": p["id"],
                "title": p["title"] or p["id"],
                "negative": p["negative"],
                "status": status + (" (a risk)" if p["negative"] and p["status"] == "found" else ""),
                "reading": _reading(p["negative"], p["status"]),
                "confidence": p["confidence"] or NO_SCORE,
                **_places(p["places"], p["evidence_total"]),
                "questions": ", ".join(p["questions"]),
                "note": p["note"],
            }
        )
    risks = [r["title"] for r in rows if r["reading"] == "bad"]
    disagreements = [
        {
            "question": d["question"],
            "text": d["text"],
            "dimension": titles.get(d["dimension"], d["dimension"]),
            "kind": d["kind"],
            "kind_text": _KIND_TEXT.get(d["kind"], d["kind"]),
            "message": d["message"],
            "files": list(d["files"]),
        }
        for d in ev["disagreements"]
    ]
    suggestions = [
        {
            "question": s["question"],
            "text": s["text"],
            "dimension": titles.get(s["dimension"], s["dimension"]),
            "answer": s["answer"],
            "answer_text": _ANSWER_TEXT.get(s["answer"]) or labels.get(s["answer"], s["answer"]),
            "answers_now": _answers_now(questions.get(s["question"]), labels),
            "reason": s["reason"],
            **_places(s["places"], s["evidence_total"]),
        }
        for s in ev["suggestions"]
    ]
    return {
        "lead": f"What the code shows, from {repos} scanned{_when(ev['scanned_at'])};"
        " the code never overrules the answers.",
        "summary": f"{found} of {positive} practices found."
        + (f" Also found, a risk: {', '.join(risks)}." if risks else "")
        + " Found means the code shows the practice, not that the team follows it every time;"
        " not found in the code does not mean it is not done elsewhere.",
        "rows": rows,
        "disagreements": disagreements,
        "suggestions": suggestions,
        "unmapped": ", ".join(ev["unmapped"]),
        "framework": ev["framework"],
    }


def read_scan_file(path: str | Path) -> ScanResult:
    """A scan result read from a JSON file ``scan --format json`` wrote.

    A ``crosscheck`` key (``scan --answers`` adds one) is dropped: the report compares
    the scan with its own answers. Raises :class:`ScorecardError` naming the file, and
    the line and place of each problem, for a file that is not a scan result of this
    version.
    """
    source = str(path)
    text = read_text_file(path)
    data = parse_plain_document(text, source=source, as_json=True)
    if not isinstance(data, dict):
        raise ScorecardError("not a scan result: expected a JSON object at the top level", source=source)
    version = data.get("schema_version")
    if version != SCAN_SCHEMA_VERSION:
        what = "has no schema_version" if version is None else f"has schema_version {version!r}"
        raise ScorecardError(
            f"{what}; this version of the tool reads scan results of schema_version {SCAN_SCHEMA_VERSION}",
            source=source,
        )
    data.pop("crosscheck", None)
    try:
        return ScanResult.model_validate(data)
    except ValidationError as exc:
        from ..problems import validation_problems

        raise ScorecardError(validation_problems(exc, data, text), source=source) from None


def combine_scans(scans: Sequence[ScanResult]) -> ScanResult:
    """One scan of every repository in ``scans``, in order; a repository named again
    (the same scan given twice, or a newer scan of it) counts once, as its last scan, as
    the service keeps it.

    The framework is the first one a scan names; the time is the latest scan's.
    """
    if len(scans) == 1:
        return scans[0]
    latest = {(r.name or r.path): r for s in scans for r in s.repositories}
    repositories = list(latest.values())
    framework = next((s.framework for s in scans if s.framework), None)
    try:
        return ScanResult(
            tool_version=scans[0].tool_version if scans else "",
            generated_at=max((s.generated_at for s in scans), default=""),
            framework=framework,
            repositories=repositories,
        )
    except ValidationError:
        raise ScorecardError(
            f"{len(repositories)} repositories in all: a report takes the scans of at most 1000"
        ) from None
