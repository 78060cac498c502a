"""The report as plain data: the JSON report, and what every other format renders from.

The layout is documented in ``docs/report-format.md`` and checked by
``schemas/report.schema.json``. Changing it follows the versioning rule there: adding a
field keeps :data:`SCHEMA_VERSION`; renaming, removing or changing the meaning of one
bumps it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..framework import ANSWER_KEYS, VALUED_KEYS

if TYPE_CHECKING:
    from ..answers import AnswerSet
    from ..framework import Framework
    from ..scoring import ScoreResult

__all__ = [
    "FEW_RESPONDENTS",
    "LOW_COVERAGE",
    "SCHEMA_VERSION",
    "UNKNOWN_SHARE",
    "ReportData",
    "report_data",
]

#: Bumped only by a breaking change of the layout (see docs/report-format.md).
SCHEMA_VERSION = 1

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
) -> ReportData:
    """The report of one assessment as JSON-ready data (``schema_version`` 1).

    ``result`` must be ``score(framework, answers)``; it is passed in so that a caller
    that already scored (the CLI, the web app's cache) does not score twice.
    ``generated_at`` defaults to now in UTC; pass it to get the same output twice.
    """
    from .. import __version__

    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": _iso(generated_at),
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
        "answers": _answers(framework, answers),
        "trust": _trust(framework, answers, result),
    }


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


def _trust(framework: Framework, answers: AnswerSet, result: ScoreResult) -> dict[str, Any]:
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
    return {
        "respondent_count": n,
        "roles": dict(sorted(roles.items())),
        "respondents": respondents,
        "question_count": len(in_set),
        "cells": total,
        "answered_count": counts.answered,
        "coverage": None if counts.coverage is None else round(counts.coverage, 4),
        "unknown_count": counts.unknown,
        "unknown_share": None if unknown_share is None else round(unknown_share, 4),
        "na_count": counts.na,
        "unanswered_count": counts.unanswered,
        "dimensions_without_score": unscored,
        "warnings": _warnings(n, roles, counts.coverage, unknown_share, unscored, silent),
        "limitations": _limitations(framework, answers, n, len(roles), len(in_set)),
    }


def _warnings(
    n: int,
    roles: Counter[str],
    coverage: float | None,
    unknown_share: float | None,
    unscored: list[dict[str, Any]],
    silent: list[str],
) -> list[dict[str, str]]:
    warnings: list[dict[str, str]] = []

    def warn(code: str, message: str) -> None:
        warnings.append({"code": code, "message": message})

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
        )
    if silent and n:
        names = ", ".join(silent)
        warn(
            "respondent-without-answers",
            f"{names} gave no answers to the questions of this set and so did not contribute to the scores.",
        )
    return warnings


def _limitations(
    framework: Framework, answers: AnswerSet, n: int, n_roles: int, n_questions: int
) -> list[dict[str, str]]:
    """The article's five limitations, each with what this report does about it."""
    people = f"{n} respondent{'s' if n != 1 else ''}"
    role_text = f" in {n_roles} role{'s' if n_roles != 1 else ''}" if n_roles else ""
    other_set = " The full question set asks more." if answers.question_set == "core" else ""
    return [
        {
            "id": "subjectivity",
            "title": "Subjectivity",
            "risk": "Answers reflect personal biases and interpretations.",
            "response": f"Scores combine the answers of {people}{role_text}, and every answer"
            " is listed with its comment so that differing views stay visible; the report"
            " does not compute a formal measure of agreement.",
        },
        {
            "id": "lack-of-context",
            "title": "Lack of context",
            "risk": "The questions may not fit the organization's context and constraints.",
            "response": "Questions that do not apply can be answered 'not applicable' and"
            " are left out of the score, and comments and evidence are shown per answer;"
            " the report does not adjust scores to the organization's context beyond"
            " the framework's weights.",
        },
        {
            "id": "limited-scope",
            "title": "Limited scope",
            "risk": "A checklist assesses only some aspects of MLOps.",
            "response": f"This report covers the {n_questions} questions of the"
            f" '{answers.question_set}' set of {framework.title} {framework.version};"
            f" practices outside them are not assessed.{other_set}",
        },
        {
            "id": "limited-flexibility",
            "title": "Limited flexibility",
            "risk": "A fixed questionnaire can lose relevance as conditions change.",
            "response": f"The framework is versioned ({framework.ref}) and its questions"
            " have stable ids, so later assessments of the same version compare with this"
            " one; this report shows one point in time, not a trend.",
        },
        {
            "id": "limited-actionability",
            "title": "Limited actionability",
            "risk": "Scores alone do not say how to improve.",
            "response": "Levels per dimension and the answers per question show where the"
            " gaps are; the report holds no improvement plan, so turn the weakest"
            " questions into one and track it over time.",
        },
    ]
