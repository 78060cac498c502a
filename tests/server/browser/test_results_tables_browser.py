"""The Results, "Who answered" and role-gap tables in a real browser at 1,280 and 390 px:
each fits its box, so no column (Gap, Overall, a dimension) is hidden off the side; on a
phone each row is a card whose values carry their labels. Screenshots in test-artifacts."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, LiveServer, log_in
from playwright.sync_api import Page
from sqlalchemy import select

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
