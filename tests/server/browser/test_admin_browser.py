"""The admin pages in a real browser, at 1,280 and 390 px: the users page (change a role,
reset a password, disable) and the audit log that records it, with its filter."""

from __future__ import annotations

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Browser, Locator, Page

from mlops_scorecard.store.audit import record

WIDTHS = [1280, 390]


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def role_form(page: Page, username: str) -> Locator:
    """The form that changes ``username``'s role."""
    return page.locator("form[action$='/role']", has=page.get_by_label(f"Role of {username}"))


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_manages_users_and_reads_the_log(browser: Browser, live_server: LiveServer, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        log_in(page, live_server, "admin")
        page.goto(f"{live_server.url}/admin/users")
        assert page.locator("h1").inner_text() == "Users"
        assert overflow(page) <= 0
        live_server.shot(page, f"admin-users-{width}")

        # the viewer becomes a facilitator
        page.get_by_label("Role of viewer").select_option("facilitator")
        role_form(page, "viewer").get_by_role("button", name="Change").click()
        page.wait_for_url("**/admin/users?done=role*")
        assert "Changed the role of viewer." in page.locator("p.ok").inner_text()
        assert page.get_by_label("Role of viewer").input_value() == "facilitator"

        # a temporary password for the facilitator, shown once
        reset = page.locator("details.reset", has=page.get_by_label("New password for facilitator"))
        reset.locator("summary").click()
        reset.get_by_role("button", name="Reset password").click()
        shown = page.locator("#new-password")
        assert len(shown.inner_text().strip()) >= 12
        live_server.shot(page, f"admin-users-reset-{width}")

        # the last admin cannot step down: refused on the page, with the reason
        page.get_by_label("Role of admin").select_option("viewer")
        role_form(page, "admin").get_by_role("button", name="Change").click()
        assert "last active admin" in page.locator("p.error").inner_text()

        with live_server.app.state.scorecard.write() as s:
            for i in range(3):
                record(s, user=None, action="plan.item", summary=f"Plan step {i}: owner set to Ana Silva")
        page.goto(f"{live_server.url}/admin/audit")
        assert page.locator("h1").inner_text() == "Audit log"
        assert "Reset the password of facilitator" in page.content()
        assert "Changed the role of viewer from viewer to facilitator" in page.content()
        assert overflow(page) <= 0
        live_server.shot(page, f"admin-audit-{width}")
        page.locator("select[name=action]").select_option("user.role")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url("**/admin/audit?*action=user.role*")
        assert "1 event " in page.locator("#events-title").inner_text()
        assert page.locator("table.audit-table tbody tr").count() == 1
        live_server.shot(page, f"admin-audit-filtered-{width}")
        assert not blocked, blocked
    finally:
        context.close()


def test_others_do_not_see_the_admin_pages(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "facilitator")
    assert page.locator("nav a[href='/admin/audit']").count() == 0
    response = page.goto(f"{live_server.url}/admin/audit")
    assert response is not None
    assert response.status == 403
