"""The calibration meeting: the answers a group agreed on, and the scores they give.

The hotspots (:mod:`.hotspots`) are the meeting's agenda; the facilitator walks them and
records, per question, the answer the group agrees on with a note. The respondents'
own answers are kept: every result is computed twice, from the individual answers (as
always) and with the agreed answers in place. The rule (``docs/scoring.md``, "Agreed
answers"):

- an agreed answer *replaces* the respondents' answers to that question: the question's
  value is the agreed answer's scale value, not the respondents' mean;
- an agreed "not applicable" leaves the question out of the dimension score (as when
  everyone marks it so); an agreed "don't know" gives it no value (left out of a
  weighted mean, 0 under ``dimension_score: sum``);
- a question the assessment's context makes not applicable stays not applicable, and
  an agreed answer to it is listed but not counted;
- the other questions keep the respondents' mean; dimension and overall scores,
  levels and must-have caps follow from the question values with the usual formulas.

How far the meeting moved a dimension is its agreed score minus its individual score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import NotFoundError, ScorecardError
from ..framework import Dimension, Framework, Level, Question, QuestionSet
from ..framework.choices import answer_for_choices, choice_problems
from ..matrix import UNANSWERED, ScoreMatrix
from ..scoring import rate, unmet_must_haves
from .hotspots import Hotspot, matrix_hotspots

__all__ = [
    "MAX_NOTE",
    "Agreed",
    "AgreedQuestion",
    "Calibration",
    "Movement",
    "RoleCounts",
    "agreed_key",
    "calibrate",
    "meeting_agenda",
    "role_distribution",
]

#: The longest note an agreed answer keeps (characters).
MAX_NOTE = 2000


@dataclass(frozen=True)
class Agreed:
    """The answer a meeting agreed on for one question: a key of the framework's scale
    (for a multiple-choice question, the key its ``choices`` give), with a note."""

    question_id: str
    answer: str
    choices: tuple[str, ...] | None = None
    note: str = ""
    agreed_at: dt.datetime | None = None
    agreed_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API and reports."""
        return {
            "question": self.question_id,
            "answer": self.answer,
            "choices": None if self.choices is None else list(self.choices),
            "note": self.note,
            "agreed_at": None if self.agreed_at is None else self.agreed_at.isoformat(),
            "agreed_by": self.agreed_by,
        }


def agreed_key(
    framework: Framework,
    question_set: QuestionSet,
    question_id: str,
    answer: str,
    choices: Sequence[str] | None = None,
    *,
    not_applicable: Mapping[str, str] | None = None,
) -> tuple[str, tuple[str, ...] | None]:
    """The answer key and choices to keep for an agreed answer, checked.

    :class:`NotFoundError` for a question the framework lacks or the assessment's
    ``question_set`` leaves out; :class:`ScorecardError` for an answer off the scale,
    choices the question does not have, or a question the context makes not applicable
    (``not_applicable``: question id -> reason)."""
    found = framework.question(question_id)
    if found is None or (question_set == "core" and found[1].set != "core"):
        where = f"{framework.title} {framework.version}" + (" (core set)" if question_set == "core" else "")
        raise NotFoundError(f"no question {question_id!r} in this assessment's questions ({where})")
    question = found[1]
    if not_applicable and question_id in not_applicable:
        raise ScorecardError(
            f"question {question_id!r} is not applicable in this assessment's context "
            f"({not_applicable[question_id]}); there is nothing to agree on"
        )
    if choices is None:
        if question.choices and not answer:
            raise ScorecardError(
                f"agreed answer to {question_id!r}: give the choices selected or a scale key"
            )
        if answer not in framework.scale_keys:
            raise ScorecardError(
                f"agreed answer to {question_id!r}: unknown answer {answer!r} "
                f"(use {', '.join(framework.scale_keys)})"
            )
        return answer, None
    selected = tuple(choices)
    problems = choice_problems(question, selected)
    if problems:
        raise ScorecardError(f"agreed answer to {question_id!r}: " + "; ".join(problems))
    return answer_for_choices(framework, question, selected).key, selected


@dataclass(frozen=True)
class AgreedQuestion:
    """An agreed answer beside the respondents' own: ``individual`` is their mean value
    (0-1; ``None``: none gave one), ``value`` the agreed answer's value (``None``: it has
    none), ``counted`` whether the agreed scores count it (not when the context makes the
    question not applicable)."""

    question: Question
    dimension: Dimension
    agreed: Agreed
    individual: float | None
    value: float | None
    counted: bool
    distribution: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API and reports."""
        return {
            **self.agreed.to_dict(),
            "text": self.question.text,
            "dimension": self.dimension.id,
            "individual_value": self.individual,
            "agreed_value": self.value,
            "counted": self.counted,
            "distribution": dict(self.distribution),
        }


@dataclass(frozen=True)
class Movement:
    """One dimension's (``dimension`` ``None``: the overall) score from the individual
    answers and with the agreed answers, and how far the meeting moved it."""

    dimension: Dimension | None
    individual: float | None
    agreed: float | None
    individual_level: Level | None
    agreed_level: Level | None
    #: How many of its questions have an agreed answer that is counted.
    questions: int

    @property
    def moved(self) -> float | None:
        """Agreed minus individual score, in points of 0-100 (``None`` without both)."""
        if self.individual is None or self.agreed is None:
            return None
        return self.agreed - self.individual

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API and reports."""
        out: dict[str, Any] = {}
        if self.dimension is not None:
            out = {"id": self.dimension.id, "title": self.dimension.title}
        return {
            **out,
            "individual": self.individual,
            "agreed": self.agreed,
            "moved": self.moved,
            "individual_level": None if self.individual_level is None else self.individual_level.id,
            "agreed_level": None if self.agreed_level is None else self.agreed_level.id,
            "agreed_questions": self.questions,
        }


@dataclass(frozen=True)
class Calibration:
    """What a meeting's agreed answers do to an assessment's result."""

    questions: list[AgreedQuestion]
    dimensions: list[Movement]
    overall: Movement

    def __bool__(self) -> bool:
        return bool(self.questions)

    def question(self, question_id: str) -> AgreedQuestion | None:
        """The agreed answer to one question, if there is one."""
        return next((q for q in self.questions if q.question.id == question_id), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the ``calibration`` part of the JSON report and the API."""
        return {
            "rule": "an agreed answer replaces the respondents' answers to its question",
            "overall": self.overall.to_dict(),
            "dimensions": [d.to_dict() for d in self.dimensions],
            "questions": [q.to_dict() for q in self.questions],
        }


def _by_question(agreed: Mapping[str, Agreed] | Iterable[Agreed]) -> dict[str, Agreed]:
    if isinstance(agreed, Mapping):
        return dict(agreed)
    return {a.question_id: a for a in agreed}


def calibrate(m: ScoreMatrix, agreed: Mapping[str, Agreed] | Iterable[Agreed]) -> Calibration:
    """The individual and the agreed scores of ``m``'s assessment, per dimension and
    overall, with the agreed answers (in framework order) beside the respondents' values.

    Agreed answers to questions outside the matrix's question set are ignored; see the
    module's rule for the rest."""
    fw = m.framework
    wanted = _by_question(agreed)
    means, dropped = m.question_values()
    values = means.copy()
    left = dropped.copy()
    not_applicable = m.profile.not_applicable
    keys = [*m.keys, "unanswered"]
    codes = [*range(len(m.keys)), UNANSWERED]
    found: list[AgreedQuestion] = []
    counted_in: dict[str, int] = {}
    for col, q in enumerate(m.questions):
        a = wanted.get(q.id)
        if a is None:
            continue
        dim = m.dimension_of(col)
        counted = q.id not in not_applicable
        value = fw.value_of(a.answer)
        if counted:
            values[col] = np.nan if value is None else value
            left[col] = a.answer == "na"
            counted_in[dim.id] = counted_in.get(dim.id, 0) + 1
        individual = None if np.isnan(means[col]) else float(means[col])
        column = m.codes[:, col]
        distribution = {k: int((column == c).sum()) for c, k in zip(codes, keys, strict=True)}
        found.append(AgreedQuestion(q, dim, a, individual, value, counted, distribution))

    ind_dims, ind_all = m.scores(means, dropped)
    agr_dims, agr_all = m.scores(values, left)
    ind_caps = unmet_must_haves(m, means, dropped)
    agr_caps = unmet_must_haves(m, values, left)

    def opt(x: Any) -> float | None:
        return None if np.isnan(x) else float(x)

    dimensions = []
    for j, (dim, _) in enumerate(m.spans):
        ind, agr = opt(ind_dims[j]), opt(agr_dims[j])
        dimensions.append(
            Movement(
                dim,
                ind,
                agr,
                rate(fw, ind, [c for c in ind_caps if c.dimension_id == dim.id]).level,
                rate(fw, agr, [c for c in agr_caps if c.dimension_id == dim.id]).level,
                counted_in.get(dim.id, 0),
            )
        )
    ind, agr = opt(ind_all), opt(agr_all)
    overall = Movement(
        None, ind, agr, rate(fw, ind, ind_caps).level, rate(fw, agr, agr_caps).level, sum(counted_in.values())
    )
    return Calibration(found, dimensions, overall)


def meeting_agenda(m: ScoreMatrix) -> list[Hotspot]:
    """The split questions in the order a meeting walks them: largest disagreement
    (the spread of the respondents' values) first; ties in the hotspots' own order
    (the larger score swing first)."""
    found = matrix_hotspots(m)
    # rounded: the spread's last bits depend on the order of the respondents
    return sorted(found, key=lambda h: -round(h.spread, 9))


@dataclass(frozen=True)
class RoleCounts:
    """How the respondents of one role answered a question (answer key -> count)."""

    role: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Respondents of the role."""
        return sum(self.counts.values())


def role_distribution(m: ScoreMatrix, question_id: str) -> list[RoleCounts]:
    """The answers to one question counted per role of ``m``'s rows (keys of the scale,
    then ``unanswered``), roles in order of first appearance. Pass the matrix of
    :func:`~mlops_scorecard.privacy.for_viewers` answers when it is shown to a room:
    its small roles are merged, so no count is one named person's."""
    col = next((i for i, q in enumerate(m.questions) if q.id == question_id), None)
    if col is None:
        raise NotFoundError(f"no question {question_id!r} in this assessment's questions")
    keys = [*m.keys, "unanswered"]
    lookup = dict(zip([*range(len(m.keys)), UNANSWERED], keys, strict=True))
    out: dict[str, dict[str, int]] = {}
    for role, code in zip(m.roles, m.codes[:, col].tolist(), strict=True):
        counts = out.setdefault(role or "no role given", dict.fromkeys(keys, 0))
        counts[lookup[int(code)]] += 1
    return [RoleCounts(role, counts) for role, counts in out.items()]
