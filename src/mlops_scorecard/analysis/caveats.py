"""Plain warnings when a result is thin: few respondents, low coverage, many "don't
know" answers, dimensions without a score, wide intervals, low agreement.

The thresholds and their reasons are in ``docs/analysis.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..format import fmt_alpha, fmt_interval, fmt_pct
from ..scoring import ScoreResult
from .agreement import TENTATIVE_ALPHA, AgreementReport
from .uncertainty import Uncertainty

__all__ = ["LOW_COVERAGE", "MANY_UNKNOWN", "MIN_RESPONDENTS", "WIDE_INTERVAL", "Caveat", "caveats"]

#: Fewer respondents than this: the result rests on too few views.
MIN_RESPONDENTS = 3
#: Coverage (share of cells with yes, partly or no) below this, overall or in a dimension.
LOW_COVERAGE = 0.5
#: Share of "don't know" answers among all cells at or above this, overall or in a dimension.
MANY_UNKNOWN = 0.2
#: An interval wider than this many points.
WIDE_INTERVAL = 30.0


@dataclass(frozen=True)
class Caveat:
    """A plain warning about how far to trust a result; ``dimension`` is an id or ``None``."""

    code: str
    message: str
    dimension: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {"code": self.code, "message": self.message, "dimension": self.dimension}


def _pct(x: float) -> str:
    return fmt_pct(x)


def caveats(
    result: ScoreResult,
    *,
    uncertainty: Uncertainty | None = None,
    agreement: AgreementReport | None = None,
) -> list[Caveat]:
    """Warnings when the result is thin: few respondents, low coverage, many "don't
    know" answers, dimensions without a score, wide intervals, low agreement."""
    out: list[Caveat] = []
    n = len(result.respondents)
    if n == 0:
        return [Caveat("no-respondents", "Nobody has answered yet: there is nothing to trust.")]
    if n < MIN_RESPONDENTS:
        out.append(
            Caveat(
                "few-respondents",
                f"Only {n} respondent{'s' if n != 1 else ''}: a score from fewer than {MIN_RESPONDENTS} "
                "people mostly shows their personal view, and its intervals span most of the scale; "
                "ask more people, from different roles.",
            )
        )
    c = result.counts
    low_coverage = c.coverage is not None and c.coverage < LOW_COVERAGE
    many_unknown = bool(c.total) and c.unknown / c.total >= MANY_UNKNOWN
    if low_coverage and c.coverage is not None:
        out.append(
            Caveat(
                "low-coverage",
                f"Only {_pct(c.coverage)} of the answers carry a value (yes, partly, no); "
                "the score rests on those few.",
            )
        )
    if many_unknown:
        out.append(
            Caveat(
                "many-unknown",
                f'{_pct(c.unknown / c.total)} of the answers are "don\'t know": find out who knows, '
                "or add them to the respondents.",
            )
        )
    for d in result.dimensions:
        dc, title = d.counts, d.dimension.title
        if d.score is None:
            out.append(Caveat("no-score", f"{title} has no score: nobody gave it a value.", d.id))
            continue
        if not low_coverage and dc.coverage is not None and dc.coverage < LOW_COVERAGE:
            out.append(
                Caveat(
                    "low-coverage", f"{title}: only {_pct(dc.coverage)} of the answers carry a value.", d.id
                )
            )
        if not many_unknown and dc.total and dc.unknown / dc.total >= MANY_UNKNOWN:
            out.append(
                Caveat(
                    "many-unknown",
                    f'{title}: {_pct(dc.unknown / dc.total)} of the answers are "don\'t know".',
                    d.id,
                )
            )
        iv = None if uncertainty is None else uncertainty.dimensions.get(d.id)
        # Below MIN_RESPONDENTS every interval is wide, and "few-respondents" says so once.
        if iv is not None and iv.width > WIDE_INTERVAL and n >= MIN_RESPONDENTS:
            out.append(
                Caveat(
                    "wide-interval",
                    f"{title}: the score could plausibly be anywhere from {fmt_interval(iv.low, iv.high, 0, sep=' to ')}; "
                    "more respondents would narrow it.",
                    d.id,
                )
            )
    if (
        agreement is not None
        and agreement.overall.alpha is not None
        and agreement.overall.alpha < TENTATIVE_ALPHA
    ):
        out.append(
            Caveat(
                "low-agreement",
                f"Respondents agree little (alpha {fmt_alpha(agreement.overall.alpha)}): "
                "go through the hotspots together before acting on the score.",
            )
        )
    return out
