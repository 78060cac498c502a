"""Results people can trust: agreement, hotspots, intervals, roles and plain warnings.

:func:`analyze` runs every analysis of one assessment on its one
:class:`~mlops_scorecard.matrix.ScoreMatrix`, built once. The pieces live in
:mod:`.agreement` (Krippendorff's alpha), :mod:`.hotspots`, :mod:`.uncertainty`
(small-sample intervals), :mod:`.roles` (scores by role) and :mod:`.caveats` (the
warnings for a thin result); :mod:`.trends` compares assessments and follows them over
time. Methods, thresholds and readings are in ``docs/analysis.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..answers import AnswerSet
from ..framework import Framework
from ..matrix import ScoreMatrix
from ..scoring import ScoreResult, score_matrix
from .agreement import (
    TENTATIVE_ALPHA,
    Agreement,
    AgreementReport,
    agreement,
    matrix_agreement,
    ordinal_alpha,
)
from .caveats import LOW_COVERAGE, MANY_UNKNOWN, MIN_RESPONDENTS, WIDE_INTERVAL, Caveat, caveats
from .hotspots import Comment, Hotspot, hotspots, matrix_hotspots
from .roles import RoleBreakdown, matrix_roles, role_breakdown, role_series
from .uncertainty import (
    DEFAULT_CONFIDENCE,
    Interval,
    Uncertainty,
    interval_series,
    intervals,
    matrix_intervals,
)

__all__ = [
    "LOW_COVERAGE",
    "MANY_UNKNOWN",
    "MIN_RESPONDENTS",
    "TENTATIVE_ALPHA",
    "WIDE_INTERVAL",
    "Agreement",
    "AgreementReport",
    "Analysis",
    "Caveat",
    "Comment",
    "Hotspot",
    "Interval",
    "RoleBreakdown",
    "ScoreMatrix",
    "Uncertainty",
    "agreement",
    "analyze",
    "analyze_matrix",
    "caveats",
    "hotspots",
    "interval_series",
    "intervals",
    "ordinal_alpha",
    "role_breakdown",
    "role_series",
]


@dataclass(frozen=True)
class Analysis:
    """Everything :func:`analyze` finds about one assessment."""

    result: ScoreResult
    agreement: AgreementReport
    hotspots: list[Hotspot]
    uncertainty: Uncertainty
    roles: RoleBreakdown
    caveats: list[Caveat]

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``analyze --format json`` and the API."""
        return {
            "framework": {"id": self.result.framework.id, "version": self.result.framework.version},
            "question_set": self.result.question_set,
            "respondent_count": len(self.result.respondents),
            "overall": self.result.overall,
            "dimensions": {d.id: d.score for d in self.result.dimensions},
            "agreement": self.agreement.to_dict(),
            "intervals": self.uncertainty.to_dict(),
            "hotspots": [h.to_dict() for h in self.hotspots],
            "roles": self.roles.to_dict(),
            "caveats": [c.to_dict() for c in self.caveats],
        }


def analyze(
    framework: Framework,
    answers: AnswerSet,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    hotspot_limit: int | None = None,
    result: ScoreResult | None = None,
) -> Analysis:
    """Scores, agreement, hotspots, intervals, roles and warnings of one
    assessment (pass ``result`` when it is already scored: its matrix is reused when
    it was built from these very answers)."""
    if result is not None and result.matrix.answers is answers and result.framework is framework:
        m = result.matrix
    else:
        m = ScoreMatrix.build(framework, answers)
    return analyze_matrix(m, confidence=confidence, hotspot_limit=hotspot_limit, result=result)


def analyze_matrix(
    m: ScoreMatrix,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    hotspot_limit: int | None = None,
    result: ScoreResult | None = None,
) -> Analysis:
    """:func:`analyze` of an already built matrix (``result``: its score, if computed)."""
    result = score_matrix(m) if result is None else result
    agree = matrix_agreement(m)
    spans = matrix_intervals(m, confidence=confidence)
    return Analysis(
        result=result,
        agreement=agree,
        hotspots=matrix_hotspots(m, hotspot_limit),
        uncertainty=spans,
        roles=matrix_roles(m),
        caveats=caveats(result, uncertainty=spans, agreement=agree),
    )
