"""Uncertainty: bootstrap intervals over respondents for every score.

Each resample draws as many respondents as there are, with replacement: the number of
times each respondent is drawn is a multinomial count, and a resample's question sums
are one matrix product of those counts with the value matrix, so a thousand resamples
of ten thousand respondents take a fraction of a second. Scores of a resample follow
:mod:`.scoring`'s formulas; the interval is the percentile interval. The method is in
``docs/analysis.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .agreement import AnswerMatrix, answer_values
from .answers import AnswerSet
from .charts import Series
from .errors import ScorecardError
from .framework import Framework
from .scoring import ScoreResult

__all__ = [
    "DEFAULT_CONFIDENCE",
    "DEFAULT_RESAMPLES",
    "Interval",
    "Uncertainty",
    "bootstrap",
    "interval_series",
]

DEFAULT_CONFIDENCE = 0.9
DEFAULT_RESAMPLES = 1000
#: Cells (resamples x respondents) of one block of counts: bounds memory (8 MB a block)
#: and keeps the block in cache.
_BLOCK_CELLS = 1_000_000

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

    def to_dict(self) -> dict[str, float]:
        """Plain data for reports and the API."""
        return {"low": round(self.low, 2), "high": round(self.high, 2)}


@dataclass(frozen=True)
class Uncertainty:
    """Bootstrap intervals for the overall score and each dimension (by id);
    ``None`` where there is no score."""

    confidence: float
    resamples: int
    seed: int
    respondents: int
    overall: Interval | None
    dimensions: dict[str, Interval | None]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "method": "percentile bootstrap over respondents",
            "confidence": self.confidence,
            "resamples": self.resamples,
            "seed": self.seed,
            "respondents": self.respondents,
            "overall": None if self.overall is None else self.overall.to_dict(),
            "dimensions": {k: None if v is None else v.to_dict() for k, v in self.dimensions.items()},
        }


def _check(confidence: float, resamples: int) -> None:
    if not 0 < confidence < 1:
        raise ScorecardError(f"confidence must be between 0 and 1 (exclusive), not {confidence:g}")
    if resamples < 1:
        raise ScorecardError(f"resamples must be at least 1, not {resamples}")


def _resampled_means(m: AnswerMatrix, resamples: int, seed: int) -> FloatArray:
    """resamples x questions: each resample's question values (NaN: no value)."""
    n, q = m.codes.shape
    # A canonical respondent order (sorted by their answers) makes the result the same
    # whatever order the file lists them in: identical rows are interchangeable.
    order = np.lexsort(m.codes.T[::-1]) if q else np.arange(n)
    has = ~np.isnan(m.values)
    x = np.concatenate([np.where(has, m.values, 0.0), has.astype(float)], axis=1)[order]
    rng = np.random.default_rng(seed)
    block = max(1, min(resamples, _BLOCK_CELLS // max(n, 1)))
    dtype = np.int32 if n < 2**31 - 1 else np.int64
    out = np.empty((resamples, q))
    for start in range(0, resamples, block):
        k = min(block, resamples - start)
        # k * n draws of a respondent index; counts per (resample, respondent)
        picks = rng.integers(0, n, size=(k, n), dtype=dtype)
        picks += (np.arange(k, dtype=dtype) * n)[:, None]
        counts = np.bincount(picks.ravel(), minlength=k * n).reshape(k, n).astype(float)
        sums = counts @ x
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start : start + k] = np.where(sums[:, q:] > 0, sums[:, :q] / sums[:, q:], np.nan)
    return out


def _interval(samples: FloatArray, confidence: float) -> Interval | None:
    kept = samples[~np.isnan(samples)]
    if not len(kept):
        return None
    tail = (1 - confidence) / 2
    low, high = np.quantile(kept, [tail, 1 - tail])
    return Interval(float(np.clip(low, 0, 100)), float(np.clip(high, 0, 100)))


def _bootstrap(m: AnswerMatrix, confidence: float, resamples: int, seed: int) -> Uncertainty:
    _check(confidence, resamples)
    if m.respondents == 0:
        return Uncertainty(confidence, resamples, seed, 0, None, {d.id: None for d, _ in m.spans})
    dims, overall = m.scores(_resampled_means(m, resamples, seed))
    # a dimension (or overall) without a score in the data gets no interval
    valued = ~np.isnan(m.values)
    dim_has = [bool(valued[:, s].any()) for _, s in m.spans]
    intervals = {
        d.id: _interval(dims[:, j], confidence) if dim_has[j] else None for j, (d, _) in enumerate(m.spans)
    }
    return Uncertainty(
        confidence=confidence,
        resamples=resamples,
        seed=seed,
        respondents=m.respondents,
        overall=_interval(overall, confidence) if any(dim_has) else None,
        dimensions=intervals,
    )


def bootstrap(
    framework: Framework,
    answers: AnswerSet,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> Uncertainty:
    """Percentile bootstrap intervals over respondents for each dimension and overall.

    The same ``seed`` gives the same intervals, whatever the order of the respondents.
    Raises :class:`ScorecardError` for a confidence outside (0, 1) or no resamples.
    """
    return _bootstrap(answer_values(framework, answers), confidence, resamples, seed)


def interval_series(result: ScoreResult, uncertainty: Uncertainty, *, name: str = "Overall") -> Series:
    """The radar series of ``result``'s dimension scores with the intervals as its band."""
    lows: list[float | None] = []
    highs: list[float | None] = []
    for d in result.dimensions:
        iv = uncertainty.dimensions.get(d.id)
        lows.append(None if iv is None else iv.low)
        highs.append(None if iv is None else iv.high)
    return Series(name, [d.score for d in result.dimensions], band=(lows, highs))
