"""Across a department's teams: the rolled-up trend with its uncertainty, the weakest
questions, and each team's place among its peers. Works on the compact summaries of
:mod:`.summaries` already loaded: no query.

**Rolled-up trend** (:data:`TREND_RULE`, ``docs/analysis.md`` section 10): time is cut
into calendar quarters; in each quarter every team counts once, with its newest
assessment with answers dated in that quarter, and the roll-up is the unweighted mean
of those teams' scores (as :data:`~.rollup.ROLLUP_RULE`). Its uncertainty is the
Student's t 90% interval of that mean over the teams, ``± t(k - 1) · sd / √k``: how far
the mean could move with other teams of the same department; none below two teams.

**Weakest questions** (:data:`WEAK_RULE`): a team *answers mostly with the lowest
answer* (``no`` on the default scale) when more than half of its respondents who gave
a valued answer gave the lowest one; questions are ranked by how many teams do so,
then by the share of all respondents who did.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .spreads import half_width

__all__ = [
    "TREND_RULE",
    "WEAK_RULE",
    "Place",
    "Places",
    "RolledPoint",
    "WeakCounts",
    "WeakQuestion",
    "places",
    "quarter_of",
    "quarter_picks",
    "rolled_point",
    "rolled_trend",
    "weakest",
    "weakest_questions",
]

TREND_RULE = (
    "per calendar quarter, the unweighted mean of the teams' newest assessment with answers in that quarter; "
    "the interval is the 90% Student's t interval of that mean over the teams (± t(k - 1) · sd / √k)"
)
WEAK_RULE = (
    "a team answers mostly with the lowest answer when more than half of its respondents who gave a "
    "valued answer gave the lowest one"
)


def quarter_of(date: Any) -> str:
    """The calendar quarter of a date, as ``2026 Q1``."""
    return f"{date.year} Q{(date.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class RolledScore:
    """A mean over ``teams`` teams with its 90% interval (``None`` below two teams)."""

    mean: float | None
    teams: int
    low: float | None
    high: float | None


def _rolled(values: Iterable[float | None]) -> RolledScore:
    kept = [v for v in values if v is not None]
    if not kept:
        return RolledScore(None, 0, None, None)
    k = len(kept)
    mean = sum(kept) / k
    if k < 2:
        return RolledScore(mean, 1, None, None)
    sd = math.sqrt(sum((v - mean) ** 2 for v in kept) / (k - 1))
    h = half_width(sd, k)
    return RolledScore(mean, k, max(0.0, mean - h), min(100.0, mean + h))


@dataclass(frozen=True)
class RolledPoint:
    """One quarter of a rolled-up trend: the teams assessed in it and their roll-up."""

    label: str
    teams: int
    overall: RolledScore
    dimensions: dict[str, RolledScore]


def quarter_picks(history: Mapping[int, Sequence[Any]]) -> dict[str, dict[int, Any]]:
    """Per quarter, each team's point that counts in it (its newest there), the teams in
    the order of ``history`` (team unit id -> points, oldest first)."""
    by_quarter: dict[str, dict[int, Any]] = {}
    for unit_id, summaries in history.items():
        for s in summaries:  # oldest first: the newest in a quarter wins
            by_quarter.setdefault(quarter_of(s.date), {})[unit_id] = s
    return by_quarter


def rolled_point(label: str, teams: Sequence[Any], dimension_ids: Sequence[str]) -> RolledPoint:
    """One quarter of the rolled-up trend from the points that count in it (in the
    teams' order: the sums are added in it)."""
    return RolledPoint(
        label=label,
        teams=len(teams),
        overall=_rolled(t.overall for t in teams),
        dimensions={d: _rolled(t.dimensions.get(d) for t in teams) for d in dimension_ids},
    )


def rolled_trend(history: Mapping[int, Sequence[Any]], dimension_ids: Sequence[str]) -> list[RolledPoint]:
    """The rolled-up trend (:data:`TREND_RULE`) of the teams in ``history`` (team unit id
    -> points with ``date``, ``overall`` and ``dimensions``, oldest first,
    :attr:`~.summaries.Scope.history`), oldest quarter first."""
    by_quarter = quarter_picks(history)
    return [
        rolled_point(label, list(by_quarter[label].values()), dimension_ids) for label in sorted(by_quarter)
    ]


@dataclass(frozen=True)
class WeakQuestion:
    """A question across teams: how many teams answer it mostly with the lowest answer,
    of how many were asked it; and the respondents' lowest answers of their valued ones."""

    question_id: str
    teams_low: int
    teams_asked: int
    answers_low: int
    answers_valued: int


@dataclass
class WeakCounts:
    """What :func:`weakest` ranks, per question id: the teams answering it mostly with
    the lowest answer, the teams asked it, and the respondents' lowest and valued
    answers. Whole numbers, so a team's part can be taken out and put back exactly
    (:meth:`add` with ``sign=-1``): a roll-up after one change need not add up every team."""

    low_teams: dict[str, int]
    asked_teams: dict[str, int]
    low_answers: dict[str, int]
    valued_answers: dict[str, int]

    def copy(self) -> WeakCounts:
        """An independent copy (the counts of a kept roll-up stay as they are)."""
        return WeakCounts(
            dict(self.low_teams), dict(self.asked_teams), dict(self.low_answers), dict(self.valued_answers)
        )

    def add(self, team: Any, asked: Collection[str], sign: int = 1) -> None:
        """Count one team's summary (``sign=-1``: take it out); ``asked`` its question ids."""
        for qid in asked:
            self.asked_teams[qid] = self.asked_teams.get(qid, 0) + sign
        for qid, (low, valued) in team.weak.items():
            self.low_answers[qid] = self.low_answers.get(qid, 0) + sign * low
            self.valued_answers[qid] = self.valued_answers.get(qid, 0) + sign * valued
            if 2 * low > valued:
                n = self.low_teams.get(qid, 0) + sign
                if n:
                    self.low_teams[qid] = n
                else:  # as if never counted: a question no team answers mostly "no" is not listed
                    del self.low_teams[qid]

    @classmethod
    def of(cls, teams: Iterable[Any], asked: Callable[[Any], Collection[str]]) -> WeakCounts:
        """The counts over ``teams`` (summaries); ``asked(summary)`` gives its question ids."""
        counts = cls({}, {}, {}, {})
        for t in teams:
            counts.add(t, asked(t))
        return counts


def weakest_questions(
    teams: Iterable[Any], asked: Callable[[Any], Collection[str]], limit: int = 8
) -> list[WeakQuestion]:
    """The ``limit`` weakest questions (:data:`WEAK_RULE`) over ``teams`` (summaries);
    ``asked(summary)`` gives the question ids that team's question set has. Questions no
    team answers mostly with the lowest answer are left out."""
    return weakest(WeakCounts.of(teams, asked), limit)


def weakest(counts: WeakCounts, limit: int = 8) -> list[WeakQuestion]:
    """The ``limit`` weakest questions of :class:`WeakCounts` (:func:`weakest_questions`)."""
    found = [
        WeakQuestion(
            q, n, max(n, counts.asked_teams.get(q, 0)), counts.low_answers[q], counts.valued_answers[q]
        )
        for q, n in counts.low_teams.items()
    ]
    found.sort(
        key=lambda w: (-w.teams_low / max(w.teams_asked, 1), -w.teams_low, -w.answers_low, w.question_id)
    )
    return found[:limit]


@dataclass(frozen=True)
class Place:
    """A team's place by overall score among ``of`` peers: 1 is the highest, ties share
    the better place."""

    rank: int
    of: int


class Places:
    """Each scored team's :class:`Place` among the scored teams of ``scores`` (unit id ->
    overall), worked out when asked (a page shows 50 of thousands): one sort."""

    def __init__(self, scores: Mapping[int, float | None]) -> None:
        self._scores = scores
        self._sorted = sorted(v for v in scores.values() if v is not None)

    def get(self, unit_id: int) -> Place | None:
        """The team's place; ``None`` when it has no score (or is not one of them)."""
        v = self._scores.get(unit_id)
        if v is None:
            return None
        n = len(self._sorted)
        # teams strictly above, with the same tolerance as Distribution.position
        return Place(n - bisect.bisect_right(self._sorted, v + 1e-9) + 1, n)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Places) and dict(self._scores) == dict(other._scores)

    __hash__ = None  # type: ignore[assignment]


def places(scores: Mapping[int, float | None]) -> dict[int, Place]:
    """Each scored team's :class:`Place` among the scored teams of ``scores`` (unit id ->
    overall); one sort, so thousands of teams cost milliseconds."""
    found = Places(scores)
    return {unit_id: p for unit_id in scores if (p := found.get(unit_id)) is not None}
