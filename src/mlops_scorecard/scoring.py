"""Scores per dimension, overall and per respondent (the method is in docs/scoring.md).

Scores are computed on the assessment's :class:`~mlops_scorecard.matrix.ScoreMatrix`
(vector operations, so ten thousand respondents score in milliseconds); the result
keeps the matrix so that the analyses of the same answers do not build it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .answers import AnswerSet
from .framework import Dimension, Framework, Level, Question, QuestionSet
from .matrix import (
    ScoreMatrix,
    overall_scores,
    weighted_scores,
)

__all__ = [
    "Counts",
    "DimensionScore",
    "QuestionResult",
    "RespondentScore",
    "ScoreMatrix",
    "ScoreResult",
    "overall_scores",
    "score",
    "score_matrix",
    "weighted_scores",
]


@dataclass(frozen=True)
class Counts:
    """How the respondent x question cells of a dimension (or all) were answered."""

    answered: int
    na: int
    unknown: int
    unanswered: int

    @property
    def total(self) -> int:
        """All cells: respondents x questions."""
        return self.answered + self.na + self.unknown + self.unanswered

    @property
    def coverage(self) -> float | None:
        """Share of cells with a scored answer (yes, partly, no); ``None`` if no cells."""
        return self.answered / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "answered": self.answered,
            "na": self.na,
            "unknown": self.unknown,
            "unanswered": self.unanswered,
            "total": self.total,
            "coverage": self.coverage,
        }


@dataclass(frozen=True)
class QuestionResult:
    """One question across respondents: its mean value and the answer distribution."""

    question: Question
    dimension_id: str
    value: float | None
    distribution: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "id": self.question.id,
            "set": self.question.set,
            "weight": self.question.weight,
            "value": self.value,
            "distribution": dict(self.distribution),
        }


@dataclass(frozen=True)
class DimensionScore:
    """A dimension's score (``None`` when no question has a value) and its counts."""

    dimension: Dimension
    score: float | None
    level: Level | None
    counts: Counts
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The dimension id."""
        return self.dimension.id

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "id": self.dimension.id,
            "title": self.dimension.title,
            "weight": self.dimension.weight,
            "score": self.score,
            "level": None if self.level is None else self.level.id,
            "counts": self.counts.to_dict(),
            "questions": [q.to_dict() for q in self.questions],
        }


@dataclass(frozen=True)
class RespondentScore:
    """The scores one respondent's answers alone would give."""

    name: str
    role: str
    overall: float | None
    dimensions: dict[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "name": self.name,
            "role": self.role,
            "overall": self.overall,
            "dimensions": dict(self.dimensions),
        }


@dataclass(frozen=True)
class ScoreResult:
    """Everything derived from one assessment's answers."""

    framework: Framework
    question_set: QuestionSet
    overall: float | None
    level: Level | None
    dimensions: list[DimensionScore]
    respondents: list[RespondentScore]
    counts: Counts
    #: The matrix the result was computed from: analyses of the same answers reuse it.
    matrix: ScoreMatrix = field(compare=False, repr=False)

    def dimension(self, dimension_id: str) -> DimensionScore:
        """The score of one dimension; ``KeyError`` for an unknown id."""
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the ``result`` part of the JSON report and ``score --format json``.

        Scores are exact (not rounded): they are rounded once, when shown
        (:mod:`mlops_scorecard.format`)."""
        return {
            "framework": {"id": self.framework.id, "version": self.framework.version},
            "question_set": self.question_set,
            "overall": self.overall,
            "level": None if self.level is None else self.level.id,
            "level_name": None if self.level is None else self.level.name,
            "respondent_count": len(self.respondents),
            "counts": self.counts.to_dict(),
            "dimensions": [d.to_dict() for d in self.dimensions],
            "respondents": [r.to_dict() for r in self.respondents],
        }


def _floats(a: npt.NDArray[np.float64]) -> Any:
    """``a`` as nested lists of Python floats, ``None`` where ``a`` is NaN."""
    out = a.astype(object)
    out[np.isnan(a)] = None
    return out.tolist()


def _opt(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def score(framework: Framework, answers: AnswerSet) -> ScoreResult:
    """Score an assessment: per dimension, overall, per respondent, with counts and levels."""
    return score_matrix(ScoreMatrix.build(framework, answers))


def score_matrix(m: ScoreMatrix) -> ScoreResult:
    """:func:`score` of an already built :class:`ScoreMatrix` (the result keeps it)."""
    framework, questions, values, spans = m.framework, m.questions, m.values, m.spans
    has = ~np.isnan(values)
    n_values = has.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        q_means = np.where(
            n_values > 0, np.where(has, values, 0.0).sum(axis=0) / np.maximum(n_values, 1), np.nan
        )
    # distribution: counts of each code per question (columns: the scale's keys + unanswered)
    dist = m.distribution()

    dim_scores = np.array([weighted_scores(q_means[s], m.weights[s]) for _, s in spans], dtype=float)
    per_resp, resp_overall = m.respondent_scores()
    overall = _opt(float(overall_scores(framework, dim_scores)))

    keys = [*m.keys, "unanswered"]
    code = {k: i for i, k in enumerate(m.keys)}
    dimensions = []
    for (dim, s), dscore in zip(spans, dim_scores, strict=True):
        d = dist[s].sum(axis=0)
        counts = Counts(
            answered=int(sum(d[code[k]] for k in framework.valued_keys)),
            na=int(d[code["na"]]),
            unknown=int(d[code["unknown"]]),
            unanswered=int(d[-1]),
        )
        qresults = [
            QuestionResult(
                question=questions[i],
                dimension_id=dim.id,
                value=_opt(float(q_means[i])),
                distribution={k: int(v) for k, v in zip(keys, dist[i], strict=True)},
            )
            for i in range(s.start, s.stop)
        ]
        value = _opt(float(dscore))
        dimensions.append(DimensionScore(dim, value, framework.level_for(value), counts, qresults))

    # Python floats and None in one pass (tolist), not a float() per cell: ten thousand
    # respondents, and each role's and group's rows again in the scores by role
    dim_ids = [dim.id for dim, _ in spans]
    own = _floats(per_resp)
    own_overall = _floats(resp_overall)
    respondents = [
        RespondentScore(name=label, role=r.role, overall=o, dimensions=dict(zip(dim_ids, row, strict=True)))
        for label, r, o, row in zip(m.labels, m.people, own_overall, own, strict=True)
    ]
    total = Counts(
        answered=sum(d.counts.answered for d in dimensions),
        na=sum(d.counts.na for d in dimensions),
        unknown=sum(d.counts.unknown for d in dimensions),
        unanswered=sum(d.counts.unanswered for d in dimensions),
    )
    return ScoreResult(
        framework=framework,
        question_set=m.question_set,
        overall=overall,
        level=framework.level_for(overall),
        dimensions=dimensions,
        respondents=respondents,
        counts=total,
        matrix=m,
    )
