"""Scores per dimension, overall and per respondent (the method is in docs/scoring.md).

Answers become a respondents x questions matrix of values (NaN where an answer
carries no value), so that ten thousand respondents score in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, repeat
from math import isnan
from operator import attrgetter
from types import SimpleNamespace
from typing import Any

import numpy as np
import numpy.typing as npt

from .answers import AnswerSet
from .framework import ANSWER_KEYS, VALUED_KEYS, Dimension, Framework, Level, Question, QuestionSet

__all__ = [
    "Counts",
    "DimensionScore",
    "QuestionResult",
    "RespondentScore",
    "ScoreResult",
    "answer_matrix",
    "score",
]

#: Column of the code matrix for a question nobody answered.
UNANSWERED = len(ANSWER_KEYS)
_CODE = {key: i for i, key in enumerate(ANSWER_KEYS)}
#: Stands in for a question a respondent left out, so that every cell has an ``answer``.
_NO_ANSWER = SimpleNamespace(answer=None)
_CODE_OR_UNANSWERED: dict[str | None, int] = {key: i for i, key in enumerate((*ANSWER_KEYS, None))}

FloatArray = npt.NDArray[np.float64]


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


def answer_matrix(framework: Framework, answers: AnswerSet) -> tuple[list[Question], npt.NDArray[np.int8]]:
    """The questions of the set and a respondents x questions matrix of answer codes.

    Codes index :data:`~mlops_scorecard.framework.ANSWER_KEYS`; :data:`UNANSWERED`
    marks a question a respondent left out. Answers outside the set are ignored
    (:func:`~mlops_scorecard.answers.check_answers` reports them).
    """
    questions = [q for _, q in framework.iter_questions(answers.question_set)]
    ids = [q.id for q in questions]
    # half a million cells for a large file: each goes through C-level maps (answer, key,
    # code) straight into the array, with no Python code per cell
    key = attrgetter("answer")
    cells = chain.from_iterable(
        map(_CODE_OR_UNANSWERED.__getitem__, map(key, map(r.answers.get, ids, repeat(_NO_ANSWER))))
        for r in answers.respondents
    )
    n = len(answers.respondents) * len(ids)
    codes = np.fromiter(cells, dtype=np.int8, count=n).reshape(len(answers.respondents), len(ids))
    return questions, codes


def _weighted_scores(values: FloatArray, weights: FloatArray) -> FloatArray:
    """100 x weighted mean over the last axis, skipping NaN; NaN where nothing has a value."""
    has = ~np.isnan(values)
    den = (has * weights).sum(axis=-1)
    num = (np.where(has, values, 0.0) * weights).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # 100 * (num / den), not (100 * num) / den: num <= den, so the score stays <= 100
        return np.where(den > 0, 100.0 * (num / np.where(den > 0, den, 1.0)), np.nan)


def _overall(framework: Framework, dim_scores: FloatArray) -> FloatArray:
    """Overall score(s) from dimension scores on the last axis."""
    if framework.overall == "minimum":
        has = ~np.isnan(dim_scores)
        filled = np.where(has, dim_scores, np.inf)
        out = filled.min(axis=-1)
        return np.where(has.any(axis=-1), out, np.nan)
    weights = np.array([d.weight for d in framework.dimensions], dtype=float)
    # dimension scores are already on 0-100; _weighted_scores multiplies by 100.
    # clip: with fractional weights, 100 everywhere can come out as 100.00000000000006
    return np.clip(_weighted_scores(dim_scores, weights) / 100.0, 0.0, 100.0)


def _opt(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def score(framework: Framework, answers: AnswerSet) -> ScoreResult:
    """Score an assessment: per dimension, overall, per respondent, with counts and levels."""
    questions, codes = answer_matrix(framework, answers)
    lookup = np.array(
        [np.nan if framework.value_of(k) is None else framework.value_of(k) for k in ANSWER_KEYS] + [np.nan],
        dtype=float,
    )
    values = lookup[codes]  # respondents x questions
    weights = np.array([q.weight for q in questions], dtype=float)
    has = ~np.isnan(values)
    n_values = has.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        q_means = np.where(
            n_values > 0, np.where(has, values, 0.0).sum(axis=0) / np.maximum(n_values, 1), np.nan
        )
    # distribution: counts of each code per question (columns: ANSWER_KEYS + unanswered)
    dist = np.stack([(codes == c).sum(axis=0) for c in range(UNANSWERED + 1)], axis=1)

    spans: list[tuple[Dimension, slice]] = []
    start = 0
    for dim in framework.dimensions:
        n = len(dim.questions_in(answers.question_set))
        spans.append((dim, slice(start, start + n)))
        start += n

    dim_scores = np.array([_weighted_scores(q_means[s], weights[s]) for _, s in spans], dtype=float)
    if len(answers.respondents):
        per_resp = np.stack([_weighted_scores(values[:, s], weights[s]) for _, s in spans], axis=1)
    else:
        per_resp = np.zeros((0, len(spans)))
    overall = _opt(float(_overall(framework, dim_scores)))
    resp_overall = _overall(framework, per_resp) if len(per_resp) else np.zeros(0)

    keys = [*ANSWER_KEYS, "unanswered"]
    dimensions = []
    for (dim, s), dscore in zip(spans, dim_scores, strict=True):
        d = dist[s].sum(axis=0)
        counts = Counts(
            answered=int(sum(d[_CODE[k]] for k in VALUED_KEYS)),
            na=int(d[_CODE["na"]]),
            unknown=int(d[_CODE["unknown"]]),
            unanswered=int(d[UNANSWERED]),
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

    # tolist() once: indexing a numpy array cell by cell costs more than the rest of score()
    dim_ids = [dim.id for dim, _ in spans]
    respondents = [
        RespondentScore(
            name=answers.respondent_label(i),
            role=r.role,
            overall=None if isnan(overall_i) else overall_i,
            dimensions={d: None if isnan(x) else x for d, x in zip(dim_ids, row, strict=True)},
        )
        for i, (r, overall_i, row) in enumerate(
            zip(answers.respondents, resp_overall.tolist(), per_resp.tolist(), strict=True)
        )
    ]
    total = Counts(
        answered=sum(d.counts.answered for d in dimensions),
        na=sum(d.counts.na for d in dimensions),
        unknown=sum(d.counts.unknown for d in dimensions),
        unanswered=sum(d.counts.unanswered for d in dimensions),
    )
    return ScoreResult(
        framework=framework,
        question_set=answers.question_set,
        overall=overall,
        level=framework.level_for(overall),
        dimensions=dimensions,
        respondents=respondents,
        counts=total,
    )
