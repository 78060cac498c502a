"""The HTML report: one self-contained file that makes no request to any other host.

Charts are SVG inlined as ``data:`` URIs (as images rather than inline ``<svg>``: an
image cannot run script or take styles from the page, whatever a chart holds), the CSS
is in the page, and a Content-Security-Policy forbids the browser to load anything else.
Radar, stellar and roles charts are written without matplotlib; only a trend needs it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from .data import ReportData
from .figures import CHART_KINDS, SUMMARY_KINDS, chart_alt, chart_caption
from .view import jinja_env, report_view

__all__ = ["CONTENT_SECURITY_POLICY", "render_html"]

#: Sent as a <meta> tag: even a link that slipped into a comment cannot load anything.
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def render_html(data: ReportData, charts: Mapping[str, bytes]) -> str:
    """The HTML report of ``data``, with ``charts`` (SVG bytes by kind) inlined.

    ``charts`` normally holds what :func:`~.figures.report_charts` draws: ``radar`` and
    ``stellar`` in the Charts section, ``roles`` and ``trend`` in their sections; a
    kind left out is left out of the page.
    """
    figures = {
        kind: {
            "kind": kind,
            "title": chart_caption(kind, data),
            # the alt text carries the numbers, for screen readers and text browsers
            "alt": chart_alt(kind, data),
            "src": "data:image/svg+xml;base64," + base64.b64encode(charts[kind]).decode("ascii"),
        }
        for kind in CHART_KINDS
        if kind in charts
    }
    template = jinja_env(autoescape=True).get_template("report.html.j2")
    return template.render(
        data=data,
        v=report_view(data),
        figures=[figures[k] for k in SUMMARY_KINDS if k in figures],
        roles_figure=figures.get("roles"),
        trend_figure=figures.get("trend"),
        csp=CONTENT_SECURITY_POLICY,
    )
