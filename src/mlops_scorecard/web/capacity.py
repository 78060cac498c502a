"""Heavy renders bounded: pages and charts that score, analyse or draw run at most
``render_concurrency`` at a time (a setting, default the number of CPUs); the others
wait their turn in the event loop, where waiting costs nothing.

Without it each of 50 connections gets a thread of Starlette's pool (40 of them), and
40 CPU-bound renders fighting over the GIL finish later than the same renders one
after another, while each holds its memory: throughput falls as connections rise and
the worker grows. Saves and other light routes are not limited.

A route opts in with :func:`heavy`; :func:`limit_heavy_routes` (called by the app once
its routes are registered) wraps exactly those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["HEAVY", "RenderLimit", "heavy", "limit_heavy_routes"]

F = TypeVar("F", bound=Callable[..., Any])

#: The endpoints marked :func:`heavy`.
HEAVY: set[Callable[..., Any]] = set()


def heavy(endpoint: F) -> F:
    """Mark a route's endpoint as a heavy render (apply it under ``@router.get``)."""
    HEAVY.add(endpoint)
    return endpoint


class RenderLimit:
    """One capacity limiter per app, made in the event loop on first use."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._limiter: anyio.CapacityLimiter | None = None

    def limiter(self) -> anyio.CapacityLimiter:
        """The limiter (``size`` tokens)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.size)
        return self._limiter

    def wrap(self, inner: ASGIApp) -> ASGIApp:
        """``inner`` run while holding a token."""

        async def limited(scope: Scope, receive: Receive, send: Send) -> None:
            async with self.limiter():
                await inner(scope, receive, send)

        return limited


def limit_heavy_routes(app: FastAPI, size: int) -> RenderLimit:
    """Wrap every registered route whose endpoint is :func:`heavy` in one limiter of
    ``size`` tokens; returns it (``app.state.render_limit`` too)."""
    limit = RenderLimit(size)
    for route in app.router.routes:
        if isinstance(route, APIRoute) and route.endpoint in HEAVY:
            route.app = limit.wrap(route.app)
    app.state.render_limit = limit
    return limit
