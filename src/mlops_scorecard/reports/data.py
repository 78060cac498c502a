"""The report as plain data: the JSON report, and what every other format renders from.

The layout is documented in ``docs/report-format.md`` and checked by
``schemas/report.schema.json``. Changing it follows the versioning rule there: adding a
field keeps :data:`SCHEMA_VERSION`; renaming, removing or changing the meaning of one
bumps it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..format import fmt_alpha, fmt_delta, fmt_interval
from ..framework import ANSWER_KEYS, VALUED_KEYS

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..answers import AnswerSet
    from ..framework import Framework
    from ..scoring import ScoreResult
    from .sections import HistoryEntry, PlanOverrides, Sections

__all__ = [
    "FEW_RESPONDENTS",
    "LOW_COVERAGE",
    "SCHEMA_VERSION",
    "UNKNOWN_SHARE",
    "ReportData",
    "report_data",
]

#: Bumped only by a breaking change of the layout (see docs/report-format.md).
SCHEMA_VERSION = 2

#: Thresholds for the trust warnings.
FEW_RESPONDENTS = 3
LOW_COVERAGE = 0.8
UNKNOWN_SHARE = 0.10

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
    ``overall``) to the 0-100 score aimed at; the report shows each with its gap. Raises :class:`~mlops_scorecard.errors.ScorecardError`
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
    return {
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
        "answers": _answers(framework, answers),
        "trust": _trust(framework, answers, result, sections),
    }


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
        upper = framework.levels[i + 1].min if i + 1 < len(framework.levels) else 100.0
        bands.append(
            {
                "id": level.id,
                "name": level.name,
                "min": level.min,
                "max": upper,
                "description": level.description,
            }
        )
    return bands


def _answers(framework: Framework, answers: AnswerSet) -> list[dict[str, Any]]:
    """Per dimension, per question of the set: the text, distribution and responses."""
    labels = [answers.respondent_label(i) for i in range(len(answers.respondents))]
    out = []
    for dim in framework.dimensions:
        questions = []
        for q in dim.questions_in(answers.question_set):
            distribution = dict.fromkeys([*ANSWER_KEYS, "unanswered"], 0)
            responses = []
            for label, r in zip(labels, answers.respondents, strict=True):
                given = r.answers.get(q.id)
                if given is None:
                    distribution["unanswered"] += 1
                    continue
                distribution[given.answer] += 1
                # a question left out is counted, not listed: with many respondents a
                # line per missing answer would bury the answers that were given
                responses.append(
                    {
                        "respondent": label,
                        "role": r.role,
                        "answer": given.answer,
                        "comment": given.comment,
                        "evidence": list(given.evidence),
                    }
                )
            questions.append(
                {
                    "id": q.id,
                    "text": q.text,
                    "set": q.set,
                    "distribution": distribution,
                    "responses": responses,
                }
            )
        out.append({"dimension": dim.id, "title": dim.title, "questions": questions})
    return out


def _trust(
    framework: Framework, answers: AnswerSet, result: ScoreResult, sections: Sections
) -> dict[str, Any]:
    """Facts and warnings that say how far the scores can be relied on."""
    counts = result.counts
    n = len(answers.respondents)
    total = counts.total
    unknown_share = counts.unknown / total if total else None
    roles = Counter(r.role for r in answers.respondents if r.role)
    unscored = [{"id": d.id, "title": d.dimension.title} for d in result.dimensions if d.score is None]
    in_set = [q.id for _, q in framework.iter_questions(answers.question_set)]
    respondents: list[dict[str, Any]] = []
    for i, r in enumerate(answers.respondents):
        given = [r.answers[qid].answer for qid in in_set if qid in r.answers]
        respondents.append(
            {
                "name": answers.respondent_label(i),
                "role": r.role,
                "answered": sum(a in VALUED_KEYS for a in given),
                "na": given.count("na"),
                "unknown": given.count("unknown"),
                "unanswered": len(in_set) - len(given),
            }
        )
    silent = [
        answers.respondent_label(i)
        for i, r in enumerate(answers.respondents)
        if not any(qid in r.answers for qid in in_set)
    ]
    warnings = _warnings(n, roles, counts.coverage, unknown_share, unscored, silent)
    warnings += _analysis_warnings(sections, warnings)
    return {
        "respondent_count": n,
        "roles": dict(sorted(roles.items())),
        "respondents": respondents,
        "question_count": len(in_set),
        "cells": total,
        "answered_count": counts.answered,
        "coverage": counts.coverage,
        "unknown_count": counts.unknown,
        "unknown_share": unknown_share,
        "na_count": counts.na,
        "unanswered_count": counts.unanswered,
        "dimensions_without_score": unscored,
        "warnings": warnings,
        "limitations": _limitations(framework, answers, result, sections, len(roles), len(in_set)),
    }


def _warnings(
    n: int,
    roles: Counter[str],
    coverage: float | None,
    unknown_share: float | None,
    unscored: list[dict[str, Any]],
    silent: list[str],
) -> list[dict[str, Any]]:
    warnings: list[dict[str, Any]] = []

    def warn(code: str, message: str, dimension: str | None = None) -> None:
        warnings.append({"code": code, "message": message, "dimension": dimension})

    if n == 0:
        warn("few-respondents", "Nobody has answered yet, so there is nothing to score.")
    elif n < FEW_RESPONDENTS:
        who = "one person" if n == 1 else f"{n} people"
        warn(
            "few-respondents",
            f"Only {who} answered. The scores show {'that view' if n == 1 else 'their views'}"
            f" rather than the team's; ask at least {FEW_RESPONDENTS} people.",
        )
    if n and len(roles) == 1:
        role = next(iter(roles))
        warn(
            "single-role",
            f"Every respondent whose role is recorded has the same role ({role}). Ask people"
            " in other roles (engineering, data, product, leadership): a diverse group of"
            " assessors reduces the influence of any one viewpoint.",
        )
    elif n and not roles:
        warn(
            "no-roles",
            "No respondent's role is recorded, so the report cannot show whether several"
            " viewpoints are included.",
        )
    if coverage is not None and coverage < LOW_COVERAGE:
        warn(
            "low-coverage",
            f"Only {coverage:.0%} of the answers carry a score (the rest are not applicable,"
            f" don't know or missing); scores rest on less than {LOW_COVERAGE:.0%} of the"
            " questionnaire.",
        )
    if unknown_share is not None and unknown_share > UNKNOWN_SHARE:
        warn(
            "many-unknown",
            f'{unknown_share:.0%} of the answers are "don\'t know". Find out who knows'
            " these practices and ask them.",
        )
    for dim in unscored:
        warn(
            "dimension-without-score",
            f"{dim['title']} has no score: none of its answers carries a value (all are"
            " not applicable, don't know or missing). It is left out of the overall score.",
            dim["id"],
        )
    if silent and n:
        names = ", ".join(silent)
        warn(
            "respondent-without-answers",
            f"{names} gave no answers to the questions of this set and so did not contribute to the scores.",
        )
    return warnings


#: Analysis warnings (``analysis.caveats``) the report's own warnings already cover.
_COVERED = {"no-respondents": "few-respondents", "no-score": "dimension-without-score"}


def _analysis_warnings(sections: Sections, own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The analysis's warnings that add to the report's own: low agreement, wide
    intervals, and per-dimension coverage and "don't know" warnings when the report
    has no overall warning of that kind. Wide intervals are one warning, not one per
    dimension."""
    codes = {w["code"] for w in own}
    out: list[dict[str, Any]] = []
    wide = []
    for c in sections.analysis.caveats:
        if c.code in codes or _COVERED.get(c.code) in codes:
            continue
        if c.code == "wide-interval" and c.dimension is not None:
            wide.append(c)
            continue
        out.append({"code": c.code, "message": c.message, "dimension": c.dimension})
    if len(wide) == 1:
        out.append({"code": "wide-interval", "message": wide[0].message, "dimension": wide[0].dimension})
    elif wide:
        from ..analysis import WIDE_INTERVAL

        u = sections.analysis.uncertainty
        titles = {d.id: d.dimension.title for d in sections.analysis.result.dimensions}
        parts = []
        for c in wide:
            iv = u.dimensions.get(c.dimension or "")
            if iv is not None:
                parts.append(
                    f"{titles.get(c.dimension or '', c.dimension)} {fmt_interval(iv.low, iv.high, 0, sep='-')}"
                )
        out.append(
            {
                "code": "wide-interval",
                "message": f"{len(wide)} dimension scores could plausibly lie anywhere in a range wider"
                f" than {WIDE_INTERVAL:.0f} points ({u.confidence:.0%} intervals: {', '.join(parts)});"
                " more respondents would narrow them.",
                "dimension": None,
            }
        )
    return out


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _subjectivity(sections: Sections, n: int) -> str:
    a = sections.analysis
    ag = a.agreement.overall
    titles = {d.id: d.dimension.title for d in a.result.dimensions}
    if ag.alpha is None:
        parts = [f"Agreement cannot be measured: {ag.reason}."]
    else:
        text = f"Agreement between the {_plural(n, 'respondent')}: alpha {fmt_alpha(ag.alpha)} ({ag.band}) overall"
        dims = [(k, v) for k, v in a.agreement.dimensions.items() if v.alpha is not None]
        if dims:
            k, v = min(dims, key=lambda kv: kv[1].alpha or 0.0)
            text += f", lowest on {titles.get(k, k)} ({fmt_alpha(v.alpha)}, {v.band})"
        parts = [text + "."]
    hot = a.hotspots
    if hot:
        parts.append(f"{_plural(len(hot), 'hotspot')} where the answers split, the calibration agenda below.")
    elif n >= 2:
        parts.append("No hotspot: no question where the answers split.")
    roles = a.roles
    if roles.present:
        text = f"{_plural(len(roles.present), 'role')} answered"
        text += (
            f"; {_plural(len(roles.missing), 'role')} missing: {', '.join(roles.missing)}."
            if roles.missing
            else ", every role a diverse group should include."
        )
        parts.append(text)
    elif n:
        parts.append("No respondent's role is recorded.")
    gap = roles.largest_gap()
    if gap is not None and gap.gap is not None:
        first, second = roles.gap_groups
        parts.append(f"Largest gap between {first} and {second}: {fmt_delta(gap.gap)} points on {gap.title}.")
    return " ".join(parts)


def _limitations(
    framework: Framework,
    answers: AnswerSet,
    result: ScoreResult,
    sections: Sections,
    n_roles: int,
    n_questions: int,
) -> list[dict[str, str]]:
    """The article's five limitations, each with what this assessment shows about it
    (``finding``, with its numbers) and what the report does about it (``response``)."""
    n = len(answers.respondents)
    people = _plural(n, "respondent")
    role_text = f" in {_plural(n_roles, 'role')}" if n_roles else ""
    counts = result.counts
    full = sum(1 for _ in framework.iter_questions("full"))
    na_questions = sum(1 for d in result.dimensions for q in d.questions if q.distribution.get("na"))
    unknown_share = f" ({counts.unknown / counts.total:.0%})" if counts.total else ""
    unscored = [d.dimension.title for d in result.dimensions if d.score is None]
    coverage = (
        "no answers yet" if counts.coverage is None else f"{counts.coverage:.0%} of the answers carry a score"
    )

    plan = sections.plan
    todo = [it for it in plan.items if it.status not in ("done", "accepted-risk")]
    closed = len(plan.items) - len(todo)
    if todo:
        top = "; ".join(
            f"{it.rank}. {it.question_text} ({it.dimension_title}, {fmt_delta(it.gain)} points)"
            for it in todo[:3]
        )
        actionable = f"{_plural(len(plan.items), 'action')} in the plan"
        actionable += f", {closed} done or accepted as a risk" if closed else ""
        actionable += f". {'First' if len(todo) > 1 else 'Open'}: {top}."
    elif plan.items:
        actionable = (
            f"Every one of the plan's {_plural(len(plan.items), 'action')} is done or accepted as a risk."
        )
    else:
        actionable = plan.empty_message()

    trend = sections.trend
    if trend is None:
        flexible = (
            f"Framework {framework.ref}, questions with stable ids. One point in time: no earlier"
            " assessment was given, so there is no trend."
        )
    else:
        earlier = [p for p in trend.points if p.result is not result]
        dates = ", ".join(p.label for p in earlier)
        flexible = f"Framework {framework.ref}; compared with {_plural(len(earlier), 'earlier assessment')} ({dates})."
        if trend.notes:
            flexible += " " + " ".join(trend.notes)
        else:
            flexible += " All use the same framework version and question set, so they compare directly."

    return [
        {
            "id": "subjectivity",
            "title": "Subjectivity",
            "risk": "Answers reflect personal biases and interpretations.",
            "finding": _subjectivity(sections, n),
            "response": f"Scores combine the answers of {people}{role_text}. The report measures how far"
            " they agree, lists the questions where they split with every comment, and shows"
            " the scores by role; it cannot tell which view is right: discuss the hotspots"
            " together and ask the missing roles.",
        },
        {
            "id": "lack-of-context",
            "title": "Lack of context",
            "risk": "The questions may not fit the organization's context and constraints.",
            "finding": f"{_plural(counts.na, 'answer')} 'not applicable' (on {_plural(na_questions, 'question')}),"
            f" {counts.unknown} 'don't know'{unknown_share} and {counts.unanswered} left"
            f" unanswered, of {counts.total} answers.",
            "response": "Questions that do not apply are answered 'not applicable' and left out of"
            " the score, and comments and evidence are shown per answer; the report does not"
            " adjust scores to the organization's context beyond the framework's weights.",
        },
        {
            "id": "limited-scope",
            "title": "Limited scope",
            "risk": "A checklist assesses only some aspects of MLOps.",
            "finding": f"{n_questions} of the {full} questions (the '{answers.question_set}' set) of"
            f" {framework.title} {framework.version}; {coverage}; "
            + (f"no score for {', '.join(unscored)}." if unscored else "every dimension has a score."),
            "response": "Practices outside these questions are not assessed."
            + (f" The full question set asks {full - n_questions} more." if full > n_questions else ""),
        },
        {
            "id": "limited-flexibility",
            "title": "Limited flexibility",
            "risk": "A fixed questionnaire can lose relevance as conditions change.",
            "finding": flexible,
            "response": "The framework is versioned and its questions have stable ids, so later"
            " assessments compare with this one; across versions only the questions both ask"
            " compare, and the comparison says so.",
        },
        {
            "id": "limited-actionability",
            "title": "Limited actionability",
            "risk": "Scores alone do not say how to improve.",
            "finding": actionable,
            "response": "The improvement plan ranks every gap (weakest dimension first, core"
            " questions before extended ones, larger gains first) with the framework's"
            " recommendation and what doing it is worth; give each action an owner and a due"
            " date and track it over time.",
        },
    ]
