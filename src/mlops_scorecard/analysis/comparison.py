"""Two assessments compared: score changes per dimension and overall, and per question.

Assessments are matched by stable ids: questions by question id, dimensions by
dimension id. Two assessments that asked different questions (another framework
version or question set) are compared on the questions both asked, rescored with
:func:`mlops_scorecard.scoring.score`, and the comparison says so; when the framework
version changed, each change is split into the part due to the framework and the
part due to the answers (``docs/analysis.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..answers import AnswerSet
from ..errors import ScorecardError
from ..framework import Framework, QuestionSet
from ..scoring import QuestionResult, ScoreResult, score

__all__ = ["Comparison", "QuestionChange", "ScoreDelta", "compare", "difference"]


def difference(new: float | None, old: float | None) -> float | None:
    """``new - old``, or ``None`` unless both are scores."""
    return None if new is None or old is None else new - old


@dataclass(frozen=True)
class ScoreDelta:
    """A dimension (or ``overall``) before and after.

    ``rescored`` is set when the two assessments use different framework versions: the
    earlier answers scored under the later framework. ``delta`` then splits into the
    ``framework_effect`` (rescored - old) and the ``answer_effect`` (new - rescored).
    """

    dimension_id: str
    title: str
    old: float | None
    new: float | None
    rescored: float | None = None

    @property
    def delta(self) -> float | None:
        """``new - old``; ``None`` unless both have a score."""
        return difference(self.new, self.old)

    @property
    def framework_effect(self) -> float | None:
        """The part of ``delta`` due to the framework: the same (earlier) answers scored
        under the later version minus under the earlier one."""
        return difference(self.rescored, self.old)

    @property
    def answer_effect(self) -> float | None:
        """The part of ``delta`` due to the answers: both under the later framework."""
        return difference(self.new, self.rescored)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "dimension": self.dimension_id,
            "old": self.old,
            "new": self.new,
            "delta": self.delta,
            "rescored": self.rescored,
            "framework_effect": self.framework_effect,
            "answer_effect": self.answer_effect,
        }


@dataclass(frozen=True)
class QuestionChange:
    """One shared question before and after: answer distribution and mean value."""

    question_id: str
    text: str
    dimension_id: str
    old_distribution: dict[str, int]
    new_distribution: dict[str, int]
    old_value: float | None
    new_value: float | None

    @property
    def delta(self) -> float | None:
        """Change of the mean value (0-1 scale); ``None`` unless both have one."""
        return difference(self.new_value, self.old_value)

    @property
    def changed(self) -> bool:
        """Whether the answers changed: another distribution or another mean value."""
        return self.old_distribution != self.new_distribution or (
            (self.old_value is None) != (self.new_value is None) or abs(self.delta or 0.0) > 1e-9
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and the API."""
        return {
            "question": self.question_id,
            "dimension": self.dimension_id,
            "old": {"distribution": dict(self.old_distribution), "value": self.old_value},
            "new": {"distribution": dict(self.new_distribution), "value": self.new_value},
            "delta": self.delta,
            "changed": self.changed,
        }


@dataclass(frozen=True)
class Comparison:
    """Two assessments of one framework side by side.

    When they asked different questions, ``same_questions`` is false, scores are on
    the ``shared`` questions only, ``dropped``/``added`` list the others and ``note``
    says so; ``old_result``/``new_result`` keep each one's full score. When they use
    different framework versions, ``same_version`` is false, every delta carries its
    framework and answer effects and ``note`` says what changed in the framework.
    """

    old_ref: str
    new_ref: str
    same_questions: bool
    same_version: bool
    shared: list[str]
    dropped: list[str]
    added: list[str]
    overall: ScoreDelta
    dimensions: list[ScoreDelta]
    questions: list[QuestionChange]
    old_result: ScoreResult
    new_result: ScoreResult
    note: str | None = None

    @property
    def changes(self) -> list[QuestionChange]:
        """The questions whose answers changed, largest change of value first."""
        found = [q for q in self.questions if q.changed]
        order = {q.question_id: i for i, q in enumerate(self.questions)}
        return sorted(found, key=lambda q: (q.delta is None, -abs(q.delta or 0.0), order[q.question_id]))

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``compare --format json`` and the API."""
        return {
            "old": {"framework": self.old_ref, "respondent_count": len(self.old_result.respondents)},
            "new": {"framework": self.new_ref, "respondent_count": len(self.new_result.respondents)},
            "same_questions": self.same_questions,
            "same_version": self.same_version,
            "note": self.note,
            "shared": list(self.shared),
            "dropped": list(self.dropped),
            "added": list(self.added),
            "overall": self.overall.to_dict(),
            "dimensions": [d.to_dict() for d in self.dimensions],
            "questions": [q.to_dict() for q in self.questions],
        }


def _restricted(
    framework: Framework, answers: AnswerSet, keep: set[str], question_set: QuestionSet | None = None
) -> tuple[Framework, AnswerSet]:
    """The framework and answers cut down to the questions in ``keep`` (all asked in
    ``question_set``, by default the answers' own)."""
    dims = []
    for d in framework.dimensions:
        qs = [q for q in d.questions_in(question_set or answers.question_set) if q.id in keep]
        if qs:
            dims.append(d.model_copy(update={"questions": qs}))
    fw = framework.model_copy(update={"dimensions": dims})
    fw.__dict__.pop("_questions_by_id", None)  # a copied cache would still list the dropped questions
    people = [
        r.model_copy(update={"answers": {k: v for k, v in r.answers.items() if k in keep}})
        for r in answers.respondents
    ]
    return fw, answers.model_copy(update={"respondents": people, "question_set": "full"})


def compare(
    old_framework: Framework, old_answers: AnswerSet, new_framework: Framework, new_answers: AnswerSet
) -> Comparison:
    """Score deltas per dimension and overall, and per question the answers before and
    after. Raises :class:`ScorecardError` when the frameworks differ (by id) or share
    no question."""
    if old_framework.id != new_framework.id:
        raise ScorecardError(
            f"cannot compare assessments of different frameworks ({old_framework.ref} and {new_framework.ref})"
        )
    old_asked = [q.id for _, q in old_framework.iter_questions(old_answers.question_set)]
    new_asked = [q.id for _, q in new_framework.iter_questions(new_answers.question_set)]
    shared_set = set(old_asked) & set(new_asked)
    if not shared_set:
        raise ScorecardError(f"{old_framework.ref} and {new_framework.ref} share no question to compare")
    shared = [q for q in new_asked if q in shared_set]
    dropped = [q for q in old_asked if q not in shared_set]
    added = [q for q in new_asked if q not in shared_set]
    old_full, new_full = score(old_framework, old_answers), score(new_framework, new_answers)
    same = not dropped and not added
    note = None
    if same:
        old_res, new_res = old_full, new_full
    else:
        old_res = score(*_restricted(old_framework, old_answers, shared_set))
        new_res = score(*_restricted(new_framework, new_answers, shared_set))
        parts = [f"Compared on the {len(shared)} questions both assessments asked"]
        if old_framework.ref != new_framework.ref:
            parts[0] += f" ({old_framework.ref} and {new_framework.ref})"
        if dropped:
            parts.append(f"not asked in the new one: {', '.join(dropped)}")
        if added:
            parts.append(f"new: {', '.join(added)}")
        note = "; ".join(parts) + "."
    same_version = old_framework.ref == new_framework.ref
    rescored: dict[str, float | None] = {}
    if not same_version:
        # the earlier answers under the later framework, on the shared questions: what
        # the earlier score would have been had the later version already been in use
        again = score(*_restricted(new_framework, old_answers, shared_set, new_answers.question_set))
        rescored = {d.id: d.score for d in again.dimensions} | {"overall": again.overall}
        parts = [note.rstrip(".")] if note else []
        parts.append(
            f"The framework changed ({old_framework.ref} to {new_framework.ref})"
            + _framework_changes(old_framework, new_framework, shared)
            + ": each change is split into the part due to the framework (the earlier answers"
            f" rescored under {new_framework.ref}, minus their score) and the part due to the answers"
        )
        note = "; ".join(parts) + "."
    old_dims = {d.id: d for d in old_res.dimensions}
    new_dims = {d.id: d for d in new_res.dimensions}
    titles = {d.id: d.dimension.title for d in old_full.dimensions} | {
        d.id: d.dimension.title for d in new_full.dimensions
    }
    order = [d.id for d in new_framework.dimensions] + [
        d.id for d in old_framework.dimensions if new_framework.dimension(d.id) is None
    ]
    deltas = [
        ScoreDelta(
            did,
            titles[did],
            old_dims[did].score if did in old_dims else None,
            new_dims[did].score if did in new_dims else None,
            rescored.get(did),
        )
        for did in order
        if did in old_dims or did in new_dims
    ]
    old_q = _questions(old_res)
    new_q = _questions(new_res)
    questions = [
        QuestionChange(
            qid,
            new_q[qid].question.text,
            new_q[qid].dimension_id,
            dict(old_q[qid].distribution),
            dict(new_q[qid].distribution),
            old_q[qid].value,
            new_q[qid].value,
        )
        for qid in shared
    ]
    return Comparison(
        old_ref=old_framework.ref,
        new_ref=new_framework.ref,
        same_questions=same,
        same_version=same_version,
        shared=shared,
        dropped=dropped,
        added=added,
        overall=ScoreDelta("overall", "Overall", old_res.overall, new_res.overall, rescored.get("overall")),
        dimensions=deltas,
        questions=questions,
        old_result=old_full,
        new_result=new_full,
        note=note,
    )


def _framework_changes(old: Framework, new: Framework, shared: list[str]) -> str:
    """What changed between two versions for the shared questions, as a clause."""
    parts = []
    for qid in shared:
        was, now = old.question(qid), new.question(qid)
        if was is None or now is None:  # pragma: no cover - shared questions are in both
            continue
        if was[0].id != now[0].id:
            parts.append(f"{qid} moved from {was[0].id} to {now[0].id}")
        if was[1].weight != now[1].weight:
            parts.append(f"{qid} weighs {now[1].weight:g} (was {was[1].weight:g})")
    for d in new.dimensions:
        before = old.dimension(d.id)
        if before is not None and before.weight != d.weight:
            parts.append(f"{d.id} weighs {d.weight:g} (was {before.weight:g})")
    if old.scale != new.scale:
        parts.append("the answer scale changed")
    if old.overall != new.overall:
        parts.append(f"the overall score is the {new.overall} (was the {old.overall})")
    return f": {', '.join(parts)}" if parts else ""


def _questions(result: ScoreResult) -> dict[str, QuestionResult]:
    return {q.question.id: q for d in result.dimensions for q in d.questions}
