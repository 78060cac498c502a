"""A respondent answers the whole core survey in a real browser, reloading midway."""

from __future__ import annotations

from browser_support import LiveServer
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from mlops_scorecard.framework import get_framework
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.models import Answer, Respondent
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit

CHOICES = ["Yes", "Partly", "No", "Not applicable", "Don't know"]
KEYS = ["yes", "partly", "no", "na", "unknown"]


def invite(server: LiveServer, name: str = "Ana") -> tuple[str, int]:
    with server.app.state.scorecard.write() as s:
        unit = create_unit(s, name="Search ranking")
        a = create_assessment(s, unit_id=unit.id, title="Q2 MLOps review", status="open")
        r, token = create_invitation(s, assessment=a, name=name, role="ml-engineer")
        return token, r.id


def answer(page: Page, question_id: str, choice: str) -> None:
    box = page.locator(f"#q-{question_id}")
    box.get_by_label(choice, exact=True).check()
    expect(box.locator("[data-status]")).to_have_text("Saved")


def test_respondent_answers_whole_survey_with_reload(page: Page, live_server: LiveServer) -> None:
    token, respondent_id = invite(live_server)
    fw = get_framework("mlops-scorecard")
    dims = [[q.id for q in d.questions_in("core")] for d in fw.dimensions]
    assert sum(len(d) for d in dims) == 18
    assert len(dims) == 6
    expected: dict[str, str] = {}

    page.goto(f"{live_server.url}/r/{token}")
    expect(page.locator("h1")).to_have_text("Q2 MLOps review")
    expect(page.get_by_text("about 9 minutes")).to_be_visible()
    live_server.shot(page, "survey-start")
    page.get_by_role("link", name="Start").click()

    n = 0
    for number, qids in enumerate(dims, start=1):
        page.wait_for_url(f"{live_server.url}/r/{token}/d/{number}")
        for i, qid in enumerate(qids):
            key = KEYS[n % 5]
            answer(page, qid, CHOICES[n % 5])
            expected[qid] = key
            n += 1
            if number == 4 and i == 0:
                # a comment, saved when the field loses focus
                page.fill(f"#comment-{qid}", "Only the ranking service deploys this way.")
                page.locator(f"#comment-{qid}").blur()
                expect(page.locator(f"#q-{qid} [data-status]")).to_have_text("Saved")
                expect(page.locator(".progress-text")).to_have_text(f"{n} of 18 questions answered")
                live_server.shot(page, "survey-dimension")
                # reload midway: the answers and the comment are still there
                page.reload()
                assert page.locator(f"#q-{qid}").get_by_label(CHOICES[(n - 1) % 5], exact=True).is_checked()
                expect(page.locator(f"#comment-{qid}")).to_have_value(
                    "Only the ranking service deploys this way."
                )
                expect(page.locator(".progress-text")).to_have_text(f"{n} of 18 questions answered")
                page.goto(f"{live_server.url}/r/{token}/d/3")
                for prev in dims[2]:
                    box = page.locator(f"#q-{prev}")
                    label = CHOICES[KEYS.index(expected[prev])]
                    assert box.get_by_label(label, exact=True).is_checked()
                page.goto(f"{live_server.url}/r/{token}/d/4")
        page.locator("button[name=go][value=next]").click()

    page.wait_for_url(f"{live_server.url}/r/{token}/review")
    expect(page.get_by_text("All 18 questions are answered.")).to_be_visible()
    expect(page.locator("li.unanswered")).to_have_count(0)
    live_server.shot(page, "survey-review")
    page.get_by_role("button", name="Submit your answers").click()
    page.wait_for_url(f"{live_server.url}/r/{token}/thanks")
    expect(page.locator("h1")).to_have_text("Thank you!")
    live_server.shot(page, "survey-thanks")

    with live_server.app.state.scorecard.read() as s:
        rows = {
            a.question_id: a.answer
            for a in s.scalars(select(Answer).where(Answer.respondent_id == respondent_id))
        }
        respondent = s.get(Respondent, respondent_id)
        assert respondent is not None
        assert respondent.submitted_at is not None
    assert rows == expected


def test_second_tab_gets_a_conflict_and_keeps_the_first_answer(page: Page, live_server: LiveServer) -> None:
    token, respondent_id = invite(live_server, name="Bo")
    url = f"{live_server.url}/r/{token}/d/1"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)
    answer(page, "gov-strategy", "Yes")
    box = other.locator("#q-gov-strategy")
    box.get_by_label("No", exact=True).check()
    expect(box.locator("[data-status]")).to_contain_text("Not saved: this answer was changed in another tab")
    expect(other.locator("[data-conflict-banner]")).to_be_visible()
    live_server.shot(other, "survey-conflict")
    other.get_by_role("button", name="Reload the page").click()
    expect(other.locator("#q-gov-strategy").get_by_label("Yes", exact=True)).to_be_checked()
    with live_server.app.state.scorecard.read() as s:
        row = s.scalars(select(Answer).where(Answer.respondent_id == respondent_id)).one()
    assert (row.question_id, row.answer) == ("gov-strategy", "yes")


def test_survey_on_a_phone(page: Page, live_server: LiveServer) -> None:
    token, _ = invite(live_server, name="Cy")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/r/{token}/d/2")
    answer(page, "data-repository", "Partly")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    live_server.shot(page, "survey-phone")
    page.goto(f"{live_server.url}/r/{token}/review")
    expect(page.locator("li.unanswered")).to_have_count(17)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    live_server.shot(page, "survey-phone-review")


def test_survey_works_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    token, respondent_id = invite(live_server, name="Di")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1000, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/r/{token}/d/1")
        page.locator("#q-gov-strategy").get_by_label("Partly", exact=True).check()
        page.fill("#comment-gov-strategy", "Written, not yet approved.")
        page.locator("#q-gov-team").get_by_label("No", exact=True).check()
        page.locator("button[name=go][value=next]").click()
        page.wait_for_url(f"{live_server.url}/r/{token}/d/2")
        expect(page.locator(".progress-text")).to_have_text("2 of 18 questions answered")
        page.goto(f"{live_server.url}/r/{token}/d/1")
        assert page.locator("#q-gov-strategy").get_by_label("Partly", exact=True).is_checked()
        expect(page.locator("#comment-gov-strategy")).to_have_value("Written, not yet approved.")
    finally:
        context.close()
    with live_server.app.state.scorecard.read() as s:
        rows = {
            a.question_id: a.answer
            for a in s.scalars(select(Answer).where(Answer.respondent_id == respondent_id))
        }
    assert rows == {"gov-strategy": "partly", "gov-team": "no"}
