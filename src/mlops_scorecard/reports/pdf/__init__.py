"""The PDF report (A4), drawn with fpdf2 from the same view as the other formats.

The sections are drawn in reading order by :mod:`.context`, :mod:`.summary`, :mod:`.calibration`, :mod:`.charts`,
:mod:`.analysis`, :mod:`.evidence` and :mod:`.answers`, on :mod:`.page`'s pages, with :mod:`.table`'s
tables. The creation date is the report's ``generated_at``, so the same input gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..data import ReportData
from ..figures import SUMMARY_KINDS
from ..view import report_view
from .analysis import agreement, plan, roles, trend
from .answers import answers
from .calibration import calibration
from .charts import Chart, chart_row
from .context import context
from .evidence import evidence
from .page import ReportPDF
from .summary import scores, title_block, trust

__all__ = ["Chart", "render_pdf"]


def render_pdf(
    data: ReportData, charts: Mapping[str, Chart], *, generated_at: dt.datetime | None = None
) -> bytes:
    """The PDF report of ``data`` with ``charts`` (by kind, as
    :func:`~mlops_scorecard.reports.figures.pdf_charts` gives them): radar and stellar side by side, roles and
    trend in their sections.

    ``generated_at`` sets the document's creation date; it defaults to the report's
    ``generated_at`` so the bytes depend on the data only.
    """
    v = report_view(data)
    pdf = ReportPDF(v["heading"], f"{v['tool']} · {data['generated_at']}")
    pdf.set_title(v["heading"])
    pdf.set_creator(v["tool"])
    pdf.set_lang("en")
    pdf.set_creation_date(generated_at or dt.datetime.fromisoformat(data["generated_at"]))
    pdf.add_page()

    title_block(pdf, v)
    context(pdf, v)
    scores(pdf, v)
    calibration(pdf, v)
    chart_row(pdf, {k: charts[k] for k in SUMMARY_KINDS if k in charts}, data)
    trust(pdf, v)
    agreement(pdf, v)
    roles(pdf, v, charts.get("roles"), data)
    evidence(pdf, v)
    plan(pdf, v)
    trend(pdf, v, charts.get("trend"), data)
    answers(pdf, v)
    return bytes(pdf.output())
