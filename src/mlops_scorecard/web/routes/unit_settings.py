"""A unit's settings (facilitator): move it under another parent, its default targets,
archive or restore it and its archived assessments, delete it when empty; and the
favicon. Each change is one transaction with its audit event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...errors import ConflictError, NotFoundError, ScorecardError
from ...format import fmt_number
from ...framework import newest_builtin
from ...store.accounts import get_user
from ...store.assessments import list_assessments
from ...store.audit import record
from ...store.models import Unit
from ...store.units import (
    archive_unit,
    default_targets_for,
    delete_unit,
    get_unit,
    list_units,
    move_unit,
    set_default_targets,
    subtree_ids,
    unit_path,
)
from ..context import state
from ..params import form_int, form_text, parse_id
from ..security import CurrentUser, checked_form, require
from ..templating import render
from ..views.crumbs import unit_crumbs
from ..views.org import unit_tree

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers that ask for the old name get the SVG icon every page links."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


def _settings_page(
    request: Request, unit_id: int, *, status: int = 200, error: str | None = None
) -> Response:
    with state(request).read() as s:
        unit = get_unit(s, unit_id=unit_id)
        path = unit_path(s, unit=unit)
        below = set(subtree_ids(s, unit_id=unit.id))
        _, order = unit_tree(list_units(s))
        archived = list_assessments(s, unit_ids=[unit.id], archived=True)
        inherited, source = default_targets_for(s, unit_id=unit.id)
        children = [u for u in list_units(s, archived=True) if u.parent_id == unit.id]
    fw = newest_builtin()
    own = unit.default_targets or {}
    return render(
        request,
        "unit_settings.html",
        status_code=status,
        unit=unit,
        # a unit cannot go under itself or below itself
        parents=[row for row in order if row.id not in below],
        archived=archived,
        archived_children=children,
        dimensions=[(d.id, d.title) for d in fw.dimensions] if fw else [],
        own_targets={k: fmt_number(float(v), 0) for k, v in own.items()},
        inherited={k: fmt_number(v, 0) for k, v in inherited.items()} if source is not unit else {},
        inherited_from=source.name if source is not None and source is not unit else "",
        error=error,
        crumbs=unit_crumbs(path, ("Settings", None)),
    )


@router.get("/units/{unit_id}/settings")
def unit_settings(request: Request, unit_id: str) -> Response:
    """Move, default targets, archive, delete."""
    require(request, "facilitator")
    return _settings_page(request, parse_id(unit_id, "unit"))


async def _change(
    request: Request,
    unit_id: str,
    change: Callable[[Session, Unit, Any, CurrentUser], str | None],
) -> Response:
    """Run ``change`` on the unit in one write transaction with the submitted form;
    it answers where to go next (``None``: the settings page). A refusal shows the
    settings page again with the reason (409 or 422)."""
    form = await checked_form(request, "facilitator")
    user = require(request, "facilitator")
    uid = parse_id(unit_id, "unit")

    def run() -> Response:
        try:
            with state(request).write() as s:
                target = change(s, get_unit(s, unit_id=uid), form, user)
        except NotFoundError as exc:
            if f"no unit {uid}" == str(exc):
                raise
            return _settings_page(request, uid, status=422, error=str(exc))
        except ScorecardError as exc:
            return _settings_page(
                request, uid, status=409 if isinstance(exc, ConflictError) else 422, error=str(exc)
            )
        return RedirectResponse(target or f"/units/{uid}/settings?saved=1", status_code=303)

    return await run_in_threadpool(run)


def _audit(
    s: Session, user: CurrentUser, unit: Unit, action: str, summary: str, detail: dict[str, Any]
) -> None:
    record(
        s, user=get_user(s, user_id=user.id), action=action, summary=summary, unit_id=unit.id, detail=detail
    )


@router.post("/units/{unit_id}/move")
async def unit_move(request: Request, unit_id: str) -> Response:
    """Put the unit under another parent (``parent_id``; empty: the top)."""

    def change(s: Session, unit: Unit, form: Any, user: CurrentUser) -> str | None:
        parent_id = form_int(form, "parent_id", what="the new parent")
        before = unit.parent_id
        move_unit(s, unit=unit, parent_id=parent_id)
        if before != parent_id:
            where = "the top" if parent_id is None else repr(get_unit(s, unit_id=parent_id).name)
            _audit(
                s,
                user,
                unit,
                "unit.move",
                f"Moved {unit.name!r} under {where}",
                {"from": before, "to": parent_id},
            )
        return f"/units/{unit.id}"

    return await _change(request, unit_id, change)


@router.post("/units/{unit_id}/targets")
async def unit_targets(request: Request, unit_id: str) -> Response:
    """Set the default targets (0-100 per dimension id; all blank: none here)."""

    def change(s: Session, unit: Unit, form: Any, user: CurrentUser) -> str | None:
        targets: dict[str, float] = {}
        for key in list(form)[:200]:
            if not isinstance(key, str) or not key.startswith("target_"):
                continue
            text = form_text(form, key, max_length=20)
            if not text:
                continue
            try:
                targets[key[len("target_") :]] = float(text)
            except ValueError:
                raise ScorecardError(f"default target for {key[7:]!r}: {text!r} is not a number") from None
        set_default_targets(s, unit=unit, targets=targets)
        _audit(
            s, user, unit, "unit.targets", f"Set the default targets of {unit.name!r}", {"targets": targets}
        )
        return None

    return await _change(request, unit_id, change)


@router.post("/units/{unit_id}/archive")
async def unit_archive(request: Request, unit_id: str) -> Response:
    """Archive (``archived=1``) or restore (``archived=0``) the unit."""

    def change(s: Session, unit: Unit, form: Any, user: CurrentUser) -> str | None:
        archived = form_text(form, "archived", max_length=1) != "0"
        if (unit.archived_at is not None) != archived:
            archive_unit(s, unit=unit, archived=archived)
            word = "Archived" if archived else "Restored"
            _audit(s, user, unit, "unit.archive" if archived else "unit.restore", f"{word} {unit.name!r}", {})
        return f"/units/{unit.id}/settings"

    return await _change(request, unit_id, change)


@router.post("/units/{unit_id}/delete")
async def unit_delete(request: Request, unit_id: str) -> Response:
    """Delete an empty unit once ``confirm`` is ticked; on to its parent (or the organization)."""

    def change(s: Session, unit: Unit, form: Any, user: CurrentUser) -> str | None:
        if form_text(form, "confirm", max_length=5) != "yes":
            raise ScorecardError("tick the box to confirm the deletion")
        parent, name, uid = unit.parent_id, unit.name, unit.id
        delete_unit(s, unit_id=uid)
        record(
            s,
            user=get_user(s, user_id=user.id),
            action="unit.delete",
            summary=f"Deleted unit {name!r}",
            unit_id=parent,
            detail={"unit_id": uid, "name": name},
        )
        return "/" if parent is None else f"/units/{parent}"

    return await _change(request, unit_id, change)
