"""The plan as a backlog in the service, on SQLite and PostgreSQL: effort, inline saving
(the forms answered as JSON for ``plan.js``), the focus list, the order by gain, the link
to each question's guidance, the GitHub and Jira exports from the page, the API and the
CLI, the push to a GitHub stand-in on 127.0.0.1, and the audit events of every change."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fake_github import TOKEN, FakeGitHub, fake_github
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_plans import derived_keys, near_keys, post, seed_plan, stored
from typer.testing import CliRunner

import mlops_scorecard
from mlops_scorecard.cli import app as cli_app
from mlops_scorecard.planning.backlog import focus
from mlops_scorecard.settings import Settings
from mlops_scorecard.store import assessments, plans
from mlops_scorecard.store.models import AuditEvent
from mlops_scorecard.store.tracked_plan import TrackedPlan

V1 = "/api/v1"
JSON = {"Accept": "application/json"}


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with fake_github() as fake:
        yield fake


@pytest.fixture
def settings(db_url: str, gh: FakeGitHub) -> Settings:
    return Settings(
        database_url=db_url, secret_key="test-secret-key-not-for-production", github_api_url=gh.url
    )


def events(app: FastAPI, aid: int, action: str | None = None) -> list[AuditEvent]:
    with app.state.scorecard.read() as s:
        q = select(AuditEvent).where(AuditEvent.assessment_id == aid).order_by(AuditEvent.id)
        found = [e for e in s.scalars(q) if action is None or e.action == action]
        s.expunge_all()
        return found


def tracked(app: FastAPI, aid: int) -> TrackedPlan:
    with app.state.scorecard.read() as s:
        return plans.plan_for(s, assessment=assessments.get_assessment(s, assessment_id=aid))


# --- inline saving ------------------------------------------------------------------------------


def test_a_form_posted_for_json_saves_and_answers_the_item(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[1]
    r = post(
        facilitator,
        f"/assessments/{aid}/plan/{key}",
        {"status": "in-progress", "owner": "Ada", "effort": "m", "due_date": "2026-06-30", "note": "go"},
        headers=JSON,
    )
    assert r.status_code == 200, r.text
    data = r.json()
    item = data["item"]
    assert (item["key"], item["status"], item["status_label"], item["effort"], item["owner"]) == (
        key,
        "in-progress",
        "In progress",
        "M",
        "Ada",
    )
    assert data["counts"]["in-progress"] == 1
    assert data["order"] == [it.key for it in tracked(app, aid).items]
    row = stored(app, aid)[key]
    assert (row.effort, row.status, row.note) == ("M", "in-progress", "go")
    # one audit event, by the facilitator, saying what changed
    (event,) = events(app, aid, "plan.item")
    assert event.username == "facilitator"
    assert event.detail is not None
    assert event.detail["changes"]["effort"] == ["", "M"]
    assert event.detail["changes"]["status"] == ["open", "in-progress"]
    assert f"Plan item {key}: status in-progress" in event.summary
    # the same form without JSON still redirects back to the item
    r = post(facilitator, f"/assessments/{aid}/plan/{key}", {"effort": ""})
    assert r.status_code == 303
    assert stored(app, aid)[key].effort == ""
    assert len(events(app, aid, "plan.item")) == 2
    # saving what is already stored records nothing
    post(facilitator, f"/assessments/{aid}/plan/{key}", {"effort": ""}, headers=JSON)
    assert len(events(app, aid, "plan.item")) == 2


def test_json_errors_are_clear_4xx(app: FastAPI, facilitator: TestClient, viewer: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[0]
    r = post(facilitator, f"/assessments/{aid}/plan/{key}", {"effort": "XXL"}, headers=JSON)
    assert r.status_code == 422
    assert "unknown effort 'XXL'" in r.json()["detail"]
    r = facilitator.post(
        f"/assessments/{aid}/plan/{key}", data={"csrf_token": "forged", "effort": "S"}, headers=JSON
    )
    assert r.status_code == 403
    assert "reload the page" in r.json()["detail"]
    assert post(viewer, f"/assessments/{aid}/plan/{key}", {"effort": "S"}, headers=JSON).status_code == 403
    assert stored(app, aid) == {}
    assert events(app, aid) == []


def test_a_move_posted_for_json_answers_the_order_and_is_audited(
    app: FastAPI, facilitator: TestClient
) -> None:
    aid = seed_plan(app)["assessment"]
    near = near_keys(app, aid)
    keys = [k for k in derived_keys(app, aid) if k not in near]
    r = post(facilitator, f"/assessments/{aid}/plan/{keys[1]}/move", {"direction": "up"}, headers=JSON)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["manual_order"] is True
    assert [k for k in data["order"] if k not in near][:2] == [keys[1], keys[0]]
    (event,) = events(app, aid, "plan.reorder")
    assert event.summary == f"Plan reordered: {keys[1]} from 2 to 1"
    assert event.detail is not None
    assert event.detail["after"] == data["order"]
    r = post(facilitator, f"/assessments/{aid}/plan/order/reset", headers=JSON)
    assert r.json()["manual_order"] is False
    assert [e.summary for e in events(app, aid, "plan.reorder")][-1] == "Plan back to the ranked order"


# --- the page -------------------------------------------------------------------------------------


def test_the_page_shows_focus_effort_guidance_and_orders(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed_plan(app, question_set="full")["assessment"]
    plan = tracked(app, aid)
    top = [it.key for it in focus(plan.plan)]
    assert 3 <= len(top) <= 5
    html = facilitator.get(f"/assessments/{aid}").text
    box = html.split('class="plan-focus"', 1)[1].split("</ol>", 1)[0]
    assert [k for k in top if f'href="#plan-item-{k}"' in box] == top
    assert box.index(top[0]) < box.index(top[-1])
    assert "overall" in box
    assert '<select name="effort">' in html
    assert 'src="/static/plan.js"' in html
    assert 'href="/static/plan.css"' in html
    # each item links to its question on the framework's page, which has the anchor
    key = plan.items[0].key
    link = f'href="/frameworks/mlops-scorecard@1.0.0#q-{key}"'
    assert link in html
    fw_page = facilitator.get("/frameworks/mlops-scorecard@1.0.0").text
    assert f'id="q-{key}"' in fw_page
    assert plan.items[0].guidance.split()[0] in fw_page
    # the order by gain: the items not near yes, largest gain to the overall score first
    html = facilitator.get(f"/assessments/{aid}?plan_order=gain").text
    main = html.split("data-plan-list", 1)[1].split("</ol>", 1)[0]
    shown = [k for k in (it.key for it in plan.items) if f'id="plan-item-{k}"' in main]
    by_page = sorted(shown, key=lambda k: main.index(f'id="plan-item-{k}"'))
    gains = {it.key: it.overall_gain or 0.0 for it in plan.items}
    assert [round(gains[k], 6) for k in by_page] == sorted(
        (round(gains[k], 6) for k in by_page), reverse=True
    )
    assert 'aria-current="true">by gain' in html
    assert "data-plan-move" not in html  # no arrows in an order that is not the plan's
    # viewers see effort, never the forms or the GitHub form
    assert "plan.js" in facilitator.get(f"/assessments/{aid}").text


def test_viewers_get_no_forms_and_no_script(app: FastAPI, viewer: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    html = viewer.get(f"/assessments/{aid}").text
    assert "plan-focus" in html
    assert "/static/plan.js" not in html
    assert 'action="/assessments/' not in html.split('id="plan"', 1)[1]
    assert "Effort: —" in html


# --- exports ---------------------------------------------------------------------------------------


def test_github_and_jira_exports_from_the_page_and_the_api(
    app: FastAPI, facilitator: TestClient, api: TestClient
) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    post(facilitator, f"/assessments/{aid}/plan/{keys[0]}", {"status": "done"})
    post(facilitator, f"/assessments/{aid}/plan/{keys[1]}", {"effort": "L", "owner": "ada@example.com"})
    r = facilitator.get(f"/assessments/{aid}/plan.github.json")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["content-disposition"].startswith(
        'attachment; filename="issues-Team-A-Q1-check-2025-03-01'
    )
    issues = r.json()
    assert len(issues) == len(keys) - 1  # the done item is not an issue
    assert all(set(i) == {"title", "body", "labels"} for i in issues)
    first = issues[0]
    assert "effort-L" in first["labels"]
    assert "mlops-scorecard" in first["labels"]
    assert f"http://testserver/assessments/{aid}#plan-item-{keys[1]}" in first["body"]
    assert f"http://testserver/frameworks/mlops-scorecard@1.0.0#q-{keys[1]}" in first["body"]
    r = facilitator.get(f"/assessments/{aid}/plan.jira.csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == len(issues)
    assert rows[0]["Assignee"] == "ada@example.com"
    assert rows[0]["Issue Type"] == "Task"
    # the API gives the same files
    assert api.get(f"{V1}/assessments/{aid}/plan/export?format=github").json() == issues
    assert api.get(f"{V1}/assessments/{aid}/plan/export?format=jira").text == r.text
    # the CSV and JSON exports carry the effort too
    plan_csv = list(csv.DictReader(io.StringIO(facilitator.get(f"/assessments/{aid}/plan.csv").text)))
    assert {row["key"]: row["effort"] for row in plan_csv}[keys[1]] == "L"


def test_api_plan_has_effort_near_yes_focus_and_order_by_gain(app: FastAPI, api: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[2]
    r = api.patch(f"{V1}/assessments/{aid}/plan/{key}", json={"effort": "S"})
    assert r.status_code == 200, r.text
    assert r.json()["effort"] == "S"
    assert api.patch(f"{V1}/assessments/{aid}/plan/{key}", json={"effort": "XL"}).status_code == 422
    data = api.get(f"{V1}/assessments/{aid}/plan").json()
    assert data["focus"] == [it.key for it in focus(tracked(app, aid).plan)]
    assert {i["key"] for i in data["items"] if i["near_yes"]} == near_keys(app, aid)
    by_gain = api.get(f"{V1}/assessments/{aid}/plan?order=gain").json()["items"]
    gains = [round(i["overall_gain"], 6) for i in by_gain]
    assert gains == sorted(gains, reverse=True)
    assert api.get(f"{V1}/assessments/{aid}/plan?order=random").status_code == 422
    (event,) = events(app, aid, "plan.item")
    assert event.username == "facilitator"


# --- the push to GitHub -----------------------------------------------------------------------------


def test_the_web_form_creates_the_issues_and_records_the_push(
    app: FastAPI, facilitator: TestClient, gh: FakeGitHub
) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    r = post(facilitator, f"/assessments/{aid}/plan/github", {"repo": "acme/ml-platform", "token": TOKEN})
    assert r.status_code == 200, r.text
    assert f"{len(keys)} issues created in" in r.text
    assert "https://github.com/acme/ml-platform/issues/101" in r.text
    assert len(gh.issues) == len(keys)
    assert gh.issues[0]["title"].startswith(tracked(app, aid).items[0].dimension_title + ": ")
    assert "mlops-scorecard" in gh.issues[0]["labels"]
    assert "**To do:**" in gh.issues[0]["body"]
    (event,) = events(app, aid, "plan.export")
    assert event.summary == f"Created {len(keys)} of {len(keys)} GitHub issues in acme/ml-platform"
    assert event.detail is not None
    assert event.detail["issues"][0]["number"] == 101
    # the token is never stored
    assert TOKEN not in json.dumps([e.detail for e in events(app, aid)]) + event.summary


def test_the_web_form_says_why_github_refused(app: FastAPI, facilitator: TestClient, gh: FakeGitHub) -> None:
    aid = seed_plan(app)["assessment"]
    r = post(facilitator, f"/assessments/{aid}/plan/github", {"repo": "acme/ml-platform", "token": "ghp_bad"})
    assert r.status_code == 422
    assert "GitHub refused the token (401 Bad credentials)" in r.text
    assert "Traceback" not in r.text
    r = post(facilitator, f"/assessments/{aid}/plan/github", {"repo": "not a repo", "token": TOKEN})
    assert r.status_code == 422
    assert "is not OWNER/NAME" in r.text
    gh.refusals = [
        (201, {}, {}),
        (403, {"message": "API rate limit exceeded"}, {"x-ratelimit-remaining": "0"}),
    ]
    r = post(facilitator, f"/assessments/{aid}/plan/github", {"repo": "acme/ml-platform", "token": TOKEN})
    assert r.status_code == 429
    assert "rate limit" in r.text
    assert "1 issue created before it stopped: #101" in r.text
    # the failed pushes that reached GitHub are in the log, with what they created
    summaries = [e.summary for e in events(app, aid, "plan.export")]
    assert summaries[0].startswith("Created 0 of")
    assert "401" in summaries[0]
    assert summaries[-1].startswith("Created 1 of")


def test_roles_and_csrf_on_the_push(
    app: FastAPI, client: TestClient, viewer: TestClient, facilitator: TestClient, gh: FakeGitHub
) -> None:
    aid = seed_plan(app)["assessment"]
    data: dict[str, Any] = {"repo": "acme/ml-platform", "token": TOKEN}
    path = f"/assessments/{aid}/plan/github"
    assert client.post(path, data={"csrf_token": "x", **data}, follow_redirects=False).status_code == 303
    assert post(viewer, path, data).status_code == 403
    assert facilitator.post(path, data={"csrf_token": "forged", **data}).status_code == 403
    assert gh.requests == []


def test_the_api_creates_the_issues(
    app: FastAPI, api: TestClient, users: dict[str, str], gh: FakeGitHub
) -> None:
    aid = seed_plan(app)["assessment"]
    url = f"{V1}/assessments/{aid}/plan/github"
    r = api.post(url, json={"repo": "acme/ml-platform", "token": TOKEN})
    assert r.status_code == 201, r.text
    created = r.json()["created"]
    assert [c["number"] for c in created] == list(range(101, 101 + len(gh.issues)))
    r = api.post(url, json={"repo": "acme/nothing", "token": TOKEN})
    assert r.status_code == 422
    assert "acme/nothing was not found" in r.json()["detail"]
    viewer_api = TestClient(app, raise_server_exceptions=False)
    viewer_api.headers["Authorization"] = f"Bearer {users['viewer']}"
    assert viewer_api.post(url, json={"repo": "acme/ml-platform", "token": TOKEN}).status_code == 403
    assert [e.username for e in events(app, aid, "plan.export")] == ["facilitator", "facilitator"]


def test_the_cli_exports_and_pushes_a_stored_plan(
    app: FastAPI, db_url: str, gh: FakeGitHub, tmp_path: Any, facilitator: TestClient
) -> None:
    aid = seed_plan(app)["assessment"]
    keys = derived_keys(app, aid)
    post(facilitator, f"/assessments/{aid}/plan/{keys[0]}", {"effort": "S"})
    runner = CliRunner()
    out = tmp_path / "issues.csv"
    r = runner.invoke(
        cli_app, ["plan-export", str(aid), "--format", "jira", "-o", str(out), "--database-url", db_url]
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == len(keys)
    r = runner.invoke(
        cli_app,
        [
            "plan-export",
            str(aid),
            "--github",
            "acme/ml-platform",
            "--github-api-url",
            gh.url,
            "--database-url",
            db_url,
        ],
        env={"GITHUB_TOKEN": TOKEN},
    )
    assert r.exit_code == 0, r.output
    assert f"created {len(keys)} issues in acme/ml-platform" in r.output
    assert "effort-S" in gh.issues[0]["labels"]
    r = runner.invoke(
        cli_app,
        [
            "plan-export",
            str(aid),
            "--github",
            "acme/ml-platform",
            "--github-api-url",
            gh.url,
            "--database-url",
            db_url,
        ],
        env={"GITHUB_TOKEN": "ghp_bad"},
    )
    assert r.exit_code == 1
    assert "GitHub refused the token (401" in r.output
    assert "Traceback" not in r.output
    r = runner.invoke(cli_app, ["plan-export", "999999", "--database-url", db_url])
    assert r.exit_code == 1
    assert "999999" in r.output
    assert [e.username for e in events(app, aid, "plan.export")] == ["", ""]


def test_the_report_carries_the_effort_and_fits_its_schema(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed_plan(app)["assessment"]
    key = derived_keys(app, aid)[0]
    post(facilitator, f"/assessments/{aid}/plan/{key}", {"effort": "L"})
    data = facilitator.get(f"/assessments/{aid}/report.json").json()
    item = next(i for i in data["plan"]["items"] if i["key"] == key)
    assert item["effort"] == "L"
    assert all("effort" not in i for i in data["plan"]["items"] if i["key"] != key)
    schema = Path(mlops_scorecard.__file__).parent / "schemas" / "report.schema.json"
    jsonschema.validate(data, json.loads(schema.read_text(encoding="utf-8")))
