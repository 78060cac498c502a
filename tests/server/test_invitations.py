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
    application = create_app(Settings(database_url=db_url, secret_key="test-secret-key-not-for-production", **extra))
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
        rows = list(s.scalars(select(Respondent).where(Respondent.assessment_id == aid).order_by(Respondent.id)))
        s.expunge_all()
        return rows


def audit_actions(app: FastAPI, aid: int) -> list[str]:
    with app.state.scorecard.read() as s:
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.assessment_id == aid).order_by(AuditEvent.id)))


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
        parse_invitation_list("Ana, ana@example.org\n, x@example.org\nBen, not-an-address@, Data\nana, a2@example.org")
    text = str(caught.value)
    assert "nobody was invited" in text
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
