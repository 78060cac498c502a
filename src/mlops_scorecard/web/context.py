"""What every request handler needs: the settings and database sessions (one object per app)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from ..settings import Settings
from ..store.db import transaction

__all__ = ["AppState", "state"]

T = TypeVar("T")


@dataclass
class AppState:
    """Per-app objects; nothing per-user lives in process memory (workers are stateless)."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    _gate: asyncio.Lock | None = None
    _writers: anyio.CapacityLimiter | None = None

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error."""
        with transaction(self.sessions) as session:
            yield session

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a short database write from an async route, in the thread pool.

        On SQLite the calls queue on an asyncio lock first: SQLite takes one writer at a
        time anyway, and the asyncio queue is first come, first served, where threads
        racing for the write lock are not (a few saves would wait far too long). On
        PostgreSQL at most ``save_concurrency`` run at once, for the same reason: the
        others wait on the event loop in order, not in forty threads sharing the GIL.
        """
        if self.engine.dialect.name != "sqlite":
            if self._writers is None:
                self._writers = anyio.CapacityLimiter(self.settings.save_concurrency)
            return await anyio.to_thread.run_sync(fn, *args, limiter=self._writers)
        if self._gate is None:
            self._gate = asyncio.Lock()
        async with self._gate:
            return await run_in_threadpool(fn, *args)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (rolled back at the end)."""
        with self.sessions() as session:
            yield session


def state(request: Request) -> AppState:
    """The app's state object."""
    app_state: AppState = request.app.state.scorecard
    return app_state
