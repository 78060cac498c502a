"""API: units (the organization's tree) and the token's user."""

from __future__ import annotations

from typing import Annotated, Literal, cast

from fastapi import APIRouter, Query, Request, Response

from ...store.accounts import get_user
from ...store.assessments import list_assessments
from ...store.audit import record
from ...store.units import (
    archive_unit,
    create_unit,
    delete_unit,
    get_unit,
    list_units,
    move_unit,
    set_default_targets,
)
from ..api_models.units import Me, UnitDetail, UnitIn, UnitOut, UnitPatch
from ..context import state
from .api_common import Facilitator, UnitId, Viewer, assessment_out, errors, unit_out

router = APIRouter()
Role = Literal["admin", "facilitator", "viewer"]


@router.get(
    "/me",
    tags=["account"],
    summary="The user behind the token",
    response_model=Me,
    responses=errors(),
)
def me(user: Viewer) -> Me:
    """Who the API token belongs to, and their role."""
    return Me(id=user.id, username=user.username, role=cast(Role, user.role))


@router.get(
    "/units",
    tags=["units"],
    summary="List units",
    response_model=list[UnitOut],
    responses=errors(),
)
def units_list(
    request: Request,
    _user: Viewer,
    archived: Annotated[bool, Query(description="the archived units instead of the others")] = False,
) -> list[UnitOut]:
    """Every unit with its ``parent_id`` (null at the top), by id: enough to draw the
    tree. Archived units are left out unless ``archived=true``, which lists only them."""
    with state(request).read() as session:
        return [unit_out(u) for u in list_units(session, archived=archived)]


@router.post(
    "/units",
    tags=["units"],
    summary="Create a unit",
    status_code=201,
    response_model=UnitOut,
    responses=errors(403, 404, 409, 422),
)
def units_create(request: Request, body: UnitIn, _user: Facilitator) -> UnitOut:
    """Add a unit under ``parent_id`` (or at the top). Names are unique among siblings (409)."""
    with state(request).write() as session:
        unit = create_unit(session, name=body.name, kind=body.kind, parent_id=body.parent_id)
        return unit_out(unit)


@router.get(
    "/units/{unit_id}",
    tags=["units"],
    summary="Get a unit with its assessments",
    response_model=UnitDetail,
    responses=errors(404, 422),
)
def units_get(request: Request, unit_id: UnitId, _user: Viewer) -> UnitDetail:
    """The unit and its own assessments (not those of sub-units), oldest first."""
    with state(request).read() as session:
        unit = get_unit(session, unit_id=unit_id)
        found = list_assessments(session, unit_ids=[unit.id])
        return UnitDetail(
            **unit_out(unit).model_dump(),
            assessments=[assessment_out(a, unit.name) for a in found],
        )


@router.patch(
    "/units/{unit_id}",
    tags=["units"],
    summary="Move, archive or set the default targets of a unit",
    response_model=UnitOut,
    responses=errors(403, 404, 409, 422),
)
def units_patch(request: Request, unit_id: UnitId, body: UnitPatch, user: Facilitator) -> UnitOut:
    """Change the fields given. ``parent_id`` moves the unit with everything below it
    (null: to the top; under itself or one of its sub-units, or beside a sibling of the
    same name, is 409). ``default_targets`` (0-100 per dimension id) are what new
    assessments at and below the unit start from, unless a nearer unit has its own.
    ``archived`` archives a unit whose sub-units and assessments are all archived (409
    otherwise) or restores it."""
    fields = body.model_fields_set
    with state(request).write() as session:
        unit = get_unit(session, unit_id=unit_id)
        actor = get_user(session, user_id=user.id)
        if "parent_id" in fields and body.parent_id != unit.parent_id:
            before = unit.parent_id
            move_unit(session, unit=unit, parent_id=body.parent_id)
            record(
                session,
                user=actor,
                action="unit.move",
                summary=f"Moved {unit.name!r}",
                unit_id=unit.id,
                detail={"from": before, "to": body.parent_id},
            )
        if "default_targets" in fields:
            targets = dict(body.default_targets or {})
            set_default_targets(session, unit=unit, targets=targets)
            record(
                session,
                user=actor,
                action="unit.targets",
                summary=f"Set the default targets of {unit.name!r}",
                unit_id=unit.id,
                detail={"targets": targets},
            )
        if body.archived is not None and (unit.archived_at is not None) != body.archived:
            archive_unit(session, unit=unit, archived=body.archived)
            record(
                session,
                user=actor,
                action="unit.archive" if body.archived else "unit.restore",
                summary=f"{'Archived' if body.archived else 'Restored'} {unit.name!r}",
                unit_id=unit.id,
            )
        return unit_out(unit)


@router.delete(
    "/units/{unit_id}",
    tags=["units"],
    summary="Delete an empty unit",
    status_code=204,
    response_class=Response,
    responses=errors(403, 404, 409, 422),
)
def units_delete(request: Request, unit_id: UnitId, user: Facilitator) -> Response:
    """Delete a unit without sub-units and without assessments (archived ones count);
    otherwise 409."""
    with state(request).write() as session:
        unit = get_unit(session, unit_id=unit_id)
        name, parent = unit.name, unit.parent_id
        delete_unit(session, unit_id=unit_id)
        record(
            session,
            user=get_user(session, user_id=user.id),
            action="unit.delete",
            summary=f"Deleted unit {name!r}",
            unit_id=parent,
            detail={"unit_id": unit_id, "name": name},
        )
    return Response(status_code=204)
