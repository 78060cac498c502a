"""API: units (the organization's tree) and the token's user."""

from __future__ import annotations

from typing import Literal, cast

from fastapi import APIRouter, Request, Response

from ...store.assessments import list_assessments
from ...store.units import create_unit, delete_unit, get_unit, list_units
from ..api_models.units import Me, UnitDetail, UnitIn, UnitOut
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
def units_list(request: Request, _user: Viewer) -> list[UnitOut]:
    """Every unit with its ``parent_id`` (null at the top), by id: enough to draw the tree."""
    with state(request).read() as session:
        return [unit_out(u) for u in list_units(session)]


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


@router.delete(
    "/units/{unit_id}",
    tags=["units"],
    summary="Delete an empty unit",
    status_code=204,
    response_class=Response,
    responses=errors(403, 404, 409, 422),
)
def units_delete(request: Request, unit_id: UnitId, _user: Facilitator) -> Response:
    """Delete a unit without sub-units and without assessments; otherwise 409."""
    with state(request).write() as session:
        delete_unit(session, unit_id=unit_id)
    return Response(status_code=204)
