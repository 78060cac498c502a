"""What a chart shows: its kinds, formats and series, and the checks every chart makes.

Kept apart from the drawing modules so that the analysis modules, which build series,
import nothing that draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from ..errors import ScorecardError

__all__ = ["ChartFormat", "ChartKind", "Series", "check_format", "check_polar"]

ChartKind = Literal["radar", "stellar"]
ChartFormat = Literal["svg", "png", "pdf"]


@dataclass(frozen=True)
class Series:
    """One outline on a chart.

    ``values`` has one score (0-100) per axis; ``None`` (no score) is drawn at 0 with a
    hollow marker. ``band`` is an optional ``(low, high)`` per axis drawn as a
    translucent band; ``dashed`` draws the outline dashed (e.g. for targets).
    """

    name: str
    values: list[float | None]
    band: tuple[list[float | None], list[float | None]] | None = None
    dashed: bool = False


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
