"""What a new user's walkthrough found (issue 11), each checked on the page it was found
on, on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_calibration_web import agenda, seed

from mlops_scorecard.store import units


def test_calibration_hides_by_role_when_every_role_is_merged(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app)  # two ML engineers, one data scientist, one manager: all become "other"
    html = facilitator.get(f"/assessments/{aid}/calibration", params={"q": agenda(app, aid)[0]}).text
    assert "All answers" in html
    assert "By role" not in html
    assert "meeting-roles" not in html


def test_organization_settings_offer_no_move_archive_or_delete(app: FastAPI, facilitator: TestClient) -> None:
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        team = units.create_unit(s, name="Team A", kind="team", parent_id=org.id)
        org_id, team_id = org.id, team.id
    page = facilitator.get(f"/units/{org_id}/settings")
    assert page.status_code == 200
    assert "Default targets" in page.text or 'id="default-targets"' in page.text
    assert 'id="move"' not in page.text
    assert f"/units/{org_id}/archive" not in page.text
    assert f"/units/{org_id}/delete" not in page.text
    team_page = facilitator.get(f"/units/{team_id}/settings").text
    assert 'id="move"' in team_page
    assert f"/units/{team_id}/delete" in team_page
