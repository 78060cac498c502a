"""The audit log as its pages show it: one row per event, times in UTC, the detail as
short ``key: value`` pairs (formatting only; the store has already chosen the events)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ...store.audit import AuditFilter, AuditPage

__all__ = ["AuditRow", "audit_rows", "page_link"]


@dataclass(frozen=True)
class AuditRow:
    """One event, ready for a table row."""

    id: int
    when: str
    iso: str
    who: str
    action: str
    summary: str
    assessment_id: int | None
    assessment_title: str | None
    details: list[tuple[str, str]]


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items())
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)[:200]


def audit_rows(page: AuditPage) -> list[AuditRow]:
    """The page's events as rows (``who`` is "system" for events without a user)."""
    rows = []
    for entry in page.entries:
        e = entry.event
        rows.append(
            AuditRow(
                id=e.id,
                when=e.at.strftime("%Y-%m-%d %H:%M"),
                iso=e.at.isoformat(timespec="seconds") + "Z",
                who=e.username or "system",
                action=e.action,
                summary=e.summary,
                assessment_id=e.assessment_id,
                assessment_title=entry.assessment_title,
                details=[(str(k), _value(v)) for k, v in (e.detail or {}).items()],
            )
        )
    return rows


def page_link(where: AuditFilter, page: int, base: str = "/admin/audit") -> str:
    """The audit page's address for ``where`` at ``page`` (empty filters left out)."""
    params: dict[str, str | int] = {}
    if where.assessment_id is not None:
        params["assessment"] = where.assessment_id
    if where.username:
        params["user"] = where.username
    if where.action:
        params["action"] = where.action
    if page > 1:
        params["page"] = page
    return base + ("?" + urlencode(params) if params else "")
