"""Issue 10's browser test: a facilitator uploads a custom framework with a context
question of its own, creates an assessment with a profile, a respondent answers, and the
results show the profile's effect.

The framework extends the built-in one: one question re-worded, one dropped, a dimension
of its own, and its own ``profile:``. A patch's ``profile`` replaces the base's as a whole
(docs/framework-format.md, "Extending a framework"), so this framework asks only its own
context question, whose "No" makes one of its own questions not applicable and
prioritises another.
"""

from __future__ import annotations

import re
from pathlib import Path

from browser_support import LiveServer, log_in
from playwright.sync_api import Browser, Page, expect

from mlops_scorecard.store.frameworks import resolve
from mlops_scorecard.store.units import create_unit

REWORDED = "Does Vela have a written ML strategy signed by the board?"
NA_REASON = "No vendor model is fine-tuned, so none of our data is sent to a vendor for training."
PRIORITISED = "Are vendor models evaluated on our own data before they are used?"
FRAMEWORK = f"""\
extends: mlops-scorecard@1.0.0
id: vela-mlops
version: "2.0"
title: Vela vendor-aware scorecard
dimensions:
  - id: governance
    questions:
      - id: gov-strategy
        text: {REWORDED}
  - id: vendors
    title: Vendor models
    questions:
      - {{id: ven-contracts, text: Do contracts with model vendors say how our data may be used?}}
      - {{id: ven-evals, text: {PRIORITISED}}}
      - {{id: ven-tuning-data, text: Is the data sent to vendors for fine-tuning reviewed first?}}
drop:
  questions: [gov-team]
profile:
  - id: finetune
    text: Do you fine-tune vendor models on your own data?
    options:
      - id: "no"
        label: No, we use vendor models as they come
        prioritise: [ven-evals]
        not_applicable:
          ven-tuning-data: "{NA_REASON}"
      - id: "yes"
        label: Yes, on our own data
        prioritise: [ven-tuning-data]
"""


def no_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the window"


def shots(page: Page, server: LiveServer, name: str) -> None:
    """Screenshots of the page at 1280 and 390 px wide; neither overflows sideways."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        server.shot(page, f"{name}-{width}")
        no_overflow(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_custom_framework_profile_from_upload_to_results(
    page: Page, browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    with live_server.app.state.scorecard.write() as s:
        create_unit(s, name="Document search", kind="team")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "facilitator")

    # 1. the facilitator uploads the framework on the Frameworks page
    path = tmp_path / "vela.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    page.click("nav >> text=Frameworks")
    page.set_input_files("input[name=file]", str(path))
    page.click("button:has-text('Publish')")
    expect(page.get_by_role("status")).to_have_text("Published vela-mlops@2.0.")
    row = page.locator("table.frameworks tr", has_text="Vela vendor-aware scorecard")
    expect(row).to_contain_text("extends mlops-scorecard@1.0.0")
    shots(page, live_server, "custom-profile-frameworks")
    with live_server.app.state.scorecard.read() as s:
        fw = resolve(s, "vela-mlops@2.0")
    assert [p.id for p in fw.profile] == ["finetune"]  # the patch's profile replaced the base's
    assert fw.dimensions[-1].id == "vendors"
    page.click("text=Vela vendor-aware scorecard")
    expect(page.locator("h1")).to_contain_text("Vela vendor-aware scorecard")

    # 2. an assessment on it, with the context answered in the new-assessment form
    page.click("text=New assessment on this framework")
    expect(page.locator("select[name=framework]")).to_have_value("vela-mlops@2.0")
    fields = page.locator("fieldset.profile-fields")
    expect(fields).to_contain_text("Do you fine-tune vendor models on your own data?")
    expect(fields.locator("select")).to_have_count(1)  # its own question only
    page.select_option("select[name=unit_id]", label="Document search (team)")
    page.fill("input[name=title]", "Q2 with vendor models")
    page.select_option("select[name=profile_finetune]", "no")
    shots(page, live_server, "custom-profile-new-assessment")
    page.click("text=Create draft")
    page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    assessment_url = page.url
    expect(page.locator("#context")).to_contain_text("No, we use vendor models as they come")
    page.click("button:has-text('Open for answers')")
    page.fill("#invitations input[name=name]", "Grace")
    page.fill("#invitations input[name=role]", "ML engineer")
    page.click("text=Create personal link")
    link = page.locator("#link-1").input_value()

    # 3. the respondent, in a browser of their own: the question the context leaves out
    # is shown with its reason and not asked; every other core question is answered
    asked = [q.id for d in fw.dimensions for q in d.questions_in("core") if q.id != "ven-tuning-data"]
    respondent_context = browser.new_context(viewport={"width": 1280, "height": 900})
    respondent = respondent_context.new_page()
    respondent.set_default_timeout(10_000)
    for number, dim in enumerate(fw.dimensions, start=1):
        respondent.goto(f"{link}/d/{number}")
        if number == 1:
            expect(respondent.get_by_text(REWORDED)).to_be_visible()
            expect(respondent.locator("#q-gov-team")).to_have_count(0)
        if dim.id == "vendors":
            na = respondent.locator("#q-ven-tuning-data")
            expect(na).to_have_class(re.compile(r"\bnot-applicable\b"))
            expect(na.locator(".na-reason")).to_have_text(f"Not applicable: {NA_REASON}")
            expect(na.locator("input")).to_have_count(0)
        for q in dim.questions_in("core"):
            if q.id in asked:
                box = respondent.locator(f"#q-{q.id}")
                # governance strong, the rest weak: the vendor questions become plan items
                box.get_by_label("Yes" if dim.id == "governance" else "No", exact=True).check()
                expect(box.locator("[data-status]")).to_have_text("Saved")
        if dim.id == "vendors":
            shots(respondent, live_server, "custom-profile-survey-vendors")
    respondent.goto(f"{link}/review")
    expect(respondent.get_by_text(f"All {len(asked)} questions are answered.")).to_be_visible()
    respondent.get_by_role("button", name="Submit your answers").click()
    expect(respondent.locator("h1")).to_have_text("Thank you!")
    respondent_context.close()

    # 4. the results: the framework, the context, the question left out, the plan
    page.goto(assessment_url)
    expect(page.locator(".meta")).to_contain_text("Vela vendor-aware scorecard 2.0")
    context = page.locator("#context")
    expect(context.locator(".context-answers")).to_contain_text(
        "Do you fine-tune vendor models on your own data?"
    )
    expect(context.locator(".context-answers")).to_contain_text("No, we use vendor models as they come")
    expect(context.locator(".context-prioritised")).to_contain_text(PRIORITISED)
    expect(context.locator(".context-na")).to_contain_text("ven-tuning-data")
    expect(context.locator(".context-na")).to_contain_text(NA_REASON)
    expect(page.locator("table.scores")).to_contain_text("Vendor models")
    answers_na = page.locator(
        ".question", has_text="Is the data sent to vendors for fine-tuning reviewed first?"
    )
    page.locator("details.dimension summary", has_text="Vendor models").click()
    expect(answers_na.locator(".na-reason")).to_be_visible()
    expect(answers_na.locator(".na-reason")).to_have_text(f"Not applicable: {NA_REASON}")
    items = page.locator(".plan-item")
    expect(items.first).to_have_attribute("data-key", "ven-evals")
    prioritised = items.first.locator(".plan-prioritised")
    expect(prioritised).to_contain_text("Prioritised by profile")
    expect(prioritised).to_contain_text("No, we use vendor models as they come")
    expect(page.locator(".plan-prioritised")).to_have_count(1)
    expect(page.locator("#plan-item-ven-tuning-data")).to_have_count(0)
    expect(page.locator("#plan-item-ven-contracts")).to_have_count(1)
    shots(page, live_server, "custom-profile-results")
