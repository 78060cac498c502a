"""The plan as work items for an issue tracker: GitHub issues (``{title, body, labels}``
objects, what ``POST /repos/{owner}/{repo}/issues`` and ``gh api ... --input`` take)
and a CSV file for Jira's CSV importer.

Only active items (open, in progress) become issues: done work and accepted risks need
no ticket. Each issue carries what to do, the question and what a full "yes" looks like
(the framework's guidance, with a link to it when the service's address is known), the
answers now, the expected gain in the framework's unit, effort, owner, due date and note.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..escaping import csv_row, md_escape
from ..format import fmt_amount_in, fmt_counts, fmt_delta
from . import EFFORT_LABELS, Plan, PlanItem
from .backlog import ACTIVE_STATUSES, focus, priority

__all__ = [
    "JIRA_COLUMNS",
    "TITLE_MAX",
    "ExportContext",
    "github_issues",
    "github_issues_json",
    "issue_items",
    "issue_title",
    "jira_csv",
]

#: GitHub allows 256 characters in a title; a title people scan stays much shorter.
TITLE_MAX = 120
#: Jira's CSV importer maps columns by header; a repeated ``Labels`` column is how it
#: takes several labels.
JIRA_COLUMNS = ["Summary", "Issue Type", "Priority", "Description", "Due Date", "Assignee"]
_LABELS = 4


@dataclass(frozen=True)
class ExportContext:
    """Where the plan comes from, for the issues' text and links.

    ``title`` names the assessment ("Team A, Q1 check (2025-03-01)"); ``item_link`` and
    ``guidance_link`` are absolute URLs with ``{key}`` for the question id (empty: no link).
    ``notes`` are the facilitator's notes by question id.
    """

    title: str = ""
    item_link: str = ""
    guidance_link: str = ""
    notes: Mapping[str, str] = field(default_factory=dict)
    label: str = "mlops-scorecard"


def issue_items(plan: Plan) -> list[PlanItem]:
    """The items that become issues: the active ones, in plan order."""
    return [it for it in plan.items if it.status in ACTIVE_STATUSES]


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def issue_title(it: PlanItem) -> str:
    """An issue's title: the dimension and the first sentence of what to do (the
    question without a recommendation), cut at a word to :data:`TITLE_MAX` characters."""
    what = _first_sentence(it.recommendation) or " ".join(it.question_text.split())
    title = f"{it.dimension_title}: {what}".rstrip(".")
    if len(title) <= TITLE_MAX:
        return title
    cut = title[: TITLE_MAX - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _gain_words(plan: Plan, it: PlanItem) -> str:
    points = plan.framework.points
    gain = (
        f"{fmt_delta(it.gain)} points"
        if points is None
        else fmt_amount_in(it.gain, points, sign=True, unit=True)
    )
    text = f"{gain} in {it.dimension_title}"
    if it.overall_gain is not None:
        text += f", {fmt_amount_in(it.overall_gain, points, sign=True, unit=points is not None)} overall"
    return text


def _facts(plan: Plan, it: PlanItem, ctx: ExportContext) -> list[tuple[str, str]]:
    """The issue's facts as (label, text) pairs, the same for GitHub and Jira."""
    facts = [
        ("Question", f"{' '.join(it.question_text.split())} ({it.key}, {it.question_set} question set)"),
        ("Answers now", (fmt_counts(it.distribution, sep=" · ") or "none yet") + f" (value {it.value:.2f})"),
        ("Expected gain if done", _gain_words(plan, it)),
        ("Effort", EFFORT_LABELS.get(it.effort, it.effort) if it.effort else "not estimated"),
        ("Status", it.status.replace("-", " ")),
    ]
    if it.owner:
        facts.append(("Owner", it.owner))
    if it.due is not None:
        facts.append(("Due", it.due.isoformat()))
    if it.prioritised:
        facts.append(("Prioritised by profile", it.prioritised))
    note = ctx.notes.get(it.key, "")
    if note:
        facts.append(("Note", note))
    return facts


def _labels(it: PlanItem, ctx: ExportContext, focus_keys: set[str]) -> list[str]:
    labels = [ctx.label, it.dimension_id]
    if it.effort:
        labels.append(f"effort-{it.effort}")
    if it.key in focus_keys:
        labels.append("focus")
    return labels


def _gh(text: str) -> str:
    """Text safe in a GitHub issue: Markdown escaped, and no ``@name`` that would notify
    someone or ``#12`` that would link an unrelated issue (a word joiner breaks both)."""
    return md_escape(text).replace("@", "@\u2060").replace("#", "#\u2060")


def _github_body(plan: Plan, it: PlanItem, ctx: ExportContext) -> str:
    # everything from people or the framework is escaped: no raw HTML, mentions or links get in
    lines = []
    if it.recommendation:
        lines += [f"**To do:** {_gh(it.recommendation)}", ""]
    for label, text in _facts(plan, it, ctx):
        lines.append(f"- **{label}:** {_gh(text)}")
    if it.guidance:
        lines += ["", '**What a full "yes" looks like:**', "", _gh(it.guidance)]
    links = []
    if ctx.guidance_link:
        links.append(f"[Guidance]({ctx.guidance_link.format(key=it.key)})")
    if ctx.item_link:
        links.append(f"[The item in the plan]({ctx.item_link.format(key=it.key)})")
    source = f"From the improvement plan of {_gh(ctx.title)}" if ctx.title else "From the improvement plan"
    lines += ["", f"{source} (item {it.rank}, `{it.key}`)." + (" " + " · ".join(links) if links else "")]
    return "\n".join(lines) + "\n"


def github_issues(plan: Plan, ctx: ExportContext | None = None) -> list[dict[str, Any]]:
    """The active items as GitHub issues: ``{"title", "body", "labels"}`` each, in plan
    order (the body is Markdown)."""
    ctx = ctx or ExportContext()
    focus_keys = {it.key for it in focus(plan)}
    return [
        {
            "title": issue_title(it),
            "body": _github_body(plan, it, ctx),
            "labels": _labels(it, ctx, focus_keys),
        }
        for it in issue_items(plan)
    ]


def github_issues_json(plan: Plan, ctx: ExportContext | None = None) -> str:
    """:func:`github_issues` as a JSON list; each element is the body of one
    ``gh api repos/OWNER/REPO/issues --input -`` call (docs/plan.md has the one-liner)."""
    return json.dumps(github_issues(plan, ctx), indent=2, ensure_ascii=False) + "\n"


def _jira_description(plan: Plan, it: PlanItem, ctx: ExportContext) -> str:
    # plain text: Jira renders its own markup, and plain lines read the same in both editors
    lines = []
    if it.recommendation:
        lines += ["To do: " + " ".join(it.recommendation.split()), ""]
    lines += [f"{label}: {text}" for label, text in _facts(plan, it, ctx)]
    if it.guidance:
        lines += ["", 'What a full "yes" looks like: ' + " ".join(it.guidance.split())]
    if ctx.guidance_link:
        lines.append("Guidance: " + ctx.guidance_link.format(key=it.key))
    if ctx.item_link:
        lines.append("In the plan: " + ctx.item_link.format(key=it.key))
    return "\n".join(lines)


def jira_csv(plan: Plan, ctx: ExportContext | None = None) -> str:
    """The active items as a CSV file for Jira's CSV importer: :data:`JIRA_COLUMNS`,
    then four ``Labels`` columns. Due dates are ``yyyy-MM-dd`` (tell the importer that
    date format); Assignee is the owner when it is an email address (what Jira maps to
    a user), the owner is in the description in any case. Cells that a spreadsheet
    would run as a formula start with a single quote."""
    ctx = ctx or ExportContext()
    focus_keys = {it.key for it in focus(plan)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*JIRA_COLUMNS, *(["Labels"] * _LABELS)])
    for it in issue_items(plan):
        labels = (_labels(it, ctx, focus_keys) + [""] * _LABELS)[:_LABELS]
        # Jira labels cannot hold spaces
        labels = ["-".join(label.split()) for label in labels]
        writer.writerow(
            csv_row(
                [
                    issue_title(it),
                    "Task",
                    priority(it, focus_keys),
                    _jira_description(plan, it, ctx),
                    "" if it.due is None else it.due.isoformat(),
                    it.owner if "@" in it.owner and " " not in it.owner.strip() else "",
                    *labels,
                ]
            )
        )
    return out.getvalue()
