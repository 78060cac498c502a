"""The login form in a real browser."""

from __future__ import annotations

from browser_support import LiveServer, log_in
from playwright.sync_api import Page


def test_login_in_browser(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")
    assert "/login" in page.url
    log_in(page, live_server, "viewer")
    assert page.locator("h1").first.inner_text() == "Organization"
    live_server.shot(page, "login-organization")
