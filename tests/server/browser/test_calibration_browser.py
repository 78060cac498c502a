"""A facilitator runs the calibration meeting at 1,280 and 390 px: walks two split
questions (the second by the arrow key), records the answer the group agrees on, and
finds both scores and the note on the assessment page. No names on the shared screen."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import ARTIFACTS, LiveServer, log_in
from playwright.sync_api import Page, expect

from mlops_scorecard.store.answer_sets import assessment_framework
from mlops_scorecard.store.answers import save_answer
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit

PEOPLE = [
    ("Ana Zebrafish", "ML engineer"),
    ("Bo Quokka", "ML engineer"),
    ("Cy Axolotl", "ML engineer"),
    ("Di Pangolin", "data scientist"),
    ("Ed Narwhal", "data scientist"),
    ("Fi Okapi", "data scientist"),
]
KEYS = ["yes", "partly", "no"]


def seed(server: LiveServer) -> int:
    """An open assessment whose engineers and data scientists split on many questions."""
    with server.app.state.scorecard.write() as s:
        org = create_unit(s, name="Acme", kind="organization")
        team = create_unit(s, name="Fraud detection", kind="team", parent_id=org.id)
        a = create_assessment(
            s, unit_id=team.id, title="Q3 2025 check", date=dt.date(2025, 9, 1), status="open"
        )
        questions = [q.id for _, q in assessment_framework(a).iter_questions("core")]
        for i, (name, role) in enumerate(PEOPLE):
            r, _ = create_invitation(s, assessment=a, name=name, role=role)
            for j, qid in enumerate(questions):
                answer = KEYS[(i * (j % 4) + j) % 3] if j % 2 == 0 else KEYS[(j // 2) % 3]
                comment = f"{name.split()[0]} says it depends on the team" if j == 0 and i == 0 else ""
                save_answer(s, respondent=r, assessment=a, question_id=qid, answer=answer, comment=comment)
        return a.id


def no_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the window"


@pytest.mark.parametrize("width", [1280, 390])
def test_facilitator_walks_two_questions_and_records_an_agreement(
    page: Page, live_server: LiveServer, width: int
) -> None:
    url = live_server.url
    aid = seed(live_server)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "facilitator")

    page.goto(f"{url}/assessments/{aid}")
    page.get_by_role("link", name="run the calibration meeting").click()
    question = page.locator("#question")
    expect(question.locator(".meeting-position")).to_contain_text("Question 1 of")
    first = question.get_attribute("data-question")
    assert first
    expect(page.get_by_role("row", name="ml-engineer")).to_be_visible()
    expect(page.get_by_role("row", name="data-scientist")).to_be_visible()
    body = page.locator("main").inner_text()
    for name, _ in PEOPLE:
        assert name not in body
    no_overflow(page)
    live_server.shot(page, f"calibration-first-{width}")

    # the arrow key follows the "Next" link (the focus is on no field)
    page.wait_for_load_state("load")  # calibration.js (deferred) listens by then
    page.locator("h1").click()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".meeting-position")).to_contain_text("Question 2 of")
    second = page.locator("#question").get_attribute("data-question")
    assert second
    assert second != first

    # the group agrees on "Yes", with a note
    page.get_by_role("radio", name="Yes").check()
    page.get_by_label("Note").fill("Drift alerts on two of five models; the rest are manual checks.")
    page.get_by_role("button", name="Record agreed answer").click()
    expect(page.get_by_role("status")).to_contain_text("Agreed answer recorded: Yes")
    expect(page.locator(".agreed-now")).to_contain_text("Drift alerts on two of five models")
    expect(page.locator(".meeting-agenda li.current .pill.agreed")).to_have_text("agreed: Yes")
    no_overflow(page)
    live_server.shot(page, f"calibration-agreed-{width}")

    # back to the first one with the "Previous" link: nothing agreed there yet
    page.get_by_role("link", name="← Previous").click()
    expect(page.locator("#question")).to_have_attribute("data-question", first)
    expect(page.get_by_role("button", name="Record agreed answer")).to_be_visible()

    # the assessment page: individual and agreed scores, how far it moved, the note
    page.goto(f"{url}/assessments/{aid}#agreed")
    section = page.locator("#agreed")
    expect(section.locator("table.calibration tr.total")).to_be_visible()
    expect(section.locator(f'li[data-question="{second}"]')).to_contain_text(
        "Drift alerts on two of five models"
    )
    moved = section.locator("td.moved").all_inner_texts()
    assert any(m not in ("+0.0", "—") for m in moved), moved
    no_overflow(page)
    live_server.shot(page, f"calibration-results-{width}")
    # the section on its own too: the full page is long
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / f"calibration-results-section-{width}.png"))
