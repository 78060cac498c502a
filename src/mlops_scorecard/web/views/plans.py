"""The improvement plan on the pages: the assessment page's plan section, the unit
page's open items and "done since the last assessment", and the exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from ...analysis.trends import Trend
from ...format import answer_choices, fmt_amount_in, fmt_delta, fmt_score, fmt_score_in, framework_answer_ends
from ...planning import EFFORT_LABELS, EFFORTS, RANKING_RULE, STATUSES, PlanItem
from ...planning.backlog import ORDERS, focus, gain_of, ordered
from ...planning.export import ExportContext
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
    "export_context",
    "export_plan",
    "framework_link",
    "plan_title",
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
    effort: str = ""
    effort_label: str = ""
    near_yes: bool = False
    guidance: str = ""
    #: the question on its framework's page, where its guidance is
    guidance_link: str = ""
    #: the gain to the overall score with its unit ("+2.8 points overall"), "" without one
    overall_words: str = ""


def _words(value: float, points: float | None) -> str:
    return (
        f"{fmt_delta(value)} points" if points is None else fmt_amount_in(value, points, sign=True, unit=True)
    )


def _row(
    it: PlanItem,
    choices: list[tuple[str, str]],
    note: str,
    first: bool,
    last: bool,
    points: float | None = None,
    framework_link: str = "",
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
        gain_words=_words(it.gain, points),
        overall_words="" if it.overall_gain is None else _words(gain_of(it), points) + " overall",
        effort=it.effort,
        effort_label=EFFORT_LABELS.get(it.effort, it.effort) if it.effort else "",
        near_yes=it.near_yes,
        guidance=" ".join(it.guidance.split()),
        guidance_link=f"{framework_link}#q-{it.key}" if framework_link else "",
        status=it.status,
        status_label=STATUS_LABELS.get(it.status, it.status),
        owner=it.owner,
        due="" if it.due is None else it.due.isoformat(),
        note=note,
        first=first,
        last=last,
        prioritised=it.prioritised,
    )


def framework_link(tracked: TrackedPlan) -> str:
    """The framework's page on this site, where each question's guidance is."""
    return "/frameworks/" + quote(tracked.plan.framework.ref, safe="@")


def _rows(tracked: TrackedPlan, items: list[PlanItem] | None = None) -> list[PlanRow]:
    """Rows of ``items`` (the plan's, in plan order, by default); first and last are
    among the items of the same fold (near "yes" or not), as the move buttons move."""
    items = tracked.items if items is None else items
    choices = answer_choices(tracked.plan.framework)
    points = tracked.plan.framework.points
    link = framework_link(tracked)
    bounds: dict[bool, tuple[str, str]] = {}
    for near in (False, True):
        peers = [it.key for it in tracked.items if it.near_yes == near]
        bounds[near] = (peers[0], peers[-1]) if peers else ("", "")
    return [
        _row(
            it,
            choices,
            tracked.notes.get(it.key, ""),
            it.key == bounds[it.near_yes][0],
            it.key == bounds[it.near_yes][1],
            points,
            link,
        )
        for it in items
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
    #: the few actions that raise the overall score most (``planning.backlog.focus``)
    focus: list[PlanRow] = field(default_factory=list)
    #: near-"yes" items, folded away below the others
    folded: list[PlanRow] = field(default_factory=list)
    #: "plan" (the ranking rule, or the manual order) or "gain"
    order: str = "plan"
    efforts: list[tuple[str, str]] = field(default_factory=lambda: [(e, EFFORT_LABELS[e]) for e in EFFORTS])
    #: whether the overall score is there to rank by (without one, gains are the dimension's)
    has_overall: bool = True


def _counts(items: list[PlanItem]) -> list[tuple[str, str, int]]:
    return [(s, STATUS_LABELS[s], sum(1 for it in items if it.status == s)) for s in STATUSES]


def plan_view(tracked: TrackedPlan, *, order: str = "plan") -> PlanView:
    """What the assessment page's plan section shows, the items in ``order`` (one of
    ``planning.backlog.ORDERS``; anything else reads as the plan's order)."""
    order = order if order in ORDERS else "plan"
    rows = _rows(tracked, ordered(tracked.plan, order))
    return PlanView(
        rows=[r for r in rows if not r.near_yes],
        folded=[r for r in rows if r.near_yes],
        focus=_rows(tracked, focus(tracked.plan)),
        order=order,
        has_overall=tracked.plan.overall is not None,
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
    "github.json": "application/json",
    "jira.csv": "text/csv; charset=utf-8",
}


def plan_title(a: Assessment) -> str:
    """How exports name the assessment a plan is of."""
    return f"{a.unit.name}, {a.title} ({a.date.isoformat()})"


def export_context(tracked: TrackedPlan, *, assessment: Assessment, base_url: str) -> ExportContext:
    """The issue exports' title and links (absolute: an issue lives on another site)."""
    root = base_url.rstrip("/")
    return tracked.export_context(
        title=plan_title(assessment),
        item_link=f"{root}/assessments/{assessment.id}#plan-item-{{key}}" if root else "",
        guidance_link=f"{root}{framework_link(tracked)}#q-{{key}}" if root else "",
    )


def export_plan(
    tracked: TrackedPlan, *, assessment: Assessment, fmt: str, base_url: str = ""
) -> tuple[bytes, str, str]:
    """The tracked plan of ``assessment`` as a Markdown checklist, CSV, JSON, GitHub
    issues (JSON for ``gh``) or a Jira CSV: ``(body, media type, file name)``. The same
    for the page download, the API and the CLI. ``base_url`` (the site's root) makes
    the issues link back to the item and its guidance.
    """
    a = assessment
    if fmt == "md":
        body = tracked.to_markdown(title=plan_title(a))
    elif fmt == "csv":
        body = tracked.to_csv()
    elif fmt == "github.json":
        body = tracked.to_github_json(export_context(tracked, assessment=a, base_url=base_url))
    elif fmt == "jira.csv":
        body = tracked.to_jira_csv(export_context(tracked, assessment=a, base_url=base_url))
    else:
        body = tracked.to_json()
    stem = "issues" if fmt in ("github.json", "jira.csv") else "plan"
    name = f"{stem}-{slug(a.unit.name)}-{slug(a.title)}-{a.date.isoformat()}.{fmt}"
    return body.encode("utf-8"), PLAN_EXPORT_TYPES[fmt], name
