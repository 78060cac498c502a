"""Two assessments compared: score changes per dimension and overall, and per question.

Dimensions are matched by id; questions through the
:class:`~mlops_scorecard.framework.VersionMapping` between the two framework versions
(the one the later version declares, or, for want of one, by question id). Two
assessments that asked different questions (another version or question set) are
compared on the questions the mapping carries from one to the other, rescored with
:func:`mlops_scorecard.scoring.score`, and the comparison lists what it left out. When
the framework version changed, each change is split into the part due to the framework
and the part due to the answers (``docs/analysis.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..answers import AnswerSet
from ..errors import ScorecardError
from ..framework import Framework, Lookup, QuestionSet, VersionMapping, version_mapping
from ..matrix import ScoreMatrix
from ..scoring import QuestionResult, ScoreResult, score, score_matrix
from .comparison_notes import comparison_note
from .mapped import mapped_matrix

__all__ = ["Comparison", "LeftOut", "QuestionChange", "ScoreDelta", "compare", "difference"]


def difference(new: float | None, old: float | None) -> float | None:
    """``new - old``, or ``None`` unless both are scores."""
    return None if new is None or old is None else new - old


@dataclass(frozen=True)
class ScoreDelta:
    """A dimension (or ``overall``) before and after.

    ``rescored`` is set when the two assessments use different framework versions: the
    earlier answers mapped onto the later framework and scored under it. ``delta`` then
    splits into the ``framework_effect`` (rescored - old) and the ``answer_effect``
    (new - rescored), which add up to it.
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
    """One compared question (the later version's) before and after: answer distribution
    and mean value. ``old_ids`` are the earlier questions it comes from and ``kind`` how
    (same, renamed, split, merged); the "before" side is their answers carried onto it
    (:func:`~.mapped.mapped_matrix`)."""

    question_id: str
    text: str
    dimension_id: str
    old_distribution: dict[str, int]
    new_distribution: dict[str, int]
    old_value: float | None
    new_value: float | None
    kind: str = "same"
    old_ids: tuple[str, ...] = ()

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
            "kind": self.kind,
            "from": list(self.old_ids or (self.question_id,)),
            "old": {"distribution": dict(self.old_distribution), "value": self.old_value},
            "new": {"distribution": dict(self.new_distribution), "value": self.new_value},
            "delta": self.delta,
            "changed": self.changed,
        }


@dataclass(frozen=True)
class LeftOut:
    """A question one side asked that the comparison leaves out, and why: ``removed``
    (no later question takes its answers), ``added`` (no earlier question gives it
    answers) or ``not asked`` (its counterpart was not in the other side's question set)."""

    question_id: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """Plain data."""
        return {"question": self.question_id, "reason": self.reason}


@dataclass(frozen=True)
class Comparison:
    """Two assessments of one framework side by side.

    When they asked different questions, ``same_questions`` is false, scores are on
    the compared questions only (``shared``, the later version's ids), ``dropped`` and
    ``added`` list the others of each side (``left_out_old``/``left_out_new`` with the
    reason) and ``note`` says so; ``old_result``/``new_result`` keep each one's full
    score. When they use different framework versions, ``same_version`` is false, every
    delta carries its framework and answer effects and ``note`` says what changed in the
    framework; ``mapping`` is how the questions were matched.
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
    mapping: VersionMapping | None = None
    left_out_old: list[LeftOut] = field(default_factory=list)
    left_out_new: list[LeftOut] = field(default_factory=list)

    @property
    def changes(self) -> list[QuestionChange]:
        """The questions whose answers changed, largest change of value first."""
        found = [q for q in self.questions if q.changed]
        order = {q.question_id: i for i, q in enumerate(self.questions)}
        return sorted(found, key=lambda q: (q.delta is None, -abs(q.delta or 0.0), order[q.question_id]))

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``compare --format json`` and the API."""
        mapping = None
        if self.mapping is not None:
            mapping = self.mapping.to_dict()
            # the questions matched by id as the same tell nothing: list the others
            mapping["links"] = [ln for ln in mapping["links"] if ln["declared"] or ln["kind"] != "same"]
        return {
            "old": {"framework": self.old_ref, "respondent_count": len(self.old_result.respondents)},
            "new": {"framework": self.new_ref, "respondent_count": len(self.new_result.respondents)},
            "same_questions": self.same_questions,
            "same_version": self.same_version,
            "note": self.note,
            "mapping": mapping,
            "shared": list(self.shared),
            "dropped": list(self.dropped),
            "added": list(self.added),
            "left_out": {
                "old": [x.to_dict() for x in self.left_out_old],
                "new": [x.to_dict() for x in self.left_out_new],
            },
            "overall": self.overall.to_dict(),
            "dimensions": [d.to_dict() for d in self.dimensions],
            "questions": [q.to_dict() for q in self.questions],
        }


def _restricted_framework(framework: Framework, keep: set[str], question_set: QuestionSet) -> Framework:
    """``framework`` with only the questions in ``keep`` asked in ``question_set`` (and
    the dimensions that still have one)."""
    dims = []
    for d in framework.dimensions:
        qs = [q for q in d.questions_in(question_set) if q.id in keep]
        if qs:
            dims.append(d.model_copy(update={"questions": qs}))
    fw = framework.model_copy(update={"dimensions": dims})
    fw.__dict__.pop("_questions_by_id", None)  # a copied cache would still list the dropped questions
    return fw


def _restricted(m: ScoreMatrix, keep: set[str]) -> ScoreMatrix:
    """The matrix cut down to the questions in ``keep``: the same cells, on a framework
    with only those questions (its columns, in framework order)."""
    fw = _restricted_framework(m.framework, keep, m.question_set)
    cols = [i for i, q in enumerate(m.questions) if q.id in keep]
    profile = m.answers.profile if m.answers is not None else None
    return ScoreMatrix.from_codes(fw, "full", m.codes[:, cols], people=m.people, profile=profile)


def _left_out(
    mapping: VersionMapping, old_asked: list[str], new_asked: list[str]
) -> tuple[list[str], list[LeftOut], list[LeftOut]]:
    """The later questions compared (some source asked on the earlier side), and what
    each side leaves out, with the reason."""
    old_set = set(old_asked)
    compared = [q for q in new_asked if any(s in old_set for s in mapping.sources_of(q))]
    used = {s for q in compared for s in mapping.sources_of(q)}
    old_out = [
        LeftOut(q, "removed" if not mapping.targets_of(q) else "not asked")
        for q in old_asked
        if q not in used
    ]
    new_out = [
        LeftOut(q, "added" if not mapping.sources_of(q) else "not asked")
        for q in new_asked
        if q not in compared
    ]
    return compared, old_out, new_out


def compare(
    old_framework: Framework,
    old_answers: AnswerSet,
    new_framework: Framework,
    new_answers: AnswerSet,
    *,
    mapping: VersionMapping | None = None,
    lookup: Lookup | None = None,
) -> Comparison:
    """Score deltas per dimension and overall, and per question the answers before and
    after, the questions matched through ``mapping`` (default
    :func:`~mlops_scorecard.framework.version_mapping` with ``lookup`` for the versions
    between). Raises :class:`ScorecardError` when the frameworks differ (by id, with no
    mapping declared between them) or share no question."""
    if mapping is None:
        mapping = version_mapping(old_framework, new_framework, lookup=lookup)
    if old_framework.id != new_framework.id and mapping.derived:
        raise ScorecardError(
            f"cannot compare assessments of different frameworks ({old_framework.ref} and {new_framework.ref})"
        )
    old_asked = [q.id for _, q in old_framework.iter_questions(old_answers.question_set)]
    new_asked = [q.id for _, q in new_framework.iter_questions(new_answers.question_set)]
    shared, left_old, left_new = _left_out(mapping, old_asked, new_asked)
    if not shared:
        raise ScorecardError(f"{old_framework.ref} and {new_framework.ref} share no question to compare")
    dropped = [x.question_id for x in left_old]
    added = [x.question_id for x in left_new]
    old_full, new_full = score(old_framework, old_answers), score(new_framework, new_answers)
    same = not dropped and not added
    same_version = old_framework.ref == new_framework.ref
    if same:
        old_res, new_res = old_full, new_full
        new_fw = new_framework
    else:
        old_res = score_matrix(_restricted(old_full.matrix, set(old_asked) - set(dropped)))
        new_res = score_matrix(_restricted(new_full.matrix, set(shared)))
        new_fw = new_res.framework
    # the earlier answers carried onto the later questions compared: the "before" side of
    # each question and, across versions, what the earlier score would have been had
    # the later version already been in use
    carried = score_matrix(mapped_matrix(mapping, old_full.matrix, new_fw, new_res.question_set))
    rescored: dict[str, float | None] = {}
    if not same_version:
        rescored = {d.id: d.score for d in carried.dimensions} | {"overall": carried.overall}
    note = comparison_note(old_framework, new_framework, mapping, shared, dropped, added)
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
    old_q = _questions(carried)
    new_q = _questions(new_res)
    old_set = set(old_asked)
    questions = []
    for qid in shared:
        link = mapping.link_of_new(qid)
        questions.append(
            QuestionChange(
                qid,
                new_q[qid].question.text,
                new_q[qid].dimension_id,
                dict(old_q[qid].distribution),
                dict(new_q[qid].distribution),
                old_q[qid].value,
                new_q[qid].value,
                kind="same" if link is None else link.kind,
                old_ids=tuple(s for s in mapping.sources_of(qid) if s in old_set),
            )
        )
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
        mapping=mapping,
        left_out_old=left_old,
        left_out_new=left_new,
    )


def _questions(result: ScoreResult) -> dict[str, QuestionResult]:
    return {q.question.id: q for d in result.dimensions for q in d.questions}
