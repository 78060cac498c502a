"""Across the organization: department roll-ups, the distribution of team scores, and a
cheap uncertainty marker for the heatmap.

Everything but :func:`heat_spreads` works on rows and results already loaded
(:func:`~mlops_scorecard.store.results.latest_results`), so it costs no query.

**Roll-up rule** (:data:`ROLLUP_RULE`, ``docs/analysis.md`` section 10): a unit's
roll-up is the *unweighted* mean of the latest scores of the teams in its subtree (every
unit of kind ``team`` below it, at any depth, and the unit itself when it is a team),
per dimension over the teams that have a score in that dimension; the overall roll-up is
the mean of those teams' overall scores. Each team counts once, however many people
answered for it: a large team does not outvote a small one, and a unit is not scored
better or worse for surveying more people.

**Uncertainty proxy** (:func:`spread`): the heatmap does not compute full intervals per unit,
so a cell is marked *uncertain* when fewer than :data:`THIN_RESPONDENTS` respondents gave
that dimension a score, or when the Student's t 90% interval of the mean of the
respondents' own scores, ``± t(n - 1) · sd / √n``, is wider than :data:`mlops_scorecard.analysis.WIDE_INTERVAL` points.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis import WIDE_INTERVAL
from ..format import fmt_number
from ..framework import QuestionSet
from ..matrix import ANSWER_CODES, UNANSWERED, ScoreMatrix
from .answer_sets import assessment_framework
from .models import Answer, Assessment, Respondent

__all__ = [
    "ROLLUP_RULE",
    "SPREAD_CONFIDENCE",
    "THIN_RESPONDENTS",
    "UNCERTAINTY_RULE",
    "Distribution",
    "Position",
    "RolledScore",
    "Rollup",
    "Spread",
    "TeamScore",
    "distributions",
    "heat_spreads",
    "respondent_scores",
    "rollup",
    "rollups",
    "spread",
    "subtree_teams",
    "team_scores",
]

ROLLUP_RULE = (
    "unweighted mean of the latest scores of the teams in the unit's subtree (the unit itself when it "
    "is a team), per dimension over the teams with a score in it; overall: the mean of their overall scores"
)
#: Fewer respondents with a score than this: the cell is uncertain (as the analysis' warnings).
THIN_RESPONDENTS = 3
#: The normal quantile of a two-sided 90% interval.
#: The proxy's confidence: Student's t with n - 1 degrees of freedom at this level.
SPREAD_CONFIDENCE = 0.9
UNCERTAINTY_RULE = (
    f"fewer than {THIN_RESPONDENTS} respondents, or an approximate 90% interval "
    f"(± t(n - 1) · sd / √n of the respondents' own scores) wider than {WIDE_INTERVAL:.0f} points"
)


def half_width(sd: float, n: int) -> float:
    """The proxy's half-width, ``t(n - 1) · sd / √n``: Student's t, not the normal 1.645,
    which is too narrow for the three to eight respondents a team usually has."""
    from scipy.special import stdtrit

    return float(stdtrit(n - 1, (1 + SPREAD_CONFIDENCE) / 2)) * sd / math.sqrt(n)


FloatArray = npt.NDArray[np.float64]


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


# --- teams and roll-ups -------------------------------------------------------------


@dataclass(frozen=True)
class TeamScore:
    """A team's latest assessment with answers: who, when, and its scores."""

    unit_id: int
    name: str
    assessment_id: int
    assessment_title: str
    date: dt.date
    respondents: int
    overall: float | None
    dimensions: dict[str, float | None]

    def score(self, key: str) -> float | None:
        """A dimension's score, or the overall score for ``"overall"``."""
        return self.overall if key == "overall" else self.dimensions.get(key)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        return {
            "unit_id": self.unit_id,
            "name": self.name,
            "assessment_id": self.assessment_id,
            "assessment_title": self.assessment_title,
            "date": self.date.isoformat(),
            "respondents": self.respondents,
            "overall": self.overall,
            "dimensions": dict(self.dimensions),
        }


def team_scores(
    units: Iterable[Any], latest: Mapping[int, tuple[Any, Mapping[str, Any]]]
) -> dict[int, TeamScore]:
    """Per team unit id (units of kind ``team``), its latest scores; teams without a
    latest assessment with answers are left out.

    ``units`` are objects with ``id``, ``name`` and ``kind``; ``latest`` is
    :func:`~mlops_scorecard.store.results.latest_results`.
    """
    out: dict[int, TeamScore] = {}
    for u in units:
        found = latest.get(u.id)
        if u.kind != "team" or found is None:
            continue
        a, result = found
        out[u.id] = TeamScore(
            unit_id=u.id,
            name=u.name,
            assessment_id=a.id,
            assessment_title=a.title,
            date=a.date,
            respondents=int(result.get("respondent_count") or 0),
            overall=_num(result.get("overall")),
            dimensions={str(d.get("id")): _num(d.get("score")) for d in result.get("dimensions") or []},
        )
    return out


def subtree_teams(unit_id: int, units: Iterable[Any]) -> list[int]:
    """The ids of the units of kind ``team`` in the subtree of ``unit_id`` (itself included),
    in tree order (depth first, by id); safe against parent cycles."""
    listed = list(units)
    kinds = {u.id: u.kind for u in listed}
    children: dict[int | None, list[int]] = {}
    for u in listed:
        children.setdefault(u.parent_id, []).append(u.id)
    out: list[int] = []
    seen: set[int] = set()
    todo = [unit_id]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if kinds.get(current) == "team":
            out.append(current)
        todo.extend(sorted(children.get(current, []), reverse=True))
    return out


@dataclass(frozen=True)
class RolledScore:
    """One dimension (or overall) of a roll-up: the mean over ``teams`` teams, and their range."""

    mean: float | None
    teams: int
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        return {"mean": self.mean, "teams": self.teams, "min": self.low, "max": self.high}


def _rolled(values: Iterable[float | None]) -> RolledScore:
    kept = [v for v in values if v is not None]
    if not kept:
        return RolledScore(None, 0, None, None)
    return RolledScore(sum(kept) / len(kept), len(kept), min(kept), max(kept))


@dataclass(frozen=True)
class Rollup:
    """A unit's roll-up from its teams (:data:`ROLLUP_RULE`).

    ``team_count`` counts every team in the subtree, ``teams`` those with a latest
    result (the ones the means are over).
    """

    unit_id: int
    name: str
    kind: str
    team_count: int
    teams: list[TeamScore]
    overall: RolledScore
    dimensions: dict[str, RolledScore]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        return {
            "rule": ROLLUP_RULE,
            "team_count": self.team_count,
            "teams_with_scores": len(self.teams),
            "overall": self.overall.to_dict(),
            "dimensions": {k: v.to_dict() for k, v in self.dimensions.items()},
        }


def rollup(
    unit: Any,
    units: Iterable[Any],
    teams: Mapping[int, TeamScore],
    dimension_ids: Sequence[str] | None = None,
) -> Rollup:
    """The roll-up of ``unit`` (with ``id``, ``name``, ``kind``) from ``teams``
    (:func:`team_scores`). Dimensions are ``dimension_ids`` or, when not given, those
    the teams have, in first-seen order."""
    ids = subtree_teams(unit.id, units)
    scored = [teams[i] for i in ids if i in teams]
    if dimension_ids is None:
        seen: dict[str, None] = {}
        for t in scored:
            seen.update(dict.fromkeys(t.dimensions))
        dimension_ids = list(seen)
    return Rollup(
        unit_id=unit.id,
        name=unit.name,
        kind=unit.kind,
        team_count=len(ids),
        teams=scored,
        overall=_rolled(t.overall for t in scored),
        dimensions={d: _rolled(t.dimensions.get(d) for t in scored) for d in dimension_ids},
    )


def rollups(
    order: Iterable[Any],
    units: Iterable[Any],
    teams: Mapping[int, TeamScore],
    dimension_ids: Sequence[str] | None = None,
) -> list[Rollup]:
    """The roll-up of every unit in ``order`` that is not a team and has at least one
    team with scores below it (departments and the organization), in that order."""
    listed = list(units)
    out = []
    for u in order:
        if u.kind == "team":
            continue
        r = rollup(u, listed, teams, dimension_ids)
        if r.teams:
            out.append(r)
    return out


# --- where a team stands among its peers -------------------------------------------------


@dataclass(frozen=True)
class Position:
    """A team's place in a distribution: ``rank`` 1 is the highest score (ties share the
    better rank); ``percentile`` is the share of the *other* teams that score below it,
    ties counted half (``None`` when it is the only team)."""

    score: float
    rank: int
    of: int
    percentile: float | None


@dataclass(frozen=True)
class Distribution:
    """The team scores of one dimension (or ``overall``): ``scores`` as (unit id, score),
    lowest first; quartiles by linear interpolation (numpy's default)."""

    dimension_id: str
    title: str
    scores: list[tuple[int, float]]

    @property
    def count(self) -> int:
        """How many teams have a score."""
        return len(self.scores)

    def quartiles(self) -> tuple[float, float, float, float, float] | None:
        """(min, Q1, median, Q3, max), or ``None`` without scores."""
        if not self.scores:
            return None
        q = np.quantile(np.array([s for _, s in self.scores]), [0, 0.25, 0.5, 0.75, 1])
        return (float(q[0]), float(q[1]), float(q[2]), float(q[3]), float(q[4]))

    def position(self, unit_id: int) -> Position | None:
        """Where the team ``unit_id`` stands; ``None`` when it has no score here."""
        mine = next((s for u, s in self.scores if u == unit_id), None)
        if mine is None:
            return None
        above = sum(1 for _, s in self.scores if s > mine + 1e-9)
        below = sum(1 for _, s in self.scores if s < mine - 1e-9)
        equal = len(self.scores) - above - below
        others = len(self.scores) - 1
        share = (below + 0.5 * (equal - 1)) / others if others else None
        return Position(mine, above + 1, len(self.scores), share)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        q = self.quartiles()
        names = ("min", "q1", "median", "q3", "max")
        stats = dict.fromkeys(names) if q is None else dict(zip(names, q, strict=True))
        return {"dimension": self.dimension_id, "title": self.title, "teams": self.count, **stats}


def distributions(teams: Iterable[TeamScore], columns: Sequence[tuple[str, str]]) -> list[Distribution]:
    """Per column (dimension id, title) the teams' scores; add ``("overall", "Overall")``
    to ``columns`` for the overall score."""
    listed = list(teams)
    out = []
    for did, title in columns:
        scores = [(t.unit_id, s) for t in listed if (s := t.score(did)) is not None]
        scores.sort(key=lambda p: (p[1], p[0]))
        out.append(Distribution(did, title, scores))
    return out


# --- the heatmap's uncertainty proxy ------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """How much a score rests on: respondents with a score, the standard deviation of
    their own scores (``None`` below two), and the half-width ``t(n - 1) · sd / √n``."""

    respondents: int
    sd: float | None
    half_width: float | None

    @property
    def uncertain(self) -> bool:
        """Whether the heatmap marks the cell (:data:`UNCERTAINTY_RULE`)."""
        if self.respondents < THIN_RESPONDENTS:
            return True
        return self.half_width is not None and 2 * self.half_width > WIDE_INTERVAL

    def reason(self) -> str:
        """Why the cell is (or is not) marked, in plain words."""
        n = self.respondents
        if n < THIN_RESPONDENTS:
            return f"uncertain: only {n} respondent{'' if n == 1 else 's'} gave it a score"
        width = (
            f"about ±{fmt_number(self.half_width, 0)} points" if self.half_width is not None else "unknown"
        )
        # a quick estimate from respondents' own scores; the assessment page has the interval
        return f"{'uncertain: ' if self.uncertain else ''}{n} respondents, rough 90% interval {width}"


def spread(scores: Iterable[float | None]) -> Spread:
    """The :class:`Spread` of some respondents' own scores (``None``: no score)."""
    kept = [s for s in scores if s is not None and not math.isnan(s)]
    n = len(kept)
    if n < 2:
        return Spread(n, None, None)
    sd = float(np.std(np.array(kept), ddof=1))
    return Spread(n, sd, half_width(sd, n))


def _respondent_matrices(
    session: Session, assessments: Sequence[Assessment]
) -> list[tuple[list[str], npt.NDArray[np.int64], FloatArray]]:
    """Per group of assessments sharing a framework version and question set: the score
    keys (dimension ids, then ``"overall"``), each respondent's assessment (index into
    ``assessments``) and a respondents x keys matrix of their own scores (NaN: none).
    One query for all; revoked respondents and those without answers are left out."""
    if not assessments:
        return []
    position = {a.id: i for i, a in enumerate(assessments)}
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, a in enumerate(assessments):
        groups.setdefault((a.framework_id, a.framework_version, a.question_set), []).append(i)
    # per group: framework, question set, question index, and the cells as flat lists of
    # numbers (rows are consumed as they come: keeping thousands of row objects alive
    # would cost more in garbage collection than the query itself)
    prepared = []
    group_of: dict[int, int] = {}
    for g, members in enumerate(groups.values()):
        first = assessments[members[0]]
        qset = cast(QuestionSet, first.question_set)
        fw = assessment_framework(first)
        index = {q.id: i for i, (_, q) in enumerate(fw.iter_questions(qset))}
        prepared.append((fw, qset, index))
        for i in members:
            group_of[assessments[i].id] = g
    people: list[dict[int, int]] = [{} for _ in prepared]
    owners: list[list[int]] = [[] for _ in prepared]
    r_idx: list[list[int]] = [[] for _ in prepared]
    q_idx: list[list[int]] = [[] for _ in prepared]
    cells: list[list[int]] = [[] for _ in prepared]
    result = session.connection().execute(
        select(Respondent.assessment_id, Respondent.id, Answer.question_id, Answer.answer)
        .join(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id.in_(list(position)), Respondent.revoked_at.is_(None))
    )
    for aid, rid, qid, key in result:
        g = group_of[aid]
        seen = people[g]
        r = seen.get(rid)
        if r is None:
            r = seen[rid] = len(owners[g])
            owners[g].append(position[aid])
        code = ANSWER_CODES.get(key)
        j = prepared[g][2].get(qid)
        if code is not None and j is not None:
            r_idx[g].append(r)
            q_idx[g].append(j)
            cells[g].append(code)
    out = []
    for g, (fw, qset, index) in enumerate(prepared):
        codes = np.full((len(owners[g]), len(index)), UNANSWERED, dtype=np.int8)
        codes[r_idx[g], q_idx[g]] = cells[g]
        # the same matrix and formulas as score(): each respondent's own scores
        m = ScoreMatrix.from_codes(fw, qset, codes)
        dims, overall = m.respondent_scores()
        scores = np.concatenate([dims, overall[:, None]], axis=1)
        out.append(([d.id for d, _ in m.spans] + ["overall"], np.array(owners[g], dtype=np.int64), scores))
    return out


def respondent_scores(
    session: Session, *, assessments: Sequence[Assessment]
) -> dict[int, list[dict[str, float | None]]]:
    """Per assessment id, each respondent's own scores (dimension id -> score, and
    ``"overall"``), as :func:`~mlops_scorecard.scoring.score` gives them; one query for
    all. Revoked respondents and those without answers are left out."""
    out: dict[int, list[dict[str, float | None]]] = {a.id: [] for a in assessments}
    for keys, owner, scores in _respondent_matrices(session, assessments):
        for i, row in zip(owner.tolist(), scores, strict=True):
            out[assessments[i].id].append({k: _num(float(v)) for k, v in zip(keys, row, strict=True)})
    return out


def _spreads(
    keys: list[str], owner: npt.NDArray[np.int64], scores: FloatArray, count: int
) -> list[dict[str, Spread]]:
    """:func:`spread` of every key for ``count`` owners at once (bincounts, no loop per respondent)."""
    has = ~np.isnan(scores)
    filled = np.where(has, scores, 0.0)
    out: list[dict[str, Spread]] = [{} for _ in range(count)]
    for j, key in enumerate(keys):
        n = np.bincount(owner, weights=has[:, j], minlength=count)
        total = np.bincount(owner, weights=filled[:, j], minlength=count)
        mean = np.divide(total, n, out=np.zeros(count), where=n > 0)
        dev = np.where(has[:, j], (filled[:, j] - mean[owner]) ** 2, 0.0)
        ss = np.bincount(owner, weights=dev, minlength=count)
        for i in range(count):
            k = int(n[i])
            if k < 2:
                out[i][key] = Spread(k, None, None)
            else:
                sd = math.sqrt(max(float(ss[i]), 0.0) / (k - 1))
                out[i][key] = Spread(k, sd, half_width(sd, k))
    return out


def heat_spreads(
    session: Session, latest: Mapping[int, tuple[Assessment, Mapping[str, Any]]]
) -> dict[int, dict[str, Spread]]:
    """Per unit id of ``latest``, the :class:`Spread` of each dimension (and ``overall``)
    of its latest result. Results frozen at closing carry each respondent's scores; the
    others are scored per respondent, all from one query of their answers."""
    by_assessment: dict[int, dict[str, Spread]] = {}
    live = []
    for a, result in latest.values():
        people = result.get("respondents")
        if not isinstance(people, list):
            live.append(a)
            continue
        keys = [str(d.get("id")) for d in result.get("dimensions") or []]
        rows = [p for p in people if isinstance(p, dict)]
        by_assessment[a.id] = {
            k: spread(_num((p.get("dimensions") or {}).get(k)) for p in rows) for k in keys
        }
        by_assessment[a.id]["overall"] = spread(_num(p.get("overall")) for p in rows)
    for keys, owner, scores in _respondent_matrices(session, live):
        members = sorted(set(owner.tolist()))
        local = {m: i for i, m in enumerate(members)}
        found = _spreads(
            keys, np.array([local[o] for o in owner.tolist()], dtype=np.int64), scores, len(members)
        )
        for m, spreads in zip(members, found, strict=True):
            by_assessment[live[m].id] = spreads
    return {unit_id: by_assessment.get(a.id, {}) for unit_id, (a, _) in latest.items()}
