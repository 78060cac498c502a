"""The improvement plan of a stored assessment, and the work done on it.

The plan itself is never stored: it is derived from the assessment's current answers
(:func:`~mlops_scorecard.planning.build_plan`), so it follows every answer that changes.
What a facilitator changes about an item (its status, owner, due date, effort, a note,
its place in a manual order) is stored in ``plan_items``, one row per changed item, and
laid over the derived plan with :func:`~mlops_scorecard.planning.apply_overrides`.
A row whose question is no longer a gap stays (it comes back if the question does).

Tracking is allowed on every assessment, closed ones too: status, owner, due date and
order are work done *after* the answers, not answers, so closing an assessment does
not freeze them. The plan of a closed assessment is derived from its frozen answers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFoundError, ScorecardError
from ..planning import STATUSES, Plan, build_plan
from ..planning.overrides import PlanOverride, apply_overrides, parse_effort
from ..scoring import ScoreResult, score
from .answer_sets import answer_sets_for, assessment_framework
from .assessments import lock_assessment
from .audit import record
from .models import Assessment, User, utcnow
from .models import PlanItem as PlanItemRow
from .tracked_plan import TrackedPlan

__all__ = [
    "MAX_NOTE",
    "MAX_OWNER",
    "STATUS_LABELS",
    "assemble_plan",
    "derived_plan",
    "parse_due",
    "parse_status",
    "plan_for",
    "plan_overrides",
    "plan_rows",
    "reorder",
    "reset_order",
    "update_item",
]


MAX_OWNER = 200
MAX_NOTE = 5000

#: How each status reads on a page.
STATUS_LABELS: dict[str, str] = {
    "open": "Open",
    "in-progress": "In progress",
    "done": "Done",
    "accepted-risk": "Accepted risk",
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# --- reading ---------------------------------------------------------------------------


def derived_plan(session: Session, *, assessment: Assessment) -> Plan:
    """The plan of the assessment's current answers (for a closed one: its frozen answers)."""
    answers = answer_sets_for(session, assessments=[assessment], details=False)[assessment.id]
    return build_plan(score(assessment_framework(assessment), answers))


def plan_rows(session: Session, *, assessment: Assessment) -> dict[str, PlanItemRow]:
    """The assessment's stored plan changes as rows, by question id, oldest first."""
    return {
        r.question_id: r
        for r in session.scalars(
            select(PlanItemRow).where(PlanItemRow.assessment_id == assessment.id).order_by(PlanItemRow.id)
        )
    }


def _overrides(rows: dict[str, PlanItemRow]) -> dict[str, PlanOverride]:
    return {
        key: PlanOverride(
            status=r.status, owner=r.owner, due=r.due_date, position=r.position, effort=r.effort or ""
        )
        for key, r in rows.items()
    }


def plan_overrides(session: Session, *, assessment: Assessment) -> dict[str, PlanOverride]:
    """The stored plan changes of an assessment, by question id (for reports)."""
    return _overrides(plan_rows(session, assessment=assessment))


def assemble_plan(assessment: Assessment, base: Plan, rows: dict[str, PlanItemRow]) -> TrackedPlan:
    """The derived plan ``base`` with the stored ``rows`` (:func:`plan_rows`) laid over it."""
    overrides = _overrides(rows)
    plan = apply_overrides(base, overrides)
    keys = {it.key for it in plan.items}
    return TrackedPlan(
        assessment_id=assessment.id,
        plan=plan,
        notes={k: r.note for k, r in rows.items() if r.note},
        updated_at={k: r.updated_at for k, r in rows.items()},
        manual_order=any(r.position is not None for k, r in rows.items() if k in keys),
    )


def plan_for(session: Session, *, assessment: Assessment, result: ScoreResult | None = None) -> TrackedPlan:
    """The assessment's plan: derived from its answers (pass ``result`` when they are
    already scored), with the stored changes laid over it."""
    base = derived_plan(session, assessment=assessment) if result is None else build_plan(result)
    return assemble_plan(assessment, base, plan_rows(session, assessment=assessment))


# --- changing ----------------------------------------------------------------------------


def parse_status(value: str) -> str:
    """A status (``open``, ``in-progress``, ``done``, ``accepted-risk``; spaces or
    underscores for the hyphen and any case accepted), or a :class:`ScorecardError`."""
    norm = re.sub(r"[\s_]+", "-", value.strip().lower())
    if norm not in STATUSES:
        raise ScorecardError(f"unknown status {value[:40]!r} (use {', '.join(STATUSES)})")
    return norm


def parse_due(value: dt.date | str) -> dt.date | None:
    """A due date from a date or ``YYYY-MM-DD`` text; empty text is no due date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    if not text:
        return None
    problem = ScorecardError(f"due date {text[:40]!r} is not a date (use YYYY-MM-DD)")
    if not _DATE.match(text):
        raise problem
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # 2025-02-30: the shape is right, the day is not
        raise problem from None


def _text(value: str, what: str, limit: int) -> str:
    text = value.strip()
    if len(text) > limit:
        raise ScorecardError(f"{what} is longer than {limit} characters")
    if "\x00" in text:
        raise ScorecardError(f"{what} must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ScorecardError(f"{what} must be valid Unicode text") from None
    return text


def _is_default(row: PlanItemRow) -> bool:
    return (
        row.status == "open"
        and not row.owner
        and row.due_date is None
        and row.position is None
        and not row.note
        and not row.effort
    )


def _row(session: Session, assessment: Assessment, rows: dict[str, PlanItemRow], key: str) -> PlanItemRow:
    row = rows.get(key)
    if row is None:
        row = PlanItemRow(
            assessment_id=assessment.id,
            question_id=key,
            status="open",
            owner="",
            due_date=None,
            note="",
            effort="",
        )
        session.add(row)
        rows[key] = row
    return row


def _tidy(session: Session, rows: dict[str, PlanItemRow]) -> None:
    """Drop rows that no longer change anything: only changed items are stored."""
    for key, row in list(rows.items()):
        if _is_default(row):
            if row in session.new:
                session.expunge(row)
            else:
                session.delete(row)
            del rows[key]
    session.flush()


def update_item(
    session: Session,
    *,
    assessment: Assessment,
    question_id: str,
    status: str | None = None,
    owner: str | None = None,
    due_date: dt.date | str | None = None,
    note: str | None = None,
    effort: str | None = None,
    by: User | None = None,
) -> TrackedPlan:
    """Change one item's status, owner, due date, note or effort; ``None`` keeps a value.

    An empty ``owner``, ``note``, ``effort`` or ``due_date`` (``""``) clears it. The question must be
    an item of the current plan (:class:`NotFoundError` otherwise); a bad status, a due
    date that is not ``YYYY-MM-DD`` or text that is too long is a :class:`ScorecardError`.
    Records a ``plan.item`` audit event by ``by`` (what changed, old and new) in the
    same transaction. Returns the plan after the change.
    """
    new_status = None if status is None else parse_status(status)
    new_owner = None if owner is None else _text(owner, "owner", MAX_OWNER)
    new_due = None if due_date is None else parse_due(due_date)
    new_note = None if note is None else _text(note, "note", MAX_NOTE)
    new_effort = None if effort is None else parse_effort(effort)
    lock_assessment(session, assessment_id=assessment.id)
    base = derived_plan(session, assessment=assessment)
    if question_id not in {it.key for it in base.items}:
        raise NotFoundError(f"question {question_id!r} is not in the plan of assessment {assessment.id}")
    rows = plan_rows(session, assessment=assessment)
    row = _row(session, assessment, rows, question_id)
    before = _fields(row)
    if new_status is not None:
        row.status = new_status
    if new_owner is not None:
        row.owner = new_owner
    if due_date is not None:
        row.due_date = new_due
    if new_note is not None:
        row.note = new_note
    if new_effort is not None:
        row.effort = new_effort
    after = _fields(row)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        row.updated_at = utcnow()
        record(
            session,
            user=by,
            action="plan.item",
            summary=f"Plan item {question_id}: {_describe(changes)}",
            assessment_id=assessment.id,
            unit_id=assessment.unit_id,
            detail={"question_id": question_id, "changes": changes},
        )
    _tidy(session, rows)
    return assemble_plan(assessment, base, rows)


def _describe(changes: dict[str, list[str]]) -> str:
    """``status done, owner 'Ada', due cleared`` (texts cut: the detail has them whole)."""
    parts = []
    for name, (_, new) in changes.items():
        if not new:
            parts.append(f"{name} cleared")
        elif name in ("owner", "note"):
            parts.append(f"{name} {new[:60]!r}")
        else:
            parts.append(f"{name} {new}")
    return ", ".join(parts)


def _fields(row: PlanItemRow) -> dict[str, str]:
    """What an item's audit event compares (plain text: the event's detail is JSON)."""
    return {
        "status": row.status or "open",
        "owner": row.owner or "",
        "due": "" if row.due_date is None else row.due_date.isoformat(),
        "effort": row.effort or "",
        "note": row.note or "",
    }


def reorder(
    session: Session, *, assessment: Assessment, question_ids: Sequence[str], by: User | None = None
) -> TrackedPlan:
    """Put the plan in this order: every item's question id once, first to last.

    An id that is not an item of the plan is a :class:`NotFoundError`; a repeated id or
    a missing item (the plan changed since it was read: reload) is a :class:`ScorecardError`.
    Items that later become part of the plan follow the ordered ones. Records a
    ``plan.reorder`` audit event by ``by`` when the order changes.
    """
    lock_assessment(session, assessment_id=assessment.id)
    base = derived_plan(session, assessment=assessment)
    keys = [it.key for it in base.items]
    known = set(keys)
    unknown = [q for q in question_ids if q not in known]
    if unknown:
        shown = ", ".join(repr(q[:80]) for q in unknown[:5])
        raise NotFoundError(f"not in the plan of assessment {assessment.id}: {shown}")
    seen: set[str] = set()
    repeated: set[str] = set()
    for q in question_ids:
        (repeated if q in seen else seen).add(q)
    if repeated:
        raise ScorecardError(f"the order names {', '.join(map(repr, sorted(repeated)))} more than once")
    missing = [k for k in keys if k not in seen]
    if missing:
        raise ScorecardError(
            f"the order must list every item of the plan; missing: {', '.join(map(repr, missing))} "
            "(the plan may have changed: reload it)"
        )
    rows = plan_rows(session, assessment=assessment)
    old = [it.key for it in assemble_plan(assessment, base, rows).items]
    now = utcnow()
    for key, row in rows.items():
        if key not in known and row.position is not None:
            row.position = None
    for position, key in enumerate(question_ids):
        row = _row(session, assessment, rows, key)
        if row.position != position:
            row.position = position
            row.updated_at = now
    new = list(question_ids)
    if new != old:
        moved = [(k, old.index(k) + 1, n) for n, k in enumerate(new, start=1) if old.index(k) + 1 != n]
        first = max(moved, key=lambda m: abs(m[1] - m[2]))
        record(
            session,
            user=by,
            action="plan.reorder",
            summary=f"Plan reordered: {first[0]} from {first[1]} to {first[2]}"
            + (f" ({len(moved)} items changed place)" if len(moved) > 2 else ""),
            assessment_id=assessment.id,
            unit_id=assessment.unit_id,
            detail={"before": old, "after": new},
        )
    _tidy(session, rows)
    return assemble_plan(assessment, base, rows)


def reset_order(session: Session, *, assessment: Assessment, by: User | None = None) -> TrackedPlan:
    """Forget the manual order: the plan follows the ranking rule again (a
    ``plan.reorder`` audit event by ``by`` when there was a manual order)."""
    lock_assessment(session, assessment_id=assessment.id)
    rows = plan_rows(session, assessment=assessment)
    now = utcnow()
    if any(row.position is not None for row in rows.values()):
        record(
            session,
            user=by,
            action="plan.reorder",
            summary="Plan back to the ranked order",
            assessment_id=assessment.id,
            unit_id=assessment.unit_id,
            detail={"reset": True},
        )
    for row in rows.values():
        if row.position is not None:
            row.position = None
            row.updated_at = now
    _tidy(session, rows)
    return assemble_plan(assessment, derived_plan(session, assessment=assessment), rows)
