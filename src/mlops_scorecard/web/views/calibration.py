"""The calibration meeting on the pages: the presentation view of one split question
(counts by role, never names) and the results block of agreed answers and scores.

The numbers come from :mod:`mlops_scorecard.analysis.calibration`; this module rounds
and labels them (:mod:`mlops_scorecard.format`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...analysis.calibration import Agreed, Calibration, Movement, RoleCounts
from ...analysis.hotspots import Hotspot
from ...format import answer_choices, answer_label, fmt_delta, fmt_number, fmt_score_in, plural
from ...framework import Framework, Question
from .common import Bar, answer_bars

__all__ = [
    "AgendaItem",
    "CalibrationSection",
    "MeetingView",
    "MovementRow",
    "calibration_section",
    "meeting_view",
]


@dataclass(frozen=True)
class MovementRow:
    """One line of the "how far the meeting moved it" table."""

    id: str
    title: str
    individual: str
    agreed: str
    moved: str
    #: "up", "down" or "" (no change, or no score on one side)
    direction: str
    questions: int


@dataclass(frozen=True)
class AgreedRow:
    """An agreed answer as the results list it."""

    question_id: str
    text: str
    dimension: str
    answer: str
    answer_key: str
    individual: str
    note: str
    agreed_at: str
    agreed_by: str
    counted: bool


@dataclass(frozen=True)
class CalibrationSection:
    """What ``_calibration_section.html`` shows."""

    rows: list[MovementRow]
    agreed: list[AgreedRow]
    agenda: int
    can_run: bool


def _row(m: Movement, points: float | None) -> MovementRow:
    moved = m.moved
    direction = "" if moved is None or abs(moved) < 0.05 else ("up" if moved > 0 else "down")
    return MovementRow(
        id="overall" if m.dimension is None else m.dimension.id,
        title="Overall" if m.dimension is None else m.dimension.title,
        individual=fmt_score_in(m.individual, points, unit=False),
        agreed=fmt_score_in(m.agreed, points, unit=False),
        moved=fmt_delta(moved if points is None or moved is None else moved * points / 100.0),
        direction=direction,
        questions=m.questions,
    )


def _individual(value: float | None) -> str:
    # the respondents' mean on the 0-1 scale, as a share of a full "yes"
    return "no value" if value is None else f"mean {fmt_number(value, 2)}"


def calibration_section(
    framework: Framework, cal: Calibration, *, agenda: int, facilitator: bool
) -> CalibrationSection | None:
    """The results block: individual and agreed scores per dimension and overall, how
    far the meeting moved each, and the agreed answers with their notes (who recorded
    them only for facilitators). ``None`` when nothing was agreed and nothing splits the
    respondents: there is no meeting to run or report."""
    if not cal and not agenda:
        return None
    points = framework.points
    rows = [*(_row(d, points) for d in cal.dimensions), _row(cal.overall, points)]
    agreed = [
        AgreedRow(
            question_id=q.question.id,
            text=q.question.text,
            dimension=q.dimension.title,
            answer=answer_label(framework, q.agreed.answer),
            answer_key=q.agreed.answer,
            individual=_individual(q.individual),
            note=q.agreed.note,
            agreed_at="" if q.agreed.agreed_at is None else q.agreed.agreed_at.strftime("%Y-%m-%d %H:%M"),
            agreed_by=q.agreed.agreed_by if facilitator else "",
            counted=q.counted,
        )
        for q in cal.questions
    ]
    return CalibrationSection(rows=rows, agreed=agreed, agenda=agenda, can_run=facilitator)


@dataclass(frozen=True)
class AgendaItem:
    """One question of the meeting's agenda, in the list beside the presentation."""

    position: int
    question_id: str
    text: str
    agreed: str
    current: bool


@dataclass(frozen=True)
class RoleRow:
    """One role's answers to the question on screen."""

    role: str
    people: str
    bars: list[Bar]


@dataclass(frozen=True)
class MeetingView:
    """What ``calibration.html`` shows for the question on screen."""

    position: int
    total: int
    question: Question
    dimension: str
    reading: str
    distribution: list[Bar]
    roles: list[RoleRow]
    comments: list[tuple[str, str]]
    previous: str
    next: str
    agenda: list[AgendaItem]
    choices: list[tuple[str, str]]
    agreed: Agreed | None
    agreed_label: str
    moved: list[MovementRow]


def meeting_view(
    framework: Framework,
    agenda: Sequence[Hotspot],
    position: int,
    roles: Sequence[RoleCounts],
    cal: Calibration,
) -> MeetingView:
    """The presentation of agenda item ``position`` (0-based): its question, guidance,
    answers by role (``roles``: counted on the viewers' answers, so small roles are
    merged and nobody is named), comments without names, the agreed answer so far, and
    links to the items before and after it."""
    h = agenda[position]
    choices = answer_choices(framework)
    qid = h.question.id
    found = cal.question(qid)
    split = "the answers split" if h.split else "the answers spread"
    reading = (
        f"{plural(h.values, 'respondent')} gave a value; {split} "
        f"(sd {fmt_number(h.spread, 2)}); it moves {h.dimension.title} by up to "
        f"{fmt_number(h.swing if framework.points is None else h.swing * framework.points / 100.0, 1)} points"
    )
    items = [
        AgendaItem(
            position=i,
            question_id=x.question.id,
            text=x.question.text,
            agreed=""
            if (g := cal.question(x.question.id)) is None
            else answer_label(framework, g.agreed.answer),
            current=i == position,
        )
        for i, x in enumerate(agenda)
    ]
    return MeetingView(
        position=position,
        total=len(agenda),
        question=h.question,
        dimension=h.dimension.title,
        reading=reading,
        distribution=answer_bars(h.distribution, choices),
        roles=[
            RoleRow(r.role, plural(r.total, "person", "people"), answer_bars(r.counts, choices))
            for r in roles
        ],
        # the answer beside each comment, never who gave it, sorted so that the order of
        # respondents cannot tie one person's comments on two questions together
        comments=sorted((answer_label(framework, c.answer), c.comment) for c in h.comments),
        previous=agenda[position - 1].question.id if position > 0 else "",
        next=agenda[position + 1].question.id if position + 1 < len(agenda) else "",
        agenda=items,
        choices=answer_choices(framework, unanswered=False),
        agreed=None if found is None else found.agreed,
        agreed_label="" if found is None else answer_label(framework, found.agreed.answer),
        moved=[_row(d, framework.points) for d in cal.dimensions if d.dimension is h.dimension],
    )
