"""Reports of stored assessments: the core report with the unit's history and the
tracked plan, the same for the web pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlalchemy.orm import Session

from ..answers import AnswerSet
from ..evidence.crosscheck import answer_counts
from ..planning.overrides import PlanOverride
from ..privacy import anonymized
from .answer_sets import answer_sets_for, assessment_framework
from .assessments import list_assessments
from .calibration import agreed_answers
from .evidence import evidence_crosscheck, scans_for, stored_scans
from .models import Assessment
from .plans import plan_overrides
from .units import get_unit

__all__ = ["render_stored_report"]


def render_stored_report(
    session: Session,
    *,
    assessment: Assessment,
    fmt: Literal["html", "md", "json", "pdf"],
    with_names: bool,
) -> bytes:
    """The report of ``assessment``: its unit, answers and targets, the trend over the
    unit's earlier assessments of the same framework version, and the plan as tracked.

    ``with_names=False`` (viewers) gives aggregates only (:mod:`mlops_scorecard.privacy`):
    no names, no respondent's own scores, small roles merged into "other".
    """
    from ..reports import render_report

    framework = assessment_framework(assessment)
    earlier = [
        a
        for a in list_assessments(session, unit_ids=[assessment.unit_id])
        if (a.date, a.id) < (assessment.date, assessment.id)
        and (a.framework_id, a.framework_version, a.question_set)
        == (assessment.framework_id, assessment.framework_version, assessment.question_set)
    ]
    sets = answer_sets_for(session, assessments=[*earlier, assessment])
    unit = get_unit(session, unit_id=assessment.unit_id)
    answers = sets[assessment.id].model_copy(update={"unit": unit.name})
    history: list[tuple[dt.date, AnswerSet]] = [
        (a.date, sets[a.id]) for a in earlier if sets.get(a.id) is not None and sets[a.id].respondents
    ]
    overrides: dict[str, PlanOverride] = plan_overrides(session, assessment=assessment)
    if not with_names:
        history = [(d, anonymized(h)) for d, h in history]
    targets = {k: float(v) for k, v in (assessment.targets or {}).items()}
    stored = stored_scans(session, assessment=assessment)
    evidence = None
    if stored:
        # the answers are at hand: count them rather than ask the database again
        evidence = evidence_crosscheck(
            session,
            assessment=assessment,
            scan=scans_for(session, assessment=assessment, stored=stored),
            counts=answer_counts(answers),
        )
    return render_report(
        framework,
        answers,
        fmt,
        history=history or None,
        plan_overrides=overrides,
        aggregate_only=not with_names,
        targets=targets,
        evidence=evidence,
        evidence_scanned_at=sorted({s.generated_at for s in stored if s.generated_at}),
        agreed=agreed_answers(session, assessment_id=assessment.id),
    )
