"""Organization, unit and assessment pages (HTML)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..context import render
from ..security import require

router = APIRouter(include_in_schema=False)


@router.get("/")
def organization(request: Request) -> Response:
    """The organization page."""
    require(request, "viewer")
    return render(request, "organization.html")
