"""Agreement between respondents: Krippendorff's alpha (ordinal), overall and per dimension.

The method, thresholds and readings are in ``docs/analysis.md``. Alpha is computed on
the assessment's :class:`~mlops_scorecard.matrix.ScoreMatrix` (its ordinal categories),
which the other analyses share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..answers import AnswerSet
from ..framework import Framework
from ..matrix import ScoreMatrix

__all__ = [
    "STRONG_ALPHA",
    "TENTATIVE_ALPHA",
    "Agreement",
    "AgreementReport",
    "agreement",
    "alpha_reading",
    "matrix_agreement",
    "ordinal_alpha",
    "ordinal_alpha_from_ratings",
]

#: Krippendorff's conventional bands: at or above 0.8 data can be relied on; from
#: 0.667 only tentative conclusions are acceptable.
STRONG_ALPHA = 0.8
TENTATIVE_ALPHA = 0.667


# --- Krippendorff's alpha -----------------------------------------------------------


def ordinal_alpha(counts: npt.ArrayLike) -> float | None:
    """Krippendorff's alpha with the ordinal metric from a units x categories matrix.

    ``counts[u, c]`` is how many coders gave unit ``u`` the category ``c`` (categories
    in their order, lowest first). Units with fewer than two values are not pairable
    and left out. ``None`` when alpha is undefined: fewer than two pairable values, or
    no variation at all (every pairable value the same category).
    """
    n_uc = np.asarray(counts, dtype=float)
    if n_uc.ndim != 2:
        raise ValueError("counts must be a units x categories matrix")
    m_u = n_uc.sum(axis=1)
    n_uc = n_uc[m_u >= 2]
    m_u = m_u[m_u >= 2]
    if not len(m_u):
        return None
    scaled = n_uc / (m_u - 1)[:, None]
    # coincidence matrix: o_ck = sum_u (n_uc n_uk - [c = k] n_uc) / (m_u - 1)
    o = scaled.T @ n_uc - np.diag(scaled.sum(axis=0))
    n_c = o.sum(axis=1)
    n = n_c.sum()
    # ordinal metric: delta_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2
    cum = np.concatenate([[0.0], np.cumsum(n_c)])
    lo = np.minimum.outer(np.arange(len(n_c)), np.arange(len(n_c)))
    hi = np.maximum.outer(np.arange(len(n_c)), np.arange(len(n_c)))
    delta = (cum[hi + 1] - cum[lo] - (n_c[:, None] + n_c[None, :]) / 2) ** 2
    expected = float((np.outer(n_c, n_c) * delta).sum())
    if n <= 1 or expected <= 0:
        return None
    return float(1.0 - (n - 1) * float((o * delta).sum()) / expected)


def ordinal_alpha_from_ratings(ratings: npt.ArrayLike) -> float | None:
    """:func:`ordinal_alpha` from a coders x units matrix of values (NaN: missing).

    The distinct values, sorted, are the ordinal categories (the layout of the
    ``krippendorff`` package's ``reliability_data``).
    """
    data = np.asarray(ratings, dtype=float)
    if data.ndim != 2:
        raise ValueError("ratings must be a coders x units matrix")
    has = ~np.isnan(data)
    cats = np.unique(data[has])
    index = np.searchsorted(cats, np.where(has, data, cats[0] if len(cats) else 0.0))
    counts = np.stack([((index == c) & has).sum(axis=0) for c in range(len(cats))], axis=1)
    return ordinal_alpha(counts.reshape(data.shape[1], len(cats)))


def alpha_reading(alpha: float | None) -> tuple[str, str]:
    """The band (``strong``, ``moderate``, ``low``, ``none``) and plain words for an alpha."""
    if alpha is None:
        return "undefined", "Agreement cannot be measured here."
    if alpha >= STRONG_ALPHA:
        return "strong", "Strong agreement: respondents see this the same way; the score can be relied on."
    if alpha >= TENTATIVE_ALPHA:
        return (
            "moderate",
            "Moderate agreement: good enough for tentative conclusions; go through the hotspots.",
        )
    if alpha > 0:
        return (
            "low",
            "Low agreement: respondents see this differently; discuss the hotspots before acting on the score.",
        )
    return (
        "none",
        "No agreement beyond chance: the answers look unrelated (or opposed); "
        "the score says little until the group calibrates.",
    )


@dataclass(frozen=True)
class Agreement:
    """Alpha over some questions, its reading, and why it is ``None`` when it is."""

    alpha: float | None
    band: str
    reading: str
    units: int
    values: int
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "alpha": self.alpha,
            "band": self.band,
            "reading": self.reading,
            "units": self.units,
            "values": self.values,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class AgreementReport:
    """Alpha over all the questions asked and per dimension (by dimension id)."""

    overall: Agreement
    dimensions: dict[str, Agreement]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "metric": "krippendorff-alpha-ordinal",
            "overall": self.overall.to_dict(),
            "dimensions": {k: v.to_dict() for k, v in self.dimensions.items()},
        }


def _category_counts(m: ScoreMatrix) -> npt.NDArray[np.int64]:
    """questions x categories: how many respondents gave each value."""
    return np.stack([(m.ordinal == c).sum(axis=0) for c in range(len(m.categories))], axis=1)


def _agreement_over(counts: npt.NDArray[np.int64], respondents: int) -> Agreement:
    m_u = counts.sum(axis=1)
    units, values = int((m_u >= 2).sum()), int(m_u[m_u >= 2].sum())
    if respondents < 2:
        reason = f"needs answers from two or more respondents; there {'is' if respondents == 1 else 'are'} {respondents}"
        return Agreement(None, "undefined", "Agreement needs two or more respondents.", units, values, reason)
    alpha = ordinal_alpha(counts)
    if alpha is None:
        if not units:
            reason = "no question has a value (yes, partly, no) from two or more respondents"
        else:
            reason = "everyone gave the same answer to every question: no variation to measure agreement on"
        band, reading = alpha_reading(None)
        if units:
            reading = "Everyone gave the same answer everywhere: full agreement, but alpha is undefined."
        return Agreement(None, band, reading, units, values, reason)
    band, reading = alpha_reading(alpha)
    return Agreement(alpha, band, reading, units, values)


def matrix_agreement(m: ScoreMatrix) -> AgreementReport:
    """:func:`agreement` of an already built :class:`~mlops_scorecard.matrix.ScoreMatrix`."""
    counts = _category_counts(m)
    dims = {d.id: _agreement_over(counts[s], m.size) for d, s in m.spans}
    return AgreementReport(_agreement_over(counts, m.size), dims)


def agreement(framework: Framework, answers: AnswerSet) -> AgreementReport:
    """Krippendorff's alpha (ordinal, over the scale's valued answers) overall and per
    dimension; questions are the units, respondents the coders, and "na", "unknown"
    and unanswered cells are missing."""
    return matrix_agreement(ScoreMatrix.build(framework, answers))
