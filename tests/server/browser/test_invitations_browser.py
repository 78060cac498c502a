"""A facilitator pastes ten invitations in a real browser, at 1,280 and 390 px: a real
SMTP server on 127.0.0.1 receives ten messages whose links open the survey; a link is
re-issued (copied with its button) and the respondent's answers are still there;
revoking is confirmed on its own page and undone."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from browser_support import ARTIFACTS, LiveServer, log_in
from playwright.sync_api import Browser, Page, expect
from smtp_support import Mailbox, smtp_server, smtp_settings
from support import PASSWORD, free_port

from mlops_scorecard.framework import get_framework
from mlops_scorecard.settings import Settings
from mlops_scorecard.store import assessments, units
from mlops_scorecard.store.accounts import create_user
from mlops_scorecard.web import create_app

CORE = [q.id for _, q in get_framework("mlops-scorecard").iter_questions("core")]
TEN = "\n".join(
    f"Person {i}\tperson{i}@example.org\t{'ML engineer' if i % 2 else 'Product'}" for i in range(1, 11)
)


def shoot_part(page: Page, selector: str, name: str) -> None:
    """A screenshot of one section (the assessment page is long) as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(selector).screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def mail_server(sqlite_url: str, mailbox: Mailbox) -> Iterator[LiveServer]:
    """The service on a free port, mailing through ``mailbox``; links use its own address."""
    port = free_port()
    mail = {**smtp_settings(mailbox), "public_url": f"http://127.0.0.1:{port}"}
    app = create_app(Settings(database_url=sqlite_url, secret_key="browser-test-key", **mail))
    with app.state.scorecard.write() as s:
        create_user(s, username="facilitator", password=PASSWORD, role="facilitator")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.scorecard.engine.dispose()


@pytest.fixture(params=[1280, 390], ids=["1280px", "390px"])
def sized_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, int]]:
    width = int(request.param)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    blocked: list[str] = []
    pg.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield pg, width
    context.close()
    assert blocked == [], f"the content security policy blocked: {blocked}"


def test_ten_invitations_mailed_reissued_revoked_and_restored(
    sized_page: tuple[Page, int], mail_server: LiveServer, mailbox: Mailbox
) -> None:
    page, width = sized_page
    with mail_server.app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        team = units.create_unit(s, name="Fraud detection", kind="team", parent_id=org.id)
        aid = assessments.create_assessment(
            s, unit_id=team.id, title="Q2 check", date=dt.date(2026, 6, 1), status="open"
        ).id
    log_in(page, mail_server, "facilitator")
    page.goto(f"{mail_server.url}/assessments/{aid}")

    # paste ten people (tabs, as copied from a spreadsheet) and mail them
    page.fill("textarea[name=people]", TEN)
    page.click("text=Invite everyone")
    expect(page.locator("#mail-sent")).to_have_text("10 emails sent.")
    assert page.locator("button[data-copy]:visible").count() == 10  # a copy button on every link
    mail_server.shot(page, f"invitations-list-sent-{width}")
    assert len(mailbox.messages) == 10
    links = {m["To"].addresses[0].display_name: mailbox.link_in(m) for m in mailbox.messages}
    assert sorted(links) == sorted(f"Person {i}" for i in range(1, 11))

    # every mailed link opens that person's survey
    respondent = page.context.new_page()
    for name, link in links.items():
        respondent.goto(link)
        expect(respondent.locator(".anonymity")).to_contain_text(f"({name})")
    # Person 1 answers three questions
    token = links["Person 1"].rsplit("/", 1)[1]
    for qid in CORE[:3]:
        r = respondent.request.post(
            f"{mail_server.url}/r/{token}/answers", data={"question_id": qid, "answer": "yes"}
        )
        assert r.ok, r.text()

    # the assessment page shows who was mailed and what a reminder would reach
    page.goto(f"{mail_server.url}/assessments/{aid}#progress")
    expect(page.locator("#reminders")).to_contain_text("Not started: 9")
    expect(page.locator("#reminders")).to_contain_text("Started, not submitted: 1")
    shoot_part(page, "#progress", f"invitations-progress-{width}")
    shoot_part(page, "#invitations", f"invitations-forms-{width}")

    # re-issue Person 1's link: copied with its button, the answers are still there
    row = page.locator("tr", has_text="Person 1").first
    row.locator("text=New link").click()
    expect(page.locator("#mail-sent")).to_have_text("1 email sent.")
    expect(page.locator("#reissued-note")).to_contain_text("answers given so far are kept")
    page.click("button[data-copy]")
    expect(page.locator("[data-copy-note]").first).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.input_value("input[data-link]")
    assert copied != links["Person 1"]
    assert mailbox.link_in(mailbox.messages[-1]) == copied
    mail_server.shot(page, f"invitations-reissued-{width}")
    respondent.goto(links["Person 1"])
    expect(respondent.locator("h1")).to_have_text("Not found")
    respondent.goto(copied + "/review")
    expect(respondent.locator("main")).to_contain_text(
        f"{len(CORE) - 3} of {len(CORE)} questions are not answered yet"
    )

    # revoke Person 2 after confirming, then undo it
    page.goto(f"{mail_server.url}/assessments/{aid}#progress")
    page.locator("tr", has_text="Person 2").first.locator("text=Revoke…").click()
    expect(page.locator("h1")).to_have_text("Revoke Person 2's link?")
    mail_server.shot(page, f"invitations-revoke-confirm-{width}")
    page.click("text=Revoke the link")
    revoked = page.locator("tr.revoked", has_text="Person 2")
    expect(revoked).to_contain_text("revoked")
    shoot_part(page, "#progress", f"invitations-revoked-{width}")
    respondent.goto(links["Person 2"])
    expect(respondent.locator("h1")).to_have_text("Not found")
    revoked.locator("text=Restore").click()
    expect(page.locator("tr.revoked")).to_have_count(0)
    respondent.goto(links["Person 2"])
    expect(respondent.locator(".anonymity")).to_contain_text("(Person 2)")
    # nothing on the page is wider than the window
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the {width}px window"
    shoot_part(page, "#progress", f"invitations-restored-{width}")
