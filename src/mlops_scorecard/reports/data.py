"""The report as plain data: the JSON report, and what every other format renders from.

The layout is documented in ``docs/report-format.md`` and checked by
``schemas/report.schema.json``. Changing it follows the versioning rule there: adding a
field keeps :data:`SCHEMA_VERSION`; renaming, removing or changing the meaning of one
bumps it. The ``trust`` part (facts, warnings, limitations) is :mod:`.trust`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .context import context_data
from .trust import trust_facts

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..analysis.calibration import Calibration
    from ..answers import AnswerSet
    from ..evidence.crosscheck import CrossCheck
    from ..framework import Framework
    from ..scoring import ScoreResult
    from .sections import HistoryEntry, PlanOverrides

__all__ = ["SCHEMA_VERSION", "ReportData", "report_data"]

#: Bumped only by a breaking change of the layout (see docs/report-format.md).
SCHEMA_VERSION = 2

#: The JSON report; kept a plain dict so that it is what ``json.dumps`` writes.
ReportData = dict[str, Any]


def report_data(
    framework: Framework,
    answers: AnswerSet,
    result: ScoreResult,
    *,
    generated_at: dt.datetime | None = None,
    history: Sequence[HistoryEntry] | None = None,
    plan_overrides: PlanOverrides | None = None,
    confidence: float | None = None,
    analysis: Analysis | None = None,
    targets: Mapping[str, float] | None = None,
    evidence: CrossCheck | None = None,
    evidence_scanned_at: Sequence[str] = (),
    calibration: Calibration | None = None,
) -> ReportData:
    """The report of one assessment as JSON-ready data (``schema_version`` 2).

    ``result`` must be ``score(framework, answers)``; it is passed in so that a caller
    that already scored (the CLI, the web app's cache) does not score twice.
    ``generated_at`` defaults to now in UTC; pass it to get the same output twice.

    ``history`` holds earlier assessments of the same framework for the trend (see
    :data:`~.sections.HistoryEntry`); ``plan_overrides`` stored plan state by question
    id (:func:`~mlops_scorecard.planning.apply_overrides`). The intervals use
    ``confidence`` (0.9) and draw nothing at random, so the same input gives the same
    report; ``analysis`` may pass an :func:`~mlops_scorecard.analysis.analyze`
    result already computed for these answers. ``targets`` maps dimension ids (and
    ``overall``) to the 0-100 score aimed at; the report shows each with its gap.
    ``evidence`` (a :func:`~mlops_scorecard.evidence.crosscheck.crosscheck` of a scan
    with these answers) adds the ``evidence`` part, its scans made at
    ``evidence_scanned_at``; without it the part is left out. ``calibration`` (a
    :func:`~mlops_scorecard.analysis.calibration.calibrate` of these answers) adds the
    ``calibration`` part when a meeting agreed on any answer. Raises :class:`~mlops_scorecard.errors.ScorecardError`
    for history of another framework or without dates, for malformed overrides and for
    a target of an unknown dimension or outside 0-100.
    """
    from .. import __version__
    from .sections import build_sections

    stamp = _iso(generated_at)
    sections = build_sections(
        framework,
        answers,
        result,
        report_date=dt.datetime.fromisoformat(stamp).date(),
        history=history,
        plan_overrides=plan_overrides,
        confidence=confidence,
        analysis=analysis,
    )
    data: ReportData = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": stamp,
        "tool": {"name": "mlops-scorecard", "version": __version__},
        "assessment": {
            "title": answers.title,
            "unit": answers.unit,
            "date": answers.date.isoformat() if answers.date else None,
            "question_set": answers.question_set,
            "framework": {
                "id": framework.id,
                "version": framework.version,
                "title": framework.title,
                "description": framework.description,
                "source": framework.source.model_dump(),
            },
        },
        "scale": [
            {"key": key, "label": c.label, "value": c.value, "description": c.description}
            for key, c in framework.scale.items()
        ],
        "levels": _levels(framework),
        "result": result.to_dict(),
        "targets": _targets(result, targets or {}),
        **sections.data,
        "answers": _answers(framework, answers, result.matrix.profile.not_applicable),
        "trust": trust_facts(framework, answers, result, sections, evidence=evidence),
    }
    context = context_data(framework, answers.question_set, result.matrix.profile)
    if context is not None:
        # left out without context answers, as the evidence part without a scan
        data["context"] = context
    if calibration:
        from .calibration import calibration_data

        # left out without agreed answers: a report without a meeting stays as it was
        data["calibration"] = calibration_data(framework, calibration)
    if evidence is not None:
        from .evidence import evidence_data

        # left out rather than null without a scan: a report without evidence stays as it was
        data["evidence"] = evidence_data(evidence, scanned_at=evidence_scanned_at)
    return data


def _targets(result: ScoreResult, targets: Mapping[str, float]) -> list[dict[str, Any]]:
    from ..analysis.targets import target_gaps

    return [{**g.to_dict(), "title": g.title} for g in target_gaps(result, targets)]


def _iso(when: dt.datetime | None) -> str:
    if when is None:
        when = dt.datetime.now(dt.UTC).replace(microsecond=0)
    elif when.tzinfo is None:
        # a naive time has no zone to state; the tool works in UTC, so assume it
        when = when.replace(tzinfo=dt.UTC)
    return when.isoformat()


def _levels(framework: Framework) -> list[dict[str, Any]]:
    bands = []
    for i, level in enumerate(framework.levels):
        # in points when the framework counts points (its levels' min are points)
        top = 100.0 if framework.points is None else framework.points
        upper = framework.levels[i + 1].min if i + 1 < len(framework.levels) else top
        bands.append(
            {
                "id": level.id,
                "name": level.name,
                "min": level.min,
                "max": upper,
                "above": level.above,
                "description": level.description,
            }
        )
    return bands


def _answers(
    framework: Framework, answers: AnswerSet, not_applicable: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Per dimension, per question of the set: the text, distribution and responses
    (as given: a question the profile makes not applicable carries the reason, and is
    scored "na" whatever was answered)."""
    labels = [answers.respondent_label(i) for i in range(len(answers.respondents))]
    out = []
    for dim in framework.dimensions:
        questions = []
        for q in dim.questions_in(answers.question_set):
            distribution = dict.fromkeys([*framework.answer_keys, "unanswered"], 0)
            choice_labels = {c.id: c.label for c in q.choices}
            responses = []
            for label, r in zip(labels, answers.respondents, strict=True):
                given = r.answers.get(q.id)
                if given is None:
                    distribution["unanswered"] += 1
                    continue
                if given.answer not in distribution:
                    distribution["unanswered"] += 1  # off the scale: scored as unanswered too
                    continue
                # as the score matrix counts it: a not-applicable question's answers are "na"
                distribution["na" if q.id in not_applicable else given.answer] += 1
                # a question left out is counted, not listed: with many respondents a
                # line per missing answer would bury the answers that were given
                response: dict[str, Any] = {
                    "respondent": label,
                    "role": r.role,
                    "answer": given.answer,
                    "comment": given.comment,
                    "evidence": list(given.evidence),
                }
                if given.choices is not None:
                    response["choices"] = [{"id": c, "label": choice_labels.get(c, c)} for c in given.choices]
                responses.append(response)
            entry: dict[str, Any] = {
                "id": q.id,
                "text": q.text,
                "set": q.set,
                "distribution": distribution,
                "responses": responses,
            }
            if q.id in not_applicable:
                entry["not_applicable"] = not_applicable[q.id]
            questions.append(entry)
        out.append({"dimension": dim.id, "title": dim.title, "questions": questions})
    return out
