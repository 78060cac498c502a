"""What every request handler needs: the settings, database sessions, templates."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import HTMLResponse

from ..settings import Settings

__all__ = ["AppState", "render", "state", "templates"]

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


@dataclass
class AppState:
    """Per-app objects; nothing per-user lives in process memory (workers are stateless)."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (rolled back at the end)."""
        with self.sessions() as session:
            yield session


def state(request: Request) -> AppState:
    """The app's state object."""
    app_state: AppState = request.app.state.scorecard
    return app_state


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page template with the user and CSRF token every page needs."""
    from .security import csrf_token, session_user_info

    context.setdefault("user", session_user_info(request))
    context["csrf_token"] = csrf_token(request)
    return templates.TemplateResponse(request, template, context, status_code=status_code)
