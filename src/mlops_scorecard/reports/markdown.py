"""The Markdown report: GitHub-flavoured Markdown tables, text only."""

from __future__ import annotations

from collections.abc import Mapping

from .data import ReportData
from .figures import CHART_KINDS, CHART_TITLES
from .view import jinja_env, report_view

__all__ = ["render_markdown"]


def render_markdown(data: ReportData, *, chart_paths: Mapping[str, str] | None = None) -> str:
    """The Markdown report of ``data`` (from :func:`~.data.report_data`).

    Markdown stays text: charts appear only as image links when ``chart_paths`` maps
    ``radar`` and/or ``stellar`` to a path or URL where the caller saved them.
    """
    paths = [(kind, chart_paths[kind]) for kind in CHART_KINDS if chart_paths and kind in chart_paths]
    template = jinja_env(autoescape=False).get_template("report.md.j2")
    text = template.render(data=data, v=report_view(data), chart_paths=paths, titles=CHART_TITLES)
    # templates leave blank runs around optional blocks; Markdown needs at most one
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
