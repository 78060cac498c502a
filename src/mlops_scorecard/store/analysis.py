"""The analysis of stored assessments: their answers loaded in as few queries as possible
and handed to the core (:mod:`mlops_scorecard.analysis`), for the pages and the API.

Nothing is cached in process memory: workers are stateless. What is expensive and
derived from one assessment (each trend point's intervals) is kept per revision in
``derived_results`` (:mod:`.derived`), so a closed assessment's is computed once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy.orm import Session

from ..analysis.comparison import Comparison, compare
from ..analysis.targets import TargetGap
from ..analysis.trends import Trend, TrendEntry, build_trend, framework_change_notes
from ..analysis.uncertainty import DEFAULT_CONFIDENCE, Interval, Uncertainty, intervals
from ..answers import AnswerSet
from ..framework import Framework
from .answer_sets import answer_sets_for, assessment_framework
from .assessments import get_assessment, list_assessments
from .derived import derived_many
from .distributions import Distribution, distributions
from .frameworks import session_lookup
from .models import Assessment, Unit
from .results import summary_results
from .rollup import Rollup, TeamScore, rollups, team_scores
from .units import get_unit

__all__ = [
    "OrgSummary",
    "StoredComparison",
    "UnitTrend",
    "assessment_answers",
    "compare_assessments",
    "load_unit_trend",
    "org_summary",
    "stored_intervals",
    "target_value",
    "uncertainty_from_dict",
    "unit_trend",
    "version_notes",
]


def assessment_answers(session: Session, *, assessment: Assessment, details: bool = True) -> AnswerSet:
    """The assessment's answers (one query; comments too with ``details``)."""
    return answer_sets_for(session, assessments=[assessment], details=details)[assessment.id]


def target_value(targets: Mapping[str, Any], key: str) -> float | None:
    """A dimension's target as stored (a number), or ``None``."""
    value = targets.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class UnitTrend:
    """A unit's trend (:func:`mlops_scorecard.analysis.trends.build_trend`) with each point's
    intervals (by assessment id)."""

    trend: Trend
    assessments: dict[int, Assessment]
    intervals: dict[int, Uncertainty]

    def band(self, key: str | None) -> tuple[list[float | None], list[float | None]]:
        """Lows and highs of a dimension (``None``: overall) at each point."""
        lows: list[float | None] = []
        highs: list[float | None] = []
        for p in self.trend.points:
            u = self.intervals.get(p.assessment_id)
            iv = None if u is None else (u.overall if key is None else u.dimensions.get(key))
            lows.append(None if iv is None else iv.low)
            highs.append(None if iv is None else iv.high)
        return lows, highs

    def latest_gaps(self) -> list[TargetGap]:
        """The latest point's gap to each of its assessment's targets."""
        if not self.trend.points:
            return []
        p = self.trend.points[-1]
        a = self.assessments[p.assessment_id]
        titles = dict(self.trend.dimensions)
        targets = a.targets or {}
        return [
            TargetGap(did, titles.get(did, did), float(targets[did]), p.scores.get(did))
            for did, _ in self.trend.dimensions
            if target_value(targets, did) is not None
        ]


def unit_trend(
    session: Session,
    *,
    assessments: Sequence[Assessment],
    results: Mapping[int, Mapping[str, Any]] | None = None,
    trend: Trend | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
) -> UnitTrend:
    """The trend of ``assessments`` (built from their ``results``, or given as ``trend``)
    with the intervals of each point, from one query of their answers."""
    if trend is None:
        found = results or {}
        trend = build_trend(TrendEntry(a.id, a.title, a.date, a.status, found[a.id]) for a in assessments)
    by_id = {a.id: a for a in assessments}
    shown = [by_id[p.assessment_id] for p in trend.points]
    return UnitTrend(trend, by_id, stored_intervals(session, assessments=shown, confidence=confidence))


def stored_intervals(
    session: Session, *, assessments: Sequence[Assessment], confidence: float = DEFAULT_CONFIDENCE
) -> dict[int, Uncertainty]:
    """Each assessment's intervals (by id), computed once per revision: the stored ones
    (``derived_results``, kind ``intervals``) as they are, the others from one query of
    their answers, then stored. A closed assessment's are computed once, ever (at the
    default confidence; others are computed each time)."""

    def compute(missing: list[Assessment]) -> dict[int, str]:
        sets = answer_sets_for(session, assessments=missing, details=False)
        return {
            a.id: json.dumps(intervals(assessment_framework(a), sets[a.id], confidence=confidence).to_dict())
            for a in missing
        }

    if confidence != DEFAULT_CONFIDENCE:
        # other confidences (the API's parameter) are computed, not kept: one row per
        # assessment whatever confidences are asked for
        bodies = compute(list(assessments))
    else:
        bodies = derived_many(session, assessments=assessments, kind="intervals", compute=compute)
    return {aid: uncertainty_from_dict(json.loads(body)) for aid, body in bodies.items()}


def uncertainty_from_dict(data: Mapping[str, Any]) -> Uncertainty:
    """An :class:`~mlops_scorecard.analysis.uncertainty.Uncertainty` from its ``to_dict()``."""

    def interval(value: Any) -> Interval | None:
        return None if value is None else Interval(float(value["low"]), float(value["high"]))

    return Uncertainty(
        float(data["confidence"]),
        int(data["respondents"]),
        interval(data.get("overall")),
        {str(k): interval(v) for k, v in (data.get("dimensions") or {}).items()},
    )


def load_unit_trend(
    session: Session, *, unit_id: int, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[Unit, UnitTrend]:
    """The unit (or :class:`~mlops_scorecard.errors.NotFoundError`) and its :func:`unit_trend`."""
    unit = get_unit(session, unit_id=unit_id)
    found = list_assessments(session, unit_ids=[unit.id])
    results = summary_results(session, assessments=found)
    return unit, unit_trend(session, assessments=found, results=results, confidence=confidence)


def version_notes(session: Session, *, assessments: Sequence[Assessment], trend: Trend) -> list[str]:
    """Where the unit's trend changes framework version: the overall change split into
    the framework's part and the answers' (:func:`~mlops_scorecard.analysis.trends.framework_change_notes`).
    Loads the answers of only the assessments on either side of a change."""
    by_id = {a.id: a for a in assessments}
    points = [by_id[p.assessment_id] for p in trend.points if p.assessment_id in by_id]
    steps = [
        (a, b)
        for a, b in pairwise(points)
        if a.framework_id == b.framework_id and a.framework_version != b.framework_version
    ]
    if not steps:
        return []
    involved = list({a.id: a for step in steps for a in step}.values())
    sets = answer_sets_for(session, assessments=involved, details=False)
    notes = []
    for a, b in steps:
        notes += framework_change_notes(
            [(a.date, assessment_framework(a), sets[a.id]), (b.date, assessment_framework(b), sets[b.id])],
            lookup=session_lookup(session),
        )
    return notes


@dataclass(frozen=True)
class StoredComparison:
    """Two stored assessments (``a`` before, ``b`` after), their frameworks and the core's
    :class:`~mlops_scorecard.analysis.comparison.Comparison` of their answers."""

    a: Assessment
    b: Assessment
    a_framework: Framework
    b_framework: Framework
    comparison: Comparison


def compare_assessments(session: Session, *, a_id: int, b_id: int) -> StoredComparison:
    """Compare assessment ``a_id`` (before) with ``b_id`` (after), from one query of their
    answers; unknown ids are :class:`~mlops_scorecard.errors.NotFoundError`, two frameworks
    or no shared question :class:`~mlops_scorecard.errors.ScorecardError`."""
    a = get_assessment(session, assessment_id=a_id)
    b = get_assessment(session, assessment_id=b_id)
    sets = answer_sets_for(session, assessments=[a, b] if a.id != b.id else [a], details=False)
    fa, fb = assessment_framework(a), assessment_framework(b)
    comparison = compare(fa, sets[a.id], fb, sets[b.id], lookup=session_lookup(session))
    return StoredComparison(a, b, fa, fb, comparison)


@dataclass(frozen=True)
class OrgSummary:
    """The organization from its teams' latest scores: each team's scores, the roll-up of
    every department (and the organization) and the distribution of team scores per
    column, overall last."""

    teams: dict[int, TeamScore]
    rollups: list[Rollup]
    distributions: list[Distribution]


def org_summary(
    order: Sequence[Any],
    units: Sequence[Any],
    latest: Mapping[int, tuple[Any, Mapping[str, Any]]],
    columns: Sequence[tuple[str, str]],
) -> OrgSummary:
    """:func:`~mlops_scorecard.store.rollup.rollups` of the units in ``order`` (the tree,
    departments first) and :func:`~mlops_scorecard.store.distributions.distributions` of the
    ``columns`` (dimension id, title), from ``latest``
    (:func:`~mlops_scorecard.store.results.latest_results`); no query of its own."""
    teams = team_scores(units, latest)
    rolled = rollups(order, units, teams, [did for did, _ in columns])
    return OrgSummary(teams, rolled, distributions(teams.values(), [*columns, ("overall", "Overall")]))
