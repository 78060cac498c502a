"""Browser fixtures: a live server (uvicorn in a thread, SQLite) and Debian's Chromium
driven by Playwright. Screenshots go to ``test-artifacts/screenshots/``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from browser_support import CHROMIUM_ARGS, LiveServer, chromium_path
from playwright.sync_api import Browser, Page, sync_playwright
from support import PASSWORD, free_port

from mlops_scorecard.settings import Settings
from mlops_scorecard.store.accounts import create_user
from mlops_scorecard.web import create_app


@pytest.fixture
def live_server(sqlite_url: str) -> Iterator[LiveServer]:
    settings = Settings(database_url=sqlite_url, secret_key="browser-test-key")
    app = create_app(settings)
    with app.state.scorecard.write() as s:
        for role in ("admin", "facilitator", "viewer"):
            create_user(s, username=role, password=PASSWORD, role=role)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.scorecard.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page that fails the test if the content security policy blocked anything on it."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    blocked: list[str] = []
    pg.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield pg
    context.close()
    assert blocked == [], f"the content security policy blocked: {blocked}"
