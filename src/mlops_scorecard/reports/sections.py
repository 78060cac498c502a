"""The report's analysis sections: agreement, hotspots, intervals, roles, plan and trend.

Each section is the library's own plain data (:mod:`mlops_scorecard.analysis`,
:mod:`mlops_scorecard.planning`, :mod:`mlops_scorecard.analysis.comparison`, :mod:`mlops_scorecard.analysis.trends`), so the JSON report
shows the numbers ``analyze``, ``plan`` and ``trend`` show. This module also turns the
earlier assessments a caller passes (``history``) into trend points. The layout is
documented in ``docs/report-format.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from ..answers import AnswerSet
from ..errors import ScorecardError
from ..framework import Framework
from ..scoring import ScoreResult

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..analysis.trends import Trend, TrendPoint
    from ..analysis.uncertainty import Uncertainty
    from ..planning import Plan
    from ..planning.overrides import PlanOverride

__all__ = [
    "HistoryEntry",
    "PlanOverrides",
    "Sections",
    "build_sections",
    "history_points",
]

#: An earlier assessment for the trend: an answer set with a date (scored against the
#: report's framework, or the one its ``framework`` reference names), a
#: ``(framework, answers)`` pair, ``(date, answers)``, ``(date, result)`` or
#: ``(date, result, intervals)``.
HistoryEntry: TypeAlias = (
    "AnswerSet | tuple[Framework, AnswerSet] | tuple[dt.date, AnswerSet] | tuple[dt.date, ScoreResult]"
    " | tuple[dt.date, ScoreResult, Uncertainty | None]"
)
#: Stored plan state by item key (question id): status, owner, due date, position.
PlanOverrides: TypeAlias = "Mapping[str, PlanOverride | Mapping[str, Any]]"

_TrendInput: TypeAlias = "tuple[dt.date, ScoreResult, Uncertainty | None]"


@dataclass(frozen=True)
class Sections:
    """The analysis objects behind the sections, and the sections as plain data."""

    analysis: Analysis
    plan: Plan
    trend: Trend | None
    data: dict[str, Any]


def _zero(value: Any) -> Any:
    """``value`` with every ``-0.0`` (a tiny negative alpha rounded) made ``0.0``."""
    if isinstance(value, float):
        return value + 0.0
    if isinstance(value, dict):
        return {k: _zero(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_zero(v) for v in value]
    return value


def _r(value: float | None) -> float | None:
    """``value`` exact (rounded only when shown), with ``-0.0`` made ``0.0``."""
    return None if value is None else value + 0.0


def _label(answers: AnswerSet, index: int) -> str:
    what = answers.title or answers.unit
    return f"earlier assessment {index + 1}" + (f" ({what})" if what else "")


def _framework_for(framework: Framework, answers: AnswerSet) -> Framework:
    if answers.framework == framework.ref:
        return framework
    from ..framework import get_framework

    return get_framework(answers.framework)


def _unpack(
    entry: object,
) -> tuple[Framework | None, dt.date | None, AnswerSet | None, ScoreResult | None, Uncertainty | None]:
    """(framework, date, answers, result, intervals) of a history entry, ``None`` where
    it does not say; all ``None`` for an entry of an unknown shape."""
    if isinstance(entry, AnswerSet):
        return None, entry.date, entry, None, None
    if isinstance(entry, tuple) and len(entry) in (2, 3):
        head, body, rest = entry[0], entry[1], entry[2:]
        if isinstance(head, Framework) and isinstance(body, AnswerSet) and not rest:
            return head, body.date, body, None, None
        if isinstance(head, dt.date) and isinstance(body, AnswerSet) and not rest:
            return None, head, body, None, None
        if isinstance(head, dt.date) and isinstance(body, ScoreResult):
            return body.framework, head, None, body, rest[0] if rest else None
    return None, None, None, None, None


def history_points(
    framework: Framework,
    history: Sequence[HistoryEntry],
    *,
    confidence: float,
) -> list[_TrendInput]:
    """``(date, result, intervals)`` of each earlier assessment, in the order given.

    Answer sets are scored and given intervals with the report's settings. Raises
    :class:`ScorecardError` for an entry of another framework (by id), an answer set
    without a date, or an entry of an unknown shape.
    """
    from ..analysis.uncertainty import matrix_intervals
    from ..matrix import ScoreMatrix
    from ..scoring import score_matrix

    out: list[_TrendInput] = []
    for i, entry in enumerate(history):
        fw, date, answers, result, intervals = _unpack(entry)
        if answers is not None:
            fw = fw or _framework_for(framework, answers)
            if date is None:
                raise ScorecardError(f"{_label(answers, i)} has no date; a trend orders assessments by date")
        if fw is None or date is None:
            raise ScorecardError(
                f"history entry {i + 1}: expected answers with a date, (framework, answers),"
                " (date, answers), (date, result) or (date, result, intervals)"
            )
        if fw.id != framework.id:
            raise ScorecardError(
                f"earlier assessment {i + 1} is of {fw.ref}, this one of {framework.ref}:"
                " a trend needs assessments of one framework"
            )
        if answers is not None:
            m = ScoreMatrix.build(fw, answers)
            result = score_matrix(m)
            intervals = matrix_intervals(m, confidence=confidence)
        if result is not None:
            out.append((date, result, intervals))
    return out


def _agreement(analysis: Analysis) -> dict[str, Any]:
    data: dict[str, Any] = _zero(analysis.agreement.to_dict())
    return data


def _plan(plan: Plan) -> dict[str, Any]:
    data = plan.to_dict()
    data["message"] = plan.empty_message() if not plan.items else None
    return data


def _done_items(framework: Framework, plan: Plan, overrides: PlanOverrides | None) -> dict[str, list[str]]:
    """Plan items marked done, by dimension id: items still in the plan, and stored
    items that are no longer a gap (everyone now answers yes)."""
    done: dict[str, list[str]] = {}
    for it in plan.items:
        if it.status == "done":
            done.setdefault(it.dimension_id, []).append(it.key)
    for key in plan.orphans:
        value = (overrides or {}).get(key)
        status = value.get("status") if isinstance(value, Mapping) else getattr(value, "status", None)
        found = framework.question(key)
        if found is not None and str(status or "").strip().lower() == "done":
            done.setdefault(found[0].id, []).append(key)
    return done


def _trend(
    trend: Trend | None,
    current: int | None,
    confidence: float,
    done: dict[str, list[str]],
    reason: str | None,
) -> dict[str, Any]:
    if trend is None or current is None:
        return {
            "reason": reason,
            "confidence": confidence,
            "dimensions": [],
            "points": [],
            "changes": [],
            "notes": [],
        }
    points = []
    for i, p in enumerate(trend.points):
        u = p.uncertainty

        def entry(value: float | None, iv: Any) -> dict[str, float | None]:
            return {
                "score": _r(value),
                "low": None if iv is None else _r(iv.low),
                "high": None if iv is None else _r(iv.high),
            }

        scores = p.scores
        points.append(
            {
                "date": p.date.isoformat(),
                "label": p.label,
                "current": i == current,
                "framework": p.framework,
                "question_set": p.question_set,
                "respondent_count": p.respondents,
                "overall": entry(p.overall, None if u is None else u.overall),
                "dimensions": {
                    did: entry(scores.get(did), None if u is None else u.dimensions.get(did))
                    for did, _ in trend.dimensions
                    if did in scores
                },
            }
        )
    # what changed since the assessment before this one (with the plan items marked done)
    # and since the first one
    before = trend.points[current - 1] if current > 0 else None
    first = trend.points[0] if current > 0 else None
    now = trend.points[current]
    changes = []
    for did, title in [*trend.dimensions, ("overall", "Overall")]:

        def value(p: TrendPoint | None, did: str = did) -> float | None:
            if p is None:
                return None
            return p.overall if did == "overall" else p.scores.get(did)

        old, new, start = value(before), value(now), value(first)
        changes.append(
            {
                "dimension": did,
                "title": title,
                "previous": _r(old),
                "current": _r(new),
                "change": None if old is None or new is None else _r(new - old),
                "first": _r(start),
                "since_first": None if start is None or new is None else _r(new - start),
                "done_items": done.get(did, []) if did != "overall" else [],
            }
        )
    return {
        "reason": None,
        "confidence": confidence,
        "dimensions": [{"id": i, "title": t} for i, t in trend.dimensions],
        "points": points,
        "changes": changes,
        "notes": list(trend.notes),
    }


def build_sections(
    framework: Framework,
    answers: AnswerSet,
    result: ScoreResult,
    *,
    report_date: dt.date,
    history: Sequence[HistoryEntry] | None = None,
    plan_overrides: PlanOverrides | None = None,
    confidence: float | None = None,
    analysis: Analysis | None = None,
) -> Sections:
    """Analyse the assessment and lay out its sections.

    ``analysis`` may be passed when the caller already ran :func:`~mlops_scorecard.analysis.analyze`
    on these answers (its settings then apply). ``report_date`` stands in for the
    assessment's date on the trend when the answers have none.
    """
    from ..analysis import analyze
    from ..analysis.trends import score_trend
    from ..analysis.uncertainty import DEFAULT_CONFIDENCE
    from ..planning import build_plan
    from ..planning.overrides import apply_overrides

    if analysis is None:
        analysis = analyze(
            framework,
            answers,
            confidence=DEFAULT_CONFIDENCE if confidence is None else confidence,
            result=result,
        )
    u = analysis.uncertainty
    plan = build_plan(result)
    if plan_overrides:
        plan = apply_overrides(plan, plan_overrides)

    trend: Trend | None = None
    current: int | None = None
    reason: str | None = None
    if history:
        earlier = history_points(framework, history, confidence=u.confidence)
        date = answers.date or report_date
        trend = score_trend([*earlier, (date, result, u)])
        # the last match: the current assessment sorts after earlier ones of its date
        current = max(i for i, p in enumerate(trend.points) if p.result is result)
        if answers.date is None:
            trend.notes.append(
                f"This assessment has no date; it is placed at the report's date ({date.isoformat()})."
            )
    else:
        reason = "No earlier assessments were given, so this report shows one point in time."

    data = {
        "intervals": u.to_dict(),
        "agreement": _agreement(analysis),
        "hotspots": _zero([h.to_dict() for h in analysis.hotspots]),
        "roles": _zero(analysis.roles.to_dict()),
        "plan": _zero(_plan(plan)),
        "trend": _trend(trend, current, u.confidence, _done_items(framework, plan, plan_overrides), reason),
    }
    return Sections(analysis=analysis, plan=plan, trend=trend, data=data)
