"""The frameworks API, on SQLite and PostgreSQL: list, one as JSON and YAML, publish
(created, unchanged, in use, problems with lines), delete, and assessments on them."""

from __future__ import annotations

import json

import yaml
from custom_frameworks import ACME, ACME_BROKEN, ACME_CHANGED
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mlops_scorecard.framework import parse_framework

V1 = "/api/v1"
YAML = {"Content-Type": "application/yaml"}


def _token_client(app: FastAPI, token: str) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    c.headers["Authorization"] = f"Bearer {token}"
    return c


def _unit(api: TestClient) -> int:
    r = api.post(f"{V1}/units", json={"name": "Search"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_publish_list_get_and_the_same_again(api: TestClient) -> None:
    r = api.post(f"{V1}/frameworks", content=ACME, headers=YAML)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "created"
    fw = body["framework"]
    assert (fw["ref"], fw["builtin"], fw["extends"]) == ("acme-mlops@1.0", False, "mlops-scorecard@1.0.0")
    assert (fw["questions"], fw["created_by"], fw["in_use"]) == (48, "facilitator", False)
    assert fw["dimensions"][-1] == {
        "id": "acme-security",
        "title": "Security",
        "weight": 1.0,
        "core_questions": 1,
        "full_questions": 1,
    }
    again = api.post(f"{V1}/frameworks", content=ACME, headers={"Content-Type": "text/yaml"})
    assert again.status_code == 200
    assert again.json()["status"] == "unchanged"
    listed = api.get(f"{V1}/frameworks").json()
    assert [(f["ref"], f["builtin"]) for f in listed][-1] == ("acme-mlops@1.0", False)
    assert any(f["builtin"] and f["id"] == "mlops-scorecard" for f in listed)
    one = api.get(f"{V1}/frameworks/acme-mlops@1.0").json()
    assert one["framework"]["title"] == "ACME MLOps scorecard"
    assert parse_framework(one["framework"]).ref == "acme-mlops@1.0"
    as_file = api.get(f"{V1}/frameworks/acme-mlops@1.0?format=yaml")
    assert as_file.headers["content-type"].startswith("application/yaml")
    assert as_file.text == ACME  # round trip: YAML -> database -> YAML
    by_accept = api.get(f"{V1}/frameworks/acme-mlops", headers={"Accept": "application/yaml"})
    assert by_accept.text == ACME
    standalone = yaml.safe_load(api.get(f"{V1}/frameworks/acme-mlops@1.0?format=yaml&resolved=true").text)
    assert "extends" not in standalone
    assert parse_framework(standalone).model_dump(exclude={"extends"}) == parse_framework(
        one["framework"]
    ).model_dump(exclude={"extends"})
    builtin = api.get(f"{V1}/frameworks/mlops-scorecard@1.0.0?format=yaml")
    assert yaml.safe_load(builtin.text)["id"] == "mlops-scorecard"


def test_json_and_multipart_bodies(api: TestClient) -> None:
    data = {"extends": "mlops-scorecard@1.0.0", "id": "j", "version": "1", "title": "J"}
    r = api.post(f"{V1}/frameworks", content=json.dumps(data), headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    r = api.post(f"{V1}/frameworks", files={"file": ("acme.yaml", ACME.encode(), "application/yaml")})
    assert r.status_code == 201, r.text
    assert r.json()["framework"]["ref"] == "acme-mlops@1.0"
    r = api.post(f"{V1}/frameworks", content="x: 1", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_problems_with_their_lines(api: TestClient) -> None:
    r = api.post(f"{V1}/frameworks", content=ACME_BROKEN, headers=YAML)
    assert r.status_code == 422
    assert r.json()["problems"] == [
        "framework.yaml: line 10: drop.questions[0]: unknown question id 'gov-nothing' in the base"
    ]
    broken = ACME_BROKEN.replace("gov-nothing", "gov-team")
    r = api.post(f"{V1}/frameworks", files={"file": ("acme.yaml", broken.encode(), "text/yaml")})
    assert r.status_code == 422
    assert r.json()["problems"] == [
        "acme.yaml: line 4: title: String should have at least 1 character",
        "acme.yaml: line 8: dimensions[0] (governance).questions[0] (gov-strategy).weight: "
        "Input should be greater than 0",
    ]
    assert r.json()["detail"] == "\n".join(r.json()["problems"])
    r = api.post(f"{V1}/frameworks", content=b"\xff\xfe", headers=YAML)
    assert r.status_code == 422
    assert "not UTF-8" in r.json()["detail"]
    assert api.get(f"{V1}/frameworks/acme-mlops").status_code == 404


def test_in_use_is_refused_with_the_reason_and_assessments_use_it(api: TestClient) -> None:
    assert api.post(f"{V1}/frameworks", content=ACME, headers=YAML).status_code == 201
    unit = _unit(api)
    r = api.post(
        f"{V1}/assessments",
        json={
            "unit_id": unit,
            "title": "Q1",
            "framework": "acme-mlops@1.0",
            "targets": {"acme-security": 50},
        },
    )
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    assert r.json()["framework"] == "acme-mlops@1.0"
    r = api.post(f"{V1}/frameworks", content=ACME_CHANGED, headers=YAML)
    assert r.status_code == 409
    assert r.json()["problems"] == [
        "framework.yaml: acme-mlops@1.0 is in use (1 assessment uses it): a framework version in use "
        "cannot change, or its results would change with it; publish the new content as a new version"
    ]
    assert api.delete(f"{V1}/frameworks/acme-mlops@1.0").status_code == 409
    listed = {f["ref"]: f for f in api.get(f"{V1}/frameworks").json()}
    assert (listed["acme-mlops@1.0"]["assessments"], listed["acme-mlops@1.0"]["in_use"]) == (1, True)
    assert api.post(f"{V1}/assessments/{aid}/status", json={"status": "open"}).status_code == 200
    answers = {
        "framework": "acme-mlops@1.0",
        "question_set": "core",
        "respondents": [{"name": "Ana", "answers": {"gov-strategy": "yes", "sec-secrets": "partly"}}],
    }
    r = api.post(f"{V1}/assessments/{aid}/answers", json=answers)
    assert r.status_code == 201, r.text
    result = api.get(f"{V1}/assessments/{aid}/results").json()
    scores = {d["id"]: d["score"] for d in result["dimensions"]}
    assert (scores["governance"], scores["acme-security"]) == (100.0, 50.0)
    report = api.get(f"{V1}/assessments/{aid}/report?format=md")
    assert report.status_code == 200
    assert "ACME MLOps scorecard" in report.text


def test_delete_unused_and_refusals(api: TestClient) -> None:
    assert api.post(f"{V1}/frameworks", content=ACME, headers=YAML).status_code == 201
    assert api.delete(f"{V1}/frameworks/acme-mlops").status_code == 422  # name the version
    assert api.delete(f"{V1}/frameworks/mlops-scorecard@1.0.0").status_code == 409
    assert api.delete(f"{V1}/frameworks/acme-mlops@1.0").status_code == 204
    assert api.delete(f"{V1}/frameworks/acme-mlops@1.0").status_code == 404
    assert api.get(f"{V1}/frameworks/acme-mlops@1.0").status_code == 404
    assert api.get(f"{V1}/frameworks/Not%20a%20ref").status_code == 422


def test_roles(app: FastAPI, users: dict[str, str]) -> None:
    viewer = _token_client(app, users["viewer"])
    assert viewer.post(f"{V1}/frameworks", content=ACME, headers=YAML).status_code == 403
    admin = _token_client(app, users["admin"])
    assert admin.post(f"{V1}/frameworks", content=ACME, headers=YAML).status_code == 201
    assert viewer.get(f"{V1}/frameworks/acme-mlops@1.0").status_code == 200
    assert viewer.delete(f"{V1}/frameworks/acme-mlops@1.0").status_code == 403
    anonymous = TestClient(app, raise_server_exceptions=False)
    assert anonymous.get(f"{V1}/frameworks").status_code == 401
    assert anonymous.post(f"{V1}/frameworks", content=ACME, headers=YAML).status_code == 401
