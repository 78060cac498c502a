"""The login form in a real browser."""

from __future__ import annotations

from browser_support import LiveServer, log_in
from playwright.sync_api import Browser, Page


def test_login_in_browser(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")
    assert "/login" in page.url
    log_in(page, live_server, "viewer")
    assert page.locator("h1").first.inner_text() == "Organization"
    live_server.shot(page, "login-organization")


def test_pages_cannot_be_framed_by_another_site(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        # about:blank is another origin: frame-ancestors 'none' keeps the login form out of it
        with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refused:
            page.set_content(f'<iframe src="{live_server.url}/login" width="600" height="400"></iframe>')
        assert "has been blocked" in refused.value.text
        frame = next(f for f in page.frames if f != page.main_frame)
        assert frame.query_selector("input[name=password]") is None
    finally:
        context.close()
