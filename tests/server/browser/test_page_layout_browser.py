"""The facilitator's pages in a real browser at 1,280 and 390 px: nothing wider than the
window, the same breadcrumbs on each, the favicon, and the assessment page's table of
contents (sticky, plain anchors) reaching each part. Screenshots in test-artifacts."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page
from sqlalchemy import select

from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.demo import load_demo
from mlops_scorecard.store.models import Assessment, Unit
from mlops_scorecard.store.respondents import create_invitation

WIDTHS = (1280, 390)


def seed(server: LiveServer) -> dict[str, str]:
    """The demo organization (two quarters) and a draft with two invitations; the paths to visit."""
    with server.app.state.scorecard.write() as s:
        load_demo(s, quarters=2)
        latest = s.scalars(
            select(Assessment).where(Assessment.status == "open").order_by(Assessment.id)
        ).first()
        assert latest is not None
        earlier = s.scalars(
            select(Assessment).where(Assessment.unit_id == latest.unit_id, Assessment.id != latest.id)
        ).first()
        assert earlier is not None
        team = s.get(Unit, latest.unit_id)
        assert team is not None
        assert team.parent_id is not None
        draft = create_assessment(s, unit_id=team.id, title="Next quarter", date=dt.date(2026, 12, 1))
        for name in ("Ana Silva", "Bo Chen"):
            create_invitation(s, assessment=draft, name=name, role="ml-engineer")
        return {
            "assessment-open": f"/assessments/{latest.id}",
            "assessment-draft": f"/assessments/{draft.id}",
            "team": f"/units/{team.id}",
            "department": f"/units/{team.parent_id}",
            "organization": "/",
            "frameworks": "/frameworks",
            "account": "/account",
            "assessment-settings": f"/assessments/{latest.id}/edit",
            "assessment-delete": f"/assessments/{latest.id}/delete",
            "unit-settings": f"/units/{team.id}/settings",
            "new-assessment": f"/assessments/new?unit={team.id}",
            "import": f"/assessments/{latest.id}/import",
            "compare": f"/compare?a={earlier.id}&b={latest.id}",
            "framework": "/frameworks/mlops-scorecard@1.0.0",
            "users": "/admin/users",
        }


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: none)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("width", WIDTHS)
def test_no_facilitator_page_is_wider_than_the_window(
    live_server: LiveServer, page: Page, width: int
) -> None:
    paths = seed(live_server)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "admin")  # an admin sees every facilitator page and Users
    for name, path in paths.items():
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, path
        page.wait_for_load_state("load")
        live_server.shot(page, f"layout-{name}-{width}")
        assert overflow(page) <= 0, f"{path} is {overflow(page)} px wider than the window at {width} px"
        # one breadcrumb trail, from base.html, on every page; the favicon linked
        assert page.locator("nav.crumbs").count() == 1, path
        assert page.locator("link[rel=icon][href='/static/favicon.svg']").count() == 1
    icon = page.request.get(live_server.url + "/static/favicon.svg")
    assert icon.status == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_of_contents_reaches_each_part(live_server: LiveServer, page: Page, width: int) -> None:
    paths = seed(live_server)
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "facilitator")
    page.goto(live_server.url + paths["assessment-open"])
    toc = page.locator("nav.toc")
    labels = toc.locator("a").all_inner_texts()
    assert labels[:3] == ["Results", "Trust", "Responses and invitations"]
    assert "Evidence" in labels  # the demo's open assessments have a scan
    # the trust section leads with the sentence; the statistics wait behind a toggle
    sentence = page.locator("#trust .confidence")
    assert sentence.inner_text().startswith("Confidence: ")
    assert not page.locator("#trust details.statistics table.intervals").is_visible()
    for target in ("plan", "answers", "trust", "downloads"):
        toc.locator(f"a[href='#{target}']").click()
        page.wait_for_function(f"location.hash === '#{target}'")
        top = page.evaluate(f"document.getElementById('{target}').getBoundingClientRect().top")
        toc_box = toc.bounding_box()
        assert toc_box is not None
        # the part is at the top of the window, just below the table of contents, which stayed
        assert abs(toc_box["y"]) < 1, f"the table of contents scrolled away going to #{target}"
        assert toc_box["height"] - 2 <= top <= toc_box["height"] + 80, (target, top, toc_box)
    live_server.shot(page, f"layout-toc-{width}")
    page.locator("#trust details.statistics > summary").click()
    assert page.locator("#trust details.statistics table.intervals").is_visible()
    # a draft nobody answered leads with its set-up and invitations, and shows no empty
    # results, trust, plan, answers or downloads (nor links to them)
    page.goto(live_server.url + paths["assessment-draft"])
    assert page.locator("nav.toc a").all_inner_texts()[:2] == ["Set-up", "Responses and invitations"]
    first = page.locator("main section.card").first
    assert first.get_attribute("id") == "setup"
    assert page.locator("#results, #trust, #plan, #answers, #downloads").count() == 0
    assert "Trust" not in page.locator("nav.toc").inner_text()
    live_server.shot(page, f"layout-draft-top-{width}")
