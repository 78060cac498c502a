"""How far to trust a result, in one sentence a manager can act on.

The statistics (alpha, intervals, coverage) stay available for those who read them;
this turns them into a level (high, medium, low) and the next thing to do, from plain
counts, so a page, a report or the API can lead with the same words. The thresholds
are the analysis's own (:mod:`.caveats`, :mod:`.agreement`); ``docs/analysis.md`` says
how they combine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..format import fmt_alpha
from .agreement import STRONG_ALPHA, TENTATIVE_ALPHA
from .caveats import LOW_COVERAGE, MIN_RESPONDENTS

__all__ = ["Confidence", "ConfidenceFacts", "ConfidenceLevel", "confidence"]

ConfidenceLevel = Literal["high", "medium", "low"]

#: Coverage below this (but above :data:`~.caveats.LOW_COVERAGE`) costs "high".
GOOD_COVERAGE = 0.8


@dataclass(frozen=True)
class ConfidenceFacts:
    """The counts the sentence is built from (plain numbers, no names)."""

    #: People who have given at least one answer.
    respondents: int
    #: People asked to answer and not revoked (invited, joined by a shared link or
    #: uploaded); at least ``respondents``.
    invited: int = 0
    #: Questions where respondents split (the calibration agenda's length).
    split_questions: int = 0
    #: Krippendorff's alpha over all questions (``None``: fewer than two respondents).
    alpha: float | None = None
    #: Dimensions whose interval is flagged wide.
    wide_intervals: int = 0
    #: Share of cells answered yes, partly or no (``None``: nothing to divide).
    coverage: float | None = None
    #: Whether answers can come in (``False`` for a draft, not yet opened).
    accepting: bool = True


@dataclass(frozen=True)
class Confidence:
    """The level, the sentence that leads the trust section, and its parts."""

    level: ConfidenceLevel
    #: Why the level is not higher (each a short clause), most pressing first.
    reasons: tuple[str, ...]
    #: The next step, in the imperative.
    action: str

    @property
    def detail(self) -> str:
        """What follows the level: ``2 of 7 invited have not answered; ...: talk those through first.``"""
        body = "; ".join(self.reasons)
        return f"{body[:1].upper()}{body[1:]}: {self.action}."

    @property
    def sentence(self) -> str:
        """``Confidence: medium.`` and the :attr:`detail`."""
        return f"Confidence: {self.level}. {self.detail}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def confidence(facts: ConfidenceFacts) -> Confidence:
    """The level and the sentence for ``facts``.

    Low: fewer than :data:`~.caveats.MIN_RESPONDENTS` answered, half or more of those
    invited have not, alpha below :data:`~.agreement.TENTATIVE_ALPHA`, or coverage below
    :data:`~.caveats.LOW_COVERAGE`. Medium: anyone invited has not answered, respondents
    split on a question, alpha below :data:`~.agreement.STRONG_ALPHA`, a wide interval,
    or coverage below :data:`GOOD_COVERAGE`. High otherwise. The action names the most
    useful next step: reach those who have not answered when too few have, else talk
    the split questions through, else invite more people.
    """
    n = max(facts.respondents, 0)
    invited = max(facts.invited, n)
    silent = invited - n
    if n == 0:
        reason = "nobody has answered yet" if invited == 0 else f"none of the {invited} invited has answered"
        if not facts.accepting:
            action = (
                "invite people and open the assessment"
                if invited == 0
                else "open the assessment so they can answer"
            )
        else:
            action = "invite people" if invited == 0 else "remind them before reading any score"
        return Confidence("low", (reason,), action)
    low: list[str] = []
    medium: list[str] = []
    if silent:
        clause = f"{silent} of {invited} invited {'has' if silent == 1 else 'have'} not answered"
        (low if 2 * silent >= invited else medium).append(clause)
    if n < MIN_RESPONDENTS:
        low.append(f"only {_plural(n, 'person has', 'people have')} answered")
    if facts.split_questions:
        medium.append(f"respondents split on {_plural(facts.split_questions, 'question', 'questions')}")
    alpha = facts.alpha
    if alpha is not None and alpha < STRONG_ALPHA:
        words = "low" if alpha < TENTATIVE_ALPHA else "moderate"
        (low if alpha < TENTATIVE_ALPHA else medium).append(
            f"agreement is {words} (alpha {fmt_alpha(alpha)})"
        )
    if facts.wide_intervals:
        medium.append(f"{_plural(facts.wide_intervals, 'dimension has', 'dimensions have')} a wide interval")
    cov = facts.coverage
    if cov is not None and cov < GOOD_COVERAGE:
        clause = f"only {round(100 * cov)}% of the questions have a yes, partly or no"
        (low if cov < LOW_COVERAGE else medium).append(clause)
    level: ConfidenceLevel = "low" if low else "medium" if medium else "high"
    reasons = tuple(low + medium)
    if not reasons:
        agreed = "" if alpha is None else f" and agree (alpha {fmt_alpha(alpha)})"
        return Confidence(
            "high", (f"{_plural(n, 'person', 'people')} answered{agreed}",), "act on the scores"
        )
    if silent and (2 * silent >= invited or n < MIN_RESPONDENTS):
        action = "remind those who have not answered before acting on the scores"
    elif facts.split_questions:
        action = (
            ("talk it through first" if facts.split_questions == 1 else "talk those through first")
            if reasons[-1].startswith("respondents split")
            else ("talk the split questions through first")
        )
    elif n < MIN_RESPONDENTS:
        action = "invite more people before acting on the scores"
    elif silent:
        action = "remind those who have not answered"
    elif cov is not None and cov < GOOD_COVERAGE:
        action = "ask respondents to answer the questions they skipped or did not know"
    else:
        action = "read the scores as a range, not a number"
    return Confidence(level, reasons, action)
