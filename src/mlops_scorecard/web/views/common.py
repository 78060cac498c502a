"""What several views share: heatmap colours, answer-count bars, file names, numbers
read from result data."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from ...analysis import WIDE_INTERVAL
from ...framework import Framework
from ...reports.palette import HEAT_STOPS, VALUE_RAMP
from ...reports.view import DISTRIBUTION_KEYS, answer_colour

__all__ = ["Bar", "answer_bars", "answer_css", "heat_legend", "heat_style", "is_wide", "number", "slug"]

#: The reports' colours of no, partly and yes (style.css's ``.d-no`` ... repeat them),
#: which a custom key's colour is taken between, by its value.
_ANSWER_RAMP = VALUE_RAMP
_HEAT_STOPS = HEAT_STOPS

#: One answer's bar: (key, label, count, share of all answers in %).
Bar = tuple[str, str, int, float]


def number(value: Any) -> float | None:
    """A number of result data (``None`` for anything else, ``bool`` included)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def answer_bars(distribution: Mapping[str, Any], choices: Sequence[tuple[str, str]]) -> list[Bar]:
    """A bar per answer of ``choices`` (``(key, label)``, from
    :func:`mlops_scorecard.format.answer_choices`) with its count in ``distribution``."""
    counts = [(k, label, int(distribution.get(k) or 0)) for k, label in choices]
    total = sum(c for _, _, c in counts) or 1
    return [(k, label, c, 100.0 * c / total) for k, label, c in counts]


def answer_css(framework: Framework) -> str:
    """CSS rules that colour a custom scale's keys in answer bars and legends (the
    ``d-{key}`` classes), each by its value as the reports colour it; empty for the
    default keys, which style.css colours."""
    rules = []
    for key in framework.scale_keys:
        if key in DISTRIBUTION_KEYS:
            continue
        colour = answer_colour(key, framework.value_of(key), _ANSWER_RAMP)
        rules.append(f".d-{key.replace('.', chr(92) + '.')} {{ background: {colour}; }}")
    return " ".join(rules)


def is_wide(width: float | None) -> bool:
    """Whether an interval this wide is flagged (:data:`mlops_scorecard.analysis.WIDE_INTERVAL`)."""
    return width is not None and width > WIDE_INTERVAL


def heat_style(score: float | None) -> str:
    """Inline CSS for a heatmap cell: background by score, text colour that stays readable."""
    if score is None:
        return "background:#f0f2f4;color:#59636e"
    s = min(100.0, max(0.0, score))
    for (lo, c0), (hi, c1) in pairwise(_HEAT_STOPS):
        if s <= hi:
            t = (s - lo) / (hi - lo)
            rgb = tuple(round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True))
            break
    else:  # pragma: no cover - s <= 100 always matches
        rgb = _HEAT_STOPS[-1][1]
    light = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 150
    return f"background:#{rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x};color:{'#1f2328' if light else '#ffffff'}"


def heat_legend() -> list[tuple[str, str]]:
    """Sample cells for the heatmap's legend: (text, style)."""
    return [(str(s), heat_style(float(s))) for s in range(0, 101, 20)]


def slug(text: str) -> str:
    """A file-name-safe form of ``text`` (for Content-Disposition)."""
    out = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return out[:80] or "assessment"
