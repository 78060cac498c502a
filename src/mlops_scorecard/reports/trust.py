"""How far to trust a report: the facts (respondents, coverage, unknowns), the warnings
drawn from them and from the analysis, and the method's limitations (:mod:`.limitations`).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..format import fmt_interval
from .limitations import limitations

if TYPE_CHECKING:
    from ..answers import AnswerSet
    from ..evidence.crosscheck import CrossCheck
    from ..framework import Framework
    from ..scoring import ScoreResult
    from .sections import Sections

__all__ = ["FEW_RESPONDENTS", "LOW_COVERAGE", "UNKNOWN_SHARE", "trust_facts"]

#: Thresholds for the trust warnings.
FEW_RESPONDENTS = 3
LOW_COVERAGE = 0.8
UNKNOWN_SHARE = 0.10


def trust_facts(
    framework: Framework,
    answers: AnswerSet,
    result: ScoreResult,
    sections: Sections,
    *,
    evidence: CrossCheck | None = None,
) -> dict[str, Any]:
    """Facts and warnings that say how far the scores can be relied on; with
    ``evidence``, the subjectivity limitation says what the code shows beside the answers."""
    counts = result.counts
    n = len(answers.respondents)
    total = counts.total
    unknown_share = counts.unknown / total if total else None
    roles = Counter(r.role for r in answers.respondents if r.role)
    unscored = [{"id": d.id, "title": d.dimension.title} for d in result.dimensions if d.score is None]
    in_set = [q.id for _, q in framework.iter_questions(answers.question_set)]
    valued = set(framework.valued_keys)
    respondents: list[dict[str, Any]] = []
    for i, r in enumerate(answers.respondents):
        given = [r.answers[qid].answer for qid in in_set if qid in r.answers]
        respondents.append(
            {
                "name": answers.respondent_label(i),
                "role": r.role,
                "answered": sum(a in valued for a in given),
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
        "limitations": limitations(
            framework, answers, result, sections, len(roles), len(in_set), evidence=evidence
        ),
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
