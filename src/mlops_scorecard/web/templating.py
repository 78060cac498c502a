"""Pages: the Jinja templates and the one way a signed-in user's page is rendered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from .security import csrf_token, session_user_info
from .views.common import answer_css
from .views.crumbs import unit_crumbs

__all__ = ["render", "templates"]

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Templates ship with the package: checking every file's modification time on every
# render (Jinja's default) was a sixth of the assessment page's time.
templates.env.auto_reload = False
#: base.html colours a custom scale's keys for a page given its ``framework``.
templates.env.globals["answer_css"] = answer_css
#: a page's breadcrumbs through its unit's path (``{% set crumbs = unit_crumbs(path) %}``).
templates.env.globals["unit_crumbs"] = unit_crumbs


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page template with the user and CSRF token every page needs."""
    context.setdefault("user", session_user_info(request))
    context["csrf_token"] = csrf_token(request)
    return templates.TemplateResponse(request, template, context, status_code=status_code)
