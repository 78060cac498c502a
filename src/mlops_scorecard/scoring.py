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
from .format import fmt_cap
from .framework import Dimension, Framework, Level, Question, QuestionSet
from .matrix import (
    BoolArray,
    FloatArray,
    ScoreMatrix,
    counted_values,
    overall_scores,
    weighted_scores,
)

__all__ = [
    "Counts",
    "DimensionScore",
    "LevelCap",
    "QuestionResult",
    "Rating",
    "RespondentScore",
    "ScoreMatrix",
    "ScoreResult",
    "from_points",
    "overall_scores",
    "rate",
    "rule_of",
    "score",
    "score_matrix",
    "to_points",
    "unmet_must_haves",
    "weighted_scores",
]


def rule_of(framework: Framework) -> dict[str, Any]:
    """The framework's scoring rule as plain data (``score --format json``'s ``rule``)."""
    return {
        "dimension": framework.dimension_score,
        "overall": framework.overall,
        "points": framework.points,
        "must_have_met": framework.must_have_met,
    }


def to_points(framework: Framework, score: float | None) -> float | None:
    """A 0-100 score read as the framework's points (``score x points / 100``);
    ``None`` without a score or when the framework has no ``points``."""
    if score is None or framework.points is None:
        return None
    return score * framework.points / 100.0


def from_points(framework: Framework, value: float) -> float:
    """A figure people gave in the framework's unit (a target of 3 points out of 7) as
    the 0-100 score it is stored and compared as (42.86); unchanged when the framework
    has no ``points``, since its unit is then the 0-100 score itself. The one place a
    figure goes from points to 0-100, as :func:`to_points` the one back."""
    return value if framework.points is None else value * 100.0 / framework.points


@dataclass(frozen=True)
class LevelCap:
    """A must-have question not met: a score cannot reach ``level`` (or above) until it is."""

    question_id: str
    dimension_id: str
    level: Level
    #: The question's value (the respondents' mean; ``None``: nobody gave one).
    value: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "question": self.question_id,
            "dimension": self.dimension_id,
            "level": self.level.id,
            "level_name": self.level.name,
            "value": self.value,
        }

    def reason(self) -> str:
        """The cap in a sentence, for people."""
        return f"must-have {self.question_id} is not met, which keeps it below {self.level.name}"


@dataclass(frozen=True)
class Rating:
    """A score's level after the must-have caps, the level the score alone reaches, and
    the caps that lowered it (empty when none did)."""

    level: Level | None
    uncapped: Level | None
    caps: list[LevelCap]


def unmet_must_haves(m: ScoreMatrix, means: FloatArray, dropped: BoolArray) -> list[LevelCap]:
    """The must-have questions of ``m``'s set that are not met, given the question values
    ``means`` (one row; NaN: no value) and which questions are ``dropped`` (not
    applicable: never a cap). Met: value >= the framework's ``must_have_met``."""
    fw = m.framework
    if not any(q.must_have for q in m.questions):
        return []
    by_id = {lv.id: lv for lv in fw.levels}
    caps = []
    for dim, s in m.spans:
        for i in range(s.start, s.stop):
            q = m.questions[i]
            if q.must_have is None or bool(dropped[i]):
                continue
            value = None if np.isnan(means[i]) else float(means[i])
            # tolerance: four respondents' mean of 0.75 can come out a hair below it
            if value is None or value < fw.must_have_met - 1e-9:
                caps.append(LevelCap(q.id, dim.id, by_id[q.must_have], value))
    return caps


def rate(framework: Framework, score: float | None, caps: list[LevelCap]) -> Rating:
    """The level of ``score`` capped by the unmet must-haves ``caps``: below the lowest
    level a cap names, if the score reaches it."""
    uncapped = framework.level_for(score)
    if uncapped is None:
        return Rating(None, None, [])
    index = {lv.id: i for i, lv in enumerate(framework.levels)}
    reached = index[uncapped.id]
    binding = [c for c in caps if index[c.level.id] <= reached]
    if not binding:
        return Rating(uncapped, uncapped, [])
    lowest = min(index[c.level.id] for c in binding)
    return Rating(framework.levels[lowest - 1], uncapped, binding)


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
    #: The value the dimension score counts: ``value``, or 0 for a question without one
    #: under ``dimension_score: sum``; ``None`` when the score leaves the question out.
    counted: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "id": self.question.id,
            "set": self.question.set,
            "weight": self.question.weight,
            "value": self.value,
            "counted": self.counted,
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
    #: The level the score alone reaches, and the must-haves that keep ``level`` below it.
    uncapped_level: Level | None = None
    caps: list[LevelCap] = field(default_factory=list)
    points: float | None = None

    @property
    def id(self) -> str:
        """The dimension id."""
        return self.dimension.id

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API; ``values`` maps each question id to its
        value (``None``: no value)."""
        return {
            "id": self.dimension.id,
            "title": self.dimension.title,
            "weight": self.dimension.weight,
            "score": self.score,
            "points": self.points,
            "level": None if self.level is None else self.level.id,
            "uncapped_level": None if self.uncapped_level is None else self.uncapped_level.id,
            "capped_by": [c.to_dict() for c in self.caps],
            "counts": self.counts.to_dict(),
            "values": {q.question.id: q.value for q in self.questions},
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
    #: The level the overall score alone reaches, and the must-haves that cap it.
    uncapped_level: Level | None = None
    caps: list[LevelCap] = field(default_factory=list)

    @property
    def points(self) -> float | None:
        """The overall score in the framework's points (``None`` without ``points``)."""
        return to_points(self.framework, self.overall)

    def cap_notes(self) -> list[str]:
        """One sentence per capped level (each dimension's, then the overall's): which
        must-haves keep it below the level its score reaches."""
        met = self.framework.must_have_met
        scores: list[tuple[str, Level | None, Level | None, list[LevelCap]]] = [
            (d.dimension.title, d.level, d.uncapped_level, d.caps) for d in self.dimensions
        ]
        scores.append(("Overall", self.level, self.uncapped_level, self.caps))
        return [
            fmt_cap(where, level.name, uncapped.name, [c.to_dict() for c in caps], met)
            for where, level, uncapped, caps in scores
            if caps and level is not None and uncapped is not None
        ]

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
            "rule": rule_of(self.framework),
            "overall": self.overall,
            "points": self.points,
            "level": None if self.level is None else self.level.id,
            "level_name": None if self.level is None else self.level.name,
            "uncapped_level": None if self.uncapped_level is None else self.uncapped_level.id,
            "capped_by": [c.to_dict() for c in self.caps],
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
    framework, questions, spans = m.framework, m.questions, m.spans
    q_means, dropped = m.question_values()
    counted = counted_values(framework, q_means, dropped)
    # distribution: counts of each code per question (columns: the scale's keys + unanswered)
    dist = m.distribution()

    dim_scores, overall_array = m.scores(q_means, dropped)
    per_resp, resp_overall = m.respondent_scores()
    overall = _opt(float(overall_array))
    caps = unmet_must_haves(m, q_means, dropped)

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
                counted=_opt(float(counted[i])),
            )
            for i in range(s.start, s.stop)
        ]
        value = _opt(float(dscore))
        rating = rate(framework, value, [c for c in caps if c.dimension_id == dim.id])
        dimensions.append(
            DimensionScore(
                dim,
                value,
                rating.level,
                counts,
                qresults,
                uncapped_level=rating.uncapped,
                caps=rating.caps,
                points=to_points(framework, value),
            )
        )

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
    rating = rate(framework, overall, caps)
    return ScoreResult(
        framework=framework,
        question_set=m.question_set,
        overall=overall,
        level=rating.level,
        dimensions=dimensions,
        respondents=respondents,
        counts=total,
        matrix=m,
        uncapped_level=rating.uncapped,
        caps=rating.caps,
    )
