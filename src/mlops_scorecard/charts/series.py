"""What a chart shows: its kinds, formats and series, and the checks every chart makes.

The :class:`~mlops_scorecard.series.Series` type itself is plain data in
:mod:`mlops_scorecard.series`, so the analyses that build series import nothing here.
"""

from __future__ import annotations

from typing import Literal, get_args

from ..errors import ScorecardError
from ..series import Series

__all__ = ["ChartFormat", "ChartKind", "Series", "check_format", "check_polar", "check_trend"]

ChartKind = Literal["radar", "stellar"]
ChartFormat = Literal["svg", "png", "pdf"]


def check_format(fmt: str) -> None:
    """Raise :class:`ScorecardError` unless ``fmt`` is a chart format."""
    if fmt not in get_args(ChartFormat):
        raise ScorecardError(f"unknown chart format {fmt!r} (use svg, png or pdf)")


def check_polar(kind: str, labels: list[str], series: list[Series], fmt: str, size: float, dpi: int) -> None:
    """The checks of a radar or stellar chart's input: :class:`ScorecardError` for an
    unknown kind or format, :class:`ValueError` for no labels, a size or dpi that is not
    positive, or a series without one value (and band value) per label."""
    if kind not in get_args(ChartKind):
        raise ScorecardError(f"unknown chart kind {kind!r} (use radar or stellar)")
    check_format(fmt)
    if not labels or size <= 0 or dpi <= 0:
        raise ValueError("a chart needs at least one label, a positive size and dpi")
    for s in series:
        lists = [s.values, *(s.band or ())]
        if any(len(v) != len(labels) for v in lists):
            raise ValueError(f"series {s.name!r}: need {len(labels)} values, one per label")


def check_trend(
    points: list[str], series: list[Series], fmt: str, size: float, dpi: int, *, bands: bool = True
) -> None:
    """The checks every trend chart makes: a known format (:class:`ScorecardError`), a
    positive size and dpi, and one value per point in every series (and in its band,
    with ``bands``; :class:`ValueError`: the caller's mistake, not the user's)."""
    check_format(fmt)
    if size <= 0 or dpi <= 0:
        raise ValueError("a chart needs a positive size and dpi")
    for s in series:
        lines = [s.values, *(s.band or ())] if bands else [s.values]
        if any(len(v) != len(points) for v in lines):
            raise ValueError(f"series {s.name!r}: need {len(points)} values, one per point")
