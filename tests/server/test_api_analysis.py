"""The analysis API: an assessment's analysis, comparing two assessments, a unit's trend
with intervals and its roll-up; numbers against the library, roles and bad input; on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_analysis_pages import CORE, FW, PEOPLE, org_fixture, other_version, seed

from mlops_scorecard.analysis import analyze
from mlops_scorecard.analysis.comparison import compare
from mlops_scorecard.analysis.uncertainty import intervals
from mlops_scorecard.store import answer_sets, assessments

V1 = "/api/v1"


def client_for(app: FastAPI, token: str | None) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    if token is not None:
        c.headers["Authorization"] = f"Bearer {token}"
    return c


@pytest.fixture
def reader(app: FastAPI, users: dict[str, str]) -> TestClient:
    """A client sending the viewer's token: every analysis route is for readers."""
    return client_for(app, users["viewer"])


def answer_set(app: FastAPI, assessment_id: int) -> Any:
    with app.state.scorecard.read() as s:
        return answer_sets.answer_set(
            s, assessment=assessments.get_assessment(s, assessment_id=assessment_id)
        )


def test_analysis_matches_the_library(app: FastAPI, api: TestClient) -> None:
    aid = seed(app)["assessment"]
    r = api.get(f"{V1}/assessments/{aid}/analysis")
    assert r.status_code == 200, r.text
    body = r.json()
    expected = analyze(FW, answer_set(app, aid)).to_dict()
    assert body["assessment_id"] == aid
    assert body["status"] == "open"
    assert body["respondent_count"] == 4
    assert body["agreement"] == expected["agreement"]
    assert body["intervals"] == expected["intervals"]
    assert body["caveats"] == expected["caveats"]
    assert body["roles"] == expected["roles"]
    assert [h["question"] for h in body["hotspots"]] == [h["question"] for h in expected["hotspots"]]
    assert body["hotspots"][0]["swing"] == expected["hotspots"][0]["swing"]
    # comments keep the answer and role, never the name
    comments = [c for h in body["hotspots"] for c in h["comments"]]
    assert comments
    assert set(comments[0]) == {"role", "answer", "comment"}
    text = json.dumps(body["hotspots"])
    for name in ("Ann Lead", "Bo Engineer", "Cy Product"):
        assert name not in text


def test_analysis_options(app: FastAPI, reader: TestClient) -> None:
    aid = seed(app)["assessment"]
    url = f"{V1}/assessments/{aid}/analysis"
    r = reader.get(url, params={"confidence": 0.8, "hotspots": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    expected = intervals(FW, answer_set(app, aid), confidence=0.8).to_dict()
    assert body["intervals"] == expected
    assert len(body["hotspots"]) == 2
    # the old bootstrap's parameters are ignored: the intervals draw nothing at random
    again = reader.get(url, params={"confidence": 0.8, "resamples": 200, "seed": 7, "hotspots": 2}).json()
    assert again["intervals"] == body["intervals"]
    for params in [
        {"confidence": 1.5},
        {"confidence": 0.2},
        {"confidence": "high"},
        {"hotspots": -1},
    ]:
        r = reader.get(url, params=params)
        assert r.status_code == 422, params
        assert isinstance(r.json()["detail"], list)


def test_analysis_of_one_or_no_respondent(app: FastAPI, reader: TestClient) -> None:
    one = seed(app, people=PEOPLE[:1])
    body = reader.get(f"{V1}/assessments/{one['assessment']}/analysis").json()
    assert body["agreement"]["overall"]["alpha"] is None
    assert "two or more respondents" in body["agreement"]["overall"]["reason"]
    assert body["hotspots"] == []
    assert any(c["code"] == "few-respondents" for c in body["caveats"])
    empty = seed(app, people=[], unit_id=one["unit"])
    body = reader.get(f"{V1}/assessments/{empty['assessment']}/analysis").json()
    assert body["respondent_count"] == 0
    assert body["intervals"]["overall"] is None
    assert [c["code"] for c in body["caveats"]] == ["no-respondents"]


def test_compare(app: FastAPI, reader: TestClient) -> None:
    old = seed(app, date="2025-01-01")
    new = seed(app, unit_id=old["unit"], date="2025-04-01", people=PEOPLE[1:], status="closed")
    r = reader.get(f"{V1}/compare", params={"a": old["assessment"], "b": new["assessment"]})
    assert r.status_code == 200, r.text
    body = r.json()
    expected = compare(
        FW, answer_set(app, old["assessment"]), FW, answer_set(app, new["assessment"])
    ).to_dict()
    assert body["overall"] == expected["overall"]
    assert body["dimensions"] == expected["dimensions"]
    assert body["same_questions"] is True
    assert body["note"] is None
    assert (body["a"]["id"], body["b"]["id"]) == (old["assessment"], new["assessment"])
    assert (body["a"]["respondent_count"], body["b"]["respondent_count"]) == (4, 3)
    assert len(body["questions"]) == len(CORE)
    first = body["questions"][0]
    assert first["text"] == FW.question(first["question"])[1].text  # type: ignore[index]
    assert [q["changed"] for q in body["questions"]] == [q["changed"] for q in expected["questions"]]


def test_compare_across_versions_and_sets(
    app: FastAPI, reader: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fw2 = other_version(monkeypatch)
    v1 = "mlops-scorecard@1.0.0"  # the newest version is now 1.1.0
    old = seed(app, date="2025-01-01", framework=v1)
    full = seed(app, unit_id=old["unit"], question_set="full", framework=v1)
    newer = seed(app, unit_id=old["unit"], framework=fw2.ref)
    body = reader.get(f"{V1}/compare", params={"a": old["assessment"], "b": full["assessment"]}).json()
    assert body["same_questions"] is False
    assert body["note"].startswith(f"Compared on the {len(CORE)} questions both assessments asked")
    assert body["dropped"] == []
    assert len(body["added"]) > 0
    body = reader.get(f"{V1}/compare", params={"a": old["assessment"], "b": newer["assessment"]}).json()
    assert body["dropped"] == [CORE[0]]
    assert body["added"] == ["gov-new-question"]
    assert "mlops-scorecard@1.1.0" in body["note"]
    assert body["b"]["framework"] == "mlops-scorecard@1.1.0"


def test_compare_errors(app: FastAPI, reader: TestClient) -> None:
    aid = seed(app)["assessment"]
    assert reader.get(f"{V1}/compare", params={"a": aid, "b": 999999}).status_code == 404
    for params in [{}, {"a": aid}, {"a": aid, "b": "x"}, {"a": 0, "b": aid}, {"a": aid, "b": 2**31}]:
        r = reader.get(f"{V1}/compare", params=params)
        assert r.status_code == 422, params


def test_unit_trend(app: FastAPI, reader: TestClient) -> None:
    first = seed(app, date="2025-01-01", status="closed")
    second = seed(
        app, unit_id=first["unit"], date="2025-04-01", people=PEOPLE[1:], targets={"governance": 90}
    )
    seed(app, unit_id=first["unit"], date="2025-06-01", people=[])  # nobody answered: no point
    r = reader.get(f"{V1}/units/{first['unit']}/trend")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [p["assessment_id"] for p in body["points"]] == [first["assessment"], second["assessment"]]
    assert [d["id"] for d in body["dimensions"]] == [d.id for d in FW.dimensions]
    for p in body["points"]:
        u = intervals(FW, answer_set(app, p["assessment_id"])).to_dict()
        assert p["intervals"] == {"overall": u["overall"], "dimensions": u["dimensions"]}
    latest = body["points"][-1]
    [gap] = body["latest_targets"]
    assert gap["dimension"] == "governance"
    assert gap["target"] == 90.0
    assert gap["gap"] == pytest.approx(90.0 - latest["dimensions"]["governance"], abs=0.01)
    r = reader.get(f"{V1}/units/{first['unit']}/trend", params={"confidence": 0.5})
    assert r.status_code == 200
    assert (
        r.json()["points"][0]["intervals"]["overall"]
        == intervals(FW, answer_set(app, first["assessment"]), confidence=0.5).to_dict()["overall"]
    )
    assert reader.get(f"{V1}/units/{first['unit']}/trend", params={"confidence": 2}).status_code == 422
    assert reader.get(f"{V1}/units/999999/trend").status_code == 404


def test_unit_rollup_by_hand(app: FastAPI, reader: TestClient) -> None:
    ids = org_fixture(app)
    body = reader.get(f"{V1}/units/{ids['dept']}/rollup").json()
    assert body["unit_id"] == ids["dept"]
    assert "unweighted mean" in body["rule"]
    assert (body["team_count"], body["teams_with_scores"]) == (2, 2)
    # T1 all yes (100, one respondent) and T3 all partly (50, two respondents): 75, not 66.7
    assert body["overall"] == {"mean": 75.0, "teams": 2, "min": 50.0, "max": 100.0}
    assert {v["mean"] for v in body["dimensions"].values()} == {75.0}
    assert sorted(t["name"] for t in body["teams"]) == ["T1", "T3"]
    gov = next(d for d in body["distributions"] if d["dimension"] == "governance")
    assert gov == {
        "dimension": "governance",
        "title": "Governance",
        "teams": 2,
        "min": 50.0,
        "q1": 62.5,
        "median": 75.0,
        "q3": 87.5,
        "max": 100.0,
    }
    org = reader.get(f"{V1}/units/{ids['org']}/rollup").json()
    assert org["overall"]["mean"] == 50.0
    assert org["teams_with_scores"] == 3
    team = reader.get(f"{V1}/units/{ids['t2']}/rollup").json()
    assert team["overall"] == {"mean": 0.0, "teams": 1, "min": 0.0, "max": 0.0}
    assert reader.get(f"{V1}/units/999999/rollup").status_code == 404
    assert reader.get(f"{V1}/units/0/rollup").status_code == 422


def test_tokens_are_required(app: FastAPI, users: dict[str, str]) -> None:
    ids = seed(app)
    paths = [
        f"{V1}/assessments/{ids['assessment']}/analysis",
        f"{V1}/compare?a={ids['assessment']}&b={ids['assessment']}",
        f"{V1}/units/{ids['unit']}/trend",
        f"{V1}/units/{ids['unit']}/rollup",
    ]
    anonymous = client_for(app, None)
    bad = client_for(app, "msc_not-a-token")
    for role in ("viewer", "facilitator", "admin"):
        c = client_for(app, users[role])
        for path in paths:
            assert c.get(path).status_code == 200, (role, path)
    for path in paths:
        assert anonymous.get(path).status_code == 401, path
        assert bad.get(path).status_code == 401, path
    # a bad token is 401 even when the query is bad too
    assert anonymous.get(f"{V1}/compare?a=x").status_code == 401


def test_openapi_documents_the_analysis_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in [
        f"{V1}/assessments/{{assessment_id}}/analysis",
        f"{V1}/compare",
        f"{V1}/units/{{unit_id}}/trend",
        f"{V1}/units/{{unit_id}}/rollup",
    ]:
        op = spec["paths"][path]["get"]
        assert op["tags"] == ["analysis"]
        assert {"200", "401", "404", "422"} <= set(op["responses"])
