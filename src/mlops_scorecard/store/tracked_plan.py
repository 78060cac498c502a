"""A stored assessment's plan with the facilitator's changes laid over it, and its
exports (JSON, CSV, Markdown; GitHub issues and Jira CSV) with each item's note."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotFoundError
from ..escaping import csv_cell, md_escape
from ..planning import Plan, PlanItem
from ..planning.backlog import focus
from ..planning.export import ExportContext, github_issues, github_issues_json, jira_csv

__all__ = ["TrackedPlan"]


@dataclass(frozen=True)
class TrackedPlan:
    """An assessment's plan with the stored changes laid over it.

    ``notes`` and ``updated_at`` are keyed by question id (only items with a stored row);
    ``manual_order`` is true when some item has a place in a manual order.
    """

    assessment_id: int
    plan: Plan
    notes: dict[str, str] = field(default_factory=dict)
    updated_at: dict[str, dt.datetime] = field(default_factory=dict)
    manual_order: bool = False

    @property
    def items(self) -> list[PlanItem]:
        """The items in plan order."""
        return self.plan.items

    def item(self, question_id: str) -> PlanItem:
        """The item of this question, or :class:`NotFoundError`."""
        try:
            return self.plan.item(question_id)
        except KeyError:
            raise NotFoundError(
                f"question {question_id!r} is not in the plan of assessment {self.assessment_id}"
            ) from None

    def item_dict(self, it: PlanItem) -> dict[str, Any]:
        """One item as plain data: :meth:`PlanItem.to_dict` with its effort, whether it is
        near "yes", its note and when it last changed."""
        data = it.to_dict()
        data["effort"] = it.effort
        data["near_yes"] = it.near_yes
        data["note"] = self.notes.get(it.key, "")
        changed = self.updated_at.get(it.key)
        data["updated_at"] = None if changed is None else changed.isoformat() + "Z"
        return data

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the plan's JSON export and the API's body."""
        data = self.plan.to_dict()
        data["assessment_id"] = self.assessment_id
        data["manual_order"] = self.manual_order
        data["focus"] = [it.key for it in focus(self.plan)]
        data["items"] = [self.item_dict(it) for it in self.items]
        return data

    def to_json(self) -> str:
        """The JSON export."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        """The CSV export: the library's columns, then ``effort`` and ``note``."""
        rows = list(csv.reader(io.StringIO(self.plan.to_csv())))
        out = io.StringIO()
        # RFC 4180 line ends: a cell holding a carriage return or a newline is then quoted,
        # so it cannot start a new row whose first cell escapes the formula guard
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([*rows[0], "effort", "note"])
        for it, row in zip(self.items, rows[1:], strict=True):
            # the library's cells are neutralized already; the note is added here
            writer.writerow([*row, it.effort, csv_cell(self.notes.get(it.key, ""))])
        return out.getvalue()

    def export_context(
        self, *, title: str = "", item_link: str = "", guidance_link: str = ""
    ) -> ExportContext:
        """What the issue exports need besides the plan: its notes, a title, links."""
        return ExportContext(title=title, item_link=item_link, guidance_link=guidance_link, notes=self.notes)

    def github_issues(self, ctx: ExportContext) -> list[dict[str, Any]]:
        """The active items as GitHub issues (:func:`~mlops_scorecard.planning.export.github_issues`)."""
        return github_issues(self.plan, ctx)

    def to_github_json(self, ctx: ExportContext) -> str:
        """The GitHub issues as JSON, for ``gh api ... --input``."""
        return github_issues_json(self.plan, ctx)

    def to_jira_csv(self, ctx: ExportContext) -> str:
        """The active items as a CSV file for Jira's importer."""
        return jira_csv(self.plan, ctx)

    def to_markdown(self, *, title: str | None = None) -> str:
        """The Markdown checklist, with each item's note under its status line."""
        lines = self.plan.to_markdown(title=title).splitlines()
        out: list[str] = []
        items = iter(self.items)
        for line in lines:
            out.append(line)
            if line.startswith("  - Status: "):
                note = self.notes.get(next(items).key, "")
                if note:
                    out.append("  - Note: " + md_escape(note))
        return "\n".join(out) + "\n"
