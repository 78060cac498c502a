"""Reports of stored assessments carry the unit's trend and the tracked plan; viewers
get them without names (pages and API alike)."""

from __future__ import annotations

import datetime as dt
import json

from fastapi import FastAPI
from fastapi.testclient import TestClient

from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store.answers import import_answer_set
from mlops_scorecard.store.assessments import create_assessment, set_status
from mlops_scorecard.store.plans import plan_for, update_item
from mlops_scorecard.store.units import create_unit


def two_quarters(app: FastAPI) -> tuple[int, str]:
    fw = get_framework("mlops-scorecard")
    with app.state.scorecard.write() as s:
        unit = create_unit(s, name="Search")
        ids = []
        for i, date in enumerate([dt.date(2026, 4, 1), dt.date(2026, 7, 1)]):
            a = create_assessment(s, unit_id=unit.id, title=f"Q{i + 2}", date=date, status="open")
            import_answer_set(s, assessment=a, answers=example_answers(fw, respondents=3, seed=i, date=date))
            ids.append(a.id)
        s.flush()
        latest = s.get(type(a), ids[-1])
        assert latest is not None
        first_key = plan_for(s, assessment=latest).plan.items[0].key
        update_item(s, assessment=latest, question_id=first_key, status="done", owner="Dana")
        set_status(s, assessment=latest, status="closed")
    return ids[-1], first_key


def test_page_report_has_trend_and_plan_state(app: FastAPI, facilitator: TestClient) -> None:
    aid, key = two_quarters(app)
    r = facilitator.get(f"/assessments/{aid}/report.json")
    assert r.status_code == 200
    data = r.json()
    assert [p["date"] for p in data["trend"]["points"]] == ["2026-04-01", "2026-07-01"]
    tracked = next(item for item in data["plan"]["items"] if item["key"] == key)
    assert tracked["status"] == "done"
    assert tracked["owner"] == "Dana"
    assert any(name in r.text for name in ("Alex Moreno", "Priya Natarajan"))


def test_viewer_reports_carry_no_names(app: FastAPI, viewer: TestClient, users: dict[str, str]) -> None:
    aid, _ = two_quarters(app)
    page = viewer.get(f"/assessments/{aid}/report.json")
    api = TestClient(app, raise_server_exceptions=False)
    api.headers["Authorization"] = f"Bearer {users['viewer']}"
    via_api = api.get(f"/api/v1/assessments/{aid}/report", params={"format": "json"})
    for r in (page, via_api):
        assert r.status_code == 200
        assert "Alex Moreno" not in r.text
        assert "Priya Natarajan" not in r.text
        assert json.loads(r.text)["trend"]["points"]
