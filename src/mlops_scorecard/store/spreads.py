"""A cheap uncertainty marker for the organization's heatmap.

The heatmap does not compute full intervals per unit, so a cell is marked *uncertain*
(:func:`spread`, :data:`UNCERTAINTY_RULE`) when fewer than :data:`THIN_RESPONDENTS`
respondents gave that dimension a score, or when the Student's t 90% interval of the
mean of the respondents' own scores, ``± t(n - 1) · sd / √n``, is wider than
:data:`mlops_scorecard.analysis.WIDE_INTERVAL` points. :func:`heat_spreads` reads the
respondents' scores of frozen results, and scores the others from one query.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from ..analysis import WIDE_INTERVAL
from ..analysis.student_t import t_quantile
from ..format import fmt_number
from ..matrix import FloatArray
from .answer_sets import answer_codes
from .models import Assessment
from .results import score_value

__all__ = [
    "SPREAD_CONFIDENCE",
    "THIN_RESPONDENTS",
    "UNCERTAINTY_RULE",
    "Spread",
    "half_width",
    "heat_spreads",
    "respondent_scores",
    "spread",
]

#: Fewer respondents with a score than this: the cell is uncertain (as the analysis' warnings).
THIN_RESPONDENTS = 3
#: The proxy's confidence: Student's t with n - 1 degrees of freedom at this level.
SPREAD_CONFIDENCE = 0.9
UNCERTAINTY_RULE = (
    f"fewer than {THIN_RESPONDENTS} respondents, or an approximate 90% interval "
    f"(± t(n - 1) · sd / √n of the respondents' own scores) wider than {WIDE_INTERVAL:.0f} points"
)


def half_width(sd: float, n: int) -> float:
    """The proxy's half-width, ``t(n - 1) · sd / √n``: Student's t, not the normal 1.645,
    which is too narrow for the three to eight respondents a team usually has."""
    return t_quantile(n - 1, (1 + SPREAD_CONFIDENCE) / 2) * sd / math.sqrt(n)


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
    out = []
    for group in answer_codes(session, assessments=assessments):
        m = group.matrix
        dims, overall = m.respondent_scores()
        scores = np.concatenate([dims, overall[:, None]], axis=1)
        out.append(([d.id for d, _ in m.spans] + ["overall"], group.owners, scores))
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
            out[assessments[i].id].append({k: score_value(float(v)) for k, v in zip(keys, row, strict=True)})
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
            k: spread(score_value((p.get("dimensions") or {}).get(k)) for p in rows) for k in keys
        }
        by_assessment[a.id]["overall"] = spread(score_value(p.get("overall")) for p in rows)
    for keys, owner, scores in _respondent_matrices(session, live):
        members = sorted(set(owner.tolist()))
        local = {m: i for i, m in enumerate(members)}
        found = _spreads(
            keys, np.array([local[o] for o in owner.tolist()], dtype=np.int64), scores, len(members)
        )
        for m, spreads in zip(members, found, strict=True):
            by_assessment[live[m].id] = spreads
    return {unit_id: by_assessment.get(a.id, {}) for unit_id, (a, _) in latest.items()}
