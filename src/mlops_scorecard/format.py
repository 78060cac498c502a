"""Numbers and answer labels for people: every score, change, interval, alpha and share
shown in a page, a report or the terminal is turned into text here, and only here; so is
every answer's label, taken from the framework's own scale (a framework that calls its
answers "Done" and "Not started" reads so everywhere).

Results keep exact floats: scores, the JSON report and the API carry them unrounded,
so a figure is rounded once, when it is shown. Rounding an already rounded value can
move it (41.349 kept to two decimals is 41.35, shown to one is 41.4, not 41.3), which is
why nothing upstream rounds. Every view formats through these functions, so a score
reads the same on the pages, in every report format and in the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from .framework.scales import DEFAULT_SCALE

if TYPE_CHECKING:
    from .framework import Framework

__all__ = [
    "NO_ANSWER",
    "NO_SCORE",
    "SHORT_LABELS",
    "TO",
    "UNANSWERED",
    "answer_choices",
    "answer_ends",
    "answer_label",
    "fmt_alpha",
    "fmt_amount_in",
    "fmt_cap",
    "fmt_counts",
    "fmt_delta",
    "fmt_interval",
    "fmt_interval_in",
    "fmt_number",
    "fmt_pct",
    "fmt_points",
    "fmt_score",
    "fmt_score_in",
    "framework_answer_ends",
    "plural",
    "scale_labels",
]

#: What a missing figure reads as.
NO_SCORE = "\N{EM DASH}"
#: The key of a question nobody answered, beside the scale's keys in answer counts.
UNANSWERED = "unanswered"
#: What an unanswered question reads as (the scale has no choice for it).
NO_ANSWER = "No answer"
#: Answer keys in short words, for counts beside a question (:func:`fmt_counts`).
SHORT_LABELS = {"yes": "yes", "partly": "partly", "no": "no", "na": "n/a", "unknown": "don't know"}
#: Between the ends of an interval: an en dash.
TO = "\N{EN DASH}"
#: Binary floating point leaves noise in the last digits (a mean that is 41.35 exactly
#: comes out as 41.349999999999994 or 41.35000000000001 depending on the order of the
#: sum); values are read to this many decimals before they are rounded for people.
_NOISE = Decimal("1e-9")


def _decimal(value: float, digits: int) -> Decimal:
    """``value`` rounded half up to ``digits`` decimals, as people round on paper."""
    exact = Decimal(value).quantize(_NOISE, rounding=ROUND_HALF_EVEN)
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def fmt_number(value: float | None, digits: int = 1, *, sign: bool = False, none: str = NO_SCORE) -> str:
    """``value`` rounded once to ``digits`` decimals (with ``+``/``-`` when ``sign``);
    ``none`` for ``None``. A value that rounds to zero shows no minus sign."""
    if value is None:
        return none
    number = _decimal(value, digits)
    if number.is_zero():
        number = abs(number)  # -0.04 reads "0.0" (or "+0.0"): there is no change to sign
    return f"{number:+.{digits}f}" if sign else f"{number:.{digits}f}"


def fmt_score(value: float | None, digits: int = 1) -> str:
    """A 0-100 score (one decimal by default); ``—`` for no score."""
    return fmt_number(value, digits)


def fmt_points(value: float | None, points: float, *, unit: bool = True) -> str:
    """A score already read as points, out of ``points``: ``2.5 / 7 points`` (up to two
    decimals, trailing zeros dropped: sums of half points read as such; ``2.5 / 7``
    without ``unit``, for a table whose heading says it); ``—`` for none."""
    if value is None:
        return NO_SCORE
    return f"{_points_text(value)} / {points:g}" + (" points" if unit else "")


def fmt_score_in(value: float | None, points: float | None, *, unit: bool = True) -> str:
    """A 0-100 score in the framework's unit: as :func:`fmt_score` when the framework has
    no ``points`` (pass ``framework.points``), else read as points (``2.5 / 7 points``
    for 35.71 with 7 points; ``unit`` as in :func:`fmt_points`)."""
    if points is None or value is None:
        return fmt_score(value)
    return fmt_points(value * points / 100.0, points, unit=unit)


def _points_text(value: float, *, sign: bool = False) -> str:
    """Points to two decimals, trailing zeros dropped (``2.5``, ``+1``, ``1.88``)."""
    text = fmt_number(value, 2, sign=sign)
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_amount_in(
    value: float | None, points: float | None, *, sign: bool = False, unit: bool = False
) -> str:
    """A difference of 0-100 scores (a gap to a target, a plan item's gain) or a target,
    in the framework's unit: as :func:`fmt_number` (one decimal) without ``points``, else
    read as points, ``value x points / 100``, to two decimals as :func:`fmt_points` (14.29
    with 7 points reads ``1``); ``sign`` adds ``+``/``-``, ``unit`` the word (``1 point``,
    ``+0.5 points``; nothing is added without ``points``). ``—`` for none."""
    if value is None:
        return NO_SCORE
    if points is None:
        return fmt_number(value, 1, sign=sign)
    text = _points_text(value * points / 100.0, sign=sign)
    if not unit:
        return text
    return f"{text} point" if text.lstrip("+-") == "1" else f"{text} points"


def fmt_cap(where: str, level: str, uncapped: str, capped_by: Sequence[Mapping[str, Any]], met: float) -> str:
    """Why a level is lower than its score reaches, in one sentence: ``where`` (a
    dimension's title, or "Overall"), the capped and uncapped level names, the caps as in
    ``capped_by`` of ``score --format json`` and the framework's ``must_have_met``."""
    parts = [
        f"{c['question']} ({'no value' if c.get('value') is None else 'value ' + fmt_number(c['value'], 2)})"
        for c in capped_by
    ]
    verb = "is" if len(parts) == 1 else "are"
    noun = "must-have" if len(parts) == 1 else "must-haves"
    return (
        f"{where}: level capped at {level} (the score alone reaches {uncapped}):"
        f" {noun} {', '.join(parts)} {verb} not met (met from {fmt_number(met, 2)})."
    )


def fmt_delta(value: float | None, digits: int = 1, *, none: str = NO_SCORE) -> str:
    """A change of score points with its sign (``+2.5``, ``-0.4``, ``+0.0``)."""
    return fmt_number(value, digits, sign=True, none=none)


def fmt_counts(
    distribution: Mapping[str, int], *, sep: str = ", ", labels: Mapping[str, str] | None = None
) -> str:
    """An answer distribution in a few words (``yes 3, partly 1, don't know 1``): the
    counts tables and exports show beside a question, where the framework is not at hand
    (report data, plan items); the scale's own labels are :func:`answer_label`'s. A
    custom scale's keys are named as they are, in the distribution's order. ``labels``
    (key to label, :func:`scale_labels`) names each key by its label instead, joined by
    ``; `` since a label may hold a comma (``Automated, runs repeatedly 2; Not done 1``)."""
    if labels:
        return "; ".join(
            f"{labels.get(k, SHORT_LABELS.get(k, k))} {n}"
            for k, n in distribution.items()
            if n and k != UNANSWERED
        )
    if distribution.keys() - SHORT_LABELS.keys() - {UNANSWERED}:
        return sep.join(
            f"{SHORT_LABELS.get(k, k)} {n}" for k, n in distribution.items() if n and k != UNANSWERED
        )
    return sep.join(f"{label} {distribution[k]}" for k, label in SHORT_LABELS.items() if distribution.get(k))


def fmt_interval(low: float | None, high: float | None, digits: int = 1, *, sep: str = TO) -> str:
    """An interval as ``44.4`` en dash ``52.1``; the dash for none unless both ends exist."""
    if low is None or high is None:
        return NO_SCORE
    return f"{fmt_number(low, digits)}{sep}{fmt_number(high, digits)}"


def fmt_interval_in(low: float | None, high: float | None, points: float | None) -> str:
    """An interval of 0-100 scores in the framework's unit: as :func:`fmt_interval`
    without ``points``, else both ends read as points (``0.78`` en dash ``3.22``)."""
    if points is None or low is None or high is None:
        return fmt_interval(low, high)
    return f"{fmt_amount_in(low, points)}{TO}{fmt_amount_in(high, points)}"


def fmt_alpha(value: float | None) -> str:
    """An agreement coefficient with two decimals (``-0.17``); ``—`` when there is none."""
    return fmt_number(value, 2)


def fmt_pct(value: float | None) -> str:
    """A 0-1 share as a whole percentage; ``—`` when there is nothing to divide."""
    return NO_SCORE if value is None else fmt_number(100 * value, 0) + "%"


def answer_label(framework: Framework, key: str | None) -> str:
    """The label of answer ``key`` on the framework's scale; :data:`NO_ANSWER` for no
    answer (``None``, empty or :data:`UNANSWERED`), the key itself when the scale lacks it."""
    if not key or key == UNANSWERED:
        return NO_ANSWER
    choice = framework.scale.get(key)
    return key if choice is None else choice.label


def answer_choices(framework: Framework, *, unanswered: bool = True) -> list[tuple[str, str]]:
    """``(key, label)`` of each answer on the framework's scale, in the order of its
    answer keys (yes, partly, no, not applicable, don't know on the default scale; a
    custom scale's valued keys in file order, then those two), then
    ``("unanswered", NO_ANSWER)`` unless ``unanswered`` is false."""
    out = [(k, framework.scale[k].label) for k in framework.scale_keys]
    return [*out, (UNANSWERED, NO_ANSWER)] if unanswered else out


def plural(n: int, word: str, words: str = "") -> str:
    """``n`` and the noun that agrees with it: "1 respondent", "3 respondents"
    (``words`` for an irregular plural: "1 entry", "2 entries")."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def scale_labels(scale: Mapping[str, str]) -> dict[str, str] | None:
    """The labels people should read for answer keys, given a scale as key to label:
    ``None`` when the scale is the default one with its own labels (so the short words
    of :data:`SHORT_LABELS` and the fixed column heads serve), else the labels. The ML
    Test Score keeps the default keys (yes, partly, no) under its own labels (Automated,
    Manual, Not done), which must then be shown instead of "yes" and "no"."""
    if scale.keys() <= DEFAULT_SCALE.keys() and all(DEFAULT_SCALE[k].label == v for k, v in scale.items()):
        return None
    return dict(scale)


def answer_ends(scale: Mapping[str, tuple[str, float | None]]) -> tuple[str, str]:
    """The best and the worst valued answer in words, for sentences such as "if everyone
    answered yes" and "split between yes and no", given the scale as key to (label,
    value): ``("yes", "no")`` on the default scale with its labels, else the labels in
    quotes (``'"Automated, runs repeatedly"'`` and ``'"Not done"'`` for the ML Test Score)."""
    valued = sorted(((v, label) for label, v in scale.values() if v is not None), key=lambda p: p[0])
    if scale_labels({k: label for k, (label, _) in scale.items()}) is None or len(valued) < 2:
        return "yes", "no"
    return f'"{valued[-1][1]}"', f'"{valued[0][1]}"'


def framework_answer_ends(framework: Framework) -> tuple[str, str]:
    """:func:`answer_ends` of the framework's scale."""
    return answer_ends({k: (c.label, c.value) for k, c in framework.scale.items()})
