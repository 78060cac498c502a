"""A facilitator publishes a custom framework (the built-in one with a question re-worded
and one dropped) in a real browser and creates an assessment on it; a respondent answers
it; the results show the custom framework's title and questions."""

from __future__ import annotations

import re
from pathlib import Path

from browser_support import LiveServer, log_in
from custom_frameworks import ACME
from playwright.sync_api import Browser, Page, expect

from mlops_scorecard.store.frameworks import resolve
from mlops_scorecard.store.units import create_unit

REWORDED = "Does ACME have a written ML strategy signed by the board?"


def no_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the window"


def test_facilitator_publishes_and_uses_a_custom_framework(
    page: Page, browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    url = live_server.url
    with live_server.app.state.scorecard.write() as s:
        create_unit(s, name="Fraud detection")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "facilitator")

    # a broken file first: every problem with its line, nothing published
    broken = tmp_path / "acme.yaml"
    broken.write_text(ACME.replace("drop:\n  questions: [gov-team]", "drop:\n  questions: [gov-nothing]"))
    page.click("nav >> text=Frameworks")
    page.set_input_files("input[name=file]", str(broken))
    page.click("button:has-text('Publish')")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("acme.yaml: line 15: drop.questions[0]: unknown question id 'gov-nothing'")
    live_server.shot(page, "frameworks-refused")

    # the framework itself
    good = tmp_path / "acme-ok.yaml"
    good.write_text(ACME)
    page.set_input_files("input[name=file]", str(good))
    page.click("button:has-text('Publish')")
    expect(page.get_by_role("status")).to_have_text("Published acme-mlops@1.0.")
    row = page.locator("table.frameworks tr", has_text="ACME MLOps scorecard")
    expect(row).to_contain_text("extends mlops-scorecard@1.0.0")
    expect(row).to_contain_text("48 (18)")
    live_server.shot(page, "frameworks-1280")
    page.click("text=ACME MLOps scorecard")
    expect(page.locator("h1")).to_contain_text("ACME MLOps scorecard")
    expect(page.get_by_text(REWORDED)).to_be_visible()
    expect(page.locator("code", has_text="gov-team")).to_have_count(0)
    live_server.shot(page, "framework-view-1280")

    # an assessment on it
    page.click("text=New assessment on this framework")
    expect(page.locator("select[name=framework]")).to_have_value("acme-mlops@1.0")
    page.select_option("select[name=unit_id]", label="Fraud detection (team)")
    page.fill("input[name=title]", "Q1 on ACME's own scorecard")
    page.click("text=Create draft")
    page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    assessment_url = page.url
    page.click("button:has-text('Open for answers')")
    page.fill("#invitations input[name=name]", "Ada Lovelace")
    page.fill("#invitations input[name=role]", "ML engineer")
    page.click("text=Create personal link")
    link = page.locator("#link-1").input_value()

    # the respondent answers every core question in a browser of their own
    with live_server.app.state.scorecard.read() as s:
        fw = resolve(s, "acme-mlops@1.0")
    pages = [[q.id for q in d.questions_in("core")] for d in fw.dimensions]
    respondent_context = browser.new_context(viewport={"width": 390, "height": 844})
    respondent = respondent_context.new_page()
    respondent.goto(link)
    respondent.get_by_role("link", name="Start").click()
    for number, qids in enumerate(pages, start=1):
        respondent.wait_for_url(re.compile(rf".*/d/{number}$"))
        if number == 1:
            expect(respondent.get_by_text(REWORDED)).to_be_visible()
            expect(respondent.locator("#q-gov-team")).to_have_count(0)
        for qid in qids:
            box = respondent.locator(f"#q-{qid}")
            box.get_by_label("Yes" if qid != "sec-secrets" else "No", exact=True).check()
            expect(box.locator("[data-status]")).to_have_text("Saved")
        if number == len(pages):
            live_server.shot(respondent, "framework-survey-390")
        respondent.locator("button[name=go][value=next]").click()
    respondent.get_by_role("button", name="Submit your answers").click()
    expect(respondent.locator("h1")).to_have_text("Thank you!")
    respondent_context.close()

    # the results: the custom framework's title, dimensions and questions
    page.goto(assessment_url)
    expect(page.locator(".meta")).to_contain_text("ACME MLOps scorecard 1.0")
    scores = page.locator("table.scores")
    expect(scores).to_contain_text("Security")
    expect(scores).to_contain_text("Governance")
    expect(page.get_by_text(REWORDED).first).to_be_visible()
    live_server.shot(page, "framework-results-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(assessment_url)
    live_server.shot(page, "framework-results-390")
    page.goto(f"{url}/frameworks")
    assessments = page.locator("table.frameworks tr", has_text="ACME MLOps scorecard").locator("td").nth(5)
    expect(assessments).to_have_text("1")
    live_server.shot(page, "frameworks-390")
    no_overflow(page)
