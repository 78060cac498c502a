"""A facilitator creates an assessment with a profile (context) in a real browser, a
respondent answers it, and the results show the profile's effect: a question that does
not apply, and plan items the context prioritises first."""

from __future__ import annotations

import re

from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

from mlops_scorecard.framework import get_framework
from mlops_scorecard.store.units import create_unit

FW = get_framework("mlops-scorecard")


def test_profile_from_creation_to_results(page: Page, live_server: LiveServer) -> None:
    url = live_server.url
    with live_server.app.state.scorecard.write() as s:
        create_unit(s, name="Claims models", kind="team")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "facilitator")

    # the new-assessment form shows the framework's context questions
    page.goto(f"{url}/assessments/new")
    page.select_option("select[name=unit_id]", label="Claims models (team)")
    page.fill("input[name=title]", "Q1 with context")
    page.select_option("select[name=profile_regulated]", "yes")
    page.select_option("select[name=profile_production]", "none")
    live_server.shot(page, "profile-new-assessment")
    page.click("text=Create draft")
    page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    assessment_url = page.url
    context = page.locator("#context")
    expect(context).to_contain_text("None yet")
    expect(context).to_contain_text("No model is in production yet")
    page.click("button:has-text('Open for answers')")
    expect(page.locator("h1 .pill")).to_have_text("open")
    page.fill("#invitations input[name=name]", "Ines")
    page.fill("#invitations input[name=role]", "Compliance")
    page.click("text=Create personal link")
    link = page.locator("#link-1").input_value()

    # the respondent: the questions the context leaves out are shown, not asked
    respondent = page.context.browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[union-attr]
    rpage = respondent.new_page()
    rpage.set_default_timeout(10_000)
    asked = [
        q.id
        for d in FW.dimensions
        for q in d.questions_in("core")
        if q.id not in ("mon-metrics", "deploy-maintenance")
    ]
    rpage.goto(f"{link}/d/5")  # monitoring
    na = rpage.locator("#q-mon-metrics")
    expect(na).to_contain_text("Not applicable: No model is in production yet")
    expect(na.locator("input")).to_have_count(0)
    expect(rpage.locator(".progress-text")).to_have_text(f"0 of {len(asked)} questions answered")
    live_server.shot(rpage, "profile-survey-not-applicable")
    rpage.set_viewport_size({"width": 390, "height": 844})
    live_server.shot(rpage, "profile-survey-not-applicable-phone")
    rpage.set_viewport_size({"width": 1280, "height": 900})
    for number, dim in enumerate(FW.dimensions, start=1):
        rpage.goto(f"{link}/d/{number}")
        for q in dim.questions_in("core"):
            if q.id in asked:
                box = rpage.locator(f"#q-{q.id}")
                # governance strong (policies only partly), the rest weak
                choice = "Partly" if q.id == "gov-policies" else "Yes" if dim.id == "governance" else "No"
                box.get_by_label(choice, exact=True).check()
                expect(box.locator("[data-status]")).to_have_text("Saved")
    rpage.goto(f"{link}/review")
    expect(rpage.get_by_text(f"All {len(asked)} questions are answered.")).to_be_visible()
    rpage.locator("button[type=submit]").click()
    respondent.close()

    # the results: the context, the question left out, the prioritised plan items first
    page.goto(assessment_url)
    expect(page.locator("#context")).to_contain_text("Prioritised in the plan")
    expect(page.locator(".na-reason").first).to_contain_text("Not applicable: No model is deployed yet")
    items = page.locator(".plan-item")
    expect(items.first).to_have_attribute("data-key", "mon-audits")
    expect(items.nth(1)).to_have_attribute("data-key", "gov-policies")
    expect(items.first.locator(".plan-prioritised")).to_contain_text("regulated industry")
    expect(page.locator("#plan-item-mon-metrics")).to_have_count(0)
    expect(page.locator(".plan-rule")).to_contain_text("questions the profile prioritises first")
    live_server.shot(page, "profile-assessment")

    # the context changed while open: the plan and the scores follow
    page.locator("#context summary").click()
    page.select_option("#context select[name=profile_regulated]", "")
    page.click("text=Save the context")
    page.wait_for_url(re.compile(r".*/assessments/\d+(#context)?$"))
    expect(page.locator(".plan-prioritised")).to_have_count(0)
    expect(page.locator("#context")).to_contain_text("not answered")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(assessment_url)
    live_server.shot(page, "profile-assessment-phone")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the phone"
