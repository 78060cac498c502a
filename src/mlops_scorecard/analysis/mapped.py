"""Earlier answers carried onto a later framework version, as a score matrix.

A comparison across versions scores the earlier answers under the later framework to
tell the framework's part of a change from the answers' (``docs/analysis.md``). The
answers go through the :class:`~mlops_scorecard.framework.VersionMapping`: a question
that is the same or renamed carries its answer, each part of a split question takes the
answer of the question it came from, and a merged question takes the mean of its old
parts' values. The result is an ordinary :class:`~mlops_scorecard.matrix.ScoreMatrix`
of the later framework, scored by the one formula like any other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from ..framework import Framework, QuestionSet, VersionMapping
from ..matrix import UNANSWERED, ScoreMatrix, key_codes

__all__ = ["mapped_matrix", "profile_for"]


def profile_for(framework: Framework, profile: Mapping[str, str]) -> dict[str, str]:
    """The context answers of ``profile`` that ``framework`` also asks, with an option it
    has (a later version may drop or change a context question)."""
    options = {pq.id: {o.id for o in pq.options} for pq in framework.profile}
    return {k: v for k, v in profile.items() if v in options.get(k, set())}


def mapped_matrix(
    mapping: VersionMapping,
    old: ScoreMatrix,
    framework: Framework,
    question_set: QuestionSet = "full",
) -> ScoreMatrix:
    """``old``'s respondents answering ``framework`` (the later version, or a part of it)
    through ``mapping``: one row per respondent of ``old``, one column per question of
    ``framework`` in ``question_set``.

    A column takes the answer codes of its one old source question as they are (valued
    on ``framework``'s scale). A merged question's value is the mean of its old parts'
    values on ``framework``'s scale, over the parts that have one; its code (for answer
    distributions) is the valued answer nearest that mean, the lower one on a tie; with
    no valued part, the first of not applicable, don't know and unanswered among them.
    A question none of whose sources ``old`` has is unanswered.
    """
    column = {q.id: i for i, q in enumerate(old.questions)}
    questions = [q for _, q in framework.iter_questions(question_set)]
    n = old.size
    codes = np.full((n, len(questions)), UNANSWERED, dtype=np.int8)
    # old codes index the old scale's keys; the carried ones index this framework's, by key
    # (a key this scale lacks is unanswered here)
    new_code = key_codes(framework)
    translate = np.full(UNANSWERED + 1, UNANSWERED, dtype=np.int8)
    for i, k in enumerate(old.keys):
        translate[i] = new_code.get(k, UNANSWERED)
    old_codes = translate[old.codes]
    value_of = np.full(UNANSWERED + 1, np.nan)
    for k in framework.valued_keys:
        value_of[new_code[k]] = framework.value_of(k)
    merged: dict[int, np.ndarray] = {}
    valued = sorted(
        ((v, new_code[k]) for k in framework.valued_keys if (v := framework.value_of(k)) is not None),
    )
    levels = np.array([v for v, _ in valued], dtype=float)
    level_codes = np.array([c for _, c in valued], dtype=np.int8)
    for j, q in enumerate(questions):
        cols = [column[s] for s in mapping.sources_of(q.id) if s in column]
        if not cols:
            continue
        if len(cols) == 1:
            codes[:, j] = old_codes[:, cols[0]]
            continue
        parts = old_codes[:, cols]
        vals = value_of[parts]
        has = ~np.isnan(vals)
        count = has.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count > 0, np.where(has, vals, 0.0).sum(axis=1) / np.maximum(count, 1), np.nan)
        nearest = level_codes[np.abs(mean[:, None] - levels[None, :]).argmin(axis=1)] if len(levels) else None
        fallback = parts.min(axis=1)  # na < unknown < unanswered in code order
        codes[:, j] = fallback if nearest is None else np.where(count > 0, nearest, fallback)
        merged[j] = mean
    profile = profile_for(framework, old.answers.profile if old.answers is not None else {})
    m = ScoreMatrix.from_codes(framework, question_set, codes, people=old.people, profile=profile)
    if not merged:
        return m
    values = m.values.copy()
    for j, mean in merged.items():
        # a profile may have made the question not applicable: its code then changed
        keep = m.codes[:, j] == codes[:, j]
        values[:, j] = np.where(keep, mean, m.values[:, j])
    return dataclasses.replace(m, values=values)
