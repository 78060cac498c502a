"""What the assessment page shows that derives from the assessment's revision alone: the
scores table, the answers per question, the plan before anyone's edits, the calibration
block. Scoring the answers for these (and loading the answers to score) was most of a
warm view's time, so the page keeps them in ``derived_results`` (``cached_view``) and
scores only when the revision moves on. Everything that changes without moving the
revision (plan edits, invitations, share links, scans, the audit log) is read on every
view and laid over these.

Valid by revision because each part's inputs move it: the answers and their comments
(every save), respondents revoked or restored, agreed answers (``store/calibration.py``
bumps), the row's targets, profile, question set and status (in the tag itself).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import ConfigDict

from ...analysis.calibration import Calibration
from ...answers import AnswerSet
from ...evidence.crosscheck import answer_counts
from ...framework import Framework
from ...planning import Plan, PlanItem, build_plan
from ...scoring import ScoreResult
from .assessment import DimensionAnswers, ScoreRow, answers_view, score_rows
from .calibration import CalibrationSection, calibration_section

__all__ = ["AssessmentResults", "PlanBase", "assessment_results"]


@dataclass(frozen=True)
class PlanBase:
    """A :class:`~mlops_scorecard.planning.Plan` without its framework (the page has it):
    the ranked items as scoring gives them, before the stored edits."""

    question_set: str
    overall: float | None
    items: list[PlanItem]
    orphans: list[str]

    def plan(self, framework: Framework) -> Plan:
        """The plan again, of ``framework``."""
        return Plan(framework, self.question_set, self.overall, list(self.items), list(self.orphans))


@dataclass(frozen=True)
class AssessmentResults:
    """The page's revision-derived parts, for one audience (facilitators see who agreed
    an answer, viewers do not)."""

    # NaN kept as NaN through the JSON (pydantic would write null, read back as None)
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(ser_json_inf_nan="constants")

    #: The result as plain data (frozen once closed), as JSON text: ``json`` keeps every
    #: float as it is (NaN included), where a typed field could not hold an arbitrary dict.
    result_json: str
    rows: list[ScoreRow]
    overall: ScoreRow
    answers: list[DimensionAnswers]
    #: question id -> answer key -> respondents (the evidence cross-check's counts)
    counts: dict[str, dict[str, int]]
    plan: PlanBase
    calibration: CalibrationSection | None
    #: the questions the calibration meeting agreed on (no longer counted as split)
    settled: list[str]
    #: whether any answer is stored (set-up fields that would re-score them are locked)
    has_answers: bool

    def result(self) -> dict[str, Any]:
        """The result as plain data."""
        data: dict[str, Any] = json.loads(self.result_json)
        return data


def assessment_results(
    framework: Framework,
    *,
    result: dict[str, Any],
    targets: dict[str, Any],
    scored: ScoreResult,
    answers: AnswerSet,
    comments: dict[str, list[str]],
    agreed: Calibration,
    agenda: int,
    facilitator: bool,
    has_answers: bool,
) -> AssessmentResults:
    """The parts from ``scored`` (``answers`` scored) and what was read beside it;
    ``agenda``: how many questions split the respondents (the analysis's hotspots)."""
    rows, overall = score_rows(framework, result, targets)
    base = build_plan(scored)
    return AssessmentResults(
        result_json=json.dumps(result),
        rows=rows,
        overall=overall,
        answers=answers_view(framework, result, comments, answers),
        counts=answer_counts(answers),
        plan=PlanBase(base.question_set, base.overall, list(base.items), list(base.orphans)),
        calibration=calibration_section(framework, agreed, agenda=agenda, facilitator=facilitator),
        settled=[q.question.id for q in agreed.questions],
        has_answers=has_answers,
    )
