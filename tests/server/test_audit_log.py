"""The audit log: what the mutating routes record, the queries (filters, newest first,
pages), the admin page, the assessment's section, and the API; admins only, and no
secret in it. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
import yaml
from custom_frameworks import ACME
from fastapi import FastAPI
from fastapi.testclient import TestClient
from scans import scan_json, tracking_scan
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from support import csrf_of

from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store.audit import AuditFilter, actions_in_log, query_log, record, users_in_log
from mlops_scorecard.store.db import transaction
from mlops_scorecard.store.models import AuditEvent, User
from mlops_scorecard.store.units import create_unit
from mlops_scorecard.web.templating import templates
from mlops_scorecard.web.views.audit import audit_rows

V1 = "/api/v1"
FW = get_framework("mlops-scorecard")
YAML = {"Content-Type": "application/yaml"}


def bearer(app: FastAPI, token: str) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    c.headers["Authorization"] = f"Bearer {token}"
    return c


def post(c: TestClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    return c.post(
        path, data={"csrf_token": csrf_of(c, "/account"), **(data or {})}, follow_redirects=False, **kw
    )


def actions(app: FastAPI, **where: Any) -> list[str]:
    with app.state.scorecard.read() as s:
        return [e.event.action for e in query_log(s, where=AuditFilter(**where), per_page=200).entries]


# --- the store ---------------------------------------------------------------------------


def test_queries_filter_and_page_newest_first(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        u = User(username="ana", password_hash="x", role="admin")
        s.add(u)
        s.flush()
        base = dt.datetime(2026, 11, 1, 9, 0)
        for i in range(7):
            e = record(
                s,
                user=u if i % 2 else None,
                action="invitation.revoke" if i < 3 else "plan.item",
                summary=f"event {i}",
                assessment_id=None,
                detail={"n": i, "token": "msc_secret", "new_password": "hunter22"},
            )
            e.at = base + dt.timedelta(minutes=i)
    with sessions() as s:
        page = query_log(s, per_page=3)
        assert [e.event.summary for e in page.entries] == ["event 6", "event 5", "event 4"]
        assert (page.total, page.pages, page.has_next) == (7, 3, True)
        last = query_log(s, page=3, per_page=3)
        assert [e.event.summary for e in last.entries] == ["event 0"]
        assert not last.has_next
        assert query_log(s, where=AuditFilter(action="invitation")).total == 3
        assert query_log(s, where=AuditFilter(action="invitation.revoke")).total == 3
        assert query_log(s, where=AuditFilter(action="invit")).total == 0  # whole dotted parts only
        assert query_log(s, where=AuditFilter(username="ana")).total == 3
        assert query_log(s, where=AuditFilter(username="ana", action="plan")).total == 2
        assert actions_in_log(s) == ["invitation.revoke", "plan.item"]
        assert users_in_log(s) == ["ana"]
        detail = query_log(s).entries[0].event.detail
        assert detail == {"n": 6, "token": "(hidden)", "new_password": "(hidden)"}
        rows = audit_rows(query_log(s, per_page=1))
        assert rows[0].who == "system"
        assert rows[0].when == "2026-11-01 09:06"
        with pytest.raises(Exception, match="page must be"):
            query_log(s, page=0)
        with pytest.raises(Exception, match="per_page"):
            query_log(s, per_page=1000)


# --- what the routes record --------------------------------------------------------------


def test_api_changes_are_recorded(app: FastAPI, users: dict[str, str]) -> None:
    api = bearer(app, users["facilitator"])
    unit = api.post(f"{V1}/units", json={"name": "Search"}).json()["id"]
    a = api.post(f"{V1}/assessments", json={"unit_id": unit, "title": "Search Q4", "date": "2026-10-01"})
    aid = a.json()["id"]
    assert api.post(f"{V1}/assessments/{aid}/status", json={"status": "open"}).status_code == 200
    answers = example_answers(FW, respondents=2).to_data()
    r = api.post(f"{V1}/assessments/{aid}/answers", content=yaml.safe_dump(answers), headers=YAML)
    assert r.status_code == 201, r.text
    r = api.post(f"{V1}/assessments/{aid}/evidence", json=scan_json(tracking_scan()))
    assert r.status_code == 201, r.text
    assert api.delete(f"{V1}/assessments/{aid}/evidence/api").status_code == 200
    assert api.post(f"{V1}/assessments/{aid}/status", json={"status": "closed"}).status_code == 200
    # a refused change records nothing, nor does setting the status it has
    assert api.post(f"{V1}/assessments/{aid}/status", json={"status": "draft"}).status_code == 409
    assert api.post(f"{V1}/assessments/{aid}/status", json={"status": "closed"}).status_code == 200
    assert api.post(f"{V1}/assessments/{aid}/status", json={"status": "open"}).status_code == 200
    assert actions(app, assessment_id=aid) == [
        "assessment.reopen",
        "assessment.close",
        "evidence.delete",
        "evidence.upload",
        "answers.upload",
        "assessment.open",
        "assessment.create",
    ]
    with app.state.scorecard.read() as s:
        newest = query_log(s, where=AuditFilter(assessment_id=aid)).entries
        assert {e.event.username for e in newest} == {"facilitator"}
        assert {e.event.unit_id for e in newest} == {unit}
        assert newest[0].event.summary == "Reopened the assessment 'Search Q4'"
        assert newest[0].assessment_title == "Search Q4"
    # frameworks, once; publishing the same again is no change
    assert api.post(f"{V1}/frameworks", content=ACME, headers=YAML).status_code == 201
    assert api.post(f"{V1}/frameworks", content=ACME, headers=YAML).status_code == 200
    assert actions(app, action="framework") == ["framework.publish"]
    ref = api.get(f"{V1}/frameworks").json()
    published = next(f["ref"] for f in ref if not f["builtin"])
    assert api.delete(f"{V1}/frameworks/{published}").status_code == 204
    assert actions(app, action="framework") == ["framework.delete", "framework.publish"]
    # API tokens: the plain token never reaches the log
    made = api.post(f"{V1}/tokens", json={"name": "ci"}).json()
    assert api.delete(f"{V1}/tokens/{made['id']}").status_code == 200
    assert actions(app, action="token") == ["token.revoke", "token.create"]
    admin = bearer(app, users["admin"])
    assert made["token"] not in admin.get(f"{V1}/audit", params={"per_page": 200}).text


def test_page_changes_are_recorded(app: FastAPI, facilitator: TestClient, users: dict[str, str]) -> None:
    with app.state.scorecard.write() as s:
        unit = create_unit(s, name="Fraud").id
    r = post(
        facilitator,
        "/assessments",
        {
            "unit_id": str(unit),
            "title": "Fraud Q4",
            "date": "2026-10-01",
            "framework": FW.ref,
            "question_set": "core",
        },
    )
    assert r.status_code == 303, r.text
    aid = int(r.headers["location"].rsplit("/", 1)[1])
    assert post(facilitator, f"/assessments/{aid}/status", {"status": "open"}).status_code == 303
    answers = yaml.safe_dump(example_answers(FW, respondents=2).to_data()).encode()
    r = post(
        facilitator, f"/assessments/{aid}/upload", files={"file": ("team.yaml", answers, "application/yaml")}
    )
    assert r.status_code == 303, r.text
    header = ["Timestamp", "Email Address", *[q.text for _, q in FW.iter_questions("core")]]
    out = io.StringIO()
    csv.writer(out).writerows([header, ["2026/03/01 9:00:00 AM GMT+1", "zoe@example.com", *["Yes"] * 18]])
    r = post(
        facilitator,
        f"/assessments/{aid}/import",
        {"action": "import"},
        files={"file": ("responses.csv", out.getvalue().encode(), "text/csv")},
    )
    assert r.status_code == 303, r.text
    r = post(facilitator, "/frameworks", {"text": ACME, "kind": "yaml"})
    assert r.status_code in (200, 303), r.text
    r = post(facilitator, "/account/tokens", {"name": "laptop"})
    token = re.search(r"msc_[A-Za-z0-9_-]{40,}", r.text)
    assert token is not None
    assert actions(app, assessment_id=aid) == [
        "answers.import-survey",
        "answers.upload",
        "assessment.open",
        "assessment.create",
    ]
    assert actions(app, action="framework") == ["framework.publish"]
    assert actions(app, action="token") == ["token.create"]
    with app.state.scorecard.read() as s:
        log = repr([(e.summary, e.detail) for e in s.scalars(select(AuditEvent))])
    assert token.group(0) not in log
    assert "Imported 2 respondents from team.yaml" in log


# --- the page, the section and the API ---------------------------------------------------


def seeded(app: FastAPI, users: dict[str, str], n: int = 60) -> int:
    api = bearer(app, users["facilitator"])
    unit = api.post(f"{V1}/units", json={"name": "Search"}).json()["id"]
    aid: int = api.post(
        f"{V1}/assessments", json={"unit_id": unit, "title": "Search <Q4>", "date": "2026-10-01"}
    ).json()["id"]
    with app.state.scorecard.write() as s:
        for i in range(n):
            record(s, user=None, action="plan.item", summary=f"Plan step {i}", assessment_id=aid)
    return aid


def test_admin_audit_page_filters_and_pages(app: FastAPI, admin: TestClient, users: dict[str, str]) -> None:
    aid = seeded(app, users)
    page = admin.get("/admin/audit")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "61 events" in page.text
    assert "Plan step 59" in page.text
    assert "Plan step 5<" not in page.text  # on page 2
    assert 'href="/admin/audit?page=2"' in page.text
    second = admin.get("/admin/audit?page=2")
    assert "Plan step 5<" in second.text
    assert "assessment.create" in second.text
    assert "Search &lt;Q4&gt;" in second.text  # escaped
    only = admin.get("/admin/audit", params={"action": "assessment", "user": "facilitator"})
    assert "1 event " in only.text
    assert "Created the assessment" in only.text
    by_assessment = admin.get("/admin/audit", params={"assessment": str(aid)})
    assert "61 events of assessment" in by_assessment.text
    assert admin.get("/admin/audit", params={"assessment": "12x"}).status_code == 422
    assert admin.get("/admin/audit", params={"page": "-1"}).status_code == 422
    assert "No events match" in admin.get("/admin/audit", params={"user": "nobody"}).text


def test_the_log_is_for_admins_only(
    app: FastAPI, facilitator: TestClient, viewer: TestClient, users: dict[str, str]
) -> None:
    aid = seeded(app, users, n=1)
    for c in (facilitator, viewer):
        assert c.get("/admin/audit").status_code == 403
        assert "/admin/audit" not in c.get("/account").text
    for role in ("facilitator", "viewer"):
        c = bearer(app, users[role])
        assert c.get(f"{V1}/audit").status_code == 403
        assert c.get(f"{V1}/assessments/{aid}/audit").status_code == 403
    assert TestClient(app).get(f"{V1}/audit").status_code == 401


def test_audit_api(app: FastAPI, users: dict[str, str]) -> None:
    aid = seeded(app, users, n=3)
    api = bearer(app, users["admin"])
    body = api.get(f"{V1}/assessments/{aid}/audit", params={"per_page": 2}).json()
    assert (body["total"], body["pages"], body["page"], body["per_page"]) == (4, 2, 1, 2)
    assert [e["summary"] for e in body["events"]] == ["Plan step 2", "Plan step 1"]
    event = body["events"][0]
    assert event["at"].endswith(("Z", "+00:00"))
    assert (event["user_id"], event["username"], event["assessment_id"]) == (None, "", aid)
    older = api.get(f"{V1}/assessments/{aid}/audit", params={"per_page": 2, "page": 2}).json()
    assert older["events"][-1]["action"] == "assessment.create"
    assert older["events"][-1]["username"] == "facilitator"
    assert api.get(f"{V1}/assessments/999999/audit").status_code == 404
    assert api.get(f"{V1}/audit", params={"per_page": 0}).status_code == 422
    assert api.get(f"{V1}/audit", params={"page": "x"}).status_code == 422
    everything = api.get(f"{V1}/audit", params={"action": "plan.item"}).json()
    assert everything["total"] == 3
    assert api.get(f"{V1}/audit", params={"assessment_id": aid, "user": "facilitator"}).json()["total"] == 1


def test_the_assessment_section_partial(app: FastAPI, users: dict[str, str]) -> None:
    aid = seeded(app, users, n=12)
    with app.state.scorecard.read() as s:
        log = query_log(s, where=AuditFilter(assessment_id=aid), per_page=10)
    html = templates.get_template("_audit_section.html").render(
        audit_log=log, audit_rows=audit_rows(log), assessment={"id": aid}
    )
    assert 'id="audit"' in html
    assert html.count("<tr>") == 11  # the heading row and ten events
    assert f'href="/admin/audit?assessment={aid}"' in html
    assert "All 13 events" in html
    empty = templates.get_template("_audit_section.html").render(
        audit_log=None, audit_rows=[], assessment={"id": aid}
    )
    assert "No changes recorded yet." in empty


def test_the_assessment_page_shows_its_log_to_admins_only(
    app: FastAPI, admin: TestClient, facilitator: TestClient, users: dict[str, str]
) -> None:
    aid = seeded(app, users, n=12)
    page = admin.get(f"/assessments/{aid}")
    assert page.status_code == 200
    assert 'id="audit"' in page.text
    assert 'href="#audit"' in page.text
    assert "Plan step 11" in page.text
    assert f'href="/admin/audit?assessment={aid}"' in page.text
    other = facilitator.get(f"/assessments/{aid}")
    assert other.status_code == 200
    assert 'id="audit"' not in other.text
    assert "Plan step" not in other.text
