"""The improvement plan: a ranked list of actions from the gaps in a score.

Every question whose value is below the top of the scale is an action: its
recommendation from the framework, the answers now, and the points its dimension (and
the overall score) would gain if it were done, that is if everyone who gave it a
value answered "yes". Ranking rule (``docs/analysis.md``): the questions the
assessment's profile prioritises first, then weakest dimension first, core questions
before extended ones, larger gains first, then framework order. Questions the profile
makes not applicable carry no value, so they are never a gap and never in the plan.

Items are keyed by question id, so a store can keep their status, owner, due date,
effort and a manual order and lay them over a freshly derived plan with
:func:`.overrides.apply_overrides`. The backlog views of a plan (the focus list by gain to the
overall score, near-"yes" items) are in :mod:`.backlog`, its issue-tracker exports in
:mod:`.export` and :mod:`.github`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..answers import AnswerSet
from ..escaping import csv_row, md_escape
from ..format import fmt_counts, fmt_delta, fmt_score
from ..framework import Framework, Question
from ..scoring import ScoreResult

__all__ = [
    "EFFORTS",
    "EFFORT_LABELS",
    "NEAR_YES",
    "PRIORITISED_FIRST",
    "RANKING_RULE",
    "STATUSES",
    "Plan",
    "PlanItem",
    "build_plan",
    "choice_recommendation",
]

#: Item statuses a store can keep.
STATUSES: tuple[str, ...] = ("open", "in-progress", "done", "accepted-risk")

#: An item's effort as a facilitator estimates it: not set, small, medium or large.
EFFORTS: tuple[str, ...] = ("", "S", "M", "L")
EFFORT_LABELS: dict[str, str] = {"": "Not set", "S": "Small", "M": "Medium", "L": "Large"}

#: An item whose answers are this far to the top of the scale (mean value / top value)
#: is near "yes": little gain is left in it, so the backlog folds it away.
NEAR_YES = 0.8

RANKING_RULE = (
    "weakest dimension first, core questions before extended ones, larger gains first, then framework order"
)
#: What the rule says first when the profile prioritises questions that are in the plan.
PRIORITISED_FIRST = "questions the profile prioritises first, then "

_CSV_COLUMNS = [
    "rank",
    "key",
    "status",
    "owner",
    "due",
    "dimension",
    "dimension_score",
    "set",
    "question",
    "recommendation",
    "value",
    "yes",
    "partly",
    "no",
    "na",
    "unknown",
    "unanswered",
    "gain",
    "overall_gain",
]


@dataclass(frozen=True)
class PlanItem:
    """One action: a question with a gap, what to do, and what doing it is worth.

    ``gain`` is the dimension score points gained if everyone who gave the question a
    value answered "yes"; ``overall_gain`` the same for the overall score (``None``
    without an overall score). ``rank`` is the position in the plan (after any manual
    order), ``computed_rank`` the position by the ranking rule. ``prioritised`` names
    the context answers that prioritise the question (empty: the profile does not).
    ``near_yes``: the answers are at least :data:`NEAR_YES` of the way to the top of
    the scale. ``effort`` is the stored estimate (:data:`EFFORTS`).
    """

    key: str
    rank: int
    computed_rank: int
    question_text: str
    question_set: str
    weight: float
    dimension_id: str
    dimension_title: str
    dimension_score: float
    recommendation: str
    guidance: str
    value: float
    distribution: dict[str, int]
    gain: float
    overall_gain: float | None
    status: str = "open"
    owner: str = ""
    due: dt.date | None = None
    prioritised: str = ""
    near_yes: bool = False
    effort: str = ""

    @property
    def question_id(self) -> str:
        """The question id (the item's key)."""
        return self.key

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the JSON export and the API (``prioritised`` and ``effort``
        only when set: the report's JSON stays as it was for plans nobody estimated)."""
        data: dict[str, Any] = {
            "rank": self.rank,
            "computed_rank": self.computed_rank,
            "key": self.key,
            "question": self.question_text,
            "set": self.question_set,
            "weight": self.weight,
            "dimension": self.dimension_id,
            "dimension_title": self.dimension_title,
            "dimension_score": self.dimension_score,
            "recommendation": self.recommendation,
            "value": self.value,
            "distribution": dict(self.distribution),
            "gain": self.gain,
            "overall_gain": self.overall_gain,
            "status": self.status,
            "owner": self.owner,
            "due": None if self.due is None else self.due.isoformat(),
        }
        if self.prioritised:
            data["prioritised"] = self.prioritised
        if self.effort:
            data["effort"] = self.effort
        return data


@dataclass(frozen=True)
class Plan:
    """The ranked items, and the override keys that match no item (``orphans``:
    questions that are no longer a gap, or no longer asked)."""

    framework: Framework
    question_set: str
    overall: float | None
    items: list[PlanItem]
    orphans: list[str] = field(default_factory=list)

    def item(self, key: str) -> PlanItem:
        """The item with this key; ``KeyError`` if there is none."""
        for it in self.items:
            if it.key == key:
                return it
        raise KeyError(key)

    @property
    def ranking(self) -> str:
        """The ranking rule as it applies to this plan: prioritised questions first
        when the profile prioritises any of its items."""
        if any(it.prioritised for it in self.items):
            return PRIORITISED_FIRST + RANKING_RULE
        return RANKING_RULE

    def empty_message(self) -> str:
        """Why a plan has no items."""
        if self.overall is None:
            return "No plan yet: nobody has answered a question with yes, partly or no."
        return "Nothing to do: every question asked is answered yes by everyone who answered it."

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the JSON export."""
        return {
            "framework": {"id": self.framework.id, "version": self.framework.version},
            "question_set": self.question_set,
            "overall": self.overall,
            "ranking": self.ranking,
            "items": [it.to_dict() for it in self.items],
            "orphans": list(self.orphans),
        }

    def to_json(self) -> str:
        """The plan as JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        """The plan as CSV text, one row per item (columns: :data:`_CSV_COLUMNS`).

        Cells that a spreadsheet would run as a formula start with a single quote
        (:func:`~mlops_scorecard.escaping.csv_cell`).
        """
        out = io.StringIO()
        # RFC 4180 line ends: a cell holding a carriage return or a newline is then quoted,
        # so it cannot start a new row whose first cell escapes the formula guard
        writer = csv.writer(out, lineterminator="\r\n")
        # the default scale's columns; another scale's keys stand where yes..unknown stand
        keys = [*self.framework.answer_keys, "unanswered"]
        start = _CSV_COLUMNS.index("yes")
        writer.writerow([*_CSV_COLUMNS[:start], *keys, *_CSV_COLUMNS[start + 6 :]])
        for it in self.items:
            d = it.distribution
            writer.writerow(
                csv_row(
                    [
                        it.rank,
                        it.key,
                        it.status,
                        it.owner,
                        "" if it.due is None else it.due.isoformat(),
                        it.dimension_id,
                        f"{it.dimension_score:.2f}",
                        it.question_set,
                        it.question_text,
                        it.recommendation,
                        f"{it.value:.4f}",
                        *(d.get(k, 0) for k in keys),
                        f"{it.gain:.2f}",
                        "" if it.overall_gain is None else f"{it.overall_gain:.2f}",
                    ]
                )
            )
        return out.getvalue()

    def to_markdown(self, *, title: str | None = None) -> str:
        """The plan as a Markdown checklist (done items ticked).

        Every text that comes from people (the title, the framework's questions and
        recommendations, owners) is escaped: no raw HTML, headings or links get in.
        """
        fw = self.framework
        overall = (
            "no overall score yet" if self.overall is None else f"overall score {fmt_score(self.overall)}"
        )
        lines = [
            f"# Improvement plan{': ' + md_escape(title) if title else ''}",
            "",
            f"{md_escape(fw.title)} ({md_escape(fw.ref)}), {self.question_set} question set; {overall}.",
            f"Ranked: {self.ranking}. Gains are the points a score would rise if everyone answered yes.",
            "",
        ]
        if not self.items:
            lines.append(self.empty_message())
        for it in self.items:
            tick = "x" if it.status == "done" else " "
            dim = md_escape(it.dimension_title)
            lines.append(
                f"- [{tick}] **{it.rank}. {md_escape(it.question_text)}** ({dim}, `{it.key}`, {it.question_set})"
            )
            if it.prioritised:
                lines.append(f"  - Prioritised by profile: {md_escape(it.prioritised)}")
            if it.recommendation:
                lines.append(f"  - To do: {md_escape(it.recommendation)}")
            answers = fmt_counts(it.distribution, sep=" · ") or "none yet"
            gain = f"{fmt_delta(it.gain)} points in {dim} (now {fmt_score(it.dimension_score)})"
            if it.overall_gain is not None:
                gain += f", {fmt_delta(it.overall_gain)} overall"
            lines.append(f"  - Answers now: {answers} (value {it.value:.2f}); if done: {gain}")
            due = "—" if it.due is None else it.due.isoformat()
            lines.append(
                f"  - Status: {it.status.replace('-', ' ')} · owner: {md_escape(it.owner) or '—'} · due: {due}"
                + (f" · effort: {it.effort}" if it.effort else "")
            )
        return "\n".join(lines) + "\n"


def build_plan(result: ScoreResult) -> Plan:
    """The ranked improvement plan of a score (see the module doc for the rule)."""
    fw = result.framework
    valued = [v for k in fw.valued_keys if (v := fw.value_of(k)) is not None]
    top = max(valued)
    questions = [(j, d, q) for j, d in enumerate(result.dimensions) for q in d.questions]
    means = np.array([np.nan if q.value is None else q.value for _, _, q in questions], dtype=float)
    # the result's own matrix: its weights, spans and formulas give the scores below
    rescore = result.matrix.scores
    profile = result.matrix.profile

    # a gap is a question its score counts below the top: under `dimension_score: sum`
    # that includes one without a value (counted 0), weighted mean leaves those out
    gaps = [i for i, (_, _, q) in enumerate(questions) if q.counted is not None and q.counted < top - 1e-12]
    if not gaps:
        return Plan(fw, result.question_set, result.overall, [])
    variants = np.tile(means, (len(gaps), 1))
    variants[np.arange(len(gaps)), gaps] = top
    base_dims, base_overall = rescore(means)
    new_dims, new_overall = rescore(variants)
    drafts = []
    for row, i in enumerate(gaps):
        j, dim, q = questions[i]
        score_now = float(base_dims[j])
        gain = float(new_dims[row, j] - base_dims[j])
        overall_gain = float(new_overall[row] - base_overall)
        first = 0 if q.question.id in profile.prioritised else 1
        rank_key = (first, round(score_now, 9), j, 0 if q.question.set == "core" else 1, -round(gain, 9), i)
        drafts.append((rank_key, dim, q, score_now, gain, None if np.isnan(overall_gain) else overall_gain))
    drafts.sort(key=lambda d: d[0])
    items = [
        PlanItem(
            key=q.question.id,
            rank=n,
            computed_rank=n,
            question_text=q.question.text,
            question_set=q.question.set,
            weight=q.question.weight,
            dimension_id=dim.id,
            dimension_title=dim.dimension.title,
            dimension_score=score_now,
            recommendation=choice_recommendation(q.question, result.matrix.answers),
            guidance=q.question.guidance,
            value=float(q.value if q.value is not None else 0.0),
            distribution=dict(q.distribution),
            gain=gain,
            overall_gain=overall_gain,
            prioritised=profile.context.get(q.question.id, "")
            if q.question.id in profile.prioritised
            else "",
            near_yes=q.value is not None and q.value >= NEAR_YES * top - 1e-12,
        )
        for n, (_, dim, q, score_now, gain, overall_gain) in enumerate(drafts, start=1)
    ]
    return Plan(fw, result.question_set, result.overall, items)


def choice_recommendation(question: Question, answers: AnswerSet | None) -> str:
    """What to do about ``question``: its recommendation, then, for a multiple-choice
    question, the recommendation of each choice not every respondent who answered by
    choices selected (all of them when nobody did, or the answers are not at hand)."""
    if not question.choices:
        return question.recommendation
    selections = [
        set(a.choices)
        for r in (answers.respondents if answers is not None else [])
        if (a := r.answers.get(question.id)) is not None and a.choices is not None
    ]
    everyone = set.intersection(*selections) if selections else set()
    todo = [
        c.recommendation for c in question.choices if c.recommendation and not c.none and c.id not in everyone
    ]
    return " ".join(t for t in [question.recommendation, *todo] if t)
