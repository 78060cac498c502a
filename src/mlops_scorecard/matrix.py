"""The score matrix: one assessment's answers as arrays, built once and shared.

Scoring (:mod:`.scoring`), agreement, hotspots, intervals and roles
(:mod:`.analysis`), the plan (:mod:`.planning`) and the store's roll-up all work on a
:class:`ScoreMatrix`: a respondents x questions matrix of answer codes, their scale
values (NaN where an answer carries no value) and ordinal categories, with the
question weights and each dimension's columns. The formulas every score follows
(:func:`question_means`, :func:`counted_values`, :func:`weighted_scores`,
:func:`overall_scores`, put together by :meth:`ScoreMatrix.scores`) live here too, so
that a score is computed the same way wherever it is computed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, repeat
from operator import attrgetter
from types import SimpleNamespace

import numpy as np
import numpy.typing as npt

from .answers import AnswerSet, Respondent
from .framework import ANSWER_KEYS, Dimension, Framework, Question, QuestionSet
from .framework.profiles import ProfileEffect, profile_effect

__all__ = [
    "ANSWER_CODES",
    "UNANSWERED",
    "BoolArray",
    "FloatArray",
    "ScoreMatrix",
    "counted_values",
    "dimension_spans",
    "key_codes",
    "left_out",
    "overall_scores",
    "question_means",
    "weighted_scores",
]

FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

#: The code of a question left out, whatever the scale: the largest ``int8``, so that
#: it sorts after every key's code, and a scale may have up to 127 keys.
UNANSWERED = int(np.iinfo(np.int8).max)
#: Answer key -> code on the default scale (its index in
#: :data:`~mlops_scorecard.framework.ANSWER_KEYS`); other scales: :func:`key_codes`.
ANSWER_CODES: dict[str, int] = {key: i for i, key in enumerate(ANSWER_KEYS)}
#: Stands in for a question a respondent left out, so that every cell has an ``answer``.
_NO_ANSWER = SimpleNamespace(answer=None)


class _CodeOrUnanswered(dict[str | None, int]):
    """Key -> code; a key off the scale (or ``None``) reads as unanswered, as the
    store's :func:`~mlops_scorecard.store.answer_sets.answer_codes` leaves it out."""

    def __missing__(self, key: str | None) -> int:
        return UNANSWERED


@lru_cache(maxsize=64)
def _code_map(keys: tuple[str, ...]) -> _CodeOrUnanswered:
    return _CodeOrUnanswered({key: i for i, key in enumerate(keys)})


def key_codes(framework: Framework) -> Mapping[str | None, int]:
    """Answer key -> code on ``framework``'s scale (the key's index in
    :attr:`~mlops_scorecard.framework.Framework.answer_keys`); any other key, and
    ``None``, gives :data:`UNANSWERED`. Do not change the mapping: it is shared."""
    return _code_map(framework.answer_keys)


def question_means(values: FloatArray) -> FloatArray:
    """Each question's value: the mean over the respondents (rows, axis 0) that gave it
    one; NaN where nobody did."""
    has = ~np.isnan(values)
    n = has.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.where(has, values, 0.0).sum(axis=0) / np.maximum(n, 1), np.nan)


def left_out(n_values: npt.ArrayLike, n_na: npt.ArrayLike, n_rows: npt.ArrayLike) -> BoolArray:
    """Questions no dimension score counts, whatever the rule: nobody gave them a value,
    and someone marked them not applicable or nobody answered at all (no respondents).

    Arguments are counts per question (broadcasting: ``n_rows`` may be per group)."""
    return np.asarray((np.asarray(n_values) == 0) & ((np.asarray(n_na) > 0) | (np.asarray(n_rows) == 0)))


def counted_values(framework: Framework, values: FloatArray, dropped: BoolArray) -> FloatArray:
    """The question values a dimension score counts (NaN: left out of it).

    With ``dimension_score: weighted-mean`` that is ``values`` itself: a question without
    a value is left out. With ``sum``, a question without a value counts 0 (unanswered
    or "don't know" is not done) unless it is ``dropped`` (:func:`left_out`)."""
    if framework.dimension_score != "sum":
        return values
    return np.where(np.isnan(values) & ~dropped, 0.0, values)


def weighted_scores(values: FloatArray, weights: FloatArray) -> FloatArray:
    """100 x weighted mean over the last axis, skipping NaN; NaN where nothing has a value."""
    has = ~np.isnan(values)
    den = (has * weights).sum(axis=-1)
    num = (np.where(has, values, 0.0) * weights).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # 100 * (num / den), not (100 * num) / den: num <= den, so the score stays <= 100
        return np.where(den > 0, 100.0 * (num / np.where(den > 0, den, 1.0)), np.nan)


def overall_scores(framework: Framework, dim_scores: FloatArray) -> FloatArray:
    """Overall score(s) from dimension scores on the last axis, by the framework's rule
    (weighted mean of the dimensions, or their minimum)."""
    if framework.overall == "minimum":
        has = ~np.isnan(dim_scores)
        filled = np.where(has, dim_scores, np.inf)
        out = filled.min(axis=-1)
        return np.where(has.any(axis=-1), out, np.nan)
    weights = np.array([d.weight for d in framework.dimensions], dtype=float)
    # dimension scores are already on 0-100; weighted_scores multiplies by 100.
    # clip: with fractional weights, 100 everywhere can come out as 100.00000000000006
    return np.clip(weighted_scores(dim_scores, weights) / 100.0, 0.0, 100.0)


def dimension_spans(framework: Framework, question_set: QuestionSet) -> list[tuple[Dimension, slice]]:
    """Each dimension and its columns among the questions of ``question_set``, in
    framework order (a dimension with no question in the set has an empty span)."""
    spans: list[tuple[Dimension, slice]] = []
    start = 0
    for dim in framework.dimensions:
        n = len(dim.questions_in(question_set))
        spans.append((dim, slice(start, start + n)))
        start += n
    return spans


@dataclass(frozen=True, eq=False)
class ScoreMatrix:
    """One assessment's answers as arrays, columns in framework order.

    ``codes`` index the framework's
    :attr:`~mlops_scorecard.framework.Framework.answer_keys` (:data:`UNANSWERED`: left
    out); ``values`` holds each cell's scale value (NaN: no value); ``ordinal``
    the index of that value among ``categories``, the distinct values of the scale,
    lowest first (``-1``: no value); ``spans`` the columns of each dimension.
    ``people`` are the respondents behind the rows (empty for a matrix made from codes
    alone); ``answers`` the answer set it was built from, if it was; ``profile`` what
    the assessment's context answers do (the plan ranks its prioritised questions
    first; its not-applicable questions are scored "na" here).
    """

    framework: Framework
    question_set: QuestionSet
    questions: list[Question]
    spans: list[tuple[Dimension, slice]]
    weights: FloatArray
    categories: FloatArray
    codes: CodeArray
    values: FloatArray
    ordinal: CodeArray
    people: Sequence[Respondent] = ()
    answers: AnswerSet | None = field(default=None, repr=False)
    profile: ProfileEffect = field(default_factory=ProfileEffect, repr=False)

    @classmethod
    def build(cls, framework: Framework, answers: AnswerSet) -> ScoreMatrix:
        """The matrix of an assessment (answers are not checked here: answers to
        questions outside the set are ignored, :func:`~mlops_scorecard.answers.check_answers`
        reports them)."""
        ids = [q.id for _, q in framework.iter_questions(answers.question_set)]
        # half a million cells for a large file: each goes through C-level maps (answer,
        # key, code) straight into the array, with no Python code per cell
        key = attrgetter("answer")
        code = _code_map(framework.answer_keys).__getitem__
        cells = chain.from_iterable(
            map(code, map(key, map(r.answers.get, ids, repeat(_NO_ANSWER)))) for r in answers.respondents
        )
        n = len(answers.respondents)
        codes = np.fromiter(cells, dtype=np.int8, count=n * len(ids)).reshape(n, len(ids))
        return cls.from_codes(
            framework,
            answers.question_set,
            codes,
            people=answers.respondents,
            answers=answers,
            profile=answers.profile,
        )

    @classmethod
    def from_codes(
        cls,
        framework: Framework,
        question_set: QuestionSet,
        codes: CodeArray,
        *,
        people: Sequence[Respondent] = (),
        answers: AnswerSet | None = None,
        profile: Mapping[str, str] | None = None,
    ) -> ScoreMatrix:
        """The matrix of a respondents x questions array of answer codes (columns: the
        questions of ``question_set`` in framework order), e.g. read from a database.

        The questions a ``profile`` (the assessment's context answers) makes not
        applicable are scored as not applicable, whatever was answered."""
        questions = [q for _, q in framework.iter_questions(question_set)]
        effect = ProfileEffect()
        if framework.profile:
            effect = profile_effect(framework, profile or {})
            excluded = effect.not_applicable
            columns = [i for i, q in enumerate(questions) if q.id in excluded]
            if columns and codes.size:
                codes = codes.copy()
                codes[:, columns] = framework.answer_keys.index("na")
        # a value per code, NaN for the keys without one and for UNANSWERED (the last)
        lookup = np.full(UNANSWERED + 1, np.nan)
        for i, k in enumerate(framework.answer_keys):
            if (v := framework.value_of(k)) is not None:
                lookup[i] = v
        valued = [framework.value_of(k) for k in framework.valued_keys]
        # sorted(set()), not np.unique: a few scale values, and np.unique imports numpy.ma
        categories = np.array(sorted({float(v) for v in valued if v is not None}), dtype=float)
        ordinal_lookup = np.array(
            [-1 if np.isnan(v) else int(np.searchsorted(categories, v)) for v in lookup], dtype=np.int8
        )
        return cls(
            framework=framework,
            question_set=question_set,
            questions=questions,
            spans=dimension_spans(framework, question_set),
            weights=np.array([q.weight for q in questions], dtype=float),
            categories=categories,
            codes=codes,
            values=lookup[codes],
            ordinal=ordinal_lookup[codes],
            people=people,
            answers=answers,
            profile=effect,
        )

    @property
    def keys(self) -> tuple[str, ...]:
        """The answer keys the codes index (code ``i`` is ``keys[i]``)."""
        return self.framework.answer_keys

    @property
    def na_code(self) -> int:
        """The code of "not applicable" on this matrix's scale (its place among :attr:`keys`)."""
        return self.framework.answer_keys.index("na")

    def distribution(self) -> npt.NDArray[np.int64]:
        """How often each code occurs per question: questions x (keys, then unanswered)."""
        codes = self.codes
        counts = [(codes == c).sum(axis=0) for c in range(len(self.keys))]
        return np.stack([*counts, (codes == UNANSWERED).sum(axis=0)], axis=1).astype(np.int64)

    @property
    def size(self) -> int:
        """How many respondents (rows)."""
        return int(self.codes.shape[0])

    @property
    def labels(self) -> list[str]:
        """How reports name each row's respondent (as :meth:`AnswerSet.respondent_label`)."""
        return [r.name or f"respondent {i + 1}" for i, r in enumerate(self.people)]

    @property
    def roles(self) -> list[str]:
        """Each row's role, as given (free text)."""
        return [r.role for r in self.people]

    def take(
        self, rows: Sequence[int] | npt.NDArray[np.intp], *, answers: AnswerSet | None = None
    ) -> ScoreMatrix:
        """The matrix of some respondents only, in the order of ``rows``: scores of a
        role are the matrix's rows of that role, not a new matrix built from answers.

        ``answers`` may name the answer set these rows are, when it holds the same
        answers under other names or roles (:func:`mlops_scorecard.privacy.viewer_answers`);
        its respondents then label the rows."""
        index = np.asarray(rows, dtype=np.intp)
        people: Sequence[Respondent] = [self.people[i] for i in index.tolist()] if self.people else ()
        if answers is not None:
            if len(answers.respondents) != len(index):
                raise ValueError("answers must have one respondent per row taken")
            people = answers.respondents
        return dataclasses.replace(
            self,
            codes=self.codes[index],
            values=self.values[index],
            ordinal=self.ordinal[index],
            people=people,
            answers=answers,
        )

    def dimension_of(self, column: int) -> Dimension:
        """The dimension of question column ``column``."""
        return next(d for d, s in self.spans if s.start <= column < s.stop)

    def dropped(self) -> BoolArray:
        """The questions (columns) no dimension score counts, over all rows (:func:`left_out`)."""
        n_values = (~np.isnan(self.values)).sum(axis=0)
        n_na = (self.codes == self.na_code).sum(axis=0)
        return left_out(n_values, n_na, self.size)

    def question_values(self) -> tuple[FloatArray, BoolArray]:
        """Each question's value over all rows (:func:`question_means`) and which
        questions are :meth:`dropped`: what :meth:`scores` takes."""
        return question_means(self.values), self.dropped()

    def scores(self, means: FloatArray, dropped: BoolArray | None = None) -> tuple[FloatArray, FloatArray]:
        """Dimension scores (``..., D``) and overall (``...``) from question values
        (``..., Q``, NaN for no value): :func:`counted_values` by the framework's rule,
        then :func:`weighted_scores` and :func:`overall_scores`. ``dropped`` (same shape,
        or ``Q``) says which questions are left out (default: :meth:`dropped`)."""
        counted = counted_values(self.framework, means, self.dropped() if dropped is None else dropped)
        dims = np.stack([weighted_scores(counted[..., s], self.weights[s]) for _, s in self.spans], axis=-1)
        return dims, overall_scores(self.framework, dims)

    def respondent_scores(self) -> tuple[FloatArray, FloatArray]:
        """Each respondent's own dimension scores (respondents x dimensions) and
        overall score (NaN: none): :meth:`scores` of each row's own values, a question the
        respondent marked not applicable left out."""
        if not self.size:
            return np.zeros((0, len(self.spans))), np.zeros(0)
        return self.scores(self.values, self.codes == self.na_code)
