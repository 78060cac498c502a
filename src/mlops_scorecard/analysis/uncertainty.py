"""Uncertainty: small-sample intervals for every score.

A score is a weighted mean of question means, so it is (to first order) a mean over
respondents of each respondent's *influence* on it. The interval is Student's t over
those influences, with a weak prior worth one extra respondent whose answers have the
scale's own spread (so agreeing respondents do not make an interval collapse to a
point) and degrees of freedom that grow with the number of questions when the answers
to different questions vary independently. It has no random draws: the same answers
give the same interval on every machine and with every numpy. Why this method, and the
simulation that shows it covers the true score at the stated rate from three
respondents up, are in ``docs/analysis.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..answers import AnswerSet
from ..errors import ScorecardError
from ..framework import Framework
from ..matrix import ScoreMatrix, counted_values
from ..scoring import ScoreResult
from ..series import Series
from .student_t import t_quantile

__all__ = [
    "DEFAULT_CONFIDENCE",
    "METHOD",
    "PRIOR_RESPONDENTS",
    "Interval",
    "Uncertainty",
    "interval_series",
    "intervals",
    "matrix_intervals",
]

DEFAULT_CONFIDENCE = 0.9
#: The name reports and the API give the method.
METHOD = "small-sample t over respondents with a one-respondent prior"
#: The prior's weight, in respondents: enough to keep three agreeing answers from
#: claiming certainty, small enough to vanish by ten respondents.
PRIOR_RESPONDENTS = 1.0

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Interval:
    """A score interval, ``low`` to ``high`` (0-100)."""

    low: float
    high: float

    @property
    def width(self) -> float:
        """``high - low``, in score points."""
        return self.high - self.low

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval (bounds included)."""
        return self.low <= value <= self.high

    def to_dict(self) -> dict[str, float]:
        """Plain data for reports and the API: exact bounds (``format.py`` rounds them
        once, where they are shown)."""
        return {"low": self.low, "high": self.high}


@dataclass(frozen=True)
class Uncertainty:
    """Intervals for the overall score and each dimension (by id); ``None`` where
    there is no score."""

    confidence: float
    respondents: int
    overall: Interval | None
    dimensions: dict[str, Interval | None]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "method": METHOD,
            "confidence": self.confidence,
            "prior_respondents": PRIOR_RESPONDENTS,
            "respondents": self.respondents,
            "overall": None if self.overall is None else self.overall.to_dict(),
            "dimensions": {k: None if v is None else v.to_dict() for k, v in self.dimensions.items()},
        }


def _check(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ScorecardError(f"confidence must be between 0 and 1 (exclusive), not {confidence:g}")


def _target_weights(
    m: ScoreMatrix, valued_q: npt.NDArray[np.bool_]
) -> tuple[list[FloatArray | None], FloatArray | None]:
    """Each dimension's question weights (summing to 1 over the questions its score
    counts, ``valued_q``; ``None`` without any) and the overall score's, for the
    weighted-mean rule."""
    dims: list[FloatArray | None] = []
    for _, s in m.spans:
        a = np.zeros(len(m.questions))
        w = np.where(valued_q[s], m.weights[s], 0.0)
        if w.sum() > 0:
            a[s] = w / w.sum()
            dims.append(a)
        else:
            dims.append(None)
    dim_w = np.array([d.weight for d, _ in m.spans], dtype=float)
    scored = [j for j, a in enumerate(dims) if a is not None and dim_w[j] > 0]
    if not scored:
        return dims, None
    total = float(dim_w[scored].sum())
    overall = np.zeros(len(m.questions))
    for j in scored:
        share = dims[j]
        assert share is not None  # scored lists only dimensions with weights
        overall += (dim_w[j] / total) * share
    return dims, overall


def _interval(
    values: FloatArray,
    a: FloatArray,
    means: FloatArray,
    counts: FloatArray,
    prior_var: float,
    confidence: float,
) -> Interval:
    """The interval of the score ``100 * a @ means`` (``a`` zero off its questions).

    A question the score counts without a value (0, under ``dimension_score: sum``) adds
    nothing to the score and no spread: only questions with values vary."""
    on = (a > 0) & (counts > 0)
    if not on.any():
        return Interval(0.0, 0.0)
    has = ~np.isnan(values[:, on])
    rows = has.any(axis=1)
    n = int(rows.sum())
    point = 100 * float(a[on] @ means[on])
    k = PRIOR_RESPONDENTS
    nq = counts[on]
    # Each respondent's influence on each question mean, scaled to a mean's units.
    e = np.where(has[rows], values[rows][:, on] - means[on], 0.0) * (n / nq)
    u = e @ a[on]
    prior_q = k * prior_var * a[on] ** 2 * (n / nq)
    denom = n * (n - 1 + k)
    var = (float(u @ u) + float(prior_q.sum())) / denom
    # Degrees of freedom: n - 1 + k for one respondent-level variance; up to that many
    # per question when questions vary independently (the variance is then a sum of
    # independent parts, Satterthwaite), interpolated by how much of the variance
    # those parts explain (the rest is respondents answering alike across questions).
    part = (a[on] ** 2 * (e**2).sum(axis=0) + prior_q) / denom
    diag = float(part.sum())
    spread = diag**2 / max(float((part**2).sum()), np.finfo(float).tiny)
    share = min(diag / var, 1.0) if var > 0 else 1.0
    base = n - 1 + k
    df = 1.0 / ((1 - share) / base + share / (base * spread))
    half = 100 * t_quantile(df, (1 + confidence) / 2) * float(np.sqrt(var))
    # + 0.0: a bound clipped from -0.0 is written as 0.0, never as -0.0
    return Interval(float(np.clip(point - half, 0, 100)) + 0.0, float(np.clip(point + half, 0, 100)) + 0.0)


def matrix_intervals(m: ScoreMatrix, *, confidence: float = DEFAULT_CONFIDENCE) -> Uncertainty:
    """Intervals for every score of one :class:`~mlops_scorecard.matrix.ScoreMatrix` (see :func:`intervals`)."""
    _check(confidence)
    dim_ids = [d.id for d, _ in m.spans]
    # A canonical respondent order (sorted by their answers): sums run in the same order
    # whatever order the file lists them in, so the bounds agree to the last bit.
    order = np.lexsort(m.codes.T[::-1]) if m.codes.shape[1] else np.arange(m.size)
    values = m.values[order]
    has = ~np.isnan(values)
    counts = has.sum(axis=0).astype(float)
    # the questions the scores count, by the framework's rule (matrix.counted_values):
    # with values, or (under `sum`) without one but applicable, counting 0
    q_means, dropped = m.question_values()
    valued_q = ~np.isnan(counted_values(m.framework, q_means, dropped))
    if m.size == 0 or not valued_q.any():
        return Uncertainty(confidence, m.size, None, dict.fromkeys(dim_ids))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, np.where(has, values, 0.0).sum(axis=0) / np.maximum(counts, 1), 0.0)
    # The prior respondent answers every question with the scale's values equally
    # likely: its variance is the spread of the scale itself.
    prior_var = float(np.var(m.categories)) if len(m.categories) > 1 else 0.25
    dim_weights, overall_weights = _target_weights(m, valued_q)
    dims = {
        d: None if a is None else _interval(values, a, means, counts, prior_var, confidence)
        for d, a in zip(dim_ids, dim_weights, strict=True)
    }
    overall: Interval | None
    if m.framework.overall == "minimum":
        scored = [iv for iv in dims.values() if iv is not None]
        # The minimum of the dimensions lies between the lowest low and the lowest high.
        overall = Interval(min(iv.low for iv in scored), min(iv.high for iv in scored)) if scored else None
    else:
        overall = (
            None
            if overall_weights is None
            else _interval(values, overall_weights, means, counts, prior_var, confidence)
        )
    return Uncertainty(confidence, m.size, overall, dims)


def intervals(
    framework: Framework, answers: AnswerSet, *, confidence: float = DEFAULT_CONFIDENCE
) -> Uncertainty:
    """Intervals for each dimension score and the overall score.

    With confidence c (default 0.9) an interval is meant to contain the score that
    infinitely many respondents like these would give, c of the time; the method and
    its coverage at 3-40 respondents are in ``docs/analysis.md``. No random draws: the
    same answers give the same intervals, in any order. Raises :class:`ScorecardError`
    for a confidence outside (0, 1).
    """
    return matrix_intervals(ScoreMatrix.build(framework, answers), confidence=confidence)


def interval_series(result: ScoreResult, uncertainty: Uncertainty, *, name: str = "Overall") -> Series:
    """The radar series of ``result``'s dimension scores with the intervals as its band."""
    lows: list[float | None] = []
    highs: list[float | None] = []
    for d in result.dimensions:
        iv = uncertainty.dimensions.get(d.id)
        lows.append(None if iv is None else iv.low)
        highs.append(None if iv is None else iv.high)
    return Series(name, [d.score for d in result.dimensions], band=(lows, highs))
