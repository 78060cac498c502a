"""All routes, registered in one place."""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["register"]


def register(app: FastAPI) -> None:
    """Add every router to the app."""
    from . import auth, pages

    app.include_router(auth.router)
    app.include_router(pages.router)
