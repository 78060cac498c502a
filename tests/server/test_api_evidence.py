"""The evidence API: POST, GET and DELETE /api/v1/assessments/{id}/evidence, on SQLite
and PostgreSQL, with hostile input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from scans import assessment_with_answers, finding, repo, scan, scan_json, tracking_scan

from mlops_scorecard.settings import Settings
from mlops_scorecard.store.assessments import get_assessment, set_status
from mlops_scorecard.web import create_app

V1 = "/api/v1"


@pytest.fixture
def aid(app: FastAPI) -> int:
    with app.state.scorecard.write() as s:
        return assessment_with_answers(s).id


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_upload_then_read_as_a_viewer(api: TestClient, app: FastAPI, users: dict[str, str], aid: int) -> None:
    r = api.post(f"{V1}/assessments/{aid}/evidence", json=scan_json(tracking_scan(), crosscheck={"x": 1}))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stored"] == ["api", "models"]
    assert [x["name"] for x in body["repositories"]] == ["api", "models"]
    first = body["repositories"][0]
    assert first["uploaded_by"] == "facilitator"
    assert (first["commit"], first["practices_found"], first["kind"]) == ("abc123", 1, "git")
    assert first["uploaded_at"].endswith(("Z", "+00:00"))
    kinds = {(d["question"], d["kind"]) for d in body["crosscheck"]["disagreements"]}
    assert ("dev-performance-tracking", "evidence-not-claimed") in kinds

    viewer = TestClient(app, headers=bearer(users["viewer"]), raise_server_exceptions=False)
    got = viewer.get(f"{V1}/assessments/{aid}/evidence")
    assert got.status_code == 200
    assert got.json()["scan"]["repositories"][0]["practices"][0]["evidence"][0]["path"] == "train.py"
    assert [x["uploaded_by"] for x in got.json()["repositories"]] == [None, None]  # an account name
    assert got.json()["crosscheck"] == body["crosscheck"]
    assert got.json()["scan"] == body["scan"]


def test_without_scans_the_crosscheck_is_null(api: TestClient, aid: int) -> None:
    r = api.get(f"{V1}/assessments/{aid}/evidence")
    assert r.status_code == 200
    assert r.json()["repositories"] == []
    assert r.json()["crosscheck"] is None


def test_a_second_upload_replaces_one_repository(api: TestClient, aid: int) -> None:
    api.post(f"{V1}/assessments/{aid}/evidence", json=scan_json(tracking_scan()))
    newer = scan(repo("api", finding("experiment-tracking", "not-found"), commit="def456"))
    r = api.post(f"{V1}/assessments/{aid}/evidence", json=scan_json(newer))
    assert r.status_code == 201
    assert r.json()["stored"] == ["api"]
    commits = {x["name"]: x["commit"] for x in r.json()["repositories"]}
    assert commits == {"api": "def456", "models": "abc123"}


def test_delete_a_repository_by_a_name_with_a_slash(
    api: TestClient, app: FastAPI, users: dict[str, str], aid: int
) -> None:
    api.post(f"{V1}/assessments/{aid}/evidence", json=scan_json(scan(repo("group/api"), repo("models"))))
    viewer = TestClient(app, headers=bearer(users["viewer"]), raise_server_exceptions=False)
    assert viewer.delete(f"{V1}/assessments/{aid}/evidence/models").status_code == 403
    r = api.delete(f"{V1}/assessments/{aid}/evidence/group/api")
    assert r.status_code == 200, r.text
    assert [x["name"] for x in r.json()["repositories"]] == ["models"]
    r = api.delete(f"{V1}/assessments/{aid}/evidence/group/api")
    assert r.status_code == 404
    assert "no scan of a repository named 'group/api'" in r.json()["detail"]


def test_closed_assessments_refuse_uploads_and_deletes(api: TestClient, app: FastAPI, aid: int) -> None:
    api.post(f"{V1}/assessments/{aid}/evidence", json=scan_json(tracking_scan()))
    with app.state.scorecard.write() as s:
        set_status(s, assessment=get_assessment(s, assessment_id=aid), status="closed")
    r = api.post(f"{V1}/assessments/{aid}/evidence", json=scan_json(tracking_scan()))
    assert r.status_code == 409
    assert "closed" in r.json()["detail"]
    assert api.delete(f"{V1}/assessments/{aid}/evidence/api").status_code == 409
    assert len(api.get(f"{V1}/assessments/{aid}/evidence").json()["repositories"]) == 2


# --- who may ---------------------------------------------------------------------------------


def test_tokens_and_roles(app: FastAPI, users: dict[str, str], aid: int) -> None:
    body = scan_json(tracking_scan())
    c = TestClient(app, raise_server_exceptions=False)
    url = f"{V1}/assessments/{aid}/evidence"
    assert c.post(url, json=body).status_code == 401
    assert c.post(url, json=body, headers=bearer("msc_forged-token-that-was-never-issued")).status_code == 401
    assert c.get(url, headers=bearer("msc_forged")).status_code == 401
    r = c.post(url, json=body, headers=bearer(users["viewer"]))
    assert r.status_code == 403
    assert "facilitator" in r.json()["detail"]
    assert c.post(url, json=body, headers=bearer(users["admin"])).status_code == 201
    assert c.get(url, headers=bearer(users["viewer"])).status_code == 200


# --- hostile input -------------------------------------------------------------------------------


def post_raw(api: TestClient, aid: int, content: bytes, media: str = "application/json") -> Any:
    return api.post(f"{V1}/assessments/{aid}/evidence", content=content, headers={"Content-Type": media})


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "not JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
        (b'{"schema_version": 2, "repositories": [{"path": "."}]}', "schema_version 2 is not one"),
        (json.dumps({"repositories": [{"path": f"r{i}"} for i in range(10_000)]}).encode(), "at most 1000"),
        (
            json.dumps(
                {
                    "repositories": [
                        {
                            "path": ".",
                            "practices": [
                                {
                                    "id": "ci",
                                    "status": "found",
                                    "evidence": [
                                        {"path": "a", "line": 0, "signal": "s", "confidence": "high"}
                                    ],
                                }
                            ],
                        }
                    ]
                }
            ).encode(),
            "repositories[0].practices[0].evidence[0].line: Input should be greater than or equal to 1",
        ),
        (b'{"repositories": []}', "the scan holds no repository"),
        (b'"a string"', "a scan is a JSON object"),
    ],
)
def test_bad_scans_are_422_with_the_place(api: TestClient, aid: int, content: bytes, fragment: str) -> None:
    r = post_raw(api, aid, content)
    assert r.status_code == 422, r.text
    assert fragment in r.json()["detail"]
    assert api.get(f"{V1}/assessments/{aid}/evidence").json()["repositories"] == []


def test_a_body_over_the_cap_is_413(api: TestClient, aid: int) -> None:
    big = json.dumps({"repositories": [{"path": "x" * 900}] * 3500}).encode()
    assert len(big) > 3 * 2**20
    assert post_raw(api, aid, big).status_code == 413


def test_the_scan_cap_holds_when_the_upload_limit_is_higher(sqlite_url: str) -> None:
    from mlops_scorecard.store.accounts import create_api_token, create_user

    app = create_app(Settings(database_url=sqlite_url, secret_key="k", max_upload_bytes=8 * 2**20))
    with app.state.scorecard.write() as s:
        user = create_user(s, username="f", password="long enough", role="facilitator")
        token = create_api_token(s, user=user, name="t")[1]
        a = assessment_with_answers(s)
        aid = a.id
    c = TestClient(app, headers=bearer(token), raise_server_exceptions=False)
    body = json.dumps({"repositories": [{"path": "x" * 900}] * 2600}).encode()  # ~2.4 MiB
    r = post_raw(c, aid, body)
    assert r.status_code == 413
    assert "larger than 2 MiB" in r.json()["detail"]
    app.state.scorecard.engine.dispose()


def test_other_bodies_and_ids(api: TestClient, aid: int) -> None:
    assert post_raw(api, aid, b"repositories: []", "application/yaml").status_code == 415
    assert post_raw(api, aid, b"", "").status_code == 415
    assert post_raw(api, aid, b"\x00", "application/json").status_code == 422
    assert post_raw(api, aid, b'{"repositories": [{"path": "\\u0000"}]}').status_code == 422
    r = api.post(f"{V1}/assessments/999999/evidence", json=scan_json(tracking_scan()))
    assert r.status_code == 404
    assert api.get(f"{V1}/assessments/999999/evidence").status_code == 404
    assert api.get(f"{V1}/assessments/0/evidence").status_code == 422
    assert api.delete(f"{V1}/assessments/{aid}/evidence/{'x' * 201}").status_code == 422


def test_markup_in_a_scan_is_stored_as_text(api: TestClient, aid: int) -> None:
    hostile = scan(repo("<script>alert(1)</script>", finding("ci", "found", ("<script>.yml", 1))))
    r = api.post(f"{V1}/assessments/{aid}/evidence", json=scan_json(hostile))
    assert r.status_code == 201
    assert r.headers["content-type"] == "application/json"
    assert r.json()["stored"] == ["<script>alert(1)</script>"]
