"""Progress over time: a unit's trend across its assessments.

A trend is one computation (:class:`Trend`) over points made from scored assessments
(:func:`score_trend`) or from stored result data (:func:`build_trend`, which never
rescores and never touches the database). Dimensions are matched by their stable ids,
so assessments on different framework versions line up, each point keeping its own
score; where the version changes, :func:`version_steps` compares the two assessments
through the question mapping (:func:`~.comparison.compare`): the change split into the
framework's part and the answers', and the questions left out on each side.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ..answers import AnswerSet
from ..errors import ScorecardError
from ..format import fmt_delta
from ..framework import Framework, Lookup
from ..scoring import ScoreResult
from ..series import Series
from .comparison import Comparison, compare, difference
from .uncertainty import Uncertainty

__all__ = [
    "Trend",
    "TrendEntry",
    "TrendPoint",
    "VersionStep",
    "build_trend",
    "framework_change_notes",
    "score_trend",
    "version_steps",
]


@dataclass(frozen=True)
class TrendEntry:
    """A stored assessment as a trend takes it in: who it is and its result data
    (``ScoreResult.to_dict()``, which is also what a closed assessment freezes)."""

    assessment_id: int
    title: str
    date: dt.date
    status: str
    result: Mapping[str, Any]


@dataclass(frozen=True)
class TrendPoint:
    """One assessment on a trend: its date, label, overall score, score per dimension id
    and (when known) its intervals.

    ``result`` is the :class:`~mlops_scorecard.scoring.ScoreResult` when the point was
    made from one (:func:`score_trend`); ``assessment_id``, ``title`` and ``status``
    say which stored assessment it is when it was made from result data
    (:func:`build_trend`; ``assessment_id`` is 0 otherwise).
    """

    date: dt.date
    label: str
    overall: float | None
    scores: dict[str, float | None]
    respondents: int
    framework: str = ""
    question_set: str = ""
    uncertainty: Uncertainty | None = None
    result: ScoreResult | None = None
    assessment_id: int = 0
    title: str = ""
    status: str = ""


@dataclass(frozen=True)
class VersionStep:
    """Two assessments in date order on either side of a change of framework version,
    and their :class:`~.comparison.Comparison` through the question mapping (``None``
    with ``error`` when they cannot be compared)."""

    old_date: dt.date
    new_date: dt.date
    old_ref: str
    new_ref: str
    comparison: Comparison | None
    error: str = ""

    def note(self) -> str:
        """The step in words: the overall change split into the framework's part and the
        answers', how questions were matched and what was left out."""
        head = (
            f"From {self.old_date.isoformat()} to {self.new_date.isoformat()} the framework changed"
            f" ({self.old_ref} to {self.new_ref})"
        )
        c = self.comparison
        if c is None:
            return f"{head}; the change cannot be split: {self.error}"
        o = c.overall
        text = head
        if o.delta is not None and o.framework_effect is not None and o.answer_effect is not None:
            text += (
                f": of the overall change of {fmt_delta(o.delta)} on the shared questions,"
                f" {fmt_delta(o.framework_effect)} is due to the framework and {fmt_delta(o.answer_effect)}"
                " to the answers (mlops-scorecard compare shows each dimension)."
            )
        else:
            text += ": the overall change has no score on one side, so it cannot be split."
        m = c.mapping
        if m is not None:
            moved = ", ".join(f"{n} {k}" for k, n in m.counts().items() if n and k != "same")
            text += (
                " Questions matched by id" if m.derived else " Questions matched through the declared mapping"
            )
            text += f" ({moved})." if moved else "."
        left = [f"{self.old_ref}'s {x.question_id} ({x.reason})" for x in c.left_out_old]
        left += [f"{self.new_ref}'s {x.question_id} ({x.reason})" for x in c.left_out_new]
        if left:
            text += f" Left out: {', '.join(left)}."
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the step, its split per dimension and what it left out."""
        c = self.comparison
        return {
            "from": self.old_date.isoformat(),
            "to": self.new_date.isoformat(),
            "old_framework": self.old_ref,
            "new_framework": self.new_ref,
            "error": self.error or None,
            "mapping": None if c is None or c.mapping is None else c.mapping.summary(),
            "matched_by_id": None if c is None or c.mapping is None else c.mapping.derived,
            "overall": None if c is None else c.overall.to_dict(),
            "dimensions": [] if c is None else [d.to_dict() for d in c.dimensions],
            "left_out": {
                "old": [] if c is None else [x.to_dict() for x in c.left_out_old],
                "new": [] if c is None else [x.to_dict() for x in c.left_out_new],
            },
        }


@dataclass(frozen=True)
class Trend:
    """Assessments in date order; dimensions (id, title) in first-seen order, matched
    by their stable ids, so assessments on different framework versions line up;
    ``notes`` say when the points are less comparable, and ``steps`` split each change
    of framework version (:func:`version_steps`)."""

    dimensions: list[tuple[str, str]]
    points: list[TrendPoint]
    notes: list[str] = field(default_factory=list)
    steps: list[VersionStep] = field(default_factory=list)

    def labels(self) -> list[str]:
        """The x-axis labels: dates, made unique when two assessments share one."""
        return [p.label for p in self.points]

    def values(self, dimension_id: str | None = None) -> list[float | None]:
        """A dimension's score at each point (``None``: the overall score)."""
        if dimension_id is None:
            return self.overall()
        return [p.scores.get(dimension_id) for p in self.points]

    def overall(self) -> list[float | None]:
        """The overall score at each point."""
        return [p.overall for p in self.points]

    def since_previous(self, dimension_id: str | None = None) -> float | None:
        """The last point's score minus the one before it (a dimension, or overall when
        ``None``); ``None`` unless both have a score."""
        values = self.values(dimension_id)
        return difference(values[-1], values[-2]) if len(values) > 1 else None

    def since_first(self, dimension_id: str | None = None) -> float | None:
        """The last point's score minus the first one's; ``None`` unless both have one."""
        values = self.values(dimension_id)
        return difference(values[-1], values[0]) if len(values) > 1 else None

    def band(self, dimension_id: str | None = None) -> tuple[list[float | None], list[float | None]] | None:
        """The intervals (lows, highs) at each point; ``None`` if no point has any."""
        ivs = []
        for p in self.points:
            u = p.uncertainty
            ivs.append(
                None if u is None else (u.overall if dimension_id is None else u.dimensions.get(dimension_id))
            )
        if all(iv is None for iv in ivs):
            return None
        return [None if iv is None else iv.low for iv in ivs], [None if iv is None else iv.high for iv in ivs]

    def series(self, *, overall: bool = True) -> list[Series]:
        """Chart series: one per dimension with its band, plus a dashed ``Overall``."""
        out = [Series(title, self.values(did), band=self.band(did)) for did, title in self.dimensions]
        if overall:
            out.append(Series("Overall", self.values(None), band=self.band(None), dashed=True))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``trend --format json`` and the API."""
        points = []
        for p in self.points:
            u = p.uncertainty
            points.append(
                {
                    "date": p.date.isoformat(),
                    "label": p.label,
                    "framework": p.framework,
                    "respondent_count": p.respondents,
                    "overall": p.overall,
                    "dimensions": dict(p.scores),
                    "intervals": None if u is None else u.to_dict(),
                }
            )
        changes = [
            {
                "dimension": did,
                "since_previous": self.since_previous(key),
                "since_first": self.since_first(key),
            }
            for did, key in [*((d, d) for d, _ in self.dimensions), ("overall", None)]
        ]
        return {
            "dimensions": [{"id": i, "title": t} for i, t in self.dimensions],
            "points": points,
            "changes": changes,
            "notes": list(self.notes),
            "version_changes": [st.to_dict() for st in self.steps],
        }


def _trend(points: Iterable[tuple[TrendPoint, list[tuple[str, str]]]]) -> Trend:
    """The one trend computation: points (each with its dimensions, id and title) sorted
    by date (stable; stored assessments of one date by id), labels made unique,
    dimensions matched by id, and notes when versions or question sets differ."""
    kept = sorted(points, key=lambda pd: (pd[0].date, pd[0].assessment_id))
    dims: dict[str, str] = {}
    seen: dict[str, int] = {}
    out = []
    for point, dimensions in kept:
        for did, title in dimensions:
            dims.setdefault(did, title)
        label = point.date.isoformat()
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} #{seen[label]}"
        out.append(dataclasses.replace(point, label=label))
    notes = []
    refs = sorted({p.framework for p in out if p.framework})
    if len(refs) > 1:
        notes.append(
            f"The assessments use different framework versions ({', '.join(refs)}); "
            "dimensions are matched by id, and their questions may differ."
        )
    sets = sorted({p.question_set for p in out if p.question_set})
    if len(sets) > 1:
        notes.append(
            "The assessments asked different question sets (core and full); scores are less comparable."
        )
    return Trend(list(dims.items()), out, notes)


def score_trend(
    points: Iterable[tuple[dt.date, ScoreResult, Uncertainty | None]],
    *,
    lookup: Lookup | None = None,
) -> Trend:
    """A trend from ``(date, result, intervals)`` triples (assessments scored here).

    Dimensions are matched by id; when the points use different framework versions
    or question sets, ``notes`` says so, and each change of version whose results keep
    their answers is split (:func:`version_steps`, ``lookup`` finding the versions
    between) in ``steps`` and in a note.
    """
    trend = _trend(
        (
            TrendPoint(
                date=date,
                label="",
                overall=result.overall,
                scores={d.id: d.score for d in result.dimensions},
                respondents=len(result.respondents),
                framework=result.framework.ref,
                question_set=result.question_set,
                uncertainty=uncertainty,
                result=result,
            ),
            [(d.id, d.dimension.title) for d in result.dimensions],
        )
        for date, result, uncertainty in points
    )
    kept = [
        (p.date, p.result.framework, p.result.matrix.answers)
        for p in trend.points
        if p.result is not None and p.result.matrix.answers is not None
    ]
    steps = version_steps(kept, lookup=lookup)
    trend.steps.extend(steps)
    trend.notes.extend(st.note() for st in steps)
    return trend


def _score(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _ref(result: Mapping[str, Any]) -> str:
    fw = result.get("framework")
    if not isinstance(fw, Mapping) or not fw.get("id"):
        return ""
    return f"{fw.get('id')}@{fw.get('version')}"


def build_trend(entries: Iterable[TrendEntry]) -> Trend:
    """The trend of stored assessments from their result data (nothing is rescored and
    the database is not touched); those nobody answered are left out."""
    points = []
    for e in entries:
        if not e.result.get("respondent_count"):
            continue
        scores: dict[str, float | None] = {}
        dimensions = []
        for d in e.result.get("dimensions") or []:
            did = str(d.get("id", ""))
            if not did:
                continue
            dimensions.append((did, str(d.get("title") or did)))
            scores[did] = _score(d.get("score"))
        point = TrendPoint(
            date=e.date,
            label="",
            overall=_score(e.result.get("overall")),
            scores=scores,
            respondents=int(e.result.get("respondent_count") or 0),
            framework=_ref(e.result),
            question_set=str(e.result.get("question_set") or ""),
            assessment_id=e.assessment_id,
            title=e.title,
            status=e.status,
        )
        points.append((point, dimensions))
    return _trend(points)


def version_steps(
    entries: Iterable[tuple[dt.date, Framework, AnswerSet]], *, lookup: Lookup | None = None
) -> list[VersionStep]:
    """Each step (by date) where the framework version changes, compared through the
    question mapping (:func:`~.comparison.compare`, ``lookup`` finding the versions
    between); steps between different frameworks are skipped."""
    kept = sorted(entries, key=lambda e: e[0])
    steps = []
    for (d0, fw0, a0), (d1, fw1, a1) in pairwise(kept):
        if fw0.ref == fw1.ref or fw0.id != fw1.id:
            continue
        try:
            c = compare(fw0, a0, fw1, a1, lookup=lookup)
        except ScorecardError as exc:
            steps.append(VersionStep(d0, d1, fw0.ref, fw1.ref, None, str(exc)))
            continue
        steps.append(VersionStep(d0, d1, fw0.ref, fw1.ref, c))
    return steps


def framework_change_notes(
    entries: Iterable[tuple[dt.date, Framework, AnswerSet]], *, lookup: Lookup | None = None
) -> list[str]:
    """For a trend: at each step (by date) where the framework version changes, the
    overall change split into the part due to the framework and the part due to the
    answers, as :func:`compare` splits it, and what it left out (:func:`version_steps`)."""
    return [st.note() for st in version_steps(entries, lookup=lookup)]
