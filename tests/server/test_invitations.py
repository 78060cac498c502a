"""Invitations that reach people: a pasted list, mail through a real SMTP server on
127.0.0.1 (aiosmtpd), reminders, re-issued links, revoke with confirmation and restore;
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from smtp_support import Mailbox, smtp_server, smtp_settings
from sqlalchemy import select
from support import PASSWORD, csrf_of, free_port, login_client

from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.framework import get_framework
from mlops_scorecard.settings import Settings
from mlops_scorecard.store import assessments, units
from mlops_scorecard.store.accounts import create_user
from mlops_scorecard.store.invitation_list import parse_invitation_list
from mlops_scorecard.store.models import Assessment, AuditEvent, Respondent
from mlops_scorecard.store.revisions import current_revision
from mlops_scorecard.web import create_app

CORE = [q.id for _, q in get_framework("mlops-scorecard").iter_questions("core")]
TEN = "\n".join(
    f"Person {i}, person{i}@example.org, {'ML engineer' if i % 2 else 'Data scientist'}" for i in range(1, 11)
)
TOKEN_IN_LINK = re.compile(r"/r/([A-Za-z0-9_-]{40,})")


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def _app(db_url: str, **extra: Any) -> Iterator[FastAPI]:
    application = create_app(
        Settings(database_url=db_url, secret_key="test-secret-key-not-for-production", **extra)
    )
    yield application
    application.state.scorecard.engine.dispose()


@pytest.fixture
def app(db_url: str, mailbox: Mailbox) -> Iterator[FastAPI]:
    """The app mailing through the test's SMTP server."""
    yield from _app(db_url, **smtp_settings(mailbox))


def open_assessment(app: FastAPI) -> int:
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        team = units.create_unit(s, name="Team A", kind="team", parent_id=org.id)
        a = assessments.create_assessment(
            s, unit_id=team.id, title="Q1 check", date=dt.date(2026, 3, 1), status="open"
        )
        return a.id


def post(c: TestClient, path: str, data: dict[str, Any] | None = None) -> Any:
    return c.post(path, data={"csrf_token": csrf_of(c), **(data or {})}, follow_redirects=False)


def respondents_of(app: FastAPI, aid: int) -> list[Respondent]:
    with app.state.scorecard.read() as s:
        rows = list(
            s.scalars(select(Respondent).where(Respondent.assessment_id == aid).order_by(Respondent.id))
        )
        s.expunge_all()
        return rows


def audit_actions(app: FastAPI, aid: int) -> list[str]:
    with app.state.scorecard.read() as s:
        return list(
            s.scalars(
                select(AuditEvent.action).where(AuditEvent.assessment_id == aid).order_by(AuditEvent.id)
            )
        )


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def save(client: TestClient, token: str, qid: str, answer: str = "yes") -> Any:
    return client.post(f"/r/{token}/answers", json={"question_id": qid, "answer": answer})


# --- the pasted list, without a database -------------------------------------------------


def test_a_list_takes_commas_tabs_and_missing_fields() -> None:
    people = parse_invitation_list(
        "name, email, role\n\nAna Lima, ana@example.org, ML engineer\n"
        "Lima, Ben\tben@example.org\tData scientist\nChen Wei\nDee, Product\nEve <eve@example.org>,\n"
    )
    assert [(p.line, p.name, p.email, p.role) for p in people] == [
        (3, "Ana Lima", "ana@example.org", "ML engineer"),
        (4, "Lima, Ben", "ben@example.org", "Data scientist"),
        (5, "Chen Wei", "", ""),
        (6, "Dee", "", "Product"),
        (7, "Eve <eve@example.org>", "", ""),
    ]


def test_a_bad_line_is_named_by_its_number() -> None:
    with pytest.raises(ScorecardError) as caught:
        parse_invitation_list(
            "Ana, ana@example.org\n, x@example.org\nBen, not-an-address@, Data\nana, a2@example.org"
        )
    text = str(caught.value)
    assert text.startswith("Nobody was invited")
    assert "line 2: the name is missing" in text
    assert "line 3: 'not-an-address@' is not an email address" in text
    assert "line 4: 'ana' is already at line 1" in text
    with pytest.raises(ScorecardError, match="line 1: 4 fields"):
        parse_invitation_list("a, b@example.org, c, d")
    with pytest.raises(ScorecardError, match="empty"):
        parse_invitation_list("\n \n")


# --- pasting ten, mailing them --------------------------------------------------------------


def test_ten_pasted_invitations_reach_ten_inboxes(app: FastAPI, mailbox: Mailbox, users: Any) -> None:
    aid = open_assessment(app)
    fac = login_client(app, "facilitator")
    r = post(fac, f"/assessments/{aid}/invitations/list", {"people": TEN, "send": "1"})
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    assert "10 emails sent" in r.text
    assert r.text.count('data-copy="link-') == 10  # a copy button on every link
    assert len(mailbox.messages) == 10
    assert sorted(str(m["To"]) for m in mailbox.messages) == sorted(
        f"Person {i} <person{i}@example.org>" for i in range(1, 11)
    )
    stored = respondents_of(app, aid)
    assert len(stored) == 10
    assert all(x.invited_at is not None and x.email for x in stored)
    respondent = TestClient(app)
    for i in range(1, 11):
        (msg,) = mailbox.to(f"person{i}@example.org")
        assert "Q1 check" in str(msg["Subject"])
        link = mailbox.link_in(msg)
        assert link.startswith("http://testserver/r/")
        page = respondent.get(path_of(link))
        assert page.status_code == 200
        assert f"Person {i}" in page.text
        assert link in r.text  # the same link is shown to copy
    assert audit_actions(app, aid) == ["invitation.create", "invitation.send"]
    # the assessment page shows the addresses, the stamps and the reminder counts
    page = fac.get(f"/assessments/{aid}").text
    assert "person3@example.org" in page
    assert "invited " in page
    assert "Not started: 10" in page


def test_a_bad_line_creates_nobody_and_keeps_the_text(app: FastAPI, mailbox: Mailbox, users: Any) -> None:
    aid = open_assessment(app)
    fac = login_client(app, "facilitator")
    text = TEN + "\nBroken, nobody@, Product"
    r = post(fac, f"/assessments/{aid}/invitations/list", {"people": text, "send": "1"})
    assert r.status_code == 422
    assert "line 11: &#39;nobody@&#39; is not an email address" in r.text
    assert "Person 7, person7@example.org" in r.text  # the list comes back to fix
    assert respondents_of(app, aid) == []
    assert mailbox.messages == []
    # a name already invited is refused naming its line, and nobody else is invited
    assert post(fac, f"/assessments/{aid}/invitations", {"name": "Person 4"}).status_code == 201
    r = post(fac, f"/assessments/{aid}/invitations/list", {"people": TEN})
    assert r.status_code == 409
    assert "line 4: &#39;Person 4&#39; is already invited" in r.text
    assert len(respondents_of(app, aid)) == 1


def test_a_refused_address_fails_alone(app: FastAPI, mailbox: Mailbox, users: Any) -> None:
    aid = open_assessment(app)
    fac = login_client(app, "facilitator")
    mailbox.refuse.add("person2@example.org")
    r = post(fac, f"/assessments/{aid}/invitations/list", {"people": TEN, "send": "1"})
    assert r.status_code == 201
    assert "9 emails sent" in r.text
    assert "1 email could not be sent" in r.text
    assert "550" in r.text
    assert len(mailbox.messages) == 9
    stamped = {x.name: x.invited_at is not None for x in respondents_of(app, aid)}
    assert stamped["Person 2"] is False
    assert sum(stamped.values()) == 9
    # the one not sent can be mailed later: "not sent an invitation yet" counts it
    page = fac.get(f"/assessments/{aid}").text
    assert "Not sent an invitation yet: 1" in page
    mailbox.refuse.clear()
    r = post(fac, f"/assessments/{aid}/reminders", {"who": "uninvited"})
    assert r.status_code == 200
    (msg,) = mailbox.to("person2@example.org")[-1:]
    assert TestClient(app).get(path_of(mailbox.link_in(msg))).status_code == 200


def test_no_mail_server_is_a_clear_message(db_url: str) -> None:
    dead = {**smtp_settings(Mailbox(port=free_port())), "smtp_timeout": 3.0}
    for application in _app(db_url, **dead):
        with application.state.scorecard.write() as s:
            create_user(s, username="facilitator", password=PASSWORD, role="facilitator")
        aid = open_assessment(application)
        fac = login_client(application, "facilitator")
        r = post(fac, f"/assessments/{aid}/invitations/list", {"people": TEN, "send": "1"})
        assert r.status_code == 201
        assert "10 emails could not be sent" in r.text
        assert f"cannot send through the SMTP server 127.0.0.1:{dead['smtp_port']}" in r.text
        assert r.text.count('data-copy="link-') == 10  # the links are there to copy instead
        stored = respondents_of(application, aid)
        assert len(stored) == 10
        assert all(x.invited_at is None for x in stored)


# --- re-issue, revoke, restore -------------------------------------------------------------


def _invite_one(
    app: FastAPI, fac: TestClient, aid: int, name: str = "Ana", email: str = ""
) -> tuple[int, str]:
    form = {"name": name, "email": email, "role": "ML engineer", **({"send": "1"} if email else {})}
    r = post(fac, f"/assessments/{aid}/invitations", form)
    assert r.status_code == 201, r.text
    found = TOKEN_IN_LINK.search(r.text)
    assert found is not None
    rid = next(x.id for x in respondents_of(app, aid) if x.name == name)
    return rid, found.group(1)


def test_a_reissued_link_keeps_the_answers(app: FastAPI, mailbox: Mailbox, users: Any) -> None:
    aid = open_assessment(app)
    fac = login_client(app, "facilitator")
    rid, old = _invite_one(app, fac, aid, email="ana@example.org")
    assert len(mailbox.messages) == 1
    respondent = TestClient(app)
    for qid in CORE[:3]:
        assert save(respondent, old, qid).status_code == 200
    with app.state.scorecard.read() as s:
        before = current_revision(s, assessment_id=aid)
    page = fac.get(f"/assessments/{aid}").text
    assert f"/respondents/{rid}/reissue" in page
    r = post(fac, f"/assessments/{aid}/respondents/{rid}/reissue", {"send": "1"})
    assert r.status_code == 201
    new = TOKEN_IN_LINK.search(r.text)
    assert new is not None
    assert new.group(1) != old
    assert "1 email sent" in r.text
    assert mailbox.link_in(mailbox.messages[-1]).endswith(new.group(1))
    assert respondent.get(f"/r/{old}").status_code == 404
    assert save(respondent, old, CORE[3]).status_code == 404
    review = respondent.get(f"/r/{new.group(1)}/review")
    assert review.status_code == 200
    assert f"{len(CORE) - 3} of {len(CORE)} questions are not answered yet" in review.text
    with app.state.scorecard.read() as s:
        assert current_revision(s, assessment_id=aid) == before  # the results did not change
    assert audit_actions(app, aid)[-2:] == ["invitation.reissue", "invitation.send"]


def test_revoke_is_confirmed_and_can_be_undone(app: FastAPI, users: Any) -> None:
    aid = open_assessment(app)
    fac = login_client(app, "facilitator")
    rid, token = _invite_one(app, fac, aid)
    respondent = TestClient(app)
    for qid in CORE:
        assert save(respondent, token, qid).status_code == 200
    page = fac.get(f"/assessments/{aid}").text
    # the table links to a confirmation page; it does not revoke on its own
    assert f'href="/assessments/{aid}/respondents/{rid}/revoke"' in page
    confirm = fac.get(f"/assessments/{aid}/respondents/{rid}/revoke")
    assert confirm.status_code == 200
    assert "Revoke Ana's link?" in confirm.text
    assert f"Their {len(CORE)} answers leave the results" in confirm.text
    assert respondents_of(app, aid)[0].revoked_at is None
    with app.state.scorecard.read() as s:
        rev0 = current_revision(s, assessment_id=aid)
    assert post(fac, f"/assessments/{aid}/respondents/{rid}/revoke").status_code == 303
    assert respondents_of(app, aid)[0].revoked_at is not None
    assert respondent.get(f"/r/{token}").status_code == 404
    assert len(fac.get(f"/assessments/{aid}/report.json").json()["result"]["respondents"]) == 0
    with app.state.scorecard.read() as s:
        rev1 = current_revision(s, assessment_id=aid)
    assert rev1 > rev0
    page = fac.get(f"/assessments/{aid}").text
    assert f"/respondents/{rid}/restore" in page
    assert post(fac, f"/assessments/{aid}/respondents/{rid}/restore").status_code == 303
    assert respondents_of(app, aid)[0].revoked_at is None
    assert respondent.get(f"/r/{token}").status_code == 200
    assert len(fac.get(f"/assessments/{aid}/report.json").json()["result"]["respondents"]) == 1
    with app.state.scorecard.read() as s:
        assert current_revision(s, assessment_id=aid) > rev1
    assert audit_actions(app, aid) == ["invitation.create", "invitation.revoke", "invitation.restore"]
    # a name invited again meanwhile blocks the restore (409), naming why
    assert post(fac, f"/assessments/{aid}/respondents/{rid}/revoke").status_code == 303
    _invite_one(app, fac, aid, name="Ana")
    r = post(fac, f"/assessments/{aid}/respondents/{rid}/restore")
    assert r.status_code == 409
    assert "invited again" in r.text
    # viewers may neither see the confirmation nor revoke
    viewer = login_client(app, "viewer")
    assert viewer.get(f"/assessments/{aid}/respondents/{rid}/revoke").status_code == 403
    assert fac.get(f"/assessments/{aid}/respondents/999999/revoke").status_code == 404


def test_reminders_go_to_the_chosen_group(app: FastAPI, mailbox: Mailbox, users: Any) -> None:
    aid = open_assessment(app)
    fac = login_client(app, "facilitator")
    people = "Idle, idle@example.org\nBusy, busy@example.org\nDone, done@example.org\nNomail, , Product"
    r = post(fac, f"/assessments/{aid}/invitations/list", {"people": people, "send": "1"})
    assert r.status_code == 201
    tokens = {
        m["To"].addresses[0].display_name: mailbox.link_in(m).rsplit("/", 1)[1] for m in mailbox.messages
    }
    respondent = TestClient(app)
    assert save(respondent, tokens["Busy"], CORE[0]).status_code == 200
    assert save(respondent, tokens["Done"], CORE[0]).status_code == 200
    assert respondent.post(f"/r/{tokens['Done']}/submit", follow_redirects=False).status_code == 303
    page = fac.get(f"/assessments/{aid}").text
    assert "Not started: 1" in page
    assert "(+1 without an email address)" in page  # Nomail has not started either
    assert "Started, not submitted: 1" in page
    assert "Everyone who has not submitted: 2" in page
    mailbox.messages.clear()
    r = post(fac, f"/assessments/{aid}/reminders", {"who": "not_started"})
    assert r.status_code == 200, r.text
    assert "1 without an email address left out" in r.text
    (msg,) = mailbox.messages
    assert str(msg["To"]) == "Idle <idle@example.org>"
    assert str(msg["Subject"]).startswith("Reminder:")
    new = mailbox.link_in(msg)
    assert "replaces the one you were sent before" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert respondent.get(path_of(new)).status_code == 200
    assert respondent.get(f"/r/{tokens['Idle']}").status_code == 404
    stamped = {x.name: x.reminded_at for x in respondents_of(app, aid)}
    assert stamped["Idle"] is not None
    assert stamped["Busy"] is None
    r = post(fac, f"/assessments/{aid}/reminders", {"who": "not_submitted"})
    assert sorted(str(m["To"]) for m in mailbox.messages[1:]) == [
        "Busy <busy@example.org>",
        "Idle <idle@example.org>",
    ]
    assert post(fac, f"/assessments/{aid}/reminders", {"who": "everyone"}).status_code == 422
    assert "invitation.remind" in audit_actions(app, aid)


def test_without_mail_settings_the_links_are_shown(db_url: str) -> None:
    for application in _app(db_url):
        with application.state.scorecard.write() as s:
            create_user(s, username="facilitator", password=PASSWORD, role="facilitator")
        aid = open_assessment(application)
        fac = login_client(application, "facilitator")
        page = fac.get(f"/assessments/{aid}").text
        assert "Paste a list" in page
        assert "Send by email" not in page
        r = post(fac, f"/assessments/{aid}/invitations/list", {"people": TEN, "send": "1"})
        assert r.status_code == 201
        assert "Mail is not configured" in r.text
        assert len(TOKEN_IN_LINK.findall(r.text)) >= 10
        assert post(fac, f"/assessments/{aid}/reminders", {"who": "not_started"}).status_code == 409


# --- the respondent's side ---------------------------------------------------------------


def test_a_submitted_survey_says_so_and_still_takes_changes(app: FastAPI, users: Any) -> None:
    aid = open_assessment(app)
    fac = login_client(app, "facilitator")
    _, token = _invite_one(app, fac, aid)
    respondent = TestClient(app)
    assert "submitted-notice" not in respondent.get(f"/r/{token}").text
    assert save(respondent, token, CORE[0]).status_code == 200
    assert respondent.post(f"/r/{token}/submit", follow_redirects=False).status_code == 303
    day = respondents_of(app, aid)[0].submitted_at
    assert day is not None
    start = respondent.get(f"/r/{token}").text
    assert f"You submitted your answers on {day:%Y-%m-%d}." in start
    assert "You can still change them until the assessment closes" in start
    assert f"submitted (on {day:%Y-%m-%d})" in respondent.get(f"/r/{token}/thanks").text
    assert save(respondent, token, CORE[1], "no").status_code == 200
    with app.state.scorecard.write() as s:
        assessments.set_status(s, assessment=s.get(Assessment, aid), status="closed")
    closed = respondent.get(f"/r/{token}").text
    assert "They are shown read-only." in closed
    assert save(respondent, token, CORE[2]).status_code == 409


def test_an_upload_says_whose_answers_it_replaced(app: FastAPI, users: Any) -> None:
    aid = open_assessment(app)
    fac = login_client(app, "facilitator")
    _, token = _invite_one(app, fac, aid, name="Bea")
    respondent = TestClient(app)
    assert save(respondent, token, CORE[0]).status_code == 200
    assert save(respondent, token, CORE[1]).status_code == 200
    text = f"framework: mlops-scorecard\nrespondents:\n  - answers:\n      {CORE[2]}: partly\n"
    r = respondent.post(
        f"/r/{token}/upload", files={"file": ("mine.yaml", text.encode())}, follow_redirects=True
    )
    assert r.status_code == 200
    assert "1 answers saved, replacing the 2 answers of Bea given before." in r.text
    assert "Not submitted yet: submit at the end of this page." in r.text


# --- the API -----------------------------------------------------------------------------


def test_the_api_invites_in_bulk_mails_reissues_restores_and_reminds(
    app: FastAPI, api: TestClient, mailbox: Mailbox
) -> None:
    aid = open_assessment(app)
    people = [{"name": f"P{i}", "email": f"p{i}@example.org", "role": "ML engineer"} for i in range(3)]
    people.append({"name": "Quiet", "email": "", "role": ""})
    r = api.post(f"/api/v1/assessments/{aid}/invitations/bulk", json={"people": people, "send": True})
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["mailed"], body["failed"]) == (3, 0)
    assert [x["mail"] for x in body["invitations"]] == ["sent", "sent", "sent", "not_mailed"]
    assert len(mailbox.messages) == 3
    first = body["invitations"][0]
    assert mailbox.link_in(mailbox.to("p0@example.org")[0]).endswith(first["link"])
    # all or none: a bad address names its entry; a name already invited is 409
    bad = api.post(
        f"/api/v1/assessments/{aid}/invitations/bulk",
        json={"people": [{"name": "New"}, {"name": "Odd", "email": "odd@"}]},
    )
    assert bad.status_code == 422
    assert "people[1]: 'odd@' is not an email address" in bad.text
    again = api.post(f"/api/v1/assessments/{aid}/invitations/bulk", json={"people": [{"name": "p1"}]})
    assert again.status_code == 409
    assert len(respondents_of(app, aid)) == 4
    # re-issue: a new link, the old one is gone, the answers stay
    client = TestClient(app)
    assert save(client, first["token"], CORE[0]).status_code == 200
    r = api.post(f"/api/v1/assessments/{aid}/respondents/{first['id']}/reissue", json={"send": True})
    assert r.status_code == 201
    assert r.json()["mail"] == "sent"
    assert client.get(first["link"]).status_code == 404
    assert "1 of" in client.get(r.json()["link"]).text
    # revoke and restore
    assert api.delete(f"/api/v1/assessments/{aid}/respondents/{first['id']}").json()["revoked_at"]
    restored = api.post(f"/api/v1/assessments/{aid}/respondents/{first['id']}/restore")
    assert restored.status_code == 200
    assert restored.json()["revoked_at"] is None
    # reminders: P0 has started; P1, P2 (and Quiet, without an address) have not
    mailbox.messages.clear()
    r = api.post(f"/api/v1/assessments/{aid}/reminders", json={"audience": "not_started"})
    assert r.status_code == 200
    assert (r.json()["mailed"], r.json()["without_email"]) == (2, 1)
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["P1 <p1@example.org>", "P2 <p2@example.org>"]
    assert api.post(f"/api/v1/assessments/{aid}/reminders", json={"audience": "all"}).status_code == 422
    assert audit_actions(app, aid) == [
        "invitation.create",
        "invitation.send",
        "invitation.reissue",
        "invitation.send",
        "invitation.revoke",
        "invitation.restore",
        "invitation.remind",
    ]


def test_viewers_cannot_use_the_invitation_api(app: FastAPI, users: dict[str, str]) -> None:
    aid = open_assessment(app)
    viewer = TestClient(app)
    viewer.headers["Authorization"] = f"Bearer {users['viewer']}"
    assert (
        viewer.post(
            f"/api/v1/assessments/{aid}/invitations/bulk", json={"people": [{"name": "A"}]}
        ).status_code
        == 403
    )
    assert (
        viewer.post(f"/api/v1/assessments/{aid}/reminders", json={"audience": "not_started"}).status_code
        == 403
    )
    assert viewer.post(f"/api/v1/assessments/{aid}/respondents/1/restore").status_code == 403


# --- the mail module against the real server -------------------------------------------------


def _letter_messages(settings: Settings) -> list[tuple[int, Any]]:
    from mlops_scorecard.web.mail import Letter, message_for

    letter = Letter(7, "Ana Lima", "ana@example.org", "t" * 43)
    msg = message_for(
        settings, letter, kind="invitation", title="Q1", unit="Team", link="http://x/r/" + "t" * 43
    )
    return [(7, msg)]


def test_a_server_without_starttls_is_refused_saying_which_setting(mailbox: Mailbox) -> None:
    from mlops_scorecard.web.mail import send_letters

    settings = Settings(**{**smtp_settings(mailbox), "smtp_starttls": True})
    failed = send_letters(settings, _letter_messages(settings))
    assert "does not offer STARTTLS" in failed[7]
    assert "MLOPS_SCORECARD_SMTP_STARTTLS=false" in failed[7]
    assert mailbox.messages == []


def test_a_refused_login_says_whose(mailbox: Mailbox) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    from mlops_scorecard.web.mail import send_letters

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password == b"right"
        return AuthResult(success=ok, handled=False)

    port = free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, authenticator=check, auth_require_tls=False
    )
    controller.start()
    try:
        base = {**smtp_settings(mailbox), "smtp_port": port, "smtp_user": "scorecard"}
        wrong = Settings(**base, smtp_password="wrong")
        failed = send_letters(wrong, _letter_messages(wrong))
        assert "refused the login of 'scorecard'" in failed[7]
        right = Settings(**base, smtp_password="right")
        assert send_letters(right, _letter_messages(right)) == {}
        (msg,) = mailbox.messages
        assert str(msg["To"]) == "Ana Lima <ana@example.org>"
        assert msg["Auto-Submitted"] == "auto-generated"
    finally:
        controller.stop()


def test_no_sender_is_a_clear_message(mailbox: Mailbox) -> None:
    from mlops_scorecard.web.mail import Letter, message_for

    settings = Settings(**{**smtp_settings(mailbox), "smtp_from": ""})
    with pytest.raises(Exception, match="set MLOPS_SCORECARD_SMTP_FROM"):
        message_for(
            settings, Letter(1, "A", "a@example.org", "t"), kind="reminder", title="Q", unit="U", link="l"
        )


def test_a_line_break_in_a_name_cannot_add_a_header(app: FastAPI, api: TestClient, mailbox: Mailbox) -> None:
    aid = open_assessment(app)
    people = [
        {"name": "Eve\r\nBcc: spy@example.org", "email": "eve@example.org"},
        {"name": "Zoë", "email": "zoë@example.org"},
    ]
    r = api.post(f"/api/v1/assessments/{aid}/invitations/bulk", json={"people": people, "send": True})
    assert r.status_code == 201, r.text
    eve, zoe = r.json()["invitations"]
    assert eve["mail"] == "sent"
    (msg,) = mailbox.to("eve@example.org")
    assert msg["Bcc"] is None
    assert str(msg["To"]) == '"Eve Bcc: spy@example.org" <eve@example.org>'
    # an address the mail library cannot write fails alone, saying why
    assert zoe["mail"] == "failed"
    assert "cannot write a message to 'zoë@example.org'" in zoe["mail_error"]
    assert zoe["link"]
