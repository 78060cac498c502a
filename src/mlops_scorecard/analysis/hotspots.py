"""Disagreement hotspots: the questions where the answers split, most score-moving first.

The thresholds and their reading are in ``docs/analysis.md``. Hotspots are found on
the assessment's :class:`~mlops_scorecard.matrix.ScoreMatrix`, and their swings are
scores computed with its formulas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from ..answers import AnswerSet
from ..framework import Dimension, Framework, Question
from ..matrix import UNANSWERED, ScoreMatrix

__all__ = [
    "SPLIT_MIN_SHARE",
    "SPREAD_THRESHOLD",
    "Comment",
    "Hotspot",
    "hotspots",
    "matrix_hotspots",
]

#: A question is a hotspot when the standard deviation of its values (0-1 scale) reaches
#: this (e.g. half "yes", half "partly")...
SPREAD_THRESHOLD = 0.25
#: ...or when the lowest and the highest answer on the scale ("no" and "yes") are each
#: given by at least this share of the respondents with a value (with up to ten
#: respondents with a value, one of each is enough).
SPLIT_MIN_SHARE = 0.10


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


def matrix_hotspots(m: ScoreMatrix, limit: int | None = None) -> list[Hotspot]:
    """:func:`hotspots` of an already built :class:`~mlops_scorecard.matrix.ScoreMatrix`."""
    has = ~np.isnan(m.values)
    n = has.sum(axis=0)
    if not m.size or not len(m.categories):
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
    # every float in the key is rounded: the spread's last bits depend on the order of the
    # respondents, and two questions that tie must not be ordered by that noise
    found.sort(key=lambda f: (-round(f[2], 9), -round(f[3] or 0.0, 9), -round(float(spread[f[0]]), 9), f[0]))
    if limit is not None:
        found = found[:limit]
    comments = _comments(m, [f[0] for f in found])
    keys = [*m.keys, "unanswered"]
    codes = [*range(len(m.keys)), UNANSWERED]
    out = []
    for col, dim, swing, overall_swing in found:
        dist = {k: int((m.codes[:, col] == c).sum()) for c, k in zip(codes, keys, strict=True)}
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


def _comments(m: ScoreMatrix, columns: list[int]) -> dict[str, list[Comment]]:
    out: dict[str, list[Comment]] = {m.questions[c].id: [] for c in columns}
    for i, r in enumerate(m.people):
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
    return matrix_hotspots(ScoreMatrix.build(framework, answers), limit)
