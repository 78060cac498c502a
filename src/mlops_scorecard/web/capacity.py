"""Heavy renders bounded: pages and charts that score, analyse or draw run at most
``render_concurrency`` at a time (a setting, default the number of CPUs); the others
wait their turn in the event loop, where waiting costs nothing.

Without it each of 50 connections gets a thread of Starlette's pool (40 of them), and
40 CPU-bound renders fighting over the GIL finish later than the same renders one
after another, while each holds its memory: throughput falls as connections rise and
the worker grows. Saves and other light routes are not limited.

A synchronous route opts in with :func:`heavy` (under its ``@router.get``): it is then
run in a worker thread through the app's limiter instead of the shared thread pool.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request

__all__ = ["HEAVY", "RenderLimit", "heavy", "install_render_limit"]

F = TypeVar("F", bound=Callable[..., Any])

#: The endpoints :func:`heavy` made (as routes register them).
HEAVY: set[Callable[..., Any]] = set()


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


def install_render_limit(app: FastAPI, size: int) -> RenderLimit:
    """Give ``app`` its limiter of ``size`` tokens (``app.state.render_limit``)."""
    limit = RenderLimit(size)
    app.state.render_limit = limit
    return limit


def heavy(endpoint: F) -> F:
    """A synchronous route endpoint (with a ``request`` parameter) run through its app's
    render limiter. The signature is kept (``functools.wraps``), so FastAPI reads the
    same parameters."""
    if inspect.iscoroutinefunction(endpoint) or "request" not in inspect.signature(endpoint).parameters:
        raise TypeError(f"{endpoint.__name__}: heavy() takes a synchronous endpoint with a request parameter")

    @functools.wraps(endpoint)
    async def limited(**kwargs: Any) -> Any:
        request: Request = kwargs["request"]
        limit: RenderLimit | None = getattr(request.app.state, "render_limit", None)
        call = functools.partial(endpoint, **kwargs)
        if limit is None:  # an app built without the limit: the shared pool, as before
            return await anyio.to_thread.run_sync(call)
        return await anyio.to_thread.run_sync(call, limiter=limit.limiter())

    HEAVY.add(limited)
    return cast(F, cast(Callable[..., Awaitable[Any]], limited))
