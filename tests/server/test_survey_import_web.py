"""Survey imports in the service: the preview page and its confirmation, the API (dry run
and import), the answers CSV download; roles, CSRF, bad files (4xx naming the row and
column, nothing saved); on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from support import csrf_of

from mlops_scorecard.answers.survey_import import import_survey
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import assessments, units
from mlops_scorecard.store.models import Answer, Respondent
from mlops_scorecard.web.survey_imports import pack

FW = get_framework("mlops-scorecard")
CORE = [q for _, q in FW.iter_questions("core")]
V1 = "/api/v1"


def new_assessment(app: FastAPI, *, status: str = "open") -> int:
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        team = units.create_unit(s, name="Team A", kind="team", parent_id=org.id)
        a = assessments.create_assessment(
            s, unit_id=team.id, title="Q1 check", date=dt.date(2026, 3, 1), status="open"
        )
        if status == "closed":
            assessments.set_status(s, assessment=a, status="closed")
        return a.id


def google_csv(rows: list[list[str]]) -> bytes:
    header = ["Timestamp", "Email Address", *[q.text for q in CORE]]
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows([header, *rows])
    return out.getvalue().encode()


GOOD = google_csv(
    [
        ["2026/03/01 9:00:00 AM GMT+1", "ana@example.com", *["Yes"] * len(CORE)],
        ["2026/03/01 9:05:00 AM GMT+1", "", "Partly", "Don't know", *[""] * (len(CORE) - 2)],
    ]
)
BAD = google_csv([["t", "ana@example.com", "Yes"], ["t", "bo@example.com", "Mostly"]])


def saved(app: FastAPI, aid: int) -> tuple[int, int]:
    """Respondents and answers stored for the assessment."""
    with app.state.scorecard.read() as s:
        people = s.scalar(select(func.count()).select_from(Respondent).where(Respondent.assessment_id == aid))
        answers = s.scalar(
            select(func.count()).select_from(Answer).join(Respondent).where(Respondent.assessment_id == aid)
        )
    return int(people or 0), int(answers or 0)


def post_file(c: TestClient, aid: int, data: bytes, name: str = "responses.csv", **fields: str) -> Any:
    return c.post(
        f"/assessments/{aid}/import",
        data={"csrf_token": csrf_of(c), "action": "preview", **fields},
        files={"file": (name, data, "text/csv")},
        follow_redirects=False,
    )


def hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert m, name
    return m.group(1)


# --- the page -----------------------------------------------------------------------------


def test_preview_then_confirm(app: FastAPI, facilitator: TestClient) -> None:
    aid = new_assessment(app)
    page = facilitator.get(f"/assessments/{aid}")
    assert f'href="/assessments/{aid}/import"' in page.text
    form = facilitator.get(f"/assessments/{aid}/import")
    assert form.status_code == 200
    assert "Upload a survey export" in form.text
    r = post_file(facilitator, aid, GOOD)
    assert r.status_code == 200, r.text
    assert "Preview: 2 respondents (google-forms layout)" in r.text
    assert "<td>gov-strategy</td>" in r.text
    assert "Import 2 respondents" in r.text
    assert saved(app, aid) == (0, 0)  # the preview saves nothing
    confirm = {
        "csrf_token": csrf_of(facilitator),
        "action": "import",
        "filename": hidden(r.text, "filename"),
        "payload": hidden(r.text, "payload"),
        "mapping_payload": "",
    }
    done = facilitator.post(f"/assessments/{aid}/import", data=confirm, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/assessments/{aid}?imported=2&source=survey#progress"
    banner = facilitator.get(done.headers["location"]).text
    assert "Imported 2 respondents from the survey export." in banner
    assert saved(app, aid) == (2, len(CORE) + 2)
    with app.state.scorecard.read() as s:
        people = list(
            s.scalars(select(Respondent).where(Respondent.assessment_id == aid).order_by(Respondent.id))
        )
        assert [(p.name, p.source) for p in people] == [("ana@example.com", "upload"), (None, "upload")]
    # the same file again: the named respondent is refused, nothing more is added
    again = facilitator.post(f"/assessments/{aid}/import", data=confirm, follow_redirects=False)
    assert again.status_code == 409
    assert "already has answers" in again.text
    assert saved(app, aid) == (2, len(CORE) + 2)


def test_mapping_file_and_ignored_columns_on_the_page(app: FastAPI, facilitator: TestClient) -> None:
    aid = new_assessment(app)
    header = ["Full name", CORE[0].text, "Colour"]
    data = ("\n".join([",".join(header), "Ana,Mostly,blue"]) + "\n").encode()
    r = post_file(facilitator, aid, data)
    assert r.status_code == 422
    assert "matches no question" in r.text
    assert "&#34;Mostly&#34;" in r.text or "&#39;Mostly&#39;" in r.text
    assert "Import 1 respondent" not in r.text
    r = facilitator.post(
        f"/assessments/{aid}/import",
        data={"csrf_token": csrf_of(facilitator), "action": "preview", "ignore_unmatched": "on"},
        files={
            "file": ("s.csv", data, "text/csv"),
            "mapping": ("map.yaml", b"labels: {Mostly: partly}\n", "application/yaml"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 200, r.text
    assert "Import 1 respondent" in r.text
    confirm = {
        "csrf_token": csrf_of(facilitator),
        "action": "import",
        "filename": "s.csv",
        "payload": hidden(r.text, "payload"),
        "mapping_payload": hidden(r.text, "mapping_payload"),
        "ignore_unmatched": "on",
    }
    done = facilitator.post(f"/assessments/{aid}/import", data=confirm, follow_redirects=False)
    assert done.status_code == 303, done.text
    with app.state.scorecard.read() as s:
        row = s.scalars(select(Answer).join(Respondent).where(Respondent.assessment_id == aid)).one()
        assert (row.question_id, row.answer) == (CORE[0].id, "partly")


def test_bad_files_are_refused_with_row_and_column(app: FastAPI, facilitator: TestClient) -> None:
    aid = new_assessment(app)
    r = post_file(facilitator, aid, BAD)
    assert r.status_code == 422
    assert "row 3, column C" in r.text
    assert "Nothing was added" in r.text
    # a confirmation of a file with problems imports nothing either
    forced = facilitator.post(
        f"/assessments/{aid}/import",
        data={"csrf_token": csrf_of(facilitator), "action": "import", "payload": pack(BAD)},
        follow_redirects=False,
    )
    assert forced.status_code == 422
    cases: list[tuple[bytes, str, str]] = [
        ("Name,x\nJosé,Yes\n".encode("cp1252"), "a.csv", "not UTF-8 text"),
        (b"", "a.csv", "the file is empty"),
        (b"Name,x\n", "a.xlsx", "not an Excel workbook"),
        (b"Name,x\na,Yes,extra\n", "a.csv", "row 2, column C: a value beyond the last header column"),
    ]
    for data, name, message in cases:
        r = post_file(facilitator, aid, data, name)
        assert r.status_code == 422, (name, r.text)
        assert message in r.text, (name, r.text)
    damaged = facilitator.post(
        f"/assessments/{aid}/import",
        data={"csrf_token": csrf_of(facilitator), "action": "import", "payload": "not base64!"},
        follow_redirects=False,
    )
    assert damaged.status_code == 422
    assert "damaged" in damaged.text
    assert saved(app, aid) == (0, 0)


def test_closed_assessment_takes_no_import(app: FastAPI, facilitator: TestClient) -> None:
    aid = new_assessment(app, status="closed")
    assert "is closed" in facilitator.get(f"/assessments/{aid}/import").text
    r = post_file(facilitator, aid, GOOD)
    assert "Import 2 respondents" not in r.text
    forced = facilitator.post(
        f"/assessments/{aid}/import",
        data={"csrf_token": csrf_of(facilitator), "action": "import", "payload": pack(GOOD)},
        follow_redirects=False,
    )
    assert forced.status_code == 409
    assert saved(app, aid) == (0, 0)


def test_roles_and_csrf(
    app: FastAPI, viewer: TestClient, client: TestClient, facilitator: TestClient
) -> None:
    aid = new_assessment(app)
    assert viewer.get(f"/assessments/{aid}/import").status_code == 403
    assert post_file(viewer, aid, GOOD).status_code == 403
    assert viewer.get(f"/assessments/{aid}/answers.csv").status_code == 403
    assert f"/assessments/{aid}/import" not in viewer.get(f"/assessments/{aid}").text
    anonymous = client.get(f"/assessments/{aid}/import", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login")
    r = client.post(f"/assessments/{aid}/import", files={"file": ("a.csv", GOOD)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/assessments/{aid}/answers.csv").status_code == 401
    no_token = facilitator.post(
        f"/assessments/{aid}/import", files={"file": ("a.csv", GOOD)}, follow_redirects=False
    )
    assert no_token.status_code == 403
    assert "expired" in no_token.text
    assert facilitator.get("/assessments/999999/import").status_code == 404
    assert saved(app, aid) == (0, 0)


def test_answers_csv_download_round_trips(app: FastAPI, facilitator: TestClient) -> None:
    aid = new_assessment(app)
    r = post_file(facilitator, aid, GOOD)
    confirm = {"csrf_token": csrf_of(facilitator), "action": "import", "payload": hidden(r.text, "payload")}
    assert (
        facilitator.post(f"/assessments/{aid}/import", data=confirm, follow_redirects=False).status_code
        == 303
    )
    page = facilitator.get(f"/assessments/{aid}")
    assert f"/assessments/{aid}/answers.csv" in page.text
    download = facilitator.get(f"/assessments/{aid}/answers.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="answers-Team-A-Q1-check-2026-03-01.csv"' in download.headers["content-disposition"]
    back = import_survey(download.content, source="d.csv", framework=FW)
    original = import_survey(GOOD, source="g.csv", framework=FW)
    assert sorted(r.model_dump_json() for r in back.respondents) == sorted(
        r.model_dump_json() for r in original.respondents
    )


# --- the API -------------------------------------------------------------------------------


def test_api_dry_run_then_import(app: FastAPI, api: TestClient) -> None:
    aid = new_assessment(app)
    url = f"{V1}/assessments/{aid}/imports"
    r = api.post(url, params={"dry_run": "true"}, files={"file": ("responses.csv", GOOD, "text/csv")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["dry_run"] is True
    assert body["imported"] == 0
    preview = body["preview"]
    assert preview["ok"] is True
    assert preview["layout"] == "google-forms"
    assert preview["respondents"] == 2
    assert preview["columns"][2] == {
        "column": "C",
        "header": CORE[0].text,
        "kind": "question",
        "question_id": CORE[0].id,
        "how": "text",
        "candidates": [],
        "note": None,
    }
    assert saved(app, aid) == (0, 0)
    r = api.post(url, files={"file": ("responses.csv", GOOD, "text/csv")})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["imported"] == 2
    assert {p["name"] for p in body["respondents"]} == {"ana@example.com", None}
    assert all(p["source"] == "upload" for p in body["respondents"])
    assert saved(app, aid) == (2, len(CORE) + 2)
    again = api.post(url, files={"file": ("responses.csv", GOOD, "text/csv")})
    assert again.status_code == 409
    assert saved(app, aid) == (2, len(CORE) + 2)
    csv_body = api.get(f"{V1}/assessments/{aid}/answers.csv")
    assert csv_body.status_code == 200
    assert csv_body.headers["content-type"].startswith("text/csv")
    assert len(import_survey(csv_body.content, source="x.csv", framework=FW).respondents) == 2


def test_api_problems_and_roles(app: FastAPI, api: TestClient, users: dict[str, str]) -> None:
    aid = new_assessment(app)
    url = f"{V1}/assessments/{aid}/imports"
    r = api.post(url, params={"dry_run": "true"}, files={"file": ("bad.csv", BAD, "text/csv")})
    assert r.status_code == 200
    preview = r.json()["preview"]
    assert preview["ok"] is False
    assert preview["unmatched_labels"] == [
        {"label": "Mostly", "column": "C", "question_id": CORE[0].id, "cells": ["C3"]}
    ]
    r = api.post(url, files={"file": ("bad.csv", BAD, "text/csv")})
    assert r.status_code == 422
    assert "bad.csv: row 3, column C" in r.json()["detail"]
    r = api.post(
        url,
        files={"file": ("bad.csv", BAD, "text/csv"), "mapping": ("m.yaml", b"labels: {Mostly: partly}\n")},
    )
    assert r.status_code == 201, r.text
    r = api.post(url, files={"file": ("x.xlsx", b"not a zip", "application/octet-stream")})
    assert r.status_code == 422
    assert "not an Excel workbook" in r.json()["detail"]
    assert api.post(url).status_code == 422  # no file
    assert api.post(f"{V1}/assessments/999999/imports", files={"file": ("a.csv", GOOD)}).status_code == 404
    viewer = TestClient(app, raise_server_exceptions=False)
    viewer.headers["Authorization"] = f"Bearer {users['viewer']}"
    assert viewer.post(url, files={"file": ("a.csv", GOOD)}).status_code == 403
    assert viewer.get(f"{V1}/assessments/{aid}/answers.csv").status_code == 403
    anonymous = TestClient(app, raise_server_exceptions=False)
    assert anonymous.post(url, files={"file": ("a.csv", GOOD)}).status_code == 401
    assert anonymous.get(f"{V1}/assessments/{aid}/answers.csv").status_code == 401
    assert saved(app, aid) == (2, 2)  # only the mapped import
