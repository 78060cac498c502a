"""A facilitator works the improvement plan as a backlog: reorders it and marks an item
done inline (no reload: a marker set by the test survives), exports it (the downloads'
contents checked), and sees the done item on the unit page beside the score change it
was meant to cause; at 1,280 and 390 px, with screenshots."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, LiveServer, log_in
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

    # reorder inline: the second item goes up, and the page is not reloaded
    page.evaluate("window.__kept = 'no reload'")
    second = before[1]
    page.click(f"#plan-item-{second} button[value=up]")
    expect(page.locator(f"#plan-item-{second} [data-plan-state]")).to_have_text("Moved")
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
    expect(item.locator("[data-plan-state]")).to_have_text("Saved")
    expect(item.locator(".plan-status")).to_have_text("Done")
    assert page.evaluate("window.__kept") == "no reload"
    page.reload()
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


@pytest.mark.parametrize("width", [1280, 390])
def test_the_backlog_is_edited_inline_and_exported(page: Page, live_server: LiveServer, width: int) -> None:
    url = live_server.url
    ids = seed(live_server)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "facilitator")
    page.goto(f"{url}/assessments/{ids['second']}#plan")
    expect(page.locator("#plan[data-plan-inline=on]")).to_be_attached()
    focus = page.locator(".plan-focus-list li")
    assert 3 <= focus.count() <= 5
    expect(focus.first.locator(".plan-gain")).to_contain_text("overall")
    page.evaluate("window.__kept = 'no reload'")

    # the last unfolded item goes to the top, one arrow at a time, inline
    main = page.locator("#plan > ol.plan-list > li.plan-item")
    keys: list[str] = main.evaluate_all("els => els.map(e => e.dataset.key)")
    assert len(keys) >= 3
    moving = keys[2]
    for n in (2, 1):
        page.click(f"#plan-item-{moving} button[value=up]")
        expect(page.locator(f"#plan-item-{moving} .plan-rank")).to_have_text(str(n))
    assert main.evaluate_all("els => els.map(e => e.dataset.key)")[:3] == [moving, keys[0], keys[1]]
    expect(page.locator(f"#plan-item-{moving} button[value=up]")).to_be_disabled()
    expect(page.locator(".plan-rule")).to_contain_text("reordered by hand")
    expect(page.locator("[data-plan-order-name]")).to_have_text("manual")

    # effort and owner saved as they change
    item = page.locator(f"#plan-item-{moving}")
    item.locator("select[name=effort]").select_option("M")
    expect(item.locator("[data-plan-state]")).to_have_text("Saved")
    expect(item.locator(".plan-effort")).to_have_text("Effort M")
    item.locator("input[name=owner]").fill("Grace Hopper")
    item.locator("input[name=owner]").press("Tab")
    expect(item.locator("[data-plan-state]")).to_have_text("Saved")
    # a bad value says why, in place
    item.locator("input[name=due_date]").evaluate("e => { e.type = 'text'; e.value = 'soon'; }")
    item.locator("input[name=due_date]").dispatch_event("change")
    expect(item.locator("[data-plan-state]")).to_contain_text("Not saved: due date 'soon' is not a date")
    assert page.evaluate("window.__kept") == "no reload"
    item.locator("input[name=due_date]").evaluate("e => { e.value = ''; e.type = 'date'; }")
    item.locator("input[name=due_date]").dispatch_event("change")
    expect(item.locator("[data-plan-state]")).to_have_text("Saved")
    item.locator(".plan-guidance summary").click()
    expect(item.locator(".plan-guidance-link")).to_be_visible()
    item.scroll_into_view_if_needed()
    live_server.shot(page, f"plan-backlog-{width}")
    # the plan section alone, to look at without the rest of the page
    page.locator("#plan").screenshot(path=str(ARTIFACTS / f"plan-section-{width}.png"))
    if width == 390:  # the plan fits a phone: nothing wider than the screen
        assert page.evaluate("document.querySelector('#plan').scrollWidth <= window.innerWidth")
    else:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # the downloads hold the new order and the effort
    with page.expect_download() as info:
        page.click("a[href$='/plan.github.json']")
    issues = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert f"(item 1, `{moving}`)" in issues[0]["body"]
    assert "effort-M" in issues[0]["labels"]
    assert "Grace Hopper" in issues[0]["body"]
    with page.expect_download() as info:
        page.click("a[href$='/plan.jira.csv']")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == len(issues)
    assert "Owner: Grace Hopper" in rows[0]["Description"]

    # the item is where it was put after a reload: saved, not only drawn
    page.reload()
    assert page.locator("#plan > ol.plan-list > li.plan-item").first.get_attribute("data-key") == moving
    expect(page.locator(f"#plan-item-{moving} select[name=effort]")).to_have_value("M")
