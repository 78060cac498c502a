"""Progress over time: two assessments compared, and a unit's trend across assessments.

Assessments are matched by stable ids: questions by question id, dimensions by
dimension id. Two assessments that asked different questions (another framework
version or question set) are compared on the questions both asked, rescored with
:func:`mlops_scorecard.scoring.score`, and the comparison says so. A trend is one
computation (:class:`Trend`) over points made from scored assessments
(:func:`score_trend`) or from stored result data (:func:`build_trend`, which never
rescores and never touches the database).
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
from ..framework import Framework, QuestionSet
from ..scoring import QuestionResult, ScoreResult, score
from ..series import Series
from .uncertainty import Uncertainty

__all__ = [
    "Comparison",
    "QuestionChange",
    "ScoreDelta",
    "Trend",
    "TrendEntry",
    "TrendPoint",
    "build_trend",
    "compare",
    "framework_change_notes",
    "score_trend",
]


def _minus(new: float | None, old: float | None) -> float | None:
    return None if new is None or old is None else new - old


# --- comparing two assessments ------------------------------------------------------


@dataclass(frozen=True)
class ScoreDelta:
    """A dimension (or ``overall``) before and after.

    ``rescored`` is set when the two assessments use different framework versions: the
    earlier answers scored under the later framework. ``delta`` then splits into the
    ``framework_effect`` (rescored - old) and the ``answer_effect`` (new - rescored).
    """

    dimension_id: str
    title: str
    old: float | None
    new: float | None
    rescored: float | None = None

    @property
    def delta(self) -> float | None:
        """``new - old``; ``None`` unless both have a score."""
        return _minus(self.new, self.old)

    @property
    def framework_effect(self) -> float | None:
        """The part of ``delta`` due to the framework: the same (earlier) answers scored
        under the later version minus under the earlier one."""
        return _minus(self.rescored, self.old)

    @property
    def answer_effect(self) -> float | None:
        """The part of ``delta`` due to the answers: both under the later framework."""
        return _minus(self.new, self.rescored)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "dimension": self.dimension_id,
            "old": self.old,
            "new": self.new,
            "delta": self.delta,
            "rescored": self.rescored,
            "framework_effect": self.framework_effect,
            "answer_effect": self.answer_effect,
        }


@dataclass(frozen=True)
class QuestionChange:
    """One shared question before and after: answer distribution and mean value."""

    question_id: str
    text: str
    dimension_id: str
    old_distribution: dict[str, int]
    new_distribution: dict[str, int]
    old_value: float | None
    new_value: float | None

    @property
    def delta(self) -> float | None:
        """Change of the mean value (0-1 scale); ``None`` unless both have one."""
        return _minus(self.new_value, self.old_value)

    @property
    def changed(self) -> bool:
        """Whether the answers changed: another distribution or another mean value."""
        return self.old_distribution != self.new_distribution or (
            (self.old_value is None) != (self.new_value is None) or abs(self.delta or 0.0) > 1e-9
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "question": self.question_id,
            "dimension": self.dimension_id,
            "old": {"distribution": dict(self.old_distribution), "value": self.old_value},
            "new": {"distribution": dict(self.new_distribution), "value": self.new_value},
            "delta": self.delta,
            "changed": self.changed,
        }


@dataclass(frozen=True)
class Comparison:
    """Two assessments of one framework side by side.

    When they asked different questions, ``same_questions`` is false, scores are on
    the ``shared`` questions only, ``dropped``/``added`` list the others and ``note``
    says so; ``old_result``/``new_result`` keep each one's full score. When they use
    different framework versions, ``same_version`` is false, every delta carries its
    framework and answer effects and ``note`` says what changed in the framework.
    """

    old_ref: str
    new_ref: str
    same_questions: bool
    same_version: bool
    shared: list[str]
    dropped: list[str]
    added: list[str]
    overall: ScoreDelta
    dimensions: list[ScoreDelta]
    questions: list[QuestionChange]
    old_result: ScoreResult
    new_result: ScoreResult
    note: str | None = None

    @property
    def changes(self) -> list[QuestionChange]:
        """The questions whose answers changed, largest change of value first."""
        found = [q for q in self.questions if q.changed]
        order = {q.question_id: i for i, q in enumerate(self.questions)}
        return sorted(found, key=lambda q: (q.delta is None, -abs(q.delta or 0.0), order[q.question_id]))

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``compare --format json`` and the API."""
        return {
            "old": {"framework": self.old_ref, "respondent_count": len(self.old_result.respondents)},
            "new": {"framework": self.new_ref, "respondent_count": len(self.new_result.respondents)},
            "same_questions": self.same_questions,
            "same_version": self.same_version,
            "note": self.note,
            "shared": list(self.shared),
            "dropped": list(self.dropped),
            "added": list(self.added),
            "overall": self.overall.to_dict(),
            "dimensions": [d.to_dict() for d in self.dimensions],
            "questions": [q.to_dict() for q in self.questions],
        }


def _restricted(
    framework: Framework, answers: AnswerSet, keep: set[str], question_set: QuestionSet | None = None
) -> tuple[Framework, AnswerSet]:
    """The framework and answers cut down to the questions in ``keep`` (all asked in
    ``question_set``, by default the answers' own)."""
    dims = []
    for d in framework.dimensions:
        qs = [q for q in d.questions_in(question_set or answers.question_set) if q.id in keep]
        if qs:
            dims.append(d.model_copy(update={"questions": qs}))
    fw = framework.model_copy(update={"dimensions": dims})
    fw.__dict__.pop("_questions_by_id", None)  # a copied cache would still list the dropped questions
    people = [
        r.model_copy(update={"answers": {k: v for k, v in r.answers.items() if k in keep}})
        for r in answers.respondents
    ]
    return fw, answers.model_copy(update={"respondents": people, "question_set": "full"})


def compare(
    old_framework: Framework, old_answers: AnswerSet, new_framework: Framework, new_answers: AnswerSet
) -> Comparison:
    """Score deltas per dimension and overall, and per question the answers before and
    after. Raises :class:`ScorecardError` when the frameworks differ (by id) or share
    no question."""
    if old_framework.id != new_framework.id:
        raise ScorecardError(
            f"cannot compare assessments of different frameworks ({old_framework.ref} and {new_framework.ref})"
        )
    old_asked = [q.id for _, q in old_framework.iter_questions(old_answers.question_set)]
    new_asked = [q.id for _, q in new_framework.iter_questions(new_answers.question_set)]
    shared_set = set(old_asked) & set(new_asked)
    if not shared_set:
        raise ScorecardError(f"{old_framework.ref} and {new_framework.ref} share no question to compare")
    shared = [q for q in new_asked if q in shared_set]
    dropped = [q for q in old_asked if q not in shared_set]
    added = [q for q in new_asked if q not in shared_set]
    old_full, new_full = score(old_framework, old_answers), score(new_framework, new_answers)
    same = not dropped and not added
    note = None
    if same:
        old_res, new_res = old_full, new_full
    else:
        old_res = score(*_restricted(old_framework, old_answers, shared_set))
        new_res = score(*_restricted(new_framework, new_answers, shared_set))
        parts = [f"Compared on the {len(shared)} questions both assessments asked"]
        if old_framework.ref != new_framework.ref:
            parts[0] += f" ({old_framework.ref} and {new_framework.ref})"
        if dropped:
            parts.append(f"not asked in the new one: {', '.join(dropped)}")
        if added:
            parts.append(f"new: {', '.join(added)}")
        note = "; ".join(parts) + "."
    same_version = old_framework.ref == new_framework.ref
    rescored: dict[str, float | None] = {}
    if not same_version:
        # the earlier answers under the later framework, on the shared questions: what
        # the earlier score would have been had the later version already been in use
        again = score(*_restricted(new_framework, old_answers, shared_set, new_answers.question_set))
        rescored = {d.id: d.score for d in again.dimensions} | {"overall": again.overall}
        parts = [note.rstrip(".")] if note else []
        parts.append(
            f"The framework changed ({old_framework.ref} to {new_framework.ref})"
            + _framework_changes(old_framework, new_framework, shared)
            + ": each change is split into the part due to the framework (the earlier answers"
            f" rescored under {new_framework.ref}, minus their score) and the part due to the answers"
        )
        note = "; ".join(parts) + "."
    old_dims = {d.id: d for d in old_res.dimensions}
    new_dims = {d.id: d for d in new_res.dimensions}
    titles = {d.id: d.dimension.title for d in old_full.dimensions} | {
        d.id: d.dimension.title for d in new_full.dimensions
    }
    order = [d.id for d in new_framework.dimensions] + [
        d.id for d in old_framework.dimensions if new_framework.dimension(d.id) is None
    ]
    deltas = [
        ScoreDelta(
            did,
            titles[did],
            old_dims[did].score if did in old_dims else None,
            new_dims[did].score if did in new_dims else None,
            rescored.get(did),
        )
        for did in order
        if did in old_dims or did in new_dims
    ]
    old_q = _questions(old_res)
    new_q = _questions(new_res)
    questions = [
        QuestionChange(
            qid,
            new_q[qid].question.text,
            new_q[qid].dimension_id,
            dict(old_q[qid].distribution),
            dict(new_q[qid].distribution),
            old_q[qid].value,
            new_q[qid].value,
        )
        for qid in shared
    ]
    return Comparison(
        old_ref=old_framework.ref,
        new_ref=new_framework.ref,
        same_questions=same,
        same_version=same_version,
        shared=shared,
        dropped=dropped,
        added=added,
        overall=ScoreDelta("overall", "Overall", old_res.overall, new_res.overall, rescored.get("overall")),
        dimensions=deltas,
        questions=questions,
        old_result=old_full,
        new_result=new_full,
        note=note,
    )


def framework_change_notes(entries: Iterable[tuple[dt.date, Framework, AnswerSet]]) -> list[str]:
    """For a trend: at each step (by date) where the framework version changes, the
    overall change split into the part due to the framework and the part due to the
    answers, as :func:`compare` splits it."""
    kept = sorted(entries, key=lambda e: e[0])
    notes = []
    for (d0, fw0, a0), (d1, fw1, a1) in pairwise(kept):
        if fw0.ref == fw1.ref or fw0.id != fw1.id:
            continue
        o = compare(fw0, a0, fw1, a1).overall
        if o.delta is None or o.framework_effect is None or o.answer_effect is None:
            continue
        notes.append(
            f"From {d0.isoformat()} to {d1.isoformat()} the framework changed ({fw0.ref} to {fw1.ref}):"
            f" of the overall change of {fmt_delta(o.delta)} on the shared questions,"
            f" {fmt_delta(o.framework_effect)} is due to the framework and {fmt_delta(o.answer_effect)}"
            " to the answers (mlops-scorecard compare shows each dimension)."
        )
    return notes


def _framework_changes(old: Framework, new: Framework, shared: list[str]) -> str:
    """What changed between two versions for the shared questions, as a clause."""
    parts = []
    for qid in shared:
        was, now = old.question(qid), new.question(qid)
        if was is None or now is None:  # pragma: no cover - shared questions are in both
            continue
        if was[0].id != now[0].id:
            parts.append(f"{qid} moved from {was[0].id} to {now[0].id}")
        if was[1].weight != now[1].weight:
            parts.append(f"{qid} weighs {now[1].weight:g} (was {was[1].weight:g})")
    for d in new.dimensions:
        before = old.dimension(d.id)
        if before is not None and before.weight != d.weight:
            parts.append(f"{d.id} weighs {d.weight:g} (was {before.weight:g})")
    if old.scale != new.scale:
        parts.append("the answer scale changed")
    if old.overall != new.overall:
        parts.append(f"the overall score is the {new.overall} (was the {old.overall})")
    return f": {', '.join(parts)}" if parts else ""


def _questions(result: ScoreResult) -> dict[str, QuestionResult]:
    return {q.question.id: q for d in result.dimensions for q in d.questions}


# --- trends -------------------------------------------------------------------------


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
class Trend:
    """Assessments in date order; dimensions (id, title) in first-seen order, matched
    by their stable ids, so assessments on different framework versions line up;
    ``notes`` say when the points are less comparable."""

    dimensions: list[tuple[str, str]]
    points: list[TrendPoint]
    notes: list[str] = field(default_factory=list)

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
        return _minus(values[-1], values[-2]) if len(values) > 1 else None

    def since_first(self, dimension_id: str | None = None) -> float | None:
        """The last point's score minus the first one's; ``None`` unless both have one."""
        values = self.values(dimension_id)
        return _minus(values[-1], values[0]) if len(values) > 1 else None

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


def score_trend(points: Iterable[tuple[dt.date, ScoreResult, Uncertainty | None]]) -> Trend:
    """A trend from ``(date, result, intervals)`` triples (assessments scored here).

    Dimensions are matched by id; when the points use different framework versions
    or question sets, ``notes`` says so.
    """
    return _trend(
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
