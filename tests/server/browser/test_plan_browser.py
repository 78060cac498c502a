"""A facilitator reorders the improvement plan, marks an item done, and sees it on the unit
page beside the score change it was meant to cause."""

from __future__ import annotations

import datetime as dt
import re

from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

from mlops_scorecard.store.answer_sets import assessment_framework
from mlops_scorecard.store.answers import save_answer
from mlops_scorecard.store.assessments import create_assessment, set_status
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit

KEYS = ["yes", "partly", "no", "no", "partly"]


def seed(server: LiveServer) -> dict[str, int]:
    """A team with a closed assessment in March and a better one in September."""
    ids: dict[str, int] = {}
    with server.app.state.scorecard.write() as s:
        org = create_unit(s, name="Acme", kind="organization")
        team = create_unit(s, name="Fraud detection", kind="team", parent_id=org.id)
        ids["unit"] = team.id
        for title, date, better in [
            ("Q1 2025 check", dt.date(2025, 3, 1), 0),
            ("Q3 2025 check", dt.date(2025, 9, 1), 2),
        ]:
            a = create_assessment(s, unit_id=team.id, title=title, date=date, status="open")
            questions = [q.id for _, q in assessment_framework(a).iter_questions("core")]
            for i, role in enumerate(["ML engineer", "data scientist", "product"]):
                r, _ = create_invitation(s, assessment=a, name=f"{title} person {i}", role=role)
                for j, qid in enumerate(questions):
                    answer = "yes" if j % 3 < better else KEYS[(i + j) % len(KEYS)]
                    save_answer(s, respondent=r, assessment=a, question_id=qid, answer=answer)
            if better == 0:
                set_status(s, assessment=a, status="closed")
                ids["first"] = a.id
            else:
                ids["second"] = a.id
    return ids


def plan_order(page: Page) -> list[str]:
    keys: list[str] = page.eval_on_selector_all("#plan .plan-item", "els => els.map(e => e.dataset.key)")
    return keys


def test_facilitator_reorders_marks_done_and_sees_it_on_the_unit_page(
    page: Page, live_server: LiveServer
) -> None:
    url = live_server.url
    ids = seed(live_server)
    log_in(page, live_server, "facilitator")

    # the plan of the earlier (closed) assessment
    page.goto(f"{url}/assessments/{ids['first']}#plan")
    expect(page.locator("#plan-title")).to_have_text("Improvement plan")
    before = plan_order(page)
    assert len(before) >= 6
    expect(page.locator("#plan .plan-item").first.locator(".plan-rank")).to_have_text("1")

    # reorder: the second item goes up
    second = before[1]
    page.click(f"#plan-item-{second} button[value=up]")
    page.wait_for_url(re.compile(rf".*/assessments/{ids['first']}#plan-item-{second}$"))
    after = plan_order(page)
    assert after == [before[1], before[0], *before[2:]]
    expect(page.locator("#plan .plan-rule")).to_contain_text("reordered by hand")
    expect(page.locator(f"#plan-item-{second} .plan-rank")).to_have_text("1")

    # mark it done, with an owner and a due date
    item = page.locator(f"#plan-item-{second}")
    question = item.locator(".plan-question strong").inner_text()
    dimension = item.locator(".plan-dim").inner_text().split(" · ")[0]
    item.locator("select[name=status]").select_option("done")
    item.locator("input[name=owner]").fill("Ada Lovelace")
    item.locator("input[name=due_date]").fill("2025-06-30")
    item.locator("button:has-text('Save')").click()
    page.wait_for_url(re.compile(rf".*#plan-item-{second}$"))
    item = page.locator(f"#plan-item-{second}")
    expect(item.locator(".plan-status")).to_have_text("Done")
    expect(item.locator("input[name=owner]")).to_have_value("Ada Lovelace")
    expect(page.locator("#plan .plan-counts")).to_contain_text("Done 1")
    assert plan_order(page) == after
    live_server.shot(page, "plan-assessment")

    # the unit page: the done item beside its dimension's change, and the open items of the latest plan
    page.click("nav.crumbs >> text=Fraud detection")
    page.wait_for_url(f"{url}/units/{ids['unit']}")
    done = page.locator("#plan-progress")
    expect(done).to_contain_text("1 item done")
    row = done.locator("tr", has=page.locator(f"th:text-is('{dimension}')"))
    expect(row).to_contain_text(question)
    expect(row).to_contain_text("expected")
    expect(row).to_contain_text("Ada Lovelace")
    expect(row.locator("td").nth(2)).to_have_text(re.compile(r"^[+-]\d+\.\d$"))
    open_items = page.locator("table.plan-open tbody tr")
    assert open_items.count() >= 1
    expect(page.locator("#plan")).to_contain_text("Q3 2025 check")
    page.locator("#plan-progress").scroll_into_view_if_needed()
    live_server.shot(page, "plan-unit")

    # the export of the earlier plan has the item ticked, first
    text = page.request.get(f"{url}/assessments/{ids['first']}/plan.md").text()
    assert f"- [x] **1. {question}**" in text
