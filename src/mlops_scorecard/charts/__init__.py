"""Radar and "stellar" charts of dimension scores, as SVG, PNG or PDF bytes; trend and
distribution charts.

The article behind the default framework shows the six dimension scores as a radar
chart and as a stellar chart (each dimension a spike). Both share one polar frame
(:mod:`.geometry`): SVG is written directly (:mod:`.svg`), PDF drawn with fpdf2's
vector primitives (:mod:`.pdf`), PNG by matplotlib (:mod:`.mpl`). The trend charts
(:mod:`.trend`) and the distribution chart (:mod:`.distribution`) are matplotlib's.

matplotlib is imported only when it draws, so importing this package, the CLI, and
producing an HTML report stay fast.

- :mod:`.series`: chart kinds and formats, :class:`Series`, input checks;
- :mod:`.geometry`: the polar layout as shapes, shared by SVG and PDF;
- :mod:`.svg`, :mod:`.pdf`: those shapes as SVG text and as fpdf2 drawing;
- :mod:`.mpl`, :mod:`.trend`, :mod:`.distribution`: the matplotlib charts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast, get_args

from ..errors import ScorecardError
from .distribution import render_distribution
from .mpl import render_polar
from .series import ChartFormat, ChartKind, Series, check_polar
from .svg import render_svg
from .trend import render_trend, render_trend_panels, render_trend_with_bands

if TYPE_CHECKING:
    from ..scoring import ScoreResult

__all__ = [
    "ChartFormat",
    "ChartKind",
    "Series",
    "render_chart",
    "render_distribution",
    "render_trend",
    "render_trend_panels",
    "render_trend_with_bands",
    "series_from_result",
    "write_chart",
]


def render_chart(
    kind: ChartKind,
    labels: list[str],
    series: list[Series],
    fmt: ChartFormat = "svg",
    *,
    title: str | None = None,
    size: float = 6.0,
    dpi: int = 150,
) -> bytes:
    """Draw a radar or stellar chart of ``series`` over the axes ``labels``.

    ``size`` is the width in inches; the height follows from the labels, the title and
    the legend (shown for more than one series). ``dpi`` sets the PNG resolution. The
    same input always gives the same bytes. Raises :class:`ScorecardError` for an
    unknown kind or format, :class:`ValueError` for a series without one value per label.
    """
    check_polar(kind, labels, series, fmt, size, dpi)
    if fmt == "svg":
        return render_svg(kind, labels, series, title=title, size=size)
    if fmt == "pdf":
        from .pdf import render_pdf_chart  # fpdf2 takes a while to import: only for PDF

        return render_pdf_chart(kind, labels, series, title=title, size=size)
    return render_polar(kind, labels, series, fmt, title=title, size=size, dpi=dpi)


def series_from_result(result: ScoreResult, *, respondents: bool = False) -> tuple[list[str], list[Series]]:
    """Labels (dimension titles) and series for :func:`render_chart` from a score.

    One series ``Overall``; with ``respondents=True`` also one per respondent, named
    ``Name (role)`` (just ``Name`` when the role is empty).
    """
    labels = [d.dimension.title for d in result.dimensions]
    series = [Series("Overall", [d.score for d in result.dimensions])]
    if respondents:
        for r in result.respondents:
            name = f"{r.name} ({r.role})" if r.role else r.name
            series.append(Series(name, [r.dimensions.get(d.id) for d in result.dimensions]))
    return labels, series


def write_chart(
    path: str | Path,
    kind: ChartKind,
    labels: list[str],
    series: list[Series],
    *,
    title: str | None = None,
) -> None:
    """Render a chart to ``path``, in the format its suffix names (.svg, .png, .pdf).

    The file is replaced atomically. An unknown suffix raises :class:`ScorecardError`.
    """
    from ..datafiles import atomic_write_bytes  # imports YAML and pydantic: load on use

    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in get_args(ChartFormat):
        what = f"the suffix '.{suffix}'" if suffix else "a name without a suffix"
        raise ScorecardError(
            f"cannot tell the chart format from {what}: use a .svg, .png or .pdf file name",
            source=str(path),
        )
    data = render_chart(kind, labels, series, cast(ChartFormat, suffix), title=title)
    atomic_write_bytes(path, data)
