"""Agreement between respondents: Krippendorff's alpha and disagreement hotspots.

The method, thresholds and readings are in ``docs/analysis.md``. Everything works on
:func:`mlops_scorecard.scoring.answer_matrix`'s respondents x questions matrix, turned
into values with the framework's scale (:class:`AnswerMatrix`), which the other
analyses (:mod:`.uncertainty`) share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ..answers import AnswerSet
from ..framework import ANSWER_KEYS, VALUED_KEYS, Dimension, Framework, Question
from ..scoring import _overall, _weighted_scores, answer_matrix

__all__ = [
    "SPLIT_MIN_SHARE",
    "SPREAD_THRESHOLD",
    "STRONG_ALPHA",
    "TENTATIVE_ALPHA",
    "Agreement",
    "AgreementReport",
    "AnswerMatrix",
    "Comment",
    "Hotspot",
    "agreement",
    "alpha_reading",
    "answer_values",
    "hotspots",
    "ordinal_alpha",
    "ordinal_alpha_from_ratings",
]

FloatArray = npt.NDArray[np.float64]

#: Krippendorff's conventional bands: at or above 0.8 data can be relied on; from
#: 0.667 only tentative conclusions are acceptable.
STRONG_ALPHA = 0.8
TENTATIVE_ALPHA = 0.667
#: A question is a hotspot when the standard deviation of its values (0-1 scale) reaches
#: this (e.g. half "yes", half "partly")...
SPREAD_THRESHOLD = 0.25
#: ...or when the lowest and the highest answer on the scale ("no" and "yes") are each
#: given by at least this share of the respondents with a value (with up to ten
#: respondents with a value, one of each is enough).
SPLIT_MIN_SHARE = 0.10


# --- the answers as numbers ---------------------------------------------------------


@dataclass(frozen=True)
class AnswerMatrix:
    """One assessment's answers as arrays, in :func:`answer_matrix`'s order.

    ``values`` holds each cell's scale value (NaN: no value); ``ordinal`` the index of
    that value among the distinct values of the scale, lowest first (``-1``: no
    value); ``spans`` the columns of each dimension.
    """

    framework: Framework
    answers: AnswerSet
    questions: list[Question]
    spans: list[tuple[Dimension, slice]]
    codes: npt.NDArray[np.int8]
    values: FloatArray
    ordinal: npt.NDArray[np.int8]
    categories: FloatArray
    weights: FloatArray

    @property
    def respondents(self) -> int:
        """How many respondents (rows)."""
        return int(self.codes.shape[0])

    def dimension_of(self, column: int) -> Dimension:
        """The dimension of question column ``column``."""
        return next(d for d, s in self.spans if s.start <= column < s.stop)

    def scores(self, means: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Dimension scores (``..., D``) and overall (``...``) from question values
        (``..., Q``, NaN for no value), with :mod:`.scoring`'s own formulas."""
        dims = np.stack([_weighted_scores(means[..., s], self.weights[s]) for _, s in self.spans], axis=-1)
        return dims, _overall(self.framework, dims)


def answer_values(framework: Framework, answers: AnswerSet) -> AnswerMatrix:
    """The :class:`AnswerMatrix` of an assessment (answers are not checked here)."""
    questions, codes = answer_matrix(framework, answers)
    lookup = np.array(
        [np.nan if (v := framework.value_of(k)) is None else v for k in ANSWER_KEYS] + [np.nan], dtype=float
    )
    values = lookup[codes]
    valued = [framework.value_of(k) for k in VALUED_KEYS if k in framework.scale]
    categories = np.unique(np.array([v for v in valued if v is not None], dtype=float))
    ordinal_lookup = np.array(
        [-1 if np.isnan(v) else int(np.searchsorted(categories, v)) for v in lookup], dtype=np.int8
    )
    spans: list[tuple[Dimension, slice]] = []
    start = 0
    for dim in framework.dimensions:
        n = len(dim.questions_in(answers.question_set))
        spans.append((dim, slice(start, start + n)))
        start += n
    return AnswerMatrix(
        framework=framework,
        answers=answers,
        questions=questions,
        spans=spans,
        codes=codes,
        values=values,
        ordinal=ordinal_lookup[codes],
        categories=categories,
        weights=np.array([q.weight for q in questions], dtype=float),
    )


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


def _category_counts(m: AnswerMatrix) -> npt.NDArray[np.int64]:
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


def _agreement(m: AnswerMatrix) -> AgreementReport:
    counts = _category_counts(m)
    dims = {d.id: _agreement_over(counts[s], m.respondents) for d, s in m.spans}
    return AgreementReport(_agreement_over(counts, m.respondents), dims)


def agreement(framework: Framework, answers: AnswerSet) -> AgreementReport:
    """Krippendorff's alpha (ordinal, over the scale's valued answers) overall and per
    dimension; questions are the units, respondents the coders, and "na", "unknown"
    and unanswered cells are missing."""
    return _agreement(answer_values(framework, answers))


# --- hotspots -----------------------------------------------------------------------


class Comment(NamedTuple):
    """A respondent's comment on a question, with their answer (a tuple: large
    assessments have tens of thousands)."""

    respondent: str
    role: str
    answer: str
    comment: str

    def to_dict(self) -> dict[str, str]:
        """Plain data for reports and the API."""
        return {
            "respondent": self.respondent,
            "role": self.role,
            "answer": self.answer,
            "comment": self.comment,
        }


@dataclass(frozen=True)
class Hotspot:
    """A question the respondents disagree on, and how much it can move the score.

    ``swing`` is the dimension score (points) between reading the question at the
    highest value anyone gave and at the lowest; ``overall_swing`` the same for the
    overall score.
    """

    question: Question
    dimension: Dimension
    distribution: dict[str, int]
    values: int
    mean: float
    spread: float
    split: bool
    low: float
    high: float
    swing: float
    overall_swing: float | None
    comments: list[Comment] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "question": self.question.id,
            "text": self.question.text,
            "dimension": self.dimension.id,
            "distribution": dict(self.distribution),
            "values": self.values,
            "mean": self.mean,
            "spread": self.spread,
            "split": self.split,
            "swing": self.swing,
            "overall_swing": self.overall_swing,
            "comments": [c.to_dict() for c in self.comments],
        }


def _hotspots(m: AnswerMatrix, limit: int | None = None) -> list[Hotspot]:
    has = ~np.isnan(m.values)
    n = has.sum(axis=0)
    if not m.respondents or not len(m.categories):
        return []
    filled = np.where(has, m.values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, filled.sum(axis=0) / np.maximum(n, 1), np.nan)
        spread = np.sqrt(np.where(has, (m.values - mean) ** 2, 0.0).sum(axis=0) / np.maximum(n, 1))
    low = np.where(has, m.values, np.inf).min(axis=0)
    high = np.where(has, m.values, -np.inf).max(axis=0)
    bottom = (m.ordinal == 0).sum(axis=0)
    top = (m.ordinal == len(m.categories) - 1).sum(axis=0)
    need = np.maximum(1, np.ceil(SPLIT_MIN_SHARE * n - 1e-9))
    split = (len(m.categories) > 1) & (bottom >= need) & (top >= need)
    flagged = np.flatnonzero((n >= 2) & (split | (spread >= SPREAD_THRESHOLD - 1e-12)))
    if not len(flagged):
        return []
    # scores with the flagged question read at its lowest / highest value
    base = np.where(n > 0, mean, np.nan)
    lows = np.tile(base, (len(flagged), 1))
    highs = lows.copy()
    rows = np.arange(len(flagged))
    lows[rows, flagged] = low[flagged]
    highs[rows, flagged] = high[flagged]
    dim_lo, all_lo = m.scores(lows)
    dim_hi, all_hi = m.scores(highs)
    dim_index = {d.id: j for j, (d, _) in enumerate(m.spans)}
    found = []
    for row, column in enumerate(flagged.tolist()):
        dim = m.dimension_of(column)
        j = dim_index[dim.id]
        swing = float(dim_hi[row, j] - dim_lo[row, j])
        overall = float(all_hi[row] - all_lo[row])
        found.append((column, dim, swing, None if np.isnan(overall) else overall))
    found.sort(key=lambda f: (-round(f[2], 9), -round(f[3] or 0.0, 9), -float(spread[f[0]]), f[0]))
    if limit is not None:
        found = found[:limit]
    comments = _comments(m, [f[0] for f in found])
    keys = [*ANSWER_KEYS, "unanswered"]
    out = []
    for col, dim, swing, overall_swing in found:
        dist = {k: int((m.codes[:, col] == c).sum()) for c, k in enumerate(keys)}
        out.append(
            Hotspot(
                question=m.questions[col],
                dimension=dim,
                distribution=dist,
                values=int(n[col]),
                mean=float(mean[col]),
                spread=float(spread[col]),
                split=bool(split[col]),
                low=float(low[col]),
                high=float(high[col]),
                swing=swing,
                overall_swing=overall_swing,
                comments=comments[m.questions[col].id],
            )
        )
    return out


def _comments(m: AnswerMatrix, columns: list[int]) -> dict[str, list[Comment]]:
    out: dict[str, list[Comment]] = {m.questions[c].id: [] for c in columns}
    for i, r in enumerate(m.answers.respondents):
        for qid, a in r.answers.items():
            if a.comment and qid in out:
                # the label AnswerSet.respondent_label gives, inlined: this loop sees every answer
                out[qid].append(Comment(r.name or f"respondent {i + 1}", r.role, a.answer, a.comment))
    return out


def hotspots(framework: Framework, answers: AnswerSet, *, limit: int | None = None) -> list[Hotspot]:
    """Questions where the answers split, most score-moving first: the agenda for a
    calibration meeting, with the respondents' comments beside each.

    A question is a hotspot when two or more respondents gave it a value and either
    its values' standard deviation reaches :data:`SPREAD_THRESHOLD` or the lowest and
    the highest answer are each given by :data:`SPLIT_MIN_SHARE` of them. Order:
    larger ``swing`` first, then larger overall swing, larger spread, framework order.
    """
    return _hotspots(answer_values(framework, answers), limit)
