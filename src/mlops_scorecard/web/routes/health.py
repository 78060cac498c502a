"""Health and readiness for a load balancer or an orchestrator: ``/healthz`` says the
worker answers (no database), ``/readyz`` that it can serve (the database answers and
its schema is the one this code expects). Neither needs an account, and neither says
more than a probe needs."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ...store.db import current_revision, head_revision
from ..context import state

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_NO_STORE = {"Cache-Control": "no-store"}
#: The code's schema does not change while it runs; reading the migrations once is enough.
_head = lru_cache(maxsize=1)(head_revision)


@router.get("/healthz")
def healthz() -> JSONResponse:
    """The worker is up: a liveness probe (never touches the database)."""
    return JSONResponse({"status": "ok"}, headers=_NO_STORE)


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """The worker can serve requests: the database answers and is migrated to this
    code's schema. 503 otherwise, with the reason, so a load balancer holds traffic back
    (for example while ``db upgrade`` runs after a deploy)."""
    engine = state(request).engine
    backend = engine.dialect.name
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        # the driver's message may name hosts or users: a probe only needs the kind
        reason = f"the database does not answer ({type(exc).__name__})"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503, headers=_NO_STORE)
    head = _head()
    if revision != head:
        reason = f"the database schema is at {revision or 'nothing'}, this code needs {head}: run db upgrade"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503, headers=_NO_STORE)
    return JSONResponse({"status": "ready", "database": backend, "revision": revision}, headers=_NO_STORE)
