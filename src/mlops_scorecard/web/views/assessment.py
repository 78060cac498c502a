"""The assessment page: the scores table, who has answered how much, and the answers per
question. Everything works on result data (``ScoreResult.to_dict()`` or a closed
assessment's frozen result) and rows the store already loaded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...analysis import Uncertainty
from ...answers import AnswerSet
from ...format import answer_choices, fmt_amount_in, fmt_score, fmt_score_in
from ...framework import Framework
from ...reports.palette import level_colours
from .common import Bar, answer_bars, heat_style, is_wide, number

__all__ = [
    "DimensionAnswers",
    "ProgressRow",
    "QuestionAnswers",
    "ScoreRow",
    "Section",
    "answers_view",
    "page_sections",
    "progress_rows",
    "score_rows",
    "selection_counts",
    "wide_count",
]

#: A part of the assessment page: its anchor and its name in the table of contents.
Section = tuple[str, str]


def page_sections(
    status: str,
    *,
    facilitator: bool,
    evidence: bool,
    plan: bool = True,
    audit: bool = False,
    answered: bool = True,
) -> list[Section]:
    """The page's parts in the order shown: results first once answers come in; a
    draft (nothing to score yet) leads with its set-up and invitations, and while nobody
    has ``answered`` it shows nothing else (no empty results, plan or downloads). Evidence
    has a part of its own once a scan is uploaded (before that, how to upload one is
    set-up); the audit log (``audit``: admins) comes last."""
    results: list[Section] = [("results", "Results"), ("trust", "Trust")]
    people: Section = ("progress", "Responses and invitations" if facilitator else "Responses")
    rest: list[Section] = [("plan", "Plan")] if plan else []
    rest.append(("answers", "Answers"))
    if evidence:
        rest.append(("evidence", "Evidence"))
    rest.append(("downloads", "Downloads"))
    last: list[Section] = [("audit", "Audit log")] if audit else []
    setup: list[Section] = [("setup", "Set-up")] if facilitator else []
    if status == "draft" and not answered:
        return [*setup, people, *[("evidence", "Evidence")] * evidence, *last]
    if status == "draft":
        return [*setup, people, *results, *rest, *last]
    return [*results, people, *rest, *setup, *last]


def wide_count(uncertainty: Uncertainty) -> int:
    """How many dimensions' intervals are flagged wide (as the intervals table flags them)."""
    return sum(1 for iv in uncertainty.dimensions.values() if iv is not None and is_wide(iv.width))


@dataclass(frozen=True)
class ScoreRow:
    id: str
    title: str
    score: str
    level: str
    target: str
    gap: str
    gap_open: bool
    width: float
    style: str
    #: Why the level is lower than the score reaches (must-haves not met); "" if it is not.
    cap: str = ""
    #: The level's colour (reports/palette.py, as the reports show it); "" without a level.
    colour: str = ""


def _cap(data: Mapping[str, Any]) -> str:
    """A short line naming the must-haves that cap a level (``capped_by`` of a result;
    results frozen before caps existed have none)."""
    caps = data.get("capped_by") or []
    if not caps:
        return ""
    names = ", ".join(str(c.get("question")) for c in caps)
    lowest = str(caps[0].get("level_name"))
    return f"capped below {lowest}: must-have {names} not met"


def score_rows(
    framework: Framework, result: Mapping[str, Any], targets: Mapping[str, Any]
) -> tuple[list[ScoreRow], ScoreRow]:
    """The scores table: a row per dimension (with target and gap) and the overall row;
    scores in points when the framework counts points."""
    names = {lv.id: lv.name for lv in framework.levels}
    colours = level_colours([lv.id for lv in framework.levels])
    points = framework.points
    rows = []
    for d in result.get("dimensions") or []:
        value = number(d.get("score"))
        target = number(targets.get(str(d.get("id"))))
        gap = None if target is None or value is None else target - value
        rows.append(
            ScoreRow(
                id=str(d.get("id")),
                title=str(d.get("title")),
                score=fmt_score_in(value, points),
                level=names.get(str(d.get("level")), "—") if value is not None else "—",
                target=fmt_amount_in(target, points) if target is not None else "",
                gap=("met" if gap <= 1e-9 else fmt_amount_in(gap, points)) if gap is not None else "",
                gap_open=gap is not None and gap > 1e-9,
                width=0.0 if value is None else min(100.0, max(0.0, value)),
                style=heat_style(value),
                cap=_cap(d),
                colour=colours.get(str(d.get("level")), "") if value is not None else "",
            )
        )
    value = number(result.get("overall"))
    overall = ScoreRow(
        id="overall",
        title="Overall",
        score=fmt_score_in(value, points),
        level=str(result.get("level_name") or "—"),
        target="",
        gap="",
        gap_open=False,
        width=0.0 if value is None else min(100.0, max(0.0, value)),
        style=heat_style(value),
        cap=_cap(result),
        colour=colours.get(str(result.get("level")), "") if value is not None else "",
    )
    return rows, overall


@dataclass(frozen=True)
class ProgressRow:
    id: int
    label: str
    named: bool
    role: str
    source: str
    answered: int
    total: int
    percent: float
    submitted: bool
    revoked: bool


def progress_rows(rows: Iterable[Mapping[str, Any]], question_count: int) -> list[ProgressRow]:
    """Who has answered how much: names only for named respondents, "anonymous #n" for
    the others (numbered in the order they joined)."""
    out = []
    anonymous = 0
    for r in rows:
        name = r.get("name")
        if not name:
            anonymous += 1
            label = f"anonymous #{anonymous}"
        else:
            label = str(name)
        answered = min(int(r.get("answered") or 0), question_count)
        out.append(
            ProgressRow(
                id=int(r["id"]),
                label=label,
                named=bool(name),
                role=str(r.get("role") or ""),
                source=str(r.get("source") or ""),
                answered=answered,
                total=question_count,
                percent=100.0 * answered / question_count if question_count else 0.0,
                submitted=r.get("submitted_at") is not None,
                revoked=r.get("revoked_at") is not None,
            )
        )
    return out


@dataclass(frozen=True)
class QuestionAnswers:
    """A question of the results page: its value, the answer counts and the comments."""

    id: str
    text: str
    value: str
    distribution: list[Bar]
    comments: list[str]
    #: A multiple-choice question's choices: (label, how many respondents selected it),
    #: in the framework's order; empty for a question answered on the scale.
    selections: list[tuple[str, int]] = field(default_factory=list)
    #: How many respondents answered it by selecting choices ("3 of 5 selected ...").
    selected_by: int = 0


@dataclass(frozen=True)
class DimensionAnswers:
    id: str
    title: str
    questions: list[QuestionAnswers]


def selection_counts(answers: AnswerSet | None) -> dict[str, Counter[str]]:
    """Per question, how many respondents selected each choice id (answers by choices
    only), and under ``""`` of each question how many answered by choices."""
    out: dict[str, Counter[str]] = {}
    for r in answers.respondents if answers is not None else []:
        for qid, a in r.answers.items():
            if a.choices is not None:
                counts = out.setdefault(qid, Counter())
                counts.update(set(a.choices))
                counts[""] += 1
    return out


def answers_view(
    framework: Framework,
    result: Mapping[str, Any],
    comments: Mapping[str, list[str]],
    answers: AnswerSet | None = None,
) -> list[DimensionAnswers]:
    """Per dimension, per question: the answer counts (key, label from the framework's
    scale, count, share), for a multiple-choice question how many selected each choice
    (from ``answers``), and the comments, with no names."""
    out = []
    selected = selection_counts(answers)
    choices = answer_choices(framework)
    for d in result.get("dimensions") or []:
        questions = []
        for q in d.get("questions") or []:
            qid = str(q.get("id"))
            found = framework.question(qid)
            dist = q.get("distribution") or {}
            value = number(q.get("value"))
            counts = selected.get(qid)
            questions.append(
                QuestionAnswers(
                    id=qid,
                    text=found[1].text if found else qid,
                    value=fmt_score(None if value is None else 100 * value, 0),
                    distribution=answer_bars(dist, choices),
                    comments=list(comments.get(qid, [])),
                    selections=[(c.label, counts[c.id]) for c in found[1].choices]
                    if found and counts
                    else [],
                    selected_by=counts[""] if counts else 0,
                )
            )
        out.append(DimensionAnswers(id=str(d.get("id")), title=str(d.get("title")), questions=questions))
    return out
