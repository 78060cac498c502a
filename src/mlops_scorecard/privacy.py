"""What viewers may see: aggregates only, never one respondent (docs/analysis.md, "Who sees what").

Facilitators and admins see each respondent's name, role and scores. Viewers (leadership
reading the results, automation with a viewer token) see the assessment's scores,
agreement, intervals, hotspots and scores by role, computed from an answer set in which

- nobody has a name, and the respondents are in an order that does not follow who
  joined when;
- roles with fewer than :data:`MIN_ROLE_SIZE` respondents are merged into
  :data:`OTHER_ROLE` (and, when "other" would itself be that small, the smallest roles
  next, until it is not), so that a role's scores are never one or two people's.

:func:`aggregate_report` then takes the per-respondent parts out of a report (the scores
of each respondent, each one's answer counts) and leaves comments that cannot be tied
to one person across questions.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from .analysis.roles import EXPECTED_ROLES, NO_ROLE, normalize_role

if TYPE_CHECKING:
    from .answers import AnswerSet

__all__ = [
    "ANONYMOUS",
    "MIN_ROLE_SIZE",
    "OTHER_ROLE",
    "aggregate_analysis",
    "aggregate_report",
    "anonymized",
    "for_viewers",
    "missing_roles",
    "viewer_answers",
]

#: The fewest respondents a role (or "other") shows to viewers.
MIN_ROLE_SIZE = 3
#: The role that small roles are merged into for viewers.
OTHER_ROLE = "other"
#: How a comment's author is named for viewers: the same for everyone, so that comments
#: on two questions cannot be tied to one person.
ANONYMOUS = "anonymous"


def anonymized(answers: AnswerSet) -> AnswerSet:
    """The answer set without names, in an order that does not follow who joined when."""
    return _anonymized(answers)[0]


def _anonymized(answers: AnswerSet) -> tuple[AnswerSet, list[int]]:
    """:func:`anonymized`, and for each of its respondents the index of the same one in ``answers``."""
    people = answers.respondents
    order = sorted(
        range(len(people)),
        key=lambda i: (
            people[i].role,
            sorted((q, a.answer, a.comment) for q, a in people[i].answers.items()),
        ),
    )
    renamed = [people[i].model_copy(update={"name": ""}) for i in order]
    return answers.model_copy(update={"respondents": renamed}), order


def _merged_roles(roles: list[str]) -> dict[str, str]:
    """Normalized role -> the role viewers see it as."""
    counts = Counter(roles)
    small = {role for role, n in counts.items() if n < MIN_ROLE_SIZE}
    # "other" of one or two people would single them out in turn: fold in the smallest
    # remaining roles until it is large enough (or holds everyone)
    rest = sorted((n, role) for role, n in counts.items() if role not in small)
    while small and sum(counts[r] for r in small) < MIN_ROLE_SIZE and rest:
        small.add(rest.pop(0)[1])
    return {role: OTHER_ROLE if role in small else role for role in counts}


def for_viewers(answers: AnswerSet) -> AnswerSet:
    """The answer set as viewers see it: :func:`anonymized`, every role normalized (a
    spelling of one's own, such as "MLE" among "ML engineer"s, would single a person
    out) and small roles merged into :data:`OTHER_ROLE`. Scores overall and per
    dimension do not change."""
    return viewer_answers(answers)[0]


def viewer_answers(answers: AnswerSet) -> tuple[AnswerSet, list[int]]:
    """:func:`for_viewers`, and for each of its respondents the index of the same one
    in ``answers``: the rows of a score matrix already built for ``answers``
    (:meth:`~mlops_scorecard.matrix.ScoreMatrix.take`) are then the viewers' matrix."""
    roles = [normalize_role(r.role) for r in answers.respondents]
    seen_as = _merged_roles(roles)
    people = [
        r.model_copy(update={"name": "", "role": "" if seen_as[role] == NO_ROLE else seen_as[role]})
        for r, role in zip(answers.respondents, roles, strict=True)
    ]
    return _anonymized(answers.model_copy(update={"respondents": people}))


def missing_roles(answers: AnswerSet) -> list[str]:
    """The expected roles nobody answered as, from the answers before any merging: a
    role merged into "other" for viewers did answer, and is not reported missing."""
    seen = {normalize_role(r.role) for r in answers.respondents}
    return [role for role in EXPECTED_ROLES if role not in seen]


def _anonymous(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # one label for all, sorted by content: no order or label ties answers to a person
    out = [{**e, "respondent": ANONYMOUS} for e in entries]
    return sorted(out, key=lambda e: (e.get("role", ""), e.get("answer", ""), e.get("comment", "")))


def aggregate_analysis(data: dict[str, Any], *, missing: list[str] | None = None) -> dict[str, Any]:
    """:meth:`~mlops_scorecard.analysis.Analysis.to_dict` of :func:`for_viewers` answers,
    with hotspot comments anonymous and in an order that follows no one; ``missing``
    (:func:`missing_roles` of the original answers) replaces the missing roles."""
    out = dict(data)
    if "hotspots" in data:
        out["hotspots"] = [
            {**h, "comments": _anonymous(list(h.get("comments", [])))} for h in data["hotspots"]
        ]
    if missing is not None and "roles" in data:
        out["roles"] = {**data["roles"], "missing": list(missing)}
    return out


#: The sentence of the subjectivity finding that names the missing roles.
_MISSING_SENTENCE = re.compile(r"; \d+ roles? missing: [^.]*\.")


def _true_missing(limitation: dict[str, Any], missing: list[str]) -> dict[str, Any]:
    """The subjectivity finding with the roles truly missing (merging hid which answered)."""
    finding = limitation.get("finding")
    if limitation.get("id") != "subjectivity" or not isinstance(finding, str):
        return limitation
    count = f"{len(missing)} role{'' if len(missing) == 1 else 's'}"
    sentence = (
        f"; {count} missing: {', '.join(missing)}."
        if missing
        else ", every role a diverse group should include."
    )
    return {**limitation, "finding": _MISSING_SENTENCE.sub(lambda _: sentence, finding, count=1)}


def aggregate_report(data: dict[str, Any], *, original: AnswerSet | None = None) -> dict[str, Any]:
    """A report's data (of :func:`for_viewers` answers) without per-respondent parts.

    Respondents' scores (``result.respondents``) and their answer counts
    (``trust.respondents``) are left out; a question's responses keep only those with
    a comment or evidence, and comments (there and under hotspots) name nobody. With the
    ``original`` answers, what merging would make untrue is set right: the missing roles
    (:func:`missing_roles`), and the "single role" warning when several roles answered.
    """
    out = dict(data)
    out["result"] = {**data["result"], "respondents": []}
    trust = dict(data["trust"])
    trust["respondents"] = []
    missing = None
    if original is not None:
        missing = missing_roles(original)
        if len({normalize_role(r.role) for r in original.respondents if r.role}) > 1:
            trust["warnings"] = [w for w in trust["warnings"] if w.get("code") != "single-role"]
        trust["limitations"] = [_true_missing(lim, missing) for lim in trust.get("limitations", [])]
    out["trust"] = trust
    out["answers"] = [
        {
            **block,
            "questions": [
                {**q, "responses": _anonymous([r for r in q["responses"] if r["comment"] or r["evidence"]])}
                for q in block["questions"]
            ],
        }
        for block in data["answers"]
    ]
    return aggregate_analysis(out, missing=missing)
