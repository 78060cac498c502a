"""Who answered: scores per respondent role, the gap between role groups, and the roles
a diverse group of assessors should include but does not.

Roles are free text in answers files; :func:`normalize_role` maps common spellings
to one id (:data:`ROLE_ALIASES`), :data:`ROLE_GROUPS` puts roles into groups
(leadership, practitioners), and :data:`EXPECTED_ROLES` lists the roles the seed
article's "diverse group of individuals with relevant expertise" means here. Scores
per role are :func:`mlops_scorecard.scoring.score_matrix` on that role's rows of the
assessment's one :class:`~mlops_scorecard.matrix.ScoreMatrix` (no new matrix per role).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..answers import AnswerSet
from ..framework import Framework
from ..matrix import ScoreMatrix
from ..scoring import ScoreResult, score_matrix
from ..series import Series

__all__ = [
    "EXPECTED_ROLES",
    "NO_ROLE",
    "ROLE_ALIASES",
    "ROLE_GROUPS",
    "GroupScore",
    "RoleBreakdown",
    "RoleGap",
    "RoleScore",
    "matrix_roles",
    "normalize_role",
    "role_breakdown",
    "role_series",
]

#: The role of respondents who gave none.
NO_ROLE = "(no role)"

#: Roles a diverse group of assessors should include (design notes, "people who use it").
EXPECTED_ROLES: tuple[str, ...] = (
    "ml-engineer",
    "data-scientist",
    "data-engineer",
    "product",
    "compliance",
    "leadership",
)

#: Other spellings of a role, after lower-casing and turning spaces and underscores
#: into hyphens.
ROLE_ALIASES: dict[str, str] = {
    "mle": "ml-engineer",
    "machine-learning-engineer": "ml-engineer",
    "mlops-engineer": "ml-engineer",
    "ds": "data-scientist",
    "scientist": "data-scientist",
    "de": "data-engineer",
    "product-manager": "product",
    "product-owner": "product",
    "pm": "product",
    "legal": "compliance",
    "risk": "compliance",
    "governance": "compliance",
    "management": "leadership",
    "manager": "leadership",
    "executive": "leadership",
    "head": "leadership",
    "director": "leadership",
    "cto": "leadership",
    "vp": "leadership",
}

#: Role -> group, for the gap between leadership and the people doing the work.
ROLE_GROUPS: dict[str, str] = {
    "leadership": "leadership",
    "ml-engineer": "practitioners",
    "data-scientist": "practitioners",
    "data-engineer": "practitioners",
    "platform-engineer": "practitioners",
    "software-engineer": "practitioners",
}

#: The two groups whose gap is reported: first minus second.
GAP_GROUPS: tuple[str, str] = ("leadership", "practitioners")


def normalize_role(role: str) -> str:
    """The role id for free text: lower case, hyphens, aliases resolved; :data:`NO_ROLE`
    for an empty role."""
    key = re.sub(r"[\s_]+", "-", role.strip().lower()).strip("-")
    if not key:
        return NO_ROLE
    return ROLE_ALIASES.get(key, key)


def _dims(result: ScoreResult) -> dict[str, float | None]:
    return {d.id: d.score for d in result.dimensions}


@dataclass(frozen=True)
class RoleScore:
    """The scores of one role's (or group's) respondents alone."""

    role: str
    respondents: int
    result: ScoreResult

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        r = self.result
        return {
            "role": self.role,
            "respondents": self.respondents,
            "overall": r.overall,
            "dimensions": _dims(r),
        }


@dataclass(frozen=True)
class GroupScore(RoleScore):
    """A group of roles (e.g. practitioners) and their scores together."""

    roles: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {**super().to_dict(), "group": self.role, "roles": list(self.roles)}


@dataclass(frozen=True)
class RoleGap:
    """One dimension (or ``overall``) seen by two groups: ``gap = first - second``."""

    dimension_id: str
    title: str
    first: float | None
    second: float | None

    @property
    def gap(self) -> float | None:
        """First group's score minus the second's; ``None`` unless both have one."""
        if self.first is None or self.second is None:
            return None
        return self.first - self.second

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "dimension": self.dimension_id,
            "first": self.first,
            "second": self.second,
            "gap": self.gap,
        }


@dataclass(frozen=True)
class RoleBreakdown:
    """Scores per role and group, the gap between :data:`GAP_GROUPS`, and who is missing."""

    roles: list[RoleScore]
    groups: list[GroupScore]
    gap_groups: tuple[str, str]
    gaps: list[RoleGap]
    present: list[str]
    missing: list[str]

    def largest_gap(self) -> RoleGap | None:
        """The dimension where the two groups differ most (``None`` if no gap)."""
        found = [g for g in self.gaps if g.gap is not None and g.dimension_id != "overall"]
        return max(found, key=lambda g: abs(g.gap or 0.0), default=None)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "roles": [r.to_dict() for r in self.roles],
            "groups": [g.to_dict() for g in self.groups],
            "gap": {"first": self.gap_groups[0], "second": self.gap_groups[1]},
            "gaps": [g.to_dict() for g in self.gaps],
            "present": list(self.present),
            "missing": list(self.missing),
        }


def role_breakdown(
    framework: Framework,
    answers: AnswerSet,
    *,
    groups: Mapping[str, str] | None = None,
    expected: Sequence[str] = EXPECTED_ROLES,
    gap_groups: tuple[str, str] = GAP_GROUPS,
) -> RoleBreakdown:
    """Scores per role and per group, the gap between ``gap_groups`` per dimension and
    overall, and the ``expected`` roles nobody answered as.

    Roles come out in the order of ``expected``, then others alphabetically, then
    :data:`NO_ROLE`. ``groups`` maps role ids to group names (default :data:`ROLE_GROUPS`).
    """
    return matrix_roles(
        ScoreMatrix.build(framework, answers), groups=groups, expected=expected, gap_groups=gap_groups
    )


def matrix_roles(
    m: ScoreMatrix,
    *,
    groups: Mapping[str, str] | None = None,
    expected: Sequence[str] = EXPECTED_ROLES,
    gap_groups: tuple[str, str] = GAP_GROUPS,
) -> RoleBreakdown:
    """:func:`role_breakdown` of an already built :class:`~mlops_scorecard.matrix.ScoreMatrix`:
    each role's scores come from its rows."""
    framework = m.framework
    groups = ROLE_GROUPS if groups is None else groups
    by_role: dict[str, list[int]] = {}
    for i, role in enumerate(m.roles):
        by_role.setdefault(normalize_role(role), []).append(i)
    rank = {role: i for i, role in enumerate(expected)}
    ordered = sorted(by_role, key=lambda k: (k == NO_ROLE, rank.get(k, len(rank)), k))
    roles = [RoleScore(k, len(by_role[k]), score_matrix(m.take(by_role[k]))) for k in ordered]

    members: dict[str, list[str]] = {}
    for role in ordered:
        if role in groups:
            members.setdefault(groups[role], []).append(role)
    results = {r.role: r.result for r in roles}
    group_scores = [
        GroupScore(
            name,
            sum(len(by_role[k]) for k in keys),
            # a group of one role has that role's scores: no need to score it again
            results[keys[0]]
            if len(keys) == 1
            # rows role by role (not file order): the sums then run in the order scoring the group's
            # respondents listed role by role gives, to the last bit
            else score_matrix(m.take([i for k in keys for i in by_role[k]])),
            roles=tuple(keys),
        )
        for name, keys in sorted(members.items(), key=lambda kv: (kv[0] not in gap_groups, kv[0]))
    ]
    found = {g.role: g.result for g in group_scores}
    first, second = found.get(gap_groups[0]), found.get(gap_groups[1])
    gaps: list[RoleGap] = []
    if first is not None and second is not None:
        a, b = _dims(first), _dims(second)
        gaps = [RoleGap(d.id, d.title, a.get(d.id), b.get(d.id)) for d in framework.dimensions]
        gaps.append(RoleGap("overall", "Overall", first.overall, second.overall))
    present = [k for k in ordered if k != NO_ROLE]
    return RoleBreakdown(
        roles=roles,
        groups=group_scores,
        gap_groups=gap_groups,
        gaps=gaps,
        present=present,
        missing=[role for role in expected if role not in by_role],
    )


def role_series(breakdown: RoleBreakdown, *, by: str = "role") -> tuple[list[str], list[Series]]:
    """Labels (dimension titles) and one radar series per role (``by="role"``) or per
    group (``by="group"``), named with the number of respondents, to overlay."""
    entries: Sequence[RoleScore] = breakdown.groups if by == "group" else breakdown.roles
    if by not in ("role", "group"):
        raise ValueError("by must be 'role' or 'group'")
    source = entries[0].result if entries else (breakdown.roles[0].result if breakdown.roles else None)
    if source is None:
        return [], []
    labels = [d.dimension.title for d in source.dimensions]
    series = [
        Series(f"{e.role} (n={e.respondents})", [d.score for d in e.result.dimensions]) for e in entries
    ]
    return labels, series
