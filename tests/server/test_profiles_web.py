"""Profiles in the service: chosen at creation (form and API), changed while draft or open,
shown with the results, used by the plan and the survey; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import csrf_of

from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import answers, assessments, respondents, results, units
from mlops_scorecard.store.models import Assessment

V1 = "/api/v1"
FW = get_framework("mlops-scorecard")
CORE = [q.id for _, q in FW.iter_questions("core")]


def post(c: TestClient, path: str, data: dict[str, Any] | None = None) -> Any:
    return c.post(path, data={"csrf_token": csrf_of(c), **(data or {})}, follow_redirects=False)


def seed(
    app: FastAPI,
    given: dict[str, str],
    *,
    profile: dict[str, str] | None = None,
    status: str = "open",
    default: str = "yes",
    team: str = "Team P",
) -> dict[str, Any]:
    """An assessment with one respondent who answers every core question (``given``, else
    ``default``), and a second one invited who has not answered."""
    with app.state.scorecard.write() as s:
        unit = units.create_unit(s, name=team, kind="team")
        a = assessments.create_assessment(
            s,
            unit_id=unit.id,
            title="Context check",
            date=dt.date(2026, 3, 1),
            status="open",
            profile=profile,
        )
        r, _ = respondents.create_invitation(s, assessment=a, name="Ann", role="ML engineer")
        for qid in CORE:
            answers.save_answer(
                s, respondent=r, assessment=a, question_id=qid, answer=given.get(qid, default)
            )
        _, token = respondents.create_invitation(s, assessment=a, name="Bo", role="Data scientist")
        if status != "open":
            assessments.set_status(s, assessment=a, status=status)
        return {"unit": unit.id, "assessment": a.id, "token": token}


def profile_of(app: FastAPI, aid: int) -> dict[str, str] | None:
    with app.state.scorecard.read() as s:
        a = s.get(Assessment, aid)
        assert a is not None
        profile: dict[str, str] | None = a.profile
        return profile


# --- choosing at creation --------------------------------------------------------------------


def test_new_assessment_form_with_a_profile(app: FastAPI, facilitator: TestClient) -> None:
    unit = seed(app, {})["unit"]
    form = facilitator.get(f"/assessments/new?unit={unit}").text
    assert '<select name="profile_production">' in form
    assert '<option value="none">None yet</option>' in form
    assert '<option value="">not answered</option>' in form
    data = {
        "unit_id": str(unit),
        "title": "With context",
        "framework": FW.ref,
        "question_set": "core",
        "profile_production": "none",
        "profile_regulated": "yes",
        "profile_team-size": "",  # not answered
    }
    r = post(facilitator, "/assessments", data)
    assert r.status_code == 303, r.text
    aid = int(r.headers["location"].rsplit("/", 1)[1])
    assert profile_of(app, aid) == {"production": "none", "regulated": "yes"}

    bad = post(facilitator, "/assessments", {**data, "profile_production": "lots"})
    assert bad.status_code == 422
    assert "profile.production: unknown option &#39;lots&#39; (use none, some, many)" in bad.text
    assert 'value="With context"' in bad.text  # the form keeps what was typed
    assert '<option value="yes" selected>Regulated</option>' in bad.text
    # a context answer for a question this framework does not have (another framework's)
    other = post(facilitator, "/assessments", {**data, "profile_stage": "pilot"})
    assert other.status_code == 422
    assert (
        "profile.stage: unknown context question (this framework&#39;s: regulated, production, team-size)"
        in other.text
    )


def test_api_create_and_patch_with_a_profile(app: FastAPI, api: TestClient) -> None:
    unit = api.post(f"{V1}/units", json={"name": "Team API"}).json()["id"]
    body = {"unit_id": unit, "title": "API context", "profile": {"team-size": "small"}}
    r = api.post(f"{V1}/assessments", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["profile"] == {"team-size": "small"}
    assert api.get(f"{V1}/assessments/{created['id']}").json()["profile"] == {"team-size": "small"}

    for profile, message in [
        ({"team-size": "tiny"}, "profile.team-size: unknown option 'tiny' (use small, medium, large)"),
        (
            {"size": "small"},
            "profile.size: unknown context question (this framework's: regulated, production, team-size)",
        ),
    ]:
        r = api.post(f"{V1}/assessments", json={**body, "profile": profile})
        assert r.status_code == 422, r.text
        assert message in r.text
    r = api.post(f"{V1}/assessments", json={**body, "profile": {"team-size": 3}})
    assert r.status_code == 422  # an option is text

    r = api.patch(f"{V1}/assessments/{created['id']}", json={"profile": {"production": "many"}})
    assert r.status_code == 200
    assert r.json()["profile"] == {"production": "many"}
    r = api.patch(f"{V1}/assessments/{created['id']}", json={"title": "Renamed"})
    assert r.json()["profile"] == {"production": "many"}  # left out: kept
    r = api.patch(f"{V1}/assessments/{created['id']}", json={"profile": {}})
    assert r.json()["profile"] == {}
    assert profile_of(app, created["id"]) is None


# --- results, plan, survey ---------------------------------------------------------------------


def test_results_show_the_context_and_the_plan_ranks_prioritised_first(
    app: FastAPI, facilitator: TestClient, api: TestClient
) -> None:
    # governance is the strongest dimension: without a profile its gap comes last
    given = dict.fromkeys(CORE, "no") | {"gov-strategy": "yes", "gov-team": "yes", "gov-policies": "partly"}
    ids = seed(app, given, profile={"regulated": "yes", "production": "none"})
    page = facilitator.get(f"/assessments/{ids['assessment']}").text
    context = page.split('id="context"', 1)[1].split("</section>", 1)[0]
    assert "Regulated" in context
    assert "None yet" in context
    assert "not answered" in context
    assert "Prioritised in the plan" in context
    assert "No model is in production yet, so there is no production performance to measure." in context
    assert 'class="muted small na-reason">Not applicable: No model is deployed yet' in page  # in the answers
    plan = re.findall(r'id="plan-item-([a-z0-9-]+)"', page)
    # prioritised first (monitoring, the weaker, before governance), not-applicable never
    assert plan[:2] == ["mon-audits", "gov-policies"]
    assert "mon-metrics" not in plan
    assert "deploy-maintenance" not in plan
    assert "Ranked: questions the profile prioritises first" in page
    assert page.count("Prioritised by profile</span>") == 2
    data = api.get(f"{V1}/assessments/{ids['assessment']}/plan").json()
    keys = [it["key"] for it in data["items"]]
    assert keys[:2] == ["mon-audits", "gov-policies"]

    report = facilitator.get(f"/assessments/{ids['assessment']}/report.json").json()
    assert [q["id"] for q in report["context"]["not_applicable"]] == ["deploy-maintenance", "mon-metrics"]
    md = facilitator.get(f"/assessments/{ids['assessment']}/report.md").text
    assert "## Context" in md


def test_survey_shows_not_applicable_questions_without_asking(app: FastAPI, client: TestClient) -> None:
    ids = seed(app, {}, profile={"team-size": "small"})
    token = ids["token"]
    page = client.get(f"/r/{token}/d/1").text  # governance
    block = page.split('id="q-gov-team"', 1)[1].split("</div>", 1)[0]
    assert "Not applicable:</strong> With only a few people working on ML" in block
    assert 'name="answer-gov-team"' not in page
    assert 'name="answer-gov-strategy"' in page
    assert f"of {len(CORE) - 1} questions answered" in page
    r = client.post(
        f"/r/{token}/answers", json={"question_id": "gov-team", "answer": "yes", "comment": "", "revision": 0}
    )
    assert r.status_code == 422
    assert "not applicable in this assessment's context" in r.json()["detail"]
    r = client.post(
        f"/r/{token}/answers",
        json={"question_id": "gov-strategy", "answer": "yes", "comment": "", "revision": 0},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["answered"], r.json()["total"]) == (1, len(CORE) - 1)
    # a stale page's answer to it is dropped, the others saved
    r = client.post(
        f"/r/{token}/d/1",
        data={
            "answer-gov-team": "no",
            "revision-gov-team": "0",
            "answer-gov-policies": "partly",
            "revision-gov-policies": "0",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    review = client.get(f"/r/{token}/review").text
    assert 'class="not-applicable" id="r-gov-team"' in review
    assert f"of {len(CORE) - 1} questions are not answered yet" in review
    with app.state.scorecard.read() as s:
        a = s.get(Assessment, ids["assessment"])
        assert a is not None
        bo = respondents.named_respondent(s, assessment=a, name="Bo")
        assert bo is not None
        assert {x.question_id for x in bo.answers} == {"gov-strategy", "gov-policies"}


# --- changing the profile -----------------------------------------------------------------------


def test_editing_the_profile_changes_the_scores(
    app: FastAPI, facilitator: TestClient, viewer: TestClient
) -> None:
    ids = seed(app, {"gov-team": "no"})
    aid = ids["assessment"]

    def overall() -> float:
        with app.state.scorecard.read() as s:
            a = s.get(Assessment, aid)
            assert a is not None
            value = results.result_for(s, assessment=a)["overall"]
            summary = results.summary_results(s, assessments=[a])[aid]["overall"]
            assert summary == pytest.approx(value)  # the many-at-once path agrees
            return float(value)

    # governance (1 + 1 + 0) / 3, five dimensions at 100: (200/3 + 500) / 6
    assert overall() == pytest.approx((200 / 3 + 500) / 6)
    page = facilitator.get(f"/assessments/{aid}").text
    assert "No context chosen" in page
    assert 'action="/assessments/' + str(aid) + '/profile"' in page
    assert post(viewer, f"/assessments/{aid}/profile", {"profile_team-size": "small"}).status_code == 403
    r = facilitator.post(
        f"/assessments/{aid}/profile", data={"profile_team-size": "small"}, follow_redirects=False
    )
    assert r.status_code == 403  # no CSRF token
    r = post(
        facilitator, f"/assessments/{aid}/profile", {"profile_team-size": "small", "profile_regulated": ""}
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/assessments/{aid}#context"
    assert profile_of(app, aid) == {"team-size": "small"}
    assert overall() == pytest.approx(100.0)  # gov-team no longer counts
    bad = post(facilitator, f"/assessments/{aid}/profile", {"profile_team-size": "huge"})
    assert bad.status_code == 422
    assert "unknown option" in bad.text
    assert profile_of(app, aid) == {"team-size": "small"}  # nothing changed

    # closing freezes the profile with the result
    with app.state.scorecard.write() as s:
        a = s.get(Assessment, aid)
        assert a is not None
        assessments.set_status(s, assessment=a, status="closed")
    assert post(facilitator, f"/assessments/{aid}/profile", {}).status_code == 409
    assert profile_of(app, aid) == {"team-size": "small"}
    assert overall() == pytest.approx(100.0)
    page = facilitator.get(f"/assessments/{aid}").text
    assert "Change the context" not in page
    assert "Fewer than 5" in page


def test_many_assessments_scored_with_their_own_profiles(app: FastAPI) -> None:
    plain = seed(app, {"gov-team": "no"})["assessment"]
    small = seed(app, {"gov-team": "no"}, profile={"team-size": "small"}, team="Team S")["assessment"]
    with app.state.scorecard.read() as s:
        found = [s.get(Assessment, i) for i in (plain, small)]
        both = [a for a in found if a is not None]
        summary = results.summary_results(s, assessments=both)
        one_by_one = results.results_for(s, assessments=both)
    assert summary[small]["overall"] == pytest.approx(100.0)
    assert summary[plain]["overall"] == pytest.approx((200 / 3 + 500) / 6)
    for aid in (plain, small):
        assert summary[aid]["overall"] == pytest.approx(one_by_one[aid]["overall"])
