"""Viewers see aggregates only, on every page, API route, report and export they can
reach; facilitators and admins still see each respondent. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import pdf_text

from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import answers, assessments, respondents, units

V1 = "/api/v1"
FW = get_framework("mlops-scorecard")
CORE = [q.id for _, q in FW.iter_questions("core")]
KEYS = ["yes", "partly", "no", "unknown"]

#: Three ML engineers and three data scientists keep their roles; the one leader, product
#: manager and compliance officer are merged into "other" (3) for viewers.
PEOPLE = [
    ("Ann Quixote", "ML engineer"),
    ("Bo Quixote", "ML engineer"),
    ("Cy Quixote", "mle"),
    ("Di Quixote", "Data scientist"),
    ("Ed Quixote", "Data scientist"),
    ("Flo Quixote", "data-scientist"),
    ("Gus Quixote", "Leadership"),
    ("Hal Quixote", "Product"),
    ("Ida Quixote", "Compliance"),
]
NAMES = [name for name, _ in PEOPLE]
SMALL_ROLES = ("leadership", "product", "compliance")


def token_client(app: FastAPI, token: str) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    c.headers["Authorization"] = f"Bearer {token}"
    return c


def seed(app: FastAPI, title: str = "Q1") -> dict[str, int]:
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name=f"Team {title}")
        a = assessments.create_assessment(
            s, unit_id=unit.id, title=title, date=dt.date(2025, 3, 1), status="open"
        )
        for i, (name, role) in enumerate(PEOPLE):
            r, _ = respondents.create_invitation(s, assessment=a, name=name, role=role)
            for j, qid in enumerate(CORE):
                answers.save_answer(
                    s,
                    respondent=r,
                    assessment=a,
                    question_id=qid,
                    answer=KEYS[(i * (j + 1)) % 4],
                    comment=f"note {j}" if j % 3 == 0 else "",
                )
        return {"assessment": a.id, "unit": unit.id}


@pytest.fixture
def viewer_api(app: FastAPI, users: dict[str, str]) -> TestClient:
    return token_client(app, users["viewer"])


@pytest.fixture
def admin_api(app: FastAPI, users: dict[str, str]) -> TestClient:
    return token_client(app, users["admin"])


def assert_no_names(text: str) -> None:
    for name in NAMES:
        assert name not in text
    assert "Quixote" not in text


def assert_aggregate_roles(rows: list[dict[str, Any]]) -> None:
    """Role rows of a breakdown: every role has three or more respondents, small ones merged."""
    roles = {r["role"]: r["respondents"] for r in rows}
    assert roles == {"ml-engineer": 3, "data-scientist": 3, "other": 3}


def test_results_api(app: FastAPI, viewer_api: TestClient, api: TestClient, admin_api: TestClient) -> None:
    aid = seed(app)["assessment"]
    url = f"{V1}/assessments/{aid}/results"
    body = viewer_api.get(url).json()
    assert body["respondents"] == []
    assert body["respondent_count"] == len(PEOPLE)
    assert body["overall"] is not None
    assert_no_names(json.dumps(body))
    for staff in (api, admin_api):
        people = staff.get(url).json()["respondents"]
        assert sorted(p["name"] for p in people) == sorted(NAMES)
        assert all(p["dimensions"] for p in people)
        # the aggregate is the same for everyone
        assert staff.get(url).json()["overall"] == body["overall"]


def test_analysis_api(app: FastAPI, viewer_api: TestClient, api: TestClient) -> None:
    aid = seed(app)["assessment"]
    url = f"{V1}/assessments/{aid}/analysis"
    body = viewer_api.get(url).json()
    assert_no_names(json.dumps(body))
    assert_aggregate_roles(body["roles"]["roles"])
    # merged roles did answer: they are not reported missing
    assert not set(SMALL_ROLES) & set(body["roles"]["missing"])
    comments = [c for h in body["hotspots"] for c in h["comments"]]
    assert comments
    # roles normalized for viewers: no spelling of one's own ("mle") singles a person out
    assert {c["role"] for c in comments} <= {"ml-engineer", "data-scientist", "other"}
    staff = api.get(url).json()
    assert {r["role"]: r["respondents"] for r in staff["roles"]["roles"]}["leadership"] == 1
    assert staff["dimensions"] == body["dimensions"]


def test_respondents_and_answers_are_for_facilitators(
    app: FastAPI, viewer_api: TestClient, api: TestClient, viewer: TestClient
) -> None:
    aid = seed(app)["assessment"]
    for path in (f"/assessments/{aid}/respondents", f"/assessments/{aid}/answers"):
        assert viewer_api.get(V1 + path).status_code == 403
        assert api.get(V1 + path).status_code == 200
    assert viewer.get(f"/assessments/{aid}/answers.yaml").status_code == 403


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_reports(
    app: FastAPI,
    fmt: str,
    viewer_api: TestClient,
    api: TestClient,
    viewer: TestClient,
    facilitator: TestClient,
) -> None:
    aid = seed(app)["assessment"]
    for reader, url in (
        (viewer_api, f"{V1}/assessments/{aid}/report?format={fmt}"),
        (viewer, f"/assessments/{aid}/report.{fmt}"),
    ):
        r = reader.get(url)
        assert r.status_code == 200, r.text
        assert_no_names(r.text)
        if fmt == "json":
            data = r.json()
            assert data["result"]["respondents"] == []
            assert data["trust"]["respondents"] == []
            assert data["trust"]["roles"] == {"ml-engineer": 3, "data-scientist": 3, "other": 3}
            assert_aggregate_roles(data["roles"]["roles"])
            assert not set(SMALL_ROLES) & set(data["roles"]["missing"])
            given = [x for block in data["answers"] for q in block["questions"] for x in q["responses"]]
            assert given
            assert {x["respondent"] for x in given} == {"anonymous"}
            assert all(x["comment"] or x["evidence"] for x in given)
            assert {c["respondent"] for h in data["hotspots"] for c in h["comments"]} <= {"anonymous"}
        elif fmt == "md":
            assert "| Respondent | Role |" not in r.text
            roles = r.text.split("## Who answered", 1)[1].split("\n## ", 1)[0]
            assert "| other | 3 |" in roles
            assert "| leadership |" not in roles
            assert "Roles missing" not in roles or "leadership" not in roles.split("Roles missing", 1)[1]
    for staff, url in (
        (api, f"{V1}/assessments/{aid}/report?format={fmt}"),
        (facilitator, f"/assessments/{aid}/report.{fmt}"),
    ):
        text = staff.get(url).text
        for name in NAMES:
            assert name in text
        if fmt == "json":
            data = json.loads(text)
            assert len(data["result"]["respondents"]) == len(PEOPLE)
            assert {r["role"]: r["respondents"] for r in data["roles"]["roles"]}["leadership"] == 1


def test_pdf_report(app: FastAPI, viewer: TestClient, facilitator: TestClient, tmp_path: Path) -> None:
    aid = seed(app)["assessment"]
    r = viewer.get(f"/assessments/{aid}/report.pdf")
    assert r.status_code == 200
    assert_no_names(pdf_text(r.content, tmp_path))
    assert "Ann Quixote" in pdf_text(facilitator.get(f"/assessments/{aid}/report.pdf").content, tmp_path)


def test_assessment_page(app: FastAPI, viewer: TestClient, facilitator: TestClient) -> None:
    aid = seed(app)["assessment"]
    page = viewer.get(f"/assessments/{aid}").text
    assert_no_names(page)
    assert "progress-table" not in page
    assert f"{len(PEOPLE)} respondents" in page
    roles = page[page.index('id="roles"') :]
    roles = roles[: roles.index("</section>")]
    assert "other</th>" in roles
    for role in SMALL_ROLES:
        assert f"{role}</th>" not in roles
    assert "Missing roles" not in roles or not any(
        r in roles.split("Missing roles", 1)[1] for r in SMALL_ROLES
    )
    staff = facilitator.get(f"/assessments/{aid}").text
    for name in NAMES:
        assert name in staff
    assert "leadership</th>" in staff


def test_roles_chart(app: FastAPI, viewer: TestClient, facilitator: TestClient) -> None:
    aid = seed(app)["assessment"]

    def text(c: TestClient, by: str) -> str:
        r = c.get(f"/assessments/{aid}/analysis/roles.svg?by={by}")
        assert r.status_code == 200
        return " ".join(ET.fromstring(r.content).itertext())

    seen = text(viewer, "role")
    assert "other (n=3)" in seen
    assert "leadership (n=1)" not in seen
    assert "leadership (n=1)" in text(facilitator, "role")
    assert "(n=1)" not in text(viewer, "group")


def test_compare_and_plan_exports(app: FastAPI, viewer: TestClient, viewer_api: TestClient) -> None:
    a = seed(app, "Q1")["assessment"]
    b = seed(app, "Q2")["assessment"]
    assert_no_names(viewer.get(f"/compare?a={a}&b={b}").text)
    assert_no_names(viewer_api.get(f"{V1}/compare?a={a}&b={b}").text)
    for fmt in ("md", "csv", "json"):
        r = viewer.get(f"/assessments/{a}/plan.{fmt}")
        assert r.status_code == 200
        assert_no_names(r.text)


def test_viewer_report_says_how_many_answered(app: FastAPI, viewer_api: TestClient) -> None:
    aid = seed(app)["assessment"]
    text = viewer_api.get(f"{V1}/assessments/{aid}/report?format=md").text
    respondents = text.split("### Respondents", 1)[1].split("\n## ", 1)[0]
    assert "Nobody has answered yet" not in respondents
    assert (
        f"{len(PEOPLE)} answered; who, and each one's scores, are shown to facilitators only." in respondents
    )
