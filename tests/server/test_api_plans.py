"""The improvement plan through the REST API: read, track, reorder, export; roles and
clear 4xx for bad input; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_plans import derived_keys, seed_plan, stored

from mlops_scorecard.store import units

V1 = "/api/v1"


def token_client(app: FastAPI, token: str) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    c.headers["Authorization"] = f"Bearer {token}"
    return c


@pytest.fixture
def viewer_api(app: FastAPI, users: dict[str, str]) -> TestClient:
    return token_client(app, users["viewer"])


def test_get_plan_is_build_plan(app: FastAPI, viewer_api: TestClient) -> None:
    aid = seed_plan(app, question_set="full")["assessment"]
    r = viewer_api.get(f"{V1}/assessments/{aid}/plan")
    assert r.status_code == 200, r.text
    data = r.json()
    keys = derived_keys(app, aid)
    assert [i["key"] for i in data["items"]] == keys
    assert data["assessment_id"] == aid
    assert data["manual_order"] is False
    assert data["orphans"] == []
    first = data["items"][0]
    assert set(first) >= {"rank", "question", "dimension", "recommendation", "distribution", "gain", "status"}
    assert (first["status"], first["owner"], first["due"], first["note"], first["updated_at"]) == (
        "open",
        "",
        None,
        "",
        None,
    )
    assert first["gain"] > 0


def test_patch_changes_and_clears_fields(app: FastAPI, api: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[1]
    url = f"{V1}/assessments/{aid}/plan/{key}"
    r = api.patch(url, json={"status": "in-progress", "owner": " Ada ", "due": "2026-02-01", "note": "first"})
    assert r.status_code == 200, r.text
    item = r.json()
    assert (item["key"], item["status"], item["owner"], item["due"], item["note"]) == (
        key,
        "in-progress",
        "Ada",
        "2026-02-01",
        "first",
    )
    assert item["updated_at"].endswith("Z")
    # fields left out keep their values
    r = api.patch(url, json={"status": "done"})
    assert (r.json()["owner"], r.json()["due"], r.json()["status"]) == ("Ada", "2026-02-01", "done")
    got = api.get(f"{V1}/assessments/{aid}/plan").json()
    assert next(i for i in got["items"] if i["key"] == key)["status"] == "done"
    # null due, empty owner and note clear them; an all-default item is no longer stored
    r = api.patch(url, json={"status": "open", "owner": "", "due": None, "note": ""})
    assert r.status_code == 200
    assert (r.json()["owner"], r.json()["due"], r.json()["note"]) == ("", None, "")
    assert stored(app, aid) == {}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"status": "finished"}, 422),
        ({"status": "in progress"}, 422),
        ({"due": "31.01.2026"}, 422),
        ({"due": "2026-02-30"}, 422),
        ({"owner": "x" * 201}, 422),
        ({"note": "a\u0000b"}, 422),
        ({"priority": 1}, 422),
        ({"owner": 5}, 422),
    ],
)
def test_patch_refuses_bad_input(app: FastAPI, api: TestClient, body: dict[str, Any], status: int) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[0]
    r = api.patch(f"{V1}/assessments/{aid}/plan/{key}", json=body)
    assert r.status_code == status, r.text
    assert "detail" in r.json()
    assert stored(app, aid) == {}


def test_patch_unknown_things_are_404(app: FastAPI, api: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[0]
    r = api.patch(f"{V1}/assessments/{aid}/plan/gov-nothing", json={"status": "done"})
    assert r.status_code == 404
    assert "not in the plan" in r.json()["detail"]
    assert api.patch(f"{V1}/assessments/999999/plan/{key}", json={"status": "done"}).status_code == 404
    assert api.get(f"{V1}/assessments/999999/plan").status_code == 404
    assert api.patch(f"{V1}/assessments/{aid}/plan/bad%20id", json={"status": "done"}).status_code == 422


def test_put_order_and_reset(app: FastAPI, api: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    order = list(reversed(keys))
    r = api.put(f"{V1}/assessments/{aid}/plan/order", json={"question_ids": order})
    assert r.status_code == 200, r.text
    assert [i["key"] for i in r.json()["items"]] == order
    assert [i["rank"] for i in r.json()["items"]] == list(range(1, len(keys) + 1))
    assert r.json()["items"][0]["computed_rank"] == len(keys)
    assert r.json()["manual_order"] is True
    assert [i["key"] for i in api.get(f"{V1}/assessments/{aid}/plan").json()["items"]] == order
    r = api.delete(f"{V1}/assessments/{aid}/plan/order")
    assert r.status_code == 200
    assert [i["key"] for i in r.json()["items"]] == keys
    assert r.json()["manual_order"] is False


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        (lambda k: [*k, "gov-nothing"], 404, "not in the plan"),
        (lambda k: [*k, k[0]], 422, "more than once"),
        (lambda k: k[:-1], 422, "missing"),
        (lambda k: [], 422, "missing"),
    ],
)
def test_put_order_refuses_an_order_that_is_not_the_plan(
    app: FastAPI, api: TestClient, change: Any, status: int, message: str
) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    r = api.put(f"{V1}/assessments/{aid}/plan/order", json={"question_ids": change(keys)})
    assert r.status_code == status, r.text
    assert message in r.json()["detail"]
    assert stored(app, aid) == {}


def test_bad_order_bodies_are_422(app: FastAPI, api: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    url = f"{V1}/assessments/{aid}/plan/order"
    for body in [{}, {"question_ids": "gov-strategy"}, {"question_ids": [1]}, {"question_ids": [], "x": 1}]:
        assert api.put(url, json=body).status_code == 422, body
    assert api.put(url, content=b"not json", headers={"Content-Type": "application/json"}).status_code == 422


def test_roles(app: FastAPI, users: dict[str, str], viewer_api: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    anonymous = TestClient(app, raise_server_exceptions=False)
    writes = [
        ("PATCH", f"{V1}/assessments/{aid}/plan/{keys[0]}", {"status": "done"}),
        ("PUT", f"{V1}/assessments/{aid}/plan/order", {"question_ids": keys}),
        ("DELETE", f"{V1}/assessments/{aid}/plan/order", None),
    ]
    for method, url, body in writes:
        assert anonymous.request(method, url, json=body).status_code == 401, url
        assert viewer_api.request(method, url, json=body).status_code == 403, url
    assert stored(app, aid) == {}
    assert anonymous.get(f"{V1}/assessments/{aid}/plan").status_code == 401
    assert viewer_api.get(f"{V1}/assessments/{aid}/plan/export?format=csv").status_code == 200
    admin = token_client(app, users["admin"])
    assert admin.patch(writes[0][1], json={"status": "done"}).status_code == 200


def test_closed_assessments_are_tracked(app: FastAPI, api: TestClient) -> None:
    aid = seed_plan(app, status="closed")["assessment"]
    keys = derived_keys(app, aid)
    r = api.patch(f"{V1}/assessments/{aid}/plan/{keys[0]}", json={"status": "accepted-risk", "owner": "CTO"})
    assert r.status_code == 200
    r = api.put(f"{V1}/assessments/{aid}/plan/order", json={"question_ids": [*keys[1:], keys[0]]})
    assert r.status_code == 200
    assert r.json()["items"][-1]["status"] == "accepted-risk"


def test_exports(app: FastAPI, viewer_api: TestClient, api: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    api.patch(f"{V1}/assessments/{aid}/plan/{keys[0]}", json={"status": "done", "note": "a, b"})
    url = f"{V1}/assessments/{aid}/plan/export"
    r = viewer_api.get(url)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/markdown")
    assert r.text.startswith("# Improvement plan: Team A, Q1 check (2025-03-01)")
    assert "- [x] **1. " in r.text
    r = viewer_api.get(url, params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["key"] for row in rows] == keys
    assert (rows[0]["status"], rows[0]["note"]) == ("done", "a, b")
    r = viewer_api.get(url, params={"format": "json"})
    assert r.headers["content-type"] == "application/json"
    assert [i["key"] for i in r.json()["items"]] == keys
    assert r.json() == viewer_api.get(f"{V1}/assessments/{aid}/plan").json()
    assert viewer_api.get(url, params={"format": "pdf"}).status_code == 422
    assert viewer_api.get(f"{V1}/assessments/999999/plan/export").status_code == 404


def test_plan_of_an_assessment_without_answers_is_empty(app: FastAPI, viewer_api: TestClient) -> None:
    aid = seed_plan(app, people=0)["assessment"]
    data = viewer_api.get(f"{V1}/assessments/{aid}/plan").json()
    assert data["items"] == []
    assert data["overall"] is None


def test_exports_neutralize_hostile_text(app: FastAPI, viewer_api: TestClient, api: TestClient) -> None:
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name='=HYPERLINK("http://evil.example")')
        unit_id = unit.id
    aid = seed_plan(app, unit_id=unit_id, title="<script>alert(1)</script>")["assessment"]
    key = derived_keys(app, aid)[0]
    note = "@SUM(1+1)\n# Injected heading\n[x](javascript:alert(1))"
    r = api.patch(f"{V1}/assessments/{aid}/plan/{key}", json={"owner": "=cmd|' /C calc'!A0", "note": note})
    assert r.status_code == 200
    url = f"{V1}/assessments/{aid}/plan/export"
    rows = list(csv.DictReader(io.StringIO(viewer_api.get(url, params={"format": "csv"}).text)))
    assert (rows[0]["owner"], rows[0]["note"]) == ("'=cmd|' /C calc'!A0", "'" + note)
    md = viewer_api.get(url).text
    assert md.startswith(
        '# Improvement plan: =HYPERLINK("http://evil.example"), \\<script\\>alert(1)\\</script\\> (2025-03-01)\n'
    )
    assert "owner: =cmd\\|' /C calc'\\!A0" in md
    assert "  - Note: @SUM(1+1) \\# Injected heading \\[x\\](javascript:alert(1))" in md
    assert not re.search(r"(?<!\\)<(script|img)", md)
    assert not re.search(r"(?<!\\)\]\(javascript", md)
    # the JSON export is data, not a document: the values as stored
    item = viewer_api.get(url, params={"format": "json"}).json()["items"][0]
    assert (item["owner"], item["note"]) == ("=cmd|' /C calc'!A0", note)
