"""The REST API: every endpoint's happy path, roles, and bad input; on SQLite and PostgreSQL.

The ``api`` client sends the facilitator's token; ``users`` maps role -> token.
"""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mlops_scorecard.answers import AnswerSet, parse_answers
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.settings import Settings
from mlops_scorecard.store.answers import save_answer
from mlops_scorecard.store.respondents import respondent_for_token
from mlops_scorecard.store.share_links import join_shared
from mlops_scorecard.web import create_app

V1 = "/api/v1"
YAML = {"Content-Type": "application/yaml"}


def client_for(app: FastAPI, token: str | None) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    if token is not None:
        c.headers["Authorization"] = f"Bearer {token}"
    return c


def new_unit(api: TestClient, name: str = "Payments ML team", **extra: Any) -> dict[str, Any]:
    r = api.post(f"{V1}/units", json={"name": name, **extra})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def new_assessment(api: TestClient, **extra: Any) -> dict[str, Any]:
    unit_id = extra.pop("unit_id", None) or new_unit(api)["id"]
    payload = {
        "unit_id": unit_id,
        "title": "Payments ML team: MLOps assessment",
        "date": "2026-10-01",
        **extra,
    }
    r = api.post(f"{V1}/assessments", json=payload)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def example() -> AnswerSet:
    """The core's example answers, with evidence added so that the round trip covers it."""
    answers = example_answers(get_framework("mlops-scorecard"))
    first = answers.respondents[0]
    qid = next(iter(first.answers))
    first.answers[qid] = first.answers[qid].model_copy(
        update={"comment": "See the runbook.", "evidence": ["https://wiki.example.com/ml/runbook", "JIRA-42"]}
    )
    return answers


def import_yaml(api: TestClient, assessment_id: int, data: dict[str, Any]) -> Any:
    return api.post(
        f"{V1}/assessments/{assessment_id}/answers",
        content=yaml.safe_dump(data, sort_keys=False),
        headers=YAML,
    )


# --- the schema ---------------------------------------------------------------------------


def test_openapi_documents_every_api_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ops = [(path, op) for path, item in spec["paths"].items() for op in item.values()]
    api_ops = [(path, op) for path, op in ops if path.startswith(V1)]
    assert len(api_ops) >= 20
    assert len(api_ops) == len(ops), "only the API is in the schema"
    for path, op in api_ops:
        assert op.get("summary"), path
        assert "401" in op["responses"], path
        assert op.get("security") == [{"HTTPBearer": []}], path
        ok = next(code for code in op["responses"] if code.startswith("2"))
        assert code_documented(op["responses"][ok]) or ok == "204", path
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def code_documented(response: dict[str, Any]) -> bool:
    return bool(response.get("content"))


# --- authentication and roles -------------------------------------------------------------------


def test_me_and_frameworks(api: TestClient) -> None:
    assert api.get(f"{V1}/me").json() == {"id": 2, "username": "facilitator", "role": "facilitator"}
    frameworks = api.get(f"{V1}/frameworks").json()
    fw = next(f for f in frameworks if f["id"] == "mlops-scorecard")
    assert fw["ref"] == f"mlops-scorecard@{fw['version']}"
    assert fw["dimensions"][0]["id"] == "governance"


BAD_AUTH = [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer msc_unknown", "Bearer nope", "msc_x"]


def test_missing_or_bad_token_is_401(app: FastAPI, users: dict[str, str]) -> None:
    c = TestClient(app, raise_server_exceptions=False)
    for header in BAD_AUTH:
        headers = {} if header is None else {"Authorization": header}
        r = c.get(f"{V1}/units", headers=headers)
        assert r.status_code == 401, header
        assert r.headers["content-type"] == "application/json"
        assert "token" in r.json()["detail"]
        r = c.post(f"{V1}/units", json={"name": "x"}, headers=headers)
        assert r.status_code == 401, header
        # authentication comes before any validation of the path, query or body
        assert c.get(f"{V1}/units/0", headers=headers).status_code == 401
        r = c.post(f"{V1}/units", json={"name": 42}, headers=headers)
        assert r.status_code == 401
        r = c.post(
            f"{V1}/assessments/1/answers", content=b"x", headers={**headers, "Content-Type": "text/plain"}
        )
        assert r.status_code == 401


def test_cookies_do_not_authenticate_the_api(facilitator: TestClient) -> None:
    # a logged-in browser session is not an API credential (so no CSRF is needed)
    assert facilitator.get(f"{V1}/units").status_code == 401


def test_viewer_reads_but_cannot_write(app: FastAPI, api: TestClient, users: dict[str, str]) -> None:
    a = new_assessment(api)
    aid, uid = a["id"], a["unit_id"]
    viewer = client_for(app, users["viewer"])
    for path in (
        "/units",
        f"/units/{uid}",
        "/assessments",
        f"/assessments/{aid}",
        f"/assessments/{aid}/results",
        f"/assessments/{aid}/report?format=md",
        "/tokens",
        "/me",
    ):
        assert viewer.get(V1 + path).status_code == 200, path
    writes: list[tuple[str, str, Any]] = [
        ("POST", "/units", {"name": "x"}),
        ("DELETE", f"/units/{uid}", None),
        ("POST", "/assessments", {"unit_id": uid, "title": "t"}),
        ("PATCH", f"/assessments/{aid}", {"title": "t"}),
        ("POST", f"/assessments/{aid}/status", {"status": "open"}),
        ("POST", f"/assessments/{aid}/invitations", {"name": "x"}),
        ("GET", f"/assessments/{aid}/respondents", None),
        ("DELETE", f"/assessments/{aid}/respondents/1", None),
        ("POST", f"/assessments/{aid}/share-links", None),
        ("GET", f"/assessments/{aid}/share-links", None),
        ("DELETE", f"/assessments/{aid}/share-links/1", None),
        ("GET", f"/assessments/{aid}/answers", None),
    ]
    for method, path, body in writes:
        r = viewer.request(method, V1 + path, json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert "facilitator" in r.json()["detail"]
    r = viewer.post(f"{V1}/assessments/{aid}/answers", content=b"framework: x", headers=YAML)
    assert r.status_code == 403
    r = viewer.post(
        f"{V1}/assessments/{aid}/answers", content=b"[bad", headers={"Content-Type": "text/plain"}
    )
    assert r.status_code == 403
    assert viewer.post(f"{V1}/units", json={"name": 42}).status_code == 403
    assert api.get(f"{V1}/assessments/{aid}").json()["title"] == a["title"]  # nothing changed


def test_admin_can_do_what_a_facilitator_can(app: FastAPI, users: dict[str, str]) -> None:
    admin = client_for(app, users["admin"])
    a = new_assessment(admin)
    assert admin.post(f"{V1}/assessments/{a['id']}/status", json={"status": "open"}).status_code == 200


# --- tokens -----------------------------------------------------------------------------------


def test_tokens_create_list_revoke(app: FastAPI, api: TestClient) -> None:
    r = api.post(f"{V1}/tokens", json={"name": "ci job"})
    assert r.status_code == 201
    created = r.json()
    assert created["token"].startswith("msc_")
    assert created["name"] == "ci job"
    assert created["revoked_at"] is None
    listed = api.get(f"{V1}/tokens").json()
    assert [t["name"] for t in listed] == ["ci job", "tests"]
    assert all("token" not in t for t in listed)
    assert created["token"] not in json.dumps(listed)
    ci = client_for(app, created["token"])
    assert ci.get(f"{V1}/me").json()["username"] == "facilitator"
    r = api.delete(f"{V1}/tokens/{created['id']}")
    assert r.status_code == 200
    assert r.json()["revoked_at"] is not None
    r = ci.get(f"{V1}/me")
    assert r.status_code == 401
    assert "revoked" in r.json()["detail"]
    assert api.delete(f"{V1}/tokens/{created['id']}").status_code == 200  # idempotent


def test_tokens_of_others(app: FastAPI, api: TestClient, users: dict[str, str]) -> None:
    admin = client_for(app, users["admin"])
    viewer = client_for(app, users["viewer"])
    viewer_token_id = viewer.get(f"{V1}/tokens").json()[0]["id"]
    assert api.delete(f"{V1}/tokens/{viewer_token_id}").status_code == 404  # not the facilitator's
    assert viewer.get(f"{V1}/me").status_code == 200
    assert admin.delete(f"{V1}/tokens/{viewer_token_id}").status_code == 200  # an admin may
    assert viewer.get(f"{V1}/me").status_code == 401
    assert api.delete(f"{V1}/tokens/999999").status_code == 404


def test_a_viewer_may_manage_own_tokens(app: FastAPI, users: dict[str, str]) -> None:
    viewer = client_for(app, users["viewer"])
    r = viewer.post(f"{V1}/tokens", json={"name": "laptop"})
    assert r.status_code == 201
    assert client_for(app, r.json()["token"]).get(f"{V1}/me").json()["role"] == "viewer"


# --- units ------------------------------------------------------------------------------------


def test_units_tree(api: TestClient) -> None:
    org = new_unit(api, "Acme", kind="organization")
    dept = new_unit(api, "Payments", kind="department", parent_id=org["id"])
    team = new_unit(api, "Fraud ML", parent_id=dept["id"])
    assert team["kind"] == "team"
    assert team["created_at"].endswith("Z")
    listed = api.get(f"{V1}/units").json()
    assert [(u["name"], u["kind"], u["parent_id"]) for u in listed] == [
        ("Acme", "organization", None),
        ("Payments", "department", org["id"]),
        ("Fraud ML", "team", dept["id"]),
    ]
    a = new_assessment(api, unit_id=team["id"])
    detail = api.get(f"{V1}/units/{team['id']}").json()
    assert detail["name"] == "Fraud ML"
    assert [x["id"] for x in detail["assessments"]] == [a["id"]]
    assert api.get(f"{V1}/units/{dept['id']}").json()["assessments"] == []


def test_units_conflicts_and_deletion(api: TestClient) -> None:
    org = new_unit(api, "Acme", kind="organization")
    r = api.post(f"{V1}/units", json={"name": "Acme"})
    assert r.status_code == 409
    assert "already exists" in r.json()["detail"]
    team = new_unit(api, "Team", parent_id=org["id"])
    r = api.delete(f"{V1}/units/{org['id']}")
    assert r.status_code == 409
    assert "sub-units" in r.json()["detail"]
    new_assessment(api, unit_id=team["id"])
    r = api.delete(f"{V1}/units/{team['id']}")
    assert r.status_code == 409
    assert "assessments" in r.json()["detail"]
    empty = new_unit(api, "Empty", parent_id=org["id"])
    r = api.delete(f"{V1}/units/{empty['id']}")
    assert r.status_code == 204
    assert r.content == b""
    assert api.get(f"{V1}/units/{empty['id']}").status_code == 404
    assert api.delete(f"{V1}/units/{empty['id']}").status_code == 404


UNIT_BAD_INPUT: list[tuple[Any, int]] = [
    ({"name": ""}, 422),
    ({"name": "   "}, 422),
    ({"name": "x" * 201}, 422),
    ({"name": 42}, 422),
    ({"name": "x", "kind": "tribe"}, 422),
    ({"name": "x", "parent_id": 999999}, 404),
    ({"name": "x", "parent_id": 0}, 422),
    ({"name": "x", "parent_id": 2**63}, 422),
    ({"name": "x", "parent_id": "one"}, 422),
    ({"name": "x", "colour": "red"}, 422),
    ({"name": "nul\u0000byte"}, 422),
    ({"name": "lone \ud800 surrogate"}, 422),
    ([], 422),
]


def test_units_bad_input(api: TestClient) -> None:
    for payload, status in UNIT_BAD_INPUT:
        r = api.post(f"{V1}/units", content=json.dumps(payload), headers={"Content-Type": "application/json"})
        assert r.status_code == status, (payload, r.text)
        assert r.json()["detail"]
    assert api.get(f"{V1}/units").json() == []


def test_malformed_json_is_422(api: TestClient) -> None:
    r = api.post(f"{V1}/units", content=b'{"name": "x",', headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "json_invalid"
    r = api.post(f"{V1}/units", content=b"name=x", headers={"Content-Type": "text/plain"})
    assert 400 <= r.status_code < 500


def test_out_of_range_path_ids_are_422(api: TestClient) -> None:
    for bad, (method, path) in itertools.product(
        ["0", "-1", str(2**31), str(2**63), str(2**64 + 1), "abc", "1.5"], PATHS_WITH_IDS
    ):
        path = path.format(bad)
        r = api.request(method, V1 + path)
        assert r.status_code == 422, (method, path, r.text)
        assert api.get(f"{V1}/assessments", params={"unit_id": bad}).status_code == 422


PATHS_WITH_IDS = (
    ("GET", "/units/{}"),
    ("DELETE", "/units/{}"),
    ("GET", "/assessments/{}"),
    ("GET", "/assessments/{}/results"),
    ("GET", "/assessments/{}/report"),
    ("POST", "/assessments/{}/share-links"),
    ("DELETE", "/assessments/1/respondents/{}"),
    ("DELETE", "/assessments/1/share-links/{}"),
    ("DELETE", "/tokens/{}"),
)


def test_unknown_ids_are_404(api: TestClient) -> None:
    big = 2**31 - 1
    for method, path in (
        ("GET", f"/units/{big}"),
        ("GET", f"/assessments/{big}"),
        ("GET", f"/assessments/{big}/results"),
        ("GET", f"/assessments/{big}/report"),
        ("GET", f"/assessments/{big}/answers"),
        ("GET", f"/assessments/{big}/respondents"),
        ("POST", f"/assessments/{big}/share-links"),
        ("POST", f"/assessments/{big}/status"),
        ("PATCH", f"/assessments/{big}"),
    ):
        body = {"status": "open"} if path.endswith("status") else {} if method == "PATCH" else None
        r = api.request(method, V1 + path, json=body)
        assert r.status_code == 404, (method, path, r.text)
        assert "no " in r.json()["detail"]
    r = api.post(f"{V1}/assessments/{big}/invitations", json={"name": "x"})
    assert r.status_code == 404
    r = api.post(f"{V1}/assessments/{big}/answers", content=yaml.safe_dump(example().to_data()), headers=YAML)
    assert r.status_code == 404
    assert api.get(f"{V1}/assessments", params={"unit_id": big}).status_code == 404


# --- assessments ---------------------------------------------------------------------------------


def test_assessment_lifecycle(api: TestClient) -> None:
    fw = get_framework("mlops-scorecard")
    a = new_assessment(api, targets={"governance": 80, "monitoring": 60}, question_set="full")
    assert a["status"] == "draft"
    assert a["framework"] == fw.ref
    assert a["question_set"] == "full"
    assert a["targets"] == {"governance": 80.0, "monitoring": 60.0}
    assert a["unit_name"] == "Payments ML team"
    assert api.get(f"{V1}/assessments/{a['id']}").json() == a

    r = api.patch(f"{V1}/assessments/{a['id']}", json={"title": "Q4 review", "date": "2026-12-01"})
    assert r.status_code == 200
    assert (r.json()["title"], r.json()["date"], r.json()["targets"]) == (
        "Q4 review",
        "2026-12-01",
        a["targets"],
    )
    r = api.patch(f"{V1}/assessments/{a['id']}", json={"targets": {"deployment": 50}})
    assert r.json()["targets"] == {"deployment": 50.0}
    assert r.json()["title"] == "Q4 review"

    for status in ("open", "closed"):
        r = api.post(f"{V1}/assessments/{a['id']}/status", json={"status": status})
        assert r.status_code == 200
        assert r.json()["status"] == status
    assert r.json()["closed_at"] is not None
    r = api.patch(f"{V1}/assessments/{a['id']}", json={"title": "changed"})
    assert r.status_code == 409
    assert "closed" in r.json()["detail"]
    r = api.post(f"{V1}/assessments/{a['id']}/status", json={"status": "draft"})
    assert r.status_code == 409
    r = api.post(f"{V1}/assessments/{a['id']}/status", json={"status": "open"})
    assert r.json()["status"] == "open"
    assert r.json()["closed_at"] is None


def test_assessment_list_filters(api: TestClient) -> None:
    org = new_unit(api, "Acme", kind="organization")
    t1 = new_unit(api, "T1", parent_id=org["id"])
    t2 = new_unit(api, "T2", parent_id=org["id"])
    a1 = new_assessment(api, unit_id=t1["id"], date="2026-01-01")
    a2 = new_assessment(api, unit_id=t2["id"], date="2025-01-01", status="open")

    def ids(**params: Any) -> list[int]:
        r = api.get(f"{V1}/assessments", params=params)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()]

    assert ids() == [a2["id"], a1["id"]]  # oldest first
    assert ids(unit_id=t1["id"]) == [a1["id"]]
    assert ids(unit_id=org["id"]) == []
    assert ids(unit_id=org["id"], subtree=True) == [a2["id"], a1["id"]]
    assert ids(status="open") == [a2["id"]]
    assert api.get(f"{V1}/assessments", params={"status": "archived"}).status_code == 422


ASSESSMENT_BAD_INPUT: list[tuple[dict[str, Any], int, str]] = [
    ({"framework": "mlops-scorecard@9.9"}, 422, "no version '9.9'"),
    ({"framework": "nope"}, 422, "unknown framework"),
    ({"framework": "../../etc/passwd"}, 422, "string_pattern_mismatch"),
    ({"framework": "pyproject.toml"}, 422, "unknown framework"),
    ({"targets": {"astrology": 50}}, 422, "unknown dimension"),
    ({"targets": {"governance": 101}}, 422, "less than or equal"),
    ({"targets": {"governance": "high"}}, 422, "valid number"),
    ({"question_set": "most"}, 422, "core"),
    ({"status": "closed"}, 422, "draft"),
    ({"date": "2026-02-30"}, 422, "date"),
    ({"title": ""}, 422, "at least 1"),
    ({"unit_id": 999999}, 404, "no unit"),
    ({"unit_id": 2**40}, 422, "less than or equal"),
]


def test_assessment_bad_input(api: TestClient) -> None:
    unit = new_unit(api)
    for change, status, message in ASSESSMENT_BAD_INPUT:
        payload = {"unit_id": unit["id"], "title": "Q1", **change}
        r = api.post(f"{V1}/assessments", json=payload)
        assert r.status_code == status, (change, r.text)
        assert message in json.dumps(r.json()["detail"]), (change, r.text)
    assert api.get(f"{V1}/assessments").json() == []


def test_assessment_patch_and_status_bad_input(api: TestClient) -> None:
    a = new_assessment(api)
    patches: list[Any] = [
        {"title": "x" * 201},
        {"targets": {"nope": 1}},
        {"date": 12},
        {"status": "open"},
        [],
    ]
    for body in patches:
        r = api.patch(f"{V1}/assessments/{a['id']}", json=body)
        assert r.status_code == 422, body
    statuses: list[Any] = [{"status": "archived"}, {}, {"status": None}]
    for body in statuses:
        r = api.post(f"{V1}/assessments/{a['id']}/status", json=body)
        assert r.status_code == 422, body
    assert api.get(f"{V1}/assessments/{a['id']}").json() == a


# --- invitations and shared links ---------------------------------------------------------------------


def test_named_invitations(app: FastAPI, api: TestClient) -> None:
    a = new_assessment(api, status="open")
    r = api.post(f"{V1}/assessments/{a['id']}/invitations", json={"name": " Grace Liu ", "role": "product"})
    assert r.status_code == 201
    inv = r.json()
    assert (inv["name"], inv["role"]) == ("Grace Liu", "product")
    assert inv["link"] == f"/r/{inv['token']}"
    assert len(inv["token"]) >= 40
    r = api.post(f"{V1}/assessments/{a['id']}/invitations", json={"name": "Grace Liu"})
    assert r.status_code == 409
    assert "already invited" in r.json()["detail"]
    api.post(f"{V1}/assessments/{a['id']}/invitations", json={"name": "Jonas Weber", "role": "data-engineer"})

    with app.state.scorecard.write() as s:  # the link works: answer two questions through it
        respondent, assessment = respondent_for_token(s, token=inv["token"])
        for qid in ("gov-strategy", "gov-policies"):
            save_answer(s, respondent=respondent, assessment=assessment, question_id=qid, answer="yes")

    r = api.get(f"{V1}/assessments/{a['id']}/respondents")
    assert r.status_code == 200
    people = r.json()
    assert [(p["name"], p["role"], p["answered"], p["source"]) for p in people] == [
        ("Grace Liu", "product", 2, "invitation"),
        ("Jonas Weber", "data-engineer", 0, "invitation"),
    ]
    assert inv["token"] not in r.text
    assert all("token" not in p for p in people)

    r = api.delete(f"{V1}/assessments/{a['id']}/respondents/{inv['id']}")
    assert r.status_code == 200
    assert r.json()["revoked_at"] is not None
    with app.state.scorecard.read() as s, pytest.raises(Exception, match="not valid"):
        respondent_for_token(s, token=inv["token"])
    # a revoked name may be invited again
    r = api.post(f"{V1}/assessments/{a['id']}/invitations", json={"name": "Grace Liu"})
    assert r.status_code == 201
    other = new_assessment(api, unit_id=a["unit_id"])
    r = api.delete(f"{V1}/assessments/{other['id']}/respondents/{inv['id']}")
    assert r.status_code == 404


def test_invitation_bad_input(api: TestClient) -> None:
    a = new_assessment(api)
    for body in (
        {},
        {"name": ""},
        {"name": "x" * 201},
        {"name": "x", "role": "r" * 101},
        {"name": "x", "token": "t"},
    ):
        r = api.post(f"{V1}/assessments/{a['id']}/invitations", json=body)
        assert r.status_code == 422, body
    assert api.get(f"{V1}/assessments/{a['id']}/respondents").json() == []


def test_shared_links(app: FastAPI, api: TestClient) -> None:
    a = new_assessment(api, status="open")
    r = api.post(f"{V1}/assessments/{a['id']}/share-links")
    assert r.status_code == 201
    link = r.json()
    assert link["link"] == f"/join/{link['token']}"
    with app.state.scorecard.write() as s:
        join_shared(s, token=link["token"], role="ml-engineer")
    listed = api.get(f"{V1}/assessments/{a['id']}/share-links").json()
    assert [(x["id"], x["revoked_at"]) for x in listed] == [(link["id"], None)]
    assert link["token"] not in json.dumps(listed)
    people = api.get(f"{V1}/assessments/{a['id']}/respondents").json()
    assert [(p["name"], p["role"], p["source"]) for p in people] == [(None, "ml-engineer", "shared")]

    r = api.delete(f"{V1}/assessments/{a['id']}/share-links/{link['id']}")
    assert r.status_code == 200
    assert r.json()["revoked_at"] is not None
    with app.state.scorecard.write() as s, pytest.raises(Exception, match="not valid"):
        join_shared(s, token=link["token"])
    assert api.delete(f"{V1}/assessments/{a['id']}/share-links/999999").status_code == 404


def test_closed_assessment_refuses_writes(api: TestClient) -> None:
    a = new_assessment(api, status="open")
    inv = api.post(f"{V1}/assessments/{a['id']}/invitations", json={"name": "Alex"}).json()
    api.post(f"{V1}/assessments/{a['id']}/status", json={"status": "closed"})
    for method, path, body in (
        ("POST", "invitations", {"name": "Priya"}),
        ("POST", "share-links", None),
        ("DELETE", f"respondents/{inv['id']}", None),
        ("PATCH", "", {"title": "x"}),
    ):
        r = api.request(method, f"{V1}/assessments/{a['id']}/{path}".rstrip("/"), json=body)
        assert r.status_code == 409, (method, path, r.text)
        assert "closed" in r.json()["detail"]
    r = import_yaml(api, a["id"], example().to_data())
    assert r.status_code == 409
    assert "closed" in r.json()["detail"]
    assert [p["name"] for p in api.get(f"{V1}/assessments/{a['id']}/respondents").json()] == ["Alex"]


# --- answers files: import, export, round trip --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_answers_round_trip(api: TestClient, fmt: str) -> None:
    original = example()
    a = new_assessment(api, status="open")
    if fmt == "json":
        r = api.post(f"{V1}/assessments/{a['id']}/answers", json=original.to_data())
    else:
        r = import_yaml(api, a["id"], original.to_data())
    assert r.status_code == 201, r.text
    imported = r.json()
    assert imported["imported"] == 4
    assert [(p["name"], p["role"], p["source"]) for p in imported["respondents"]] == [
        (p.name, p.role, "upload") for p in original.respondents
    ]
    assert all(p["submitted_at"] for p in imported["respondents"])

    r = api.get(f"{V1}/assessments/{a['id']}/answers", params={"format": fmt})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json" if fmt == "json" else "application/yaml")
    assert "attachment" in r.headers["content-disposition"]
    exported = json.loads(r.text) if fmt == "json" else yaml.safe_load(r.text)
    assert exported == original.to_data()
    again: AnswerSet = parse_answers(exported)
    assert again.respondents == original.respondents


def test_round_trip_keeps_anonymous_respondents_and_full_answers(api: TestClient) -> None:
    fw = get_framework("mlops-scorecard")
    data: dict[str, Any] = {
        "framework": fw.id,
        "question_set": "core",
        "respondents": [
            {"answers": {"gov-strategy": "yes", "gov-policies": {"answer": "na", "comment": "ünïcode ✓"}}},
            {"name": "Zoë", "answers": {"gov-strategy": {"answer": "no", "evidence": ["a", "b"]}}},
            {"name": "Nobody", "role": "leadership", "answers": {}},
        ],
    }
    a = new_assessment(api)  # a draft takes imports too
    r = api.post(f"{V1}/assessments/{a['id']}/answers", json=data)
    assert r.status_code == 201, r.text
    people = api.get(f"{V1}/assessments/{a['id']}/respondents").json()
    assert [(p["name"], p["answered"]) for p in people] == [(None, 2), ("Zoë", 1), ("Nobody", 0)]
    exported = yaml.safe_load(api.get(f"{V1}/assessments/{a['id']}/answers?format=yaml").text)
    # respondents without answers are not exported (they have nothing to carry)
    assert exported["respondents"] == [
        {"answers": {"gov-strategy": "yes", "gov-policies": {"answer": "na", "comment": "ünïcode ✓"}}},
        {"name": "Zoë", "answers": {"gov-strategy": {"answer": "no", "evidence": ["a", "b"]}}},
    ]
    b = new_assessment(api, unit_id=a["unit_id"])
    r = api.post(f"{V1}/assessments/{b['id']}/answers", json=exported)
    assert r.status_code == 201
    assert api.get(f"{V1}/assessments/{b['id']}/answers").json()["respondents"] == exported["respondents"]


def test_import_twice_is_409_and_keeps_data(api: TestClient) -> None:
    a = new_assessment(api, status="open")
    data = example().to_data()
    assert import_yaml(api, a["id"], data).status_code == 201
    r = import_yaml(api, a["id"], data)
    assert r.status_code == 409
    assert "already has answers" in r.json()["detail"]
    assert api.get(f"{V1}/assessments/{a['id']}/answers").json() == data


def test_concurrent_imports_of_the_same_names(app: FastAPI, api: TestClient, users: dict[str, str]) -> None:
    a = new_assessment(api, status="open")
    data = example().to_data()
    body = yaml.safe_dump(data, sort_keys=False)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def upload() -> None:
        c = client_for(app, users["facilitator"])
        barrier.wait()
        r = c.post(f"{V1}/assessments/{a['id']}/answers", content=body, headers=YAML)
        codes.append(r.status_code)

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(codes) == [201, 409]
    assert api.get(f"{V1}/assessments/{a['id']}/answers").json() == data
    assert len(api.get(f"{V1}/assessments/{a['id']}/respondents").json()) == 4


def test_export_of_individual_answers_needs_facilitator(
    app: FastAPI, api: TestClient, users: dict[str, str]
) -> None:
    a = new_assessment(api, status="open")
    import_yaml(api, a["id"], example().to_data())
    viewer = client_for(app, users["viewer"])
    r = viewer.get(f"{V1}/assessments/{a['id']}/answers")
    assert r.status_code == 403
    assert "Alex" not in r.text
    assert client_for(app, users["admin"]).get(f"{V1}/assessments/{a['id']}/answers").status_code == 200


def _fw_version() -> str:
    return get_framework("mlops-scorecard").version


BAD_FILES: list[tuple[bytes, str, int, str]] = [
    (b"framework: [unclosed", "application/yaml", 422, "invalid YAML"),
    (b'{"framework": ', "application/json", 422, "invalid JSON"),
    (b"", "application/yaml", 422, "the file is empty"),
    (b"- a\n- b\n", "text/yaml", 422, "must be a mapping"),
    (b"\xff\xfe\x00garbage", "application/yaml", 422, "not UTF-8"),
    (b"framework: mlops-scorecard@0.0.1\nrespondents: []\n", "application/yaml", 422, "version"),
    (b"framework: other-framework\nrespondents: []\n", "application/yaml", 422, "not 'mlops-scorecard'"),
    (
        b"framework: mlops-scorecard\nquestion_set: full\nrespondents: []\n",
        "application/yaml",
        422,
        "question set",
    ),
    (
        b"framework: mlops-scorecard\nrespondents:\n- answers: {no-such-question: yes}\n",
        "application/yaml",
        422,
        "unknown question id",
    ),
    (
        b"framework: mlops-scorecard\nrespondents:\n- answers: {gov-strategy: maybe}\n",
        "application/yaml",
        422,
        "unknown answer key",
    ),
    (
        b"framework: mlops-scorecard\nrespondents:\n- {name: A, answers: {}}\n- {name: A, answers: {}}\n",
        "application/yaml",
        422,
        "duplicate name",
    ),
    (b"framework: mlops-scorecard\ncolour: red\n", "application/yaml", 422, "colour"),
    (b'{"framework": "mlops-scorecard", "title": "a\\u0000b"}', "application/json", 422, "NUL"),
    (b'{"framework": "mlops-scorecard", "title": "\\ud800"}', "application/json", 422, "surrogate"),
    (b'framework: "mlops-scorecard"\ntitle: "a\\0b"\n', "application/yaml", 422, "NUL"),
    (
        b"framework: mlops-scorecard\nrespondents:\n- answers: {gov-strategy: {answer: yes, evidence: [!!binary AA==]}}\n",
        "application/yaml",
        422,
        "binary",
    ),
    (
        b"framework: mlops-scorecard\nrespondents:\n- &r {name: A, answers: {}}\n- *r\n",
        "application/yaml",
        422,
        "aliases",
    ),
    (b"[" * 100_000 + b"]" * 100_000, "application/json", 422, "nested"),
    (b"framework: mlops-scorecard\n", "text/plain", 415, "application/json"),
    (b"framework: mlops-scorecard\n", "application/x-www-form-urlencoded", 415, "application/yaml"),
    (b"framework: mlops-scorecard\n", "", 415, "application/yaml"),
]


def test_import_bad_files(api: TestClient) -> None:
    a = new_assessment(api, status="open")
    for content, content_type, status, message in BAD_FILES:
        headers = {"Content-Type": content_type}
        r = api.post(f"{V1}/assessments/{a['id']}/answers", content=content, headers=headers)
        assert r.status_code == status, (content[:80], r.text)
        assert message in r.json()["detail"], (content[:80], r.text)
    assert api.get(f"{V1}/assessments/{a['id']}/respondents").json() == []


def test_import_names_the_framework_version_on_mismatch(api: TestClient) -> None:
    a = new_assessment(api, status="open")
    data = {**example().to_data(), "framework": "mlops-scorecard@0.9"}
    r = api.post(f"{V1}/assessments/{a['id']}/answers", json=data)
    assert r.status_code == 422
    assert f"is {_fw_version()!r}" in r.json()["detail"]


def test_oversized_upload_is_413(app: FastAPI, api: TestClient) -> None:
    a = new_assessment(api, status="open")
    limit = app.state.scorecard.settings.max_upload_bytes
    big = b"framework: mlops-scorecard\ntitle: " + b"x" * limit + b"\n"
    r = api.post(f"{V1}/assessments/{a['id']}/answers", content=big, headers=YAML)
    assert r.status_code == 413
    assert "larger than" in r.json()["detail"]

    def chunks() -> Any:  # no Content-Length: the limit applies while reading
        yield b"framework: mlops-scorecard\ntitle: "
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536

    r = api.post(f"{V1}/assessments/{a['id']}/answers", content=chunks(), headers=YAML)
    assert r.status_code == 413
    assert api.get(f"{V1}/assessments/{a['id']}/respondents").json() == []


# --- results and reports ----------------------------------------------------------------------------


def test_results_with_targets_and_gaps(api: TestClient) -> None:
    fw = get_framework("mlops-scorecard")
    a = new_assessment(api, status="open", targets={"governance": 90, "monitoring": 10})
    empty = api.get(f"{V1}/assessments/{a['id']}/results").json()
    assert empty["overall"] is None
    assert empty["respondent_count"] == 0
    assert all(d["score"] is None and d["gap"] is None for d in empty["dimensions"])

    import_yaml(api, a["id"], example().to_data())
    r = api.get(f"{V1}/assessments/{a['id']}/results")
    assert r.status_code == 200
    result = r.json()
    assert result["framework"] == {"id": fw.id, "version": fw.version}
    assert result["frozen"] is False
    assert result["respondent_count"] == 4
    assert result["targets"] == {"governance": 90.0, "monitoring": 10.0}
    dims = {d["id"]: d for d in result["dimensions"]}
    assert list(dims) == [d.id for d in fw.dimensions]
    gov = dims["governance"]
    assert gov["target"] == 90.0
    assert gov["gap"] == pytest.approx(90.0 - gov["score"])
    assert dims["deployment"]["target"] is None
    assert dims["deployment"]["gap"] is None
    assert set(gov["questions"][0]["distribution"]) == {"yes", "partly", "no", "na", "unknown", "unanswered"}
    assert result["overall"] is not None

    api.post(f"{V1}/assessments/{a['id']}/status", json={"status": "closed"})
    frozen = api.get(f"{V1}/assessments/{a['id']}/results").json()
    assert frozen["frozen"] is True
    assert frozen["status"] == "closed"
    assert frozen["dimensions"] == result["dimensions"]
    assert frozen["overall"] == result["overall"]


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("md", "text/markdown; charset=utf-8", b"# "),
        ("json", "application/json", b"{"),
    ],
)
def test_reports(
    app: FastAPI, api: TestClient, users: dict[str, str], fmt: str, content_type: str, start: bytes
) -> None:
    a = new_assessment(api, status="open")
    import_yaml(api, a["id"], example().to_data())
    viewer = client_for(app, users["viewer"])
    r = viewer.get(f"{V1}/assessments/{a['id']}/report", params={"format": fmt})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == content_type
    assert r.content.lstrip().upper().startswith(start.upper())
    assert f"assessment-{a['id']}.{fmt}" in r.headers["content-disposition"]
    if fmt == "json":
        report = r.json()
        assert report["assessment"]["title"] == a["title"]
        assert report["result"]["respondent_count"] == 4


def test_report_pdf_and_bad_format(api: TestClient) -> None:
    a = new_assessment(api, status="open")
    import_yaml(api, a["id"], example().to_data())
    r = api.get(f"{V1}/assessments/{a['id']}/report?format=pdf")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    r = api.get(f"{V1}/assessments/{a['id']}/report?format=docx")
    assert r.status_code == 422
    assert api.get(f"{V1}/assessments/{a['id']}/report").headers["content-type"].startswith("text/html")


def test_every_api_route_is_documented(sqlite_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_url, secret_key="docs"))
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    for path, item in app.openapi()["paths"].items():
        for method in item:
            assert f"`{method.upper()} {path}`" in docs, (
                f"{method.upper()} {path} is missing from docs/api.md"
            )
    app.state.scorecard.engine.dispose()
