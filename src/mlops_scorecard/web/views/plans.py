"""The improvement plan on the pages: the assessment page's plan section, the unit
page's open items and "done since the last assessment", and the exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...analysis.trends import Trend
from ...format import answer_choices, fmt_amount_in, fmt_delta, fmt_score, fmt_score_in, framework_answer_ends
from ...planning import RANKING_RULE, STATUSES, PlanItem
from ...store.models import Assessment
from ...store.plans import MAX_NOTE, MAX_OWNER, STATUS_LABELS
from ...store.tracked_plan import TrackedPlan
from ...store.work_done import DoneItem, DoneSince
from .common import Bar, answer_bars, slug

__all__ = [
    "OPEN_STATUSES",
    "PLAN_EXPORT_TYPES",
    "PlanRow",
    "PlanView",
    "UnitPlanView",
    "export_plan",
    "plan_view",
    "unit_plan_view",
]

#: The statuses the unit page lists as still to do.
OPEN_STATUSES = ("open", "in-progress")


@dataclass(frozen=True)
class PlanRow:
    """One plan item as a page shows it."""

    key: str
    rank: int
    computed_rank: int
    question: str
    extended: bool
    dimension_id: str
    dimension_title: str
    dimension_score: str
    recommendation: str
    value: str
    distribution: list[Bar]
    gain: str
    overall_gain: str
    status: str
    status_label: str
    owner: str
    due: str
    note: str
    first: bool
    last: bool
    prioritised: str = ""
    #: the gain with its unit: "+14.3 points", or "+1 point" for a framework of points
    gain_words: str = ""


def _row(
    it: PlanItem,
    choices: list[tuple[str, str]],
    note: str,
    first: bool,
    last: bool,
    points: float | None = None,
) -> PlanRow:
    return PlanRow(
        key=it.key,
        rank=it.rank,
        computed_rank=it.computed_rank,
        question=it.question_text,
        extended=it.question_set != "core",
        dimension_id=it.dimension_id,
        dimension_title=it.dimension_title,
        dimension_score=fmt_score_in(it.dimension_score, points),
        recommendation=it.recommendation,
        value=fmt_score(100 * it.value, 0),
        distribution=answer_bars(it.distribution, choices),
        gain=fmt_amount_in(it.gain, points, sign=True),
        overall_gain=fmt_amount_in(it.overall_gain, points, sign=True),
        gain_words=f"{fmt_delta(it.gain)} points"
        if points is None
        else fmt_amount_in(it.gain, points, sign=True, unit=True),
        status=it.status,
        status_label=STATUS_LABELS.get(it.status, it.status),
        owner=it.owner,
        due="" if it.due is None else it.due.isoformat(),
        note=note,
        first=first,
        last=last,
        prioritised=it.prioritised,
    )


def _rows(tracked: TrackedPlan) -> list[PlanRow]:
    n = len(tracked.items)
    choices = answer_choices(tracked.plan.framework)
    points = tracked.plan.framework.points
    return [
        _row(it, choices, tracked.notes.get(it.key, ""), i == 0, i == n - 1, points)
        for i, it in enumerate(tracked.items)
    ]


@dataclass(frozen=True)
class PlanView:
    """The assessment page's plan section."""

    rows: list[PlanRow]
    manual_order: bool
    empty_message: str
    counts: list[tuple[str, str, int]]
    ranking: str = RANKING_RULE
    statuses: list[tuple[str, str]] = field(default_factory=lambda: [(s, STATUS_LABELS[s]) for s in STATUSES])
    max_owner: int = MAX_OWNER
    max_note: int = MAX_NOTE
    #: the best answer in the scale's words ("yes"; the ML Test Score's "Automated, ...")
    best_words: str = "yes"


def _counts(items: list[PlanItem]) -> list[tuple[str, str, int]]:
    return [(s, STATUS_LABELS[s], sum(1 for it in items if it.status == s)) for s in STATUSES]


def plan_view(tracked: TrackedPlan) -> PlanView:
    """What the assessment page's plan section shows."""
    return PlanView(
        rows=_rows(tracked),
        manual_order=tracked.manual_order,
        empty_message=tracked.plan.empty_message(),
        counts=_counts(tracked.items),
        ranking=tracked.plan.ranking,
        best_words=framework_answer_ends(tracked.plan.framework)[0],
    )


@dataclass(frozen=True)
class ChangeRow:
    """A dimension's score change between the last two assessments, with the plan items
    done in that time."""

    title: str
    before: str
    after: str
    change: str
    direction: str
    items: list[DoneItem]
    total: bool = False


@dataclass(frozen=True)
class UnitPlanView:
    """The unit page's plan sections."""

    assessment_id: int
    title: str
    date: str
    open_rows: list[PlanRow]
    counts: list[tuple[str, str, int]]
    item_count: int
    previous_id: int | None = None
    previous_title: str = ""
    previous_date: str = ""
    changes: list[ChangeRow] = field(default_factory=list)
    done_count: int = 0


def _change(before: float | None, after: float | None) -> tuple[str, str]:
    if before is None or after is None:
        return "", ""
    text = fmt_delta(after - before)
    # the direction follows the figure shown: a change that reads +0.0 is "same"
    shown = float(text)
    return text, "up" if shown > 0 else "down" if shown < 0 else "same"


def unit_plan_view(trend: Trend, tracked: TrackedPlan, since: DoneSince | None) -> UnitPlanView:
    """The open items of the unit's latest assessment with answers (``tracked``, its plan)
    and, beside each dimension's change since the assessment before, the items of that
    one's plan marked done (``since``)."""
    latest = trend.points[-1]
    rows = [r for r in _rows(tracked) if r.status in OPEN_STATUSES]
    view = UnitPlanView(
        assessment_id=latest.assessment_id,
        title=latest.title,
        date=latest.date.isoformat(),
        open_rows=rows,
        counts=_counts(tracked.items),
        item_count=len(tracked.items),
    )
    if since is None or since.previous is None:
        return view
    previous = next((p for p in trend.points if p.assessment_id == since.previous.id), trend.points[-2])
    done = since.by_dimension()
    changes = []
    for did, title in trend.dimensions:
        before, after = previous.scores.get(did), latest.scores.get(did)
        text, direction = _change(before, after)
        changes.append(
            ChangeRow(title, fmt_score(before), fmt_score(after), text, direction, done.get(did, []))
        )
    text, direction = _change(previous.overall, latest.overall)
    changes.append(
        ChangeRow(
            "Overall", fmt_score(previous.overall), fmt_score(latest.overall), text, direction, [], True
        )
    )
    return UnitPlanView(
        assessment_id=view.assessment_id,
        title=view.title,
        date=view.date,
        open_rows=view.open_rows,
        counts=view.counts,
        item_count=view.item_count,
        previous_id=previous.assessment_id,
        previous_title=previous.title,
        previous_date=previous.date.isoformat(),
        changes=changes,
        done_count=len(since.items),
    )


PLAN_EXPORT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def export_plan(tracked: TrackedPlan, *, assessment: Assessment, fmt: str) -> tuple[bytes, str, str]:
    """The tracked plan of ``assessment`` as a Markdown checklist, CSV or JSON:
    ``(body, media type, file name)``. The same for the page download and the API.
    """
    a = assessment
    if fmt == "md":
        body = tracked.to_markdown(title=f"{a.unit.name}, {a.title} ({a.date.isoformat()})")
    elif fmt == "csv":
        body = tracked.to_csv()
    else:
        body = tracked.to_json()
    name = f"plan-{slug(a.unit.name)}-{slug(a.title)}-{a.date.isoformat()}.{fmt}"
    return body.encode("utf-8"), PLAN_EXPORT_TYPES[fmt], name
