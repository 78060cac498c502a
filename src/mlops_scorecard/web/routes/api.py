"""The REST API under ``/api/v1`` (JSON; OpenAPI at ``/openapi.json``; see ``docs/api.md``).

Every route authenticates with an API token (``Authorization: Bearer msc_...``) through
:func:`~mlops_scorecard.web.security.api_user`: viewers read, facilitators create and
change, admins do everything. No cookies are read, so there is no CSRF to check. Library
errors become JSON ``{"detail": ...}`` with their status in ``web/app.py``.

The routes live in one module per resource, included here.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.security import HTTPBearer

from . import (
    api_analysis,
    api_assessments,
    api_audit,
    api_calibration,
    api_evidence,
    api_frameworks,
    api_imports,
    api_invitations,
    api_plans,
    api_responses,
    api_rollup,
    api_tokens,
    api_trends,
    api_units,
    api_users,
)

__all__ = ["PREFIX", "router"]

PREFIX = "/api/v1"

#: Declares the bearer scheme in the OpenAPI document; the check itself is api_user's.
bearer = HTTPBearer(auto_error=False, bearerFormat="msc_...", description="An API token: `Bearer msc_...`")

router = APIRouter(prefix=PREFIX, include_in_schema=True, dependencies=[Depends(bearer)])
router.include_router(api_units.router)
router.include_router(api_frameworks.router)
router.include_router(api_assessments.router)
router.include_router(api_plans.router)
router.include_router(api_calibration.router)
router.include_router(api_responses.router)
router.include_router(api_invitations.router)
router.include_router(api_imports.router)
router.include_router(api_evidence.router)
router.include_router(api_tokens.router)
router.include_router(api_users.router)
router.include_router(api_audit.router)
# the order of the paths in the OpenAPI document
router.include_router(api_analysis.router)
router.include_router(api_trends.router)
router.include_router(api_rollup.router)
