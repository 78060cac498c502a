"""The Markdown report: GitHub-flavoured Markdown tables, text only."""

from __future__ import annotations

from collections.abc import Mapping

from .data import ReportData
from .figures import CHART_KINDS, SUMMARY_KINDS, chart_caption
from .view import jinja_env, report_view

__all__ = ["render_markdown"]


def render_markdown(data: ReportData, *, chart_paths: Mapping[str, str] | None = None) -> str:
    """The Markdown report of ``data`` (from :func:`~.data.report_data`).

    Markdown stays text: charts appear only as image links when ``chart_paths`` maps a
    chart kind (``radar``, ``stellar``, ``roles``, ``trend``) to a path or URL where the
    caller saved it; ``radar`` and ``stellar`` go under Charts, the others in their
    sections.
    """
    given = chart_paths or {}
    links = {kind: (chart_caption(kind, data), given[kind]) for kind in CHART_KINDS if kind in given}
    template = jinja_env(autoescape=False).get_template("report.md.j2")
    text = template.render(
        data=data,
        v=report_view(data),
        chart_paths=[links[k] for k in SUMMARY_KINDS if k in links],
        roles_chart=links.get("roles"),
        trend_chart=links.get("trend"),
    )
    # templates leave blank runs around optional blocks; Markdown needs at most one
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
