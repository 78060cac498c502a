"""A large organization's page while summaries are being refreshed (more stale than one
view computes), in a real browser at 1,280 and 390 px: the note, the marked teams, and
no sideways overflow of the page."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import answers, assessments, respondents, units
from mlops_scorecard.store.revisions import bump_revision

FW = get_framework("mlops-scorecard")
CORE = [q.id for _, q in FW.iter_questions("core")]
KEYS = ["yes", "partly", "no"]
TEAMS = 45  # more than summaries_per_view (40)


def stale_organization(server: LiveServer) -> None:
    """Acme with TEAMS teams, each a closed assessment whose revision has moved on since
    its summary was stored (as after an upgrade)."""
    with server.app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        dept = units.create_unit(s, name="Data products", kind="department", parent_id=org.id)
        for n in range(TEAMS):
            team = units.create_unit(s, name=f"Team {n:02d}", kind="team", parent_id=dept.id)
            a = assessments.create_assessment(
                s, unit_id=team.id, title="Q1", date=dt.date(2026, 2, 1), status="open", question_set="core"
            )
            r, _ = respondents.create_invitation(s, assessment=a, name="", role="ML engineer")
            for i, qid in enumerate(CORE):
                answers.save_answer(s, respondent=r, assessment=a, question_id=qid, answer=KEYS[(i + n) % 3])
            assessments.set_status(s, assessment=a, status="closed")
            bump_revision(s, assessment_id=a.id)


@pytest.mark.parametrize("width", [1280, 390])
def test_organization_page_while_refreshing(page: Page, live_server: LiveServer, width: int) -> None:
    log_in(page, live_server, "viewer")  # lands on the organization page: seeded after
    stale_organization(live_server)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/")
    note = page.locator("p.refreshing")
    expect(note).to_be_visible()
    expect(note).to_contain_text("5 teams' figures are being refreshed")
    stale = page.locator("#teams .pill.stale")
    assert stale.count() >= 1
    expect(stale.first).to_be_visible()
    live_server.shot(page, f"organization-refreshing-{width}")
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"the organization page overflows sideways at {width} px"
    page.reload()
    expect(page.locator("p.refreshing")).to_have_count(0)
    assert page.locator("#teams .pill.stale").count() == 0
