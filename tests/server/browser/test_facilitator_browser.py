"""A facilitator sets up a unit and an assessment with targets in a real browser, invites a
respondent, and reads progress, charts and scores."""

from __future__ import annotations

import re

from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

from mlops_scorecard.store.answers import save_answer
from mlops_scorecard.store.respondents import respondent_for_token


def images_loaded(page: Page, selector: str) -> list[int]:
    """naturalWidth of every image matching ``selector`` once it has loaded (0 = broken)."""
    page.wait_for_function(
        "sel => [...document.querySelectorAll(sel)].every(i => i.complete)", arg=selector, timeout=20_000
    )
    widths: list[int] = page.eval_on_selector_all(selector, "els => els.map(i => i.naturalWidth)")
    return widths


def answer_everything(server: LiveServer, token: str) -> None:
    """The respondent answers through the store (the survey page has its own browser test)."""
    with server.app.state.scorecard.write() as s:
        respondent, assessment = respondent_for_token(s, token=token)
        from mlops_scorecard.store.answer_sets import assessment_framework

        keys = ["yes", "partly", "no", "yes", "partly"]
        for i, (_, q) in enumerate(assessment_framework(assessment).iter_questions("core")):
            comment = "We review models quarterly." if i == 0 else ""
            save_answer(
                s,
                respondent=respondent,
                assessment=assessment,
                question_id=q.id,
                answer=keys[i % 5],
                comment=comment,
            )


def test_facilitator_sets_up_and_reads_an_assessment(page: Page, live_server: LiveServer) -> None:
    url = live_server.url
    log_in(page, live_server, "facilitator")

    # a unit
    page.fill("input[name=name]", "Acme")
    page.select_option("select[name=kind]", "organization")
    page.click("text=Add unit")
    page.wait_for_url(re.compile(r".*/units/\d+$"))
    page.goto(f"{url}/")
    page.fill("input[name=name]", "Fraud detection")
    page.select_option("select[name=kind]", "team")
    page.select_option("select[name=parent_id]", label="Acme (organization)")
    page.click("text=Add unit")
    page.wait_for_url(re.compile(r".*/units/\d+$"))
    expect(page.locator("h1")).to_contain_text("Fraud detection")

    # an assessment with targets
    page.click("text=New assessment for Fraud detection")
    page.fill("input[name=title]", "Q3 2025 self-assessment")
    page.fill("input[name=date]", "2025-09-15")
    page.fill("input[name=target_governance]", "70")
    page.fill("input[name=target_deployment]", "80")
    page.fill("input[name=target_monitoring]", "60")
    live_server.shot(page, "facilitator-new-assessment")
    page.click("text=Create draft")
    page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    assessment_url = page.url
    expect(page.locator("h1 .pill")).to_have_text("draft")

    # open it and invite someone
    page.click("button:has-text('Open for answers')")
    expect(page.locator("h1 .pill")).to_have_text("open")
    page.fill("#invitations input[name=name]", "Ada Lovelace")
    page.fill("#invitations input[name=role]", "ML engineer")
    page.click("text=Create personal link")
    link = page.locator("#link-1").input_value()
    assert re.fullmatch(rf"{re.escape(url)}/r/[A-Za-z0-9_-]{{40,}}", link), link
    live_server.shot(page, "facilitator-invitation-link")
    answer_everything(live_server, link.rsplit("/", 1)[1])

    # progress, scores and charts
    page.goto(assessment_url)
    progress = page.locator("#progress")
    expect(progress).to_contain_text("Ada Lovelace")
    expect(progress).to_contain_text("1 respondent · 1 started · 0 submitted")
    expect(progress).to_contain_text("18/18")
    scores = page.locator("table.scores")
    expect(scores).to_contain_text("Governance")
    expect(scores).to_contain_text("Target")
    expect(scores.locator("tr.total")).to_contain_text("Overall")
    expect(page.locator(".comments")).to_contain_text("We review models quarterly.")
    widths = images_loaded(page, ".charts img")
    assert len(widths) == 2
    assert all(w > 0 for w in widths), widths
    live_server.shot(page, "facilitator-assessment")

    # the organization page's heatmap and the unit's trend
    page.goto(f"{url}/")
    expect(page.locator("table.team-heat")).to_contain_text("Fraud detection")
    live_server.shot(page, "facilitator-organization")
    page.click("table.team-heat >> text=Fraud detection")
    assert all(w > 0 for w in images_loaded(page, "img.trend"))
    live_server.shot(page, "facilitator-unit")

    # phone width
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(assessment_url)
    assert all(w > 0 for w in images_loaded(page, ".charts img"))
    live_server.shot(page, "facilitator-assessment-phone")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
        " && !e.closest('.table-scroll'))"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert overflow <= 1, f"page is {overflow}px wider than the phone: {wide}"
