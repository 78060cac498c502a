"""Heavy renders bounded by the app's capacity limiter (``render_concurrency``)."""

from __future__ import annotations

import threading
import time
from typing import Any

import anyio
import httpx
import pytest
from fastapi import FastAPI
from support import login_client

from mlops_scorecard.settings import Settings
from mlops_scorecard.store.analysis import compare_assessments
from mlops_scorecard.web import create_app
from mlops_scorecard.web.capacity import HEAVY
from mlops_scorecard.web.routes.assessments import assessment_page
from mlops_scorecard.web.routes.survey import survey_autosave


def test_heavy_pages_are_marked_and_saves_are_not() -> None:
    assert assessment_page in HEAVY
    assert survey_autosave not in HEAVY


def test_render_concurrency_defaults_to_the_cpus() -> None:
    assert Settings(database_url="sqlite://").render_concurrency >= 1
    with pytest.raises(ValueError, match="render_concurrency"):
        Settings(database_url="sqlite://", render_concurrency=0)


def test_no_more_heavy_renders_at_once_than_the_limit(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from support import PASSWORD

    from mlops_scorecard.store.accounts import create_user

    app: FastAPI = create_app(Settings(database_url=db_url, secret_key="x" * 32, render_concurrency=2))
    try:
        with app.state.scorecard.write() as s:
            create_user(s, username="viewer", password=PASSWORD, role="viewer")
        cookies = login_client(app, "viewer").cookies
        running = 0
        most = 0
        lock = threading.Lock()

        def slow_compare(session: Any, *, a_id: int, b_id: int) -> Any:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            try:
                time.sleep(0.05)  # long enough for the other requests to pile up
                return compare_assessments(session, a_id=a_id, b_id=b_id)
            finally:
                with lock:
                    running -= 1

        monkeypatch.setattr("mlops_scorecard.web.routes.analysis.compare_assessments", slow_compare)
        statuses: list[int] = []

        async def main() -> None:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver", cookies=cookies
            ) as c:

                async def one() -> None:
                    statuses.append((await c.get("/compare?a=1&b=2")).status_code)

                async with anyio.create_task_group() as tg:
                    for _ in range(8):
                        tg.start_soon(one)

        # in a thread of its own: a browser test earlier in the session may have left
        # Playwright's event loop installed in this one, and anyio.run refuses to nest
        failures: list[BaseException] = []

        def run() -> None:
            try:
                anyio.run(main)
            except BaseException as exc:  # re-raised below, in the test's thread
                failures.append(exc)

        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
        if failures:
            raise failures[0]
        assert statuses == [404] * 8  # no such assessments: every request still ran the route
        assert 1 <= most <= 2
    finally:
        app.state.scorecard.engine.dispose()
