"""Targets of an ML Test Score assessment (a framework read in points) in the service:
entered in points (API and the new-assessment form), stored on 0-100, given back in
points, checked against 0-7, and compared and shown in points on the assessment page."""

from __future__ import annotations

import html

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from support import csrf_of

from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import answers, assessments, respondents, units

V1 = "/api/v1"


def test_the_store_keeps_points_targets_on_0_100(session: Session) -> None:
    unit = units.create_unit(session, name="T", kind="team")
    a = assessments.create_assessment(
        session, unit_id=unit.id, title="MTS", framework="ml-test-score", targets={"monitoring": 3}
    )
    assert a.targets == {"monitoring": pytest.approx(300 / 7)}
    with pytest.raises(ScorecardError, match=r"targets\.monitoring: 8 is not a target from 0 to 7 points"):
        assessments.update_assessment(session, assessment=a, targets={"monitoring": 8})


def test_api_targets_in_points_round_trip(api: TestClient) -> None:
    unit = api.post(f"{V1}/units", json={"name": "Search", "kind": "team"}).json()
    body = {"unit_id": unit["id"], "title": "MTS", "framework": "ml-test-score", "targets": {"monitoring": 3}}
    r = api.post(f"{V1}/assessments", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["targets"] == {"monitoring": pytest.approx(3)}
    # what is read back is what may be sent again, unchanged
    r = api.patch(f"{V1}/assessments/{created['id']}", json={"targets": created["targets"]})
    assert r.status_code == 200, r.text
    assert r.json()["targets"] == {"monitoring": pytest.approx(3)}
    r = api.patch(f"{V1}/assessments/{created['id']}", json={"targets": {"monitoring": 8}})
    assert r.status_code == 422
    assert "from 0 to 7 points" in r.text


def test_the_page_compares_a_points_target_in_points(
    app: FastAPI, facilitator: TestClient, session: Session
) -> None:
    fw = get_framework("ml-test-score")
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name="Search", kind="team")
        uid = unit.id
    token = csrf_of(facilitator, "/assessments/new")
    r = facilitator.post(
        "/assessments",
        data={
            "csrf_token": token,
            "unit_id": str(uid),
            "title": "MTS",
            "framework": fw.ref,
            "question_set": "core",
            "target_monitoring": "3",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    aid = int(r.headers["location"].rsplit("/", 1)[1])
    # Monitoring at 2 points (1 + 0.75 + 0.25, the other tests not done): short of 3
    with app.state.scorecard.write() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        assert a.targets == {"monitoring": pytest.approx(300 / 7)}
        assessments.set_status(s, assessment=a, status="open")
        for who, keys in (("A", ["yes", "partly", "no"]), ("B", ["yes", "yes", "partly"])):
            resp, _ = respondents.create_invitation(s, assessment=a, name=who, role="")
            monitoring = fw.dimension("monitoring")
            assert monitoring is not None
            for q, key in zip(monitoring.questions, keys, strict=False):
                answers.save_answer(s, respondent=resp, assessment=a, question_id=q.id, answer=key)
    page = facilitator.get(f"/assessments/{aid}")
    assert page.status_code == 200
    # the target 3 points, the gap 1 point, not "met" (it was: 3 against 28.6 of 100)
    row = page.text.split('<th scope="row">Monitoring</th>', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num score" data-label="Score">2 / 7 points</td>' in row
    assert '<td class="num" data-label="Target">3</td><td class="num gap" data-label="Gap">1</td>' in row
    # the plan in points and the scale's words: monitor-3 (no and partly, 0.25) gains 0.75
    assert "+0.75 points in Monitoring" in page.text
    assert (
        'Every question not answered "Automated, runs repeatedly" by everyone is an action.'
        in html.unescape(page.text)
    )
    assert "+10.7" not in page.text
    # the unit page's gap to target reads the same
    unit_page = facilitator.get(f"/units/{uid}")
    assert unit_page.status_code == 200
    expected = '<th scope="row">Monitoring</th><td class="num">3</td><td class="num">2 / 7</td>'
    assert expected + '<td class="num gap">1</td>' in unit_page.text
    bad = facilitator.post(
        "/assessments",
        data={
            "csrf_token": csrf_of(facilitator, "/assessments/new"),
            "unit_id": str(uid),
            "title": "MTS 2",
            "framework": fw.ref,
            "question_set": "core",
            "target_monitoring": "8",
        },
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert "from 0 to 7 points" in bad.text
