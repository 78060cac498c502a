"""Reports for one assessment: HTML, Markdown, JSON and PDF.

Every format renders from the same data (:func:`~mlops_scorecard.reports.data.report_data`,
which is also the JSON report, see ``docs/report-format.md``). Importing this package is
cheap: Jinja2 and fpdf2 load only when a format that needs them is rendered, matplotlib
only for a trend chart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from ..datafiles import atomic_write_bytes
from ..errors import ScorecardError

if TYPE_CHECKING:
    from ..analysis.calibration import Agreed
    from ..answers import AnswerSet
    from ..evidence.crosscheck import CrossCheck
    from ..framework import Framework
    from ..scoring import ScoreResult
    from .sections import HistoryEntry, PlanOverrides

__all__ = [
    "REPORT_FORMATS",
    "ReportFormat",
    "format_for_path",
    "render_report",
    "report_schema",
    "write_report",
]

ReportFormat = Literal["html", "md", "json", "pdf"]
REPORT_FORMATS: tuple[ReportFormat, ...] = get_args(ReportFormat)

_SUFFIXES: dict[str, ReportFormat] = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".pdf": "pdf",
}


def render_report(
    framework: Framework,
    answers: AnswerSet,
    fmt: ReportFormat,
    *,
    result: ScoreResult | None = None,
    generated_at: dt.datetime | None = None,
    history: Sequence[HistoryEntry] | None = None,
    plan_overrides: PlanOverrides | None = None,
    aggregate_only: bool = False,
    targets: Mapping[str, float] | None = None,
    evidence: CrossCheck | None = None,
    evidence_scanned_at: Sequence[str] = (),
    agreed: Sequence[Agreed] = (),
) -> bytes:
    """The report of one assessment in ``fmt`` (``html``, ``md``, ``json`` or ``pdf``).

    ``result`` is ``score(framework, answers)``, computed when not given.
    ``generated_at`` (default: now, UTC) is printed in the report and, for PDF, is the
    document's creation date; fix it to get identical bytes for identical input.
    ``history`` holds earlier assessments of the same framework for the trend: answer
    sets with a date, ``(framework, answers)``, ``(date, answers)``, ``(date, result)``
    or ``(date, result, intervals)``. ``plan_overrides`` lays stored plan state (status,
    owner, due, position by question id) over the improvement plan. ``targets`` maps dimension ids (and ``overall``) to the score
    aimed at; the report shows each target and the gap to it. ``aggregate_only`` gives
    the report viewers get (:mod:`mlops_scorecard.privacy`): no names, no respondent's
    own scores, roles with fewer than three respondents merged into "other".
    ``evidence`` is the :func:`~mlops_scorecard.evidence.crosscheck.crosscheck` of a
    scan with these answers: the report gains an Evidence section (the scans' times,
    ``generated_at``, in ``evidence_scanned_at``). ``agreed`` holds the answers a
    calibration meeting agreed on: the report then says which, and shows the individual
    and the agreed scores side by side. Text formats are UTF-8.
    """
    if fmt not in REPORT_FORMATS:
        raise ScorecardError(f"unknown report format {fmt!r} (use one of: {', '.join(REPORT_FORMATS)})")
    from .data import report_data

    if result is None:
        from ..scoring import score

        result = score(framework, answers)
    original = answers
    analysis = None
    if aggregate_only:
        from ..privacy import viewer_answers

        # scores do not change; the per-respondent parts of ``result`` are dropped below
        answers, order = viewer_answers(answers)
        if result.matrix.answers is original:
            from ..analysis import analyze_matrix

            # the viewers' answers are the same answers reordered and relabelled: their
            # matrix is rows of the one already built, not a second one
            analysis = analyze_matrix(result.matrix.take(order, answers=answers), result=result)
    if generated_at is None:
        # one instant for the whole report: the PDF date and the printed time agree
        generated_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    calibration = None
    if agreed:
        from ..analysis.calibration import calibrate

        calibration = calibrate(result.matrix, agreed)
    data = report_data(
        framework,
        answers,
        result,
        calibration=calibration,
        generated_at=generated_at,
        history=history,
        plan_overrides=plan_overrides,
        targets=targets,
        analysis=analysis,
        evidence=evidence,
        evidence_scanned_at=evidence_scanned_at,
    )
    if aggregate_only:
        from ..privacy import aggregate_report

        data = aggregate_report(data, original=original)

    if fmt == "json":
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(data).encode("utf-8")

    from .figures import pdf_charts, report_charts

    if fmt == "html":
        from .html import render_html

        return render_html(data, report_charts(data, "svg")).encode("utf-8")

    from .pdf import render_pdf

    return render_pdf(data, pdf_charts(data), generated_at=generated_at)


def format_for_path(path: str | Path) -> ReportFormat:
    """The report format a file name asks for, by suffix; :class:`ScorecardError` if none."""
    suffix = Path(path).suffix.lower()
    fmt = _SUFFIXES.get(suffix)
    if fmt is None:
        known = ", ".join(_SUFFIXES)
        what = f"suffix {suffix!r}" if suffix else "no suffix"
        raise ScorecardError(
            f"cannot tell the report format from {what} (use {known}, or give the format)",
            source=str(path),
        )
    return fmt


def write_report(
    path: str | Path,
    framework: Framework,
    answers: AnswerSet,
    fmt: ReportFormat | None = None,
    *,
    result: ScoreResult | None = None,
    generated_at: dt.datetime | None = None,
    history: Sequence[HistoryEntry] | None = None,
    plan_overrides: PlanOverrides | None = None,
    targets: Mapping[str, float] | None = None,
    evidence: CrossCheck | None = None,
    evidence_scanned_at: Sequence[str] = (),
) -> ReportFormat:
    """Render the report and write it to ``path`` atomically; returns the format used.

    Without ``fmt`` the format comes from the suffix (``.html``/``.htm``, ``.md``,
    ``.json``, ``.pdf``). An existing file is replaced only once the report is complete.
    The other arguments are :func:`render_report`'s.
    """
    chosen = format_for_path(path) if fmt is None else fmt
    if chosen not in REPORT_FORMATS:
        raise ScorecardError(
            f"unknown report format {chosen!r} (use one of: {', '.join(REPORT_FORMATS)})",
            source=str(path),
        )
    body = render_report(
        framework,
        answers,
        chosen,
        result=result,
        generated_at=generated_at,
        history=history,
        plan_overrides=plan_overrides,
        targets=targets,
        evidence=evidence,
        evidence_scanned_at=evidence_scanned_at,
    )
    try:
        atomic_write_bytes(path, body)
    except OSError as exc:
        raise ScorecardError(f"cannot write report: {exc.strerror}", source=str(path)) from None
    return chosen


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON report, as shipped with the package."""
    text = (resources.files("mlops_scorecard") / "schemas" / "report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
