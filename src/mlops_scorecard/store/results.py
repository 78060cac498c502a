"""Results of stored assessments: frozen at closing, scored from the answers otherwise;
one at a time, many at once, and each unit's latest."""

from __future__ import annotations

import math
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..framework import QuestionSet
from ..scoring import ScoreResult, score
from .answer_sets import answer_set, answer_sets_for, assessment_framework
from .models import Answer, Assessment, Respondent

__all__ = [
    "latest_results",
    "result_for",
    "results_for",
    "score_assessment",
    "score_value",
    "summary_results",
]


def score_value(value: Any) -> float | None:
    """A score read from a result's plain data (or an array): a float, or ``None`` for
    no score (``None``, NaN, or anything that is not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


def score_assessment(session: Session, *, assessment: Assessment) -> ScoreResult:
    """Score the assessment's current answers."""
    return score(assessment_framework(assessment), answer_set(session, assessment=assessment))


def result_for(session: Session, *, assessment: Assessment) -> dict[str, Any]:
    """The result as plain data: frozen for a closed assessment, computed otherwise."""
    if assessment.status == "closed" and assessment.frozen_result is not None:
        return assessment.frozen_result
    return score_assessment(session, assessment=assessment).to_dict()


def results_for(session: Session, *, assessments: list[Assessment]) -> dict[int, dict[str, Any]]:
    """:func:`result_for` of many assessments: frozen results as stored, the rest scored
    from answers loaded in one query."""
    out: dict[int, dict[str, Any]] = {}
    live = []
    for a in assessments:
        if a.status == "closed" and a.frozen_result is not None:
            out[a.id] = a.frozen_result
        else:
            live.append(a)
    sets = answer_sets_for(session, assessments=live, details=False)
    for a in live:
        out[a.id] = score(assessment_framework(a), sets[a.id]).to_dict()
    return out


def summary_results(session: Session, *, assessments: list[Assessment]) -> dict[int, dict[str, Any]]:
    """The summary of :func:`result_for` for many assessments, for roll-ups and trends.

    Each value has the keys ``overall``, ``level``, ``level_name``, ``respondent_count``
    and ``dimensions`` (each with ``id``, ``title``, ``weight``, ``score``, ``level``),
    equal to those of :func:`result_for` (the tests compare them). Frozen results are
    returned whole; open assessments are scored together, vectorized over one query of
    their answers, so that a page of 200 units costs milliseconds, not a scoring each.
    """
    import numpy as np

    out: dict[int, dict[str, Any]] = {}
    groups: dict[tuple[str, str, str], list[Assessment]] = {}
    for a in assessments:
        if a.status == "closed" and a.frozen_result is not None:
            out[a.id] = a.frozen_result
        else:
            groups.setdefault((a.framework_id, a.framework_version, a.question_set), []).append(a)
    if not groups:
        return out
    live = [a.id for group in groups.values() for a in group]
    rows = (
        session.connection()
        .execute(
            select(Respondent.assessment_id, Respondent.id, Answer.question_id, Answer.answer)
            .join(Answer, Answer.respondent_id == Respondent.id)
            .where(Respondent.assessment_id.in_(live), Respondent.revoked_at.is_(None))
        )
        .all()
    )
    by_assessment: dict[int, list[Any]] = {aid: [] for aid in live}
    for row in rows:
        by_assessment[row[0]].append(row)
    for group in groups.values():
        fw = assessment_framework(group[0])
        dims = [(d, d.questions_in(cast(QuestionSet, group[0].question_set))) for d in fw.dimensions]
        qindex = {q.id: i for i, q in enumerate(q for _, qs in dims for q in qs)}
        value = {k: fw.value_of(k) for k in fw.scale}
        sums = np.zeros((len(group), len(qindex)))
        counts = np.zeros((len(group), len(qindex)))
        people = []
        for i, a in enumerate(group):
            cells = [(qindex[q], value.get(k)) for _, _, q, k in by_assessment[a.id] if q in qindex]
            valued = [(j, v) for j, v in cells if v is not None]
            if valued:
                cols, vals = zip(*valued, strict=True)
                np.add.at(sums[i], list(cols), list(vals))
                np.add.at(counts[i], list(cols), 1.0)
            people.append(len({r for _, r, _, _ in by_assessment[a.id]}))
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        start = 0
        dim_scores = np.full((len(group), len(dims)), np.nan)
        for j, (_, qs) in enumerate(dims):
            w = np.array([q.weight for q in qs], dtype=float)
            block = means[:, start : start + len(qs)]
            start += len(qs)
            has = ~np.isnan(block)
            den = (has * w).sum(axis=1)
            num = (np.where(has, block, 0.0) * w).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                dim_scores[:, j] = np.where(den > 0, 100.0 * (num / np.where(den > 0, den, 1.0)), np.nan)
        has = ~np.isnan(dim_scores)
        if fw.overall == "minimum":
            overall = np.where(has.any(axis=1), np.where(has, dim_scores, np.inf).min(axis=1), np.nan)
        else:
            w = np.array([d.weight for d, _ in dims], dtype=float)
            den = (has * w).sum(axis=1)
            num = (np.where(has, dim_scores, 0.0) * w).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                overall = np.clip(
                    np.where(den > 0, 100.0 * (num / np.where(den > 0, den, 1.0)) / 100.0, np.nan), 0, 100
                )
        for i, a in enumerate(group):
            total = None if np.isnan(overall[i]) else float(overall[i])
            level = fw.level_for(total)
            dimensions = []
            for j, (d, _) in enumerate(dims):
                sc = None if np.isnan(dim_scores[i, j]) else float(dim_scores[i, j])
                lv = fw.level_for(sc)
                dimensions.append(
                    {
                        "id": d.id,
                        "title": d.title,
                        "weight": d.weight,
                        "score": sc,
                        "level": None if lv is None else lv.id,
                    }
                )
            out[a.id] = {
                "overall": total,
                "level": None if level is None else level.id,
                "level_name": None if level is None else level.name,
                "respondent_count": people[i],
                "dimensions": dimensions,
            }
    return out


def latest_results(session: Session) -> dict[int, tuple[Assessment, dict[str, Any]]]:
    """Per unit id, its newest assessment (by date) that has answers, with its result.

    Drafts are skipped; an open assessment nobody has answered yet gives way to the one
    before it. A few queries whatever the number of units.
    """
    candidates: dict[int, list[int]] = {}
    for aid, unit_id in session.execute(
        select(Assessment.id, Assessment.unit_id)
        .where(Assessment.status != "draft")
        .order_by(Assessment.unit_id, Assessment.date.desc(), Assessment.id.desc())
    ):
        candidates.setdefault(unit_id, []).append(aid)
    found: dict[int, tuple[Assessment, dict[str, Any]]] = {}
    depth = 0
    while True:
        wanted = [ids[depth] for ids in candidates.values() if len(ids) > depth]
        if not wanted:
            return found
        batch = list(session.scalars(select(Assessment).where(Assessment.id.in_(wanted))))
        results = summary_results(session, assessments=batch)
        for a in batch:
            if results[a.id].get("respondent_count"):
                found[a.unit_id] = (a, results[a.id])
                del candidates[a.unit_id]
        depth += 1
