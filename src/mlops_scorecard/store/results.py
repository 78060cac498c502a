"""Results of stored assessments: frozen at closing, scored from the answers otherwise;
one at a time, many at once, and each unit's latest."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..matrix import left_out
from ..scoring import ScoreResult, rate, score, unmet_must_haves
from .answer_sets import answer_codes, answer_set, answer_sets_for, assessment_framework
from .derived import derived
from .models import Assessment

__all__ = [
    "latest_results",
    "result_for",
    "result_of",
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


def _frozen(assessment: Assessment) -> dict[str, Any] | None:
    """The result stored at closing, when the assessment is closed and has one."""
    if assessment.status == "closed" and assessment.frozen_result is not None:
        return assessment.frozen_result
    return None


def _frozen_and_live(assessments: list[Assessment]) -> tuple[dict[int, dict[str, Any]], list[Assessment]]:
    """The frozen results by assessment id, and the assessments still to be scored."""
    out: dict[int, dict[str, Any]] = {}
    live = []
    for a in assessments:
        frozen = _frozen(a)
        if frozen is None:
            live.append(a)
        else:
            out[a.id] = frozen
    return out, live


def result_of(assessment: Assessment, scored: ScoreResult) -> dict[str, Any]:
    """The result as plain data, for a caller that has scored the answers already:
    frozen for a closed assessment (what was shown at closing), ``scored`` otherwise."""
    frozen = _frozen(assessment)
    return scored.to_dict() if frozen is None else frozen


def result_for(session: Session, *, assessment: Assessment) -> dict[str, Any]:
    """The result as plain data: frozen for a closed assessment, otherwise scored once
    per revision (kept in ``derived_results``, kind ``result``)."""
    frozen = _frozen(assessment)
    if frozen is not None:
        return frozen
    found = derived(
        session,
        assessment=assessment,
        kind="result",
        compute=lambda: json.dumps(score_assessment(session, assessment=assessment).to_dict()),
    )
    data: dict[str, Any] = json.loads(found.body)
    return data


def results_for(session: Session, *, assessments: list[Assessment]) -> dict[int, dict[str, Any]]:
    """:func:`result_for` of many assessments: frozen results as stored, the rest scored
    from answers loaded in one query."""
    out, live = _frozen_and_live(assessments)
    sets = answer_sets_for(session, assessments=live, details=False)
    for a in live:
        out[a.id] = score(assessment_framework(a), sets[a.id]).to_dict()
    return out


def summary_results(session: Session, *, assessments: list[Assessment]) -> dict[int, dict[str, Any]]:
    """The summary of :func:`result_for` for many assessments, for roll-ups and trends.

    Each value has the keys ``overall``, ``level``, ``level_name``, ``respondent_count``
    and ``dimensions`` (each with ``id``, ``title``, ``weight``, ``score``, ``level``),
    equal to those of :func:`result_for` (the tests compare them). Frozen results are
    returned whole; open assessments are scored together from one query of their answers
    (:func:`~mlops_scorecard.store.answer_sets.answer_codes`) with the score matrix's own
    formulas, so that a page of 200 units costs milliseconds, not a scoring each.
    """
    out, live = _frozen_and_live(assessments)
    for codes in answer_codes(session, assessments=live):
        m = codes.matrix
        fw = m.framework
        group = [live[i] for i in codes.members]
        # each row's place in ``group``; a question's value is the mean over the rows
        # that gave it one, as in score()
        local = {member: i for i, member in enumerate(codes.members)}
        rows = np.array([local[o] for o in codes.owners.tolist()], dtype=np.intp)
        has = ~np.isnan(m.values)
        sums = np.zeros((len(group), len(m.questions)))
        counts = np.zeros((len(group), len(m.questions)))
        nas = np.zeros((len(group), len(m.questions)))
        np.add.at(sums, rows, np.where(has, m.values, 0.0))
        np.add.at(counts, rows, has.astype(float))
        np.add.at(nas, rows, (m.codes == m.na_code).astype(float))
        people = np.bincount(rows, minlength=len(group))
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        dropped = left_out(counts, nas, people[:, None])
        dim_scores, overall = m.scores(means, dropped)
        dims = [d for d, _ in m.spans]
        for i, a in enumerate(group):
            total = None if np.isnan(overall[i]) else float(overall[i])
            caps = unmet_must_haves(m, means[i], dropped[i])
            level = rate(fw, total, caps).level
            dimensions = []
            for j, d in enumerate(dims):
                sc = None if np.isnan(dim_scores[i, j]) else float(dim_scores[i, j])
                lv = rate(fw, sc, [c for c in caps if c.dimension_id == d.id]).level
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
                "respondent_count": int(people[i]),
                "dimensions": dimensions,
            }
    return out


def latest_results(session: Session) -> dict[int, tuple[Assessment, dict[str, Any]]]:
    """Per unit id, its newest assessment (by date) that has answers, with its result.

    Drafts and archived assessments are skipped; an open assessment nobody has answered
    yet gives way to the one before it. A few queries whatever the number of units.
    """
    candidates: dict[int, list[int]] = {}
    for aid, unit_id in session.execute(
        select(Assessment.id, Assessment.unit_id)
        .where(Assessment.status != "draft", Assessment.archived_at.is_(None))
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
