"""The head of a department opens its page in a real browser at 1,280 and 390 px: the
roll-up from its teams (four quarters each), the teams' places, the weakest questions
and the rolled-up trend; at 1,280 px nothing overflows sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import answers, assessments, respondents, units

FW = get_framework("mlops-scorecard")
CORE = [q.id for _, q in FW.iter_questions("core")]
KEYS = ["yes", "partly", "no"]


def department(server: LiveServer) -> int:
    """Acme > ML platform > four teams (three with their own sub-department), four
    quarters each, three respondents with different answers."""
    with server.app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        dept = units.create_unit(s, name="ML platform", kind="department", parent_id=org.id)
        sub = units.create_unit(s, name="Recommendations", kind="department", parent_id=dept.id)
        other = units.create_unit(s, name="Finance analytics", kind="department", parent_id=org.id)
        teams = [
            units.create_unit(s, name=name, kind="team", parent_id=parent.id)
            for name, parent in [
                ("Fraud detection", dept),
                ("Search ranking", dept),
                ("Home feed", sub),
                ("Ads relevance", sub),
                ("Forecasting", other),
            ]
        ]
        dept_id = dept.id
        for t, team in enumerate(teams):
            for q in range(4):
                a = assessments.create_assessment(
                    s,
                    unit_id=team.id,
                    title=f"2025 Q{q + 1}",
                    date=dt.date(2025, 1 + 3 * q, 10),
                    status="open",
                )
                for p in range(3):
                    r, _ = respondents.create_invitation(
                        s, assessment=a, name=f"Person {t}-{p}", role="ML engineer"
                    )
                    for i, qid in enumerate(CORE):
                        # teams improve over the year; every seventh question stays "no" in most teams
                        base = (i + p + t) % 5
                        key = (
                            ("no" if t % 4 else "yes")
                            if i % 7 == 0
                            else "yes"
                            if base < q + 1
                            else KEYS[base % 3]
                        )
                        answers.save_answer(s, respondent=r, assessment=a, question_id=qid, answer=key)
                if q < 3:
                    assessments.set_status(s, assessment=a, status="closed")
    return dept_id


@pytest.mark.parametrize("width", [1280, 390])
def test_head_of_department_sees_the_roll_up(page: Page, live_server: LiveServer, width: int) -> None:
    dept = department(live_server)
    log_in(page, live_server, "viewer")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/units/{dept}")
    rollup = page.locator("#rollup")
    expect(rollup).to_contain_text("Roll-up from 4 teams")
    own = rollup.locator(f'tr[data-unit="{dept}"]')
    expect(own).to_contain_text("4 of 4")
    cells = own.locator("td.cell")
    assert cells.count() == len(FW.dimensions) + 1
    assert all(t.strip() not in ("", "—") for t in cells.all_inner_texts())  # the roll-up row is filled in
    expect(page.locator("#teams")).to_contain_text("1st of 4")
    expect(page.locator("#weakest li").first).to_contain_text("teams answer mostly")
    expect(page.locator("#rolled-trend")).to_contain_text("2025 Q4")
    assert "Person 0-0" not in page.content()  # nobody's name on a roll-up page
    expect(rollup.locator("tbody tr").nth(1)).to_contain_text("Recommendations")  # its sub-department
    live_server.shot(page, f"department-rollup-{width}")
    if width == 1280:
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, "the department page overflows sideways at 1,280 px"
        # every heatmap fits inside its card: no table scrolls on its own
        wide = page.evaluate(
            "[...document.querySelectorAll('.table-scroll')].filter(e => e.scrollWidth > e.clientWidth + 1).length"
        )
        assert wide == 0, "a heatmap needs horizontal scrolling at 1,280 px"
    page.goto(f"{live_server.url}/")
    expect(page.locator("#rollup")).to_contain_text("Roll-up from 5 teams")
    # departments below a department are collapsed under it, and open on a click
    details = page.locator("details.sub-departments").first
    expect(details.locator("tbody")).to_be_hidden()
    details.locator("summary").click()
    expect(details.locator("tbody tr").first).to_contain_text("Recommendations")
    if width == 1280:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    live_server.shot(page, f"organization-rollup-{width}")
