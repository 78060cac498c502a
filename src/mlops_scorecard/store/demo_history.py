"""The demo's history: the plan the teams have taken up and the audit events their
assessments would have left, written as the rest of the demo (made up, seeded)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ..answers import AnswerSet
from ..framework import Framework
from ..planning import build_plan
from ..scoring import score
from .models import Assessment, PlanItem, User

__all__ = ["Trail", "at", "plan_in_progress"]

#: A plan in progress: the status, effort and weeks to the due date of the top items;
#: one of them is done (:data:`_DONE`).
_PLAN_STEPS = [
    ("in-progress", "M", 3),
    ("in-progress", "L", 8),
    ("open", "S", 5),
    ("open", "M", 10),
    ("open", "S", 12),
]
_DONE = ("done", "S", -2)


class Trail:
    """The audit events the demo's history would have left, written in one insert."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.rows: list[dict[str, Any]] = []

    def add(self, when: dt.datetime, a: Assessment, action: str, summary: str, **detail: Any) -> None:
        """One event of ``a`` at ``when`` by the trail's user."""
        self.rows.append(
            {
                "at": when,
                "user_id": self.user.id,
                "username": self.user.username,
                "assessment_id": a.id,
                "unit_id": a.unit_id,
                "action": action,
                "summary": summary,
                "detail": detail or None,
            }
        )


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """``day`` at ``hour`` o'clock, as the database stores times."""
    return dt.datetime.combine(day, dt.time(hour))


def plan_in_progress(
    session: Session,
    fw: Framework,
    a: Assessment,
    answers: AnswerSet,
    names: list[str],
    today: dt.date,
    trail: Trail,
) -> None:
    """The top items of the assessment's plan taken up: owners, due dates, efforts, one done."""
    plan = build_plan(score(fw, answers))
    top = plan.items[: len(_PLAN_STEPS)]
    # done: the item the answers were nearest to already ("partly" from some). One that
    # everyone answered "no" to, done a week later, would not read true; then none is.
    nearest = max(range(len(top)), key=lambda i: top[i].value, default=-1)
    if nearest >= 0 and top[nearest].value <= 0:
        nearest = -1
    later = iter(_PLAN_STEPS)
    steps = [_DONE if i == nearest else next(later) for i in range(len(top))]
    for i, (item, (status, effort, weeks)) in enumerate(zip(top, steps, strict=True)):
        owner = names[i % len(names)]
        due = today + dt.timedelta(weeks=weeks)
        # a week after the answers came in, one item after another
        changed = at(a.date + dt.timedelta(days=10 + i), 10) + dt.timedelta(minutes=7 * a.unit_id % 90)
        session.add(
            PlanItem(
                assessment_id=a.id,
                question_id=item.key,
                status=status,
                owner=owner,
                due_date=due,
                effort=effort,
                note="Pairing with the platform team." if status == "in-progress" and i == 0 else "",
                updated_at=changed,
            )
        )
        trail.add(
            changed,
            a,
            "plan.item",
            f"Plan: {item.key} is {status}, owned by {owner}, due {due.isoformat()}",
            question=item.key,
            status=status,
            owner=owner,
            due_date=due.isoformat(),
            effort=effort,
        )
