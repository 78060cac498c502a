"""Walkthrough fixes in a real browser: the Results, "Who answered" and role-gap tables
at 1,280 and 390 px each fit their box, so no column (Gap, Overall, a dimension) is hidden
off the side (on a phone each row is a card whose values carry their labels); the copy
button says "Copied" for a moment. Screenshots in test-artifacts."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import ARTIFACTS, LiveServer, log_in
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from mlops_scorecard.store import assessments, units
from mlops_scorecard.store.demo import load_demo
from mlops_scorecard.store.models import Assessment

TABLES = ("table.scores", "table.roles", "table.role-gaps")

#: Per table: how much wider its content is than its scroll box, and how many cells end
#: past the box's right edge (both 0 when every column can be seen without scrolling).
MEASURE = """(sel) => {
  const t = document.querySelector(sel);
  const box = t.closest('.table-scroll') || t.parentElement;
  const right = box.getBoundingClientRect().right + 1;
  const cells = [...t.querySelectorAll('td, th')].filter(c => c.getClientRects().length);
  return {excess: box.scrollWidth - box.clientWidth,
          hidden: cells.filter(c => c.getBoundingClientRect().right > right).length,
          cells: cells.length};
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_results_and_role_tables_show_every_column(live_server: LiveServer, page: Page, width: int) -> None:
    with live_server.app.state.scorecard.write() as s:
        load_demo(s, quarters=2)
        latest = s.scalars(
            select(Assessment).where(Assessment.status == "open").order_by(Assessment.id)
        ).first()
        assert latest is not None
        aid = latest.id
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/assessments/{aid}")
    page.wait_for_load_state("load")
    for sel in TABLES:
        assert page.locator(sel).count() == 1, sel
        m = page.evaluate(MEASURE, sel)
        assert m["cells"] > 3, sel
        assert m["excess"] <= 0, f"{sel} is {m['excess']} px wider than its box at {width} px"
        assert m["hidden"] == 0, f"{m['hidden']} cells of {sel} end past its box at {width} px"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#results").screenshot(path=str(ARTIFACTS / f"results-table-{width}.png"))
    page.locator("#roles").screenshot(path=str(ARTIFACTS / f"roles-tables-{width}.png"))
    gap = page.locator("table.scores tr.total td[data-label=Gap]")
    if width == 390:
        # the card says what each number is: the header row is off screen
        label = gap.evaluate("c => getComputedStyle(c, '::before').content")
        assert "Gap" in label


def test_the_copy_button_says_copied_for_two_seconds(live_server: LiveServer, browser: Browser) -> None:
    with live_server.app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        team = units.create_unit(s, name="Team A", kind="team", parent_id=org.id)
        a = assessments.create_assessment(
            s, unit_id=team.id, title="Q1", date=dt.date(2025, 3, 1), status="open"
        )
        aid = a.id
    context = browser.new_context(viewport={"width": 390, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        log_in(page, live_server, "facilitator")
        page.goto(f"{live_server.url}/assessments/{aid}")
        form = page.locator(f"form[action='/assessments/{aid}/invitations']")
        form.locator("input[name=name]").fill("Ana")
        form.locator("button[type=submit]").click()
        button = page.locator("button[data-copy]").first
        expect(button).to_have_text("Copy")
        button.click()
        expect(button).to_have_text("Copied ✓")
        assert page.evaluate("navigator.clipboard.readText()") == page.input_value("input[data-link]")
        page.screenshot(path=str(ARTIFACTS / "copy-feedback-390.png"))
        expect(button).to_have_text("Copy", timeout=5_000)  # and back, ready for another copy
    finally:
        context.close()
