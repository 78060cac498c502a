"""All routes, registered in one place."""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["register"]


def register(app: FastAPI) -> None:
    """Add every router to the app."""
    from . import (
        account,
        analysis,
        api,
        assessment_settings,
        assessments,
        audit,
        auth,
        calibration,
        frameworks,
        health,
        invitations,
        pages,
        plans,
        profiles,
        respondents,
        survey,
        survey_import,
        unit_settings,
        users,
    )

    # Starlette tries routes in order, and the routers are not indexed by prefix: the
    # respondents' autosave, the busiest route by far, is matched first, then their
    # pages (no other router has a path under /r/, so the order changes no meaning).
    app.add_route(survey.AUTOSAVE_PATH, survey.survey_autosave, methods=["POST"], include_in_schema=False)
    app.include_router(survey.router)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(assessments.router)
    app.include_router(assessment_settings.router)
    app.include_router(unit_settings.router)
    app.include_router(frameworks.router)
    app.include_router(plans.router)
    app.include_router(calibration.router)
    app.include_router(profiles.router)
    app.include_router(analysis.router)
    app.include_router(invitations.router)
    app.include_router(respondents.router)
    app.include_router(account.router)
    app.include_router(users.router)
    app.include_router(audit.router)
    app.include_router(survey_import.router)
    app.include_router(api.router)
