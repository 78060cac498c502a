"""What a new user's walkthrough found (issue 11), each checked on the page it was found
on, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from support import csrf_of
from test_calibration_web import agenda, seed

from mlops_scorecard.errors import ScorecardError
from mlops_scorecard.store import assessments, respondents, units
from mlops_scorecard.store.answer_sets import answer_set
from mlops_scorecard.store.db import transaction
from mlops_scorecard.store.demo import load_demo
from mlops_scorecard.store.invitation_list import parse_invitation_list
from mlops_scorecard.store.models import Assessment, PlanItem, Respondent, Unit, utcnow
from mlops_scorecard.store.results import score_assessment

TOKEN_IN_LINK = re.compile(r"/r/([A-Za-z0-9_-]{40,})")


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


def test_every_row_but_an_anonymous_one_offers_a_new_link(app: FastAPI, facilitator: TestClient) -> None:
    aid = seed(app)
    with app.state.scorecard.write() as s:
        people = list(
            s.scalars(select(Respondent).where(Respondent.assessment_id == aid).order_by(Respondent.id))
        )
        people[0].submitted_at = utcnow()
        uploaded = Respondent(
            assessment_id=aid, name="Ed File", role="manager", source="upload", submitted_at=utcnow()
        )
        shared = Respondent(assessment_id=aid, token_hash="0" * 64, role="manager", source="shared")
        s.add_all([uploaded, shared])
        s.flush()
        submitted_id, uploaded_id, shared_id = people[0].id, uploaded.id, shared.id
    page = facilitator.get(f"/assessments/{aid}").text
    for rid in [p.id for p in people] + [uploaded_id]:
        assert f"/respondents/{rid}/reissue" in page, rid
    assert f"/respondents/{shared_id}/reissue" not in page
    for rid in (submitted_id, uploaded_id):
        r = facilitator.post(
            f"/assessments/{aid}/respondents/{rid}/reissue",
            data={"csrf_token": csrf_of(facilitator)},
            follow_redirects=False,
        )
        assert r.status_code == 201, r.text
        token = TOKEN_IN_LINK.search(r.text)
        assert token is not None
        assert TestClient(app).get(f"/r/{token.group(1)}/review").status_code == 200
    refused = facilitator.post(
        f"/assessments/{aid}/respondents/{shared_id}/reissue", data={"csrf_token": csrf_of(facilitator)}
    )
    assert refused.status_code == 409
    assert "shared link" in refused.text


def test_a_draft_nobody_answered_shows_only_its_set_up_and_invitations(
    app: FastAPI, facilitator: TestClient
) -> None:
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        team = units.create_unit(s, name="Team A", kind="team", parent_id=org.id)
        draft = assessments.create_assessment(s, unit_id=team.id, title="Next", date=dt.date(2026, 1, 5))
        respondents.create_invitation(s, assessment=draft, name="Ana", role="ml-engineer")
        aid = draft.id
    html = facilitator.get(f"/assessments/{aid}").text
    assert 'id="setup"' in html
    assert 'id="progress"' in html
    for part in ("results", "trust", "plan", "answers", "downloads"):
        assert f'id="{part}"' not in html, part
        assert f'href="#{part}"' not in html, part


def crumbs_of(html: str) -> list[str]:
    """The labels of the page's one breadcrumb trail."""
    navs = re.findall(r'<nav class="crumbs".*?</nav>', html, re.S)
    assert len(navs) == 1
    return [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li>(.*?)</li>", navs[0], re.S)]


def test_calibration_re_issue_and_users_pages_show_the_one_full_trail(
    app: FastAPI, facilitator: TestClient, admin: TestClient
) -> None:
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        dept = units.create_unit(s, name="Platform", kind="department", parent_id=org.id)
        team = units.create_unit(s, name="Team A", kind="team", parent_id=dept.id)
        a = assessments.create_assessment(
            s, unit_id=team.id, title="Q1 check", date=dt.date(2025, 3, 1), status="open"
        )
        r, _ = respondents.create_invitation(s, assessment=a, name="Ana", role="ml-engineer")
        aid, rid = a.id, r.id
    trail = ["Organization", "Acme", "Platform", "Team A", "Q1 check"]
    assert crumbs_of(facilitator.get(f"/assessments/{aid}").text) == trail
    calibration = facilitator.get(f"/assessments/{aid}/calibration").text
    assert crumbs_of(calibration) == [*trail, "Calibration meeting"]
    reissued = facilitator.post(
        f"/assessments/{aid}/respondents/{rid}/reissue", data={"csrf_token": csrf_of(facilitator)}
    )
    assert reissued.status_code == 201
    assert crumbs_of(reissued.text) == [*trail, "Personal links"]
    assert crumbs_of(admin.get("/admin/users").text) == ["Organization", "Users"]


def test_a_pasted_list_reports_its_problems_in_line_order_under_a_capital() -> None:
    with pytest.raises(ScorecardError) as caught:
        parse_invitation_list("Ana, ana@example.org\nana, a2@example.org\nBen, bad@x\n, c@example.org")
    lines = str(caught.value).splitlines()
    assert lines[0] == "Nobody was invited; fix these and try again:"
    assert lines[1].startswith("line 2: 'ana' is already at line 1")
    assert lines[2] == "line 3: 'bad@x' is not an email address"
    assert lines[3].startswith("line 4: the name is missing")
    for bad in ("a@b.", "a@.org", "a@b..org"):
        with pytest.raises(ScorecardError, match="is not an email address"):
            parse_invitation_list(f"Ana, {bad}")
    assert parse_invitation_list("Ana, Ana <ana@mail.example.org>")[0].email == "ana@mail.example.org"


def split_count(html: str) -> int:
    """How many questions the trust sentence says the respondents split on (0: none)."""
    found = re.search(r"respondents split on (\d+) question", html, re.I)
    return int(found.group(1)) if found else 0


def test_agreed_answers_show_under_results_and_settle_their_split(
    app: FastAPI, facilitator: TestClient, viewer: TestClient
) -> None:
    aid = seed(app)
    qid = agenda(app, aid)[0]
    before = facilitator.get(f"/assessments/{aid}").text
    assert 'id="results-agreed"' not in before
    splits = split_count(before)
    assert splits >= 2
    done = facilitator.post(
        f"/assessments/{aid}/calibration/{qid}",
        data={"csrf_token": csrf_of(facilitator), "answer": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    for page in (facilitator.get(f"/assessments/{aid}").text, viewer.get(f"/assessments/{aid}").text):
        results = page[page.index('id="results"') : page.index('id="results-agreed"') + 2000]
        assert "Agreed in the meeting" in results
        assert "(1 question)" in results
        assert re.search(
            r'data-dimension="overall">Overall: <strong>[\d.]+</strong> \(individual [\d.]+\)', results
        )
        assert 'href="#agreed"' in results
        assert split_count(page) == splits - 1
        agenda_item = page[page.index(f"({qid},") :][:400]
        assert ">agreed</a>" in agenda_item


def test_the_demo_highlights_a_plausible_mid_level_team(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        summary = load_demo(s)
    assert summary.links[0][0].startswith("Feature Store: ")  # the links a new user follows
    with sessions() as s:
        team = s.scalars(select(Unit).where(Unit.name == "Feature Store")).one()
        quarters = s.scalars(select(Assessment).where(Assessment.unit_id == team.id)).all()
        assert len([a for a in quarters if a.status != "draft"]) == 4
        for a in quarters:
            if a.status == "draft":
                continue
            result = score_assessment(s, assessment=a)
            for dim in result.dimensions:
                assert dim.score is not None
                assert 15 <= dim.score <= 85, (a.title, dim.id, dim.score)
        # a plan item marked done had answers other than "no" (it was nearly there)
        for a in s.scalars(select(Assessment).where(Assessment.status == "open")):
            answers = answer_set(s, assessment=a)
            for item in s.scalars(
                select(PlanItem).where(PlanItem.assessment_id == a.id, PlanItem.status == "done")
            ):
                given = {
                    r.answers[item.question_id].answer
                    for r in answers.respondents
                    if item.question_id in r.answers
                }
                assert given - {"no", "unknown", "na"}, (a.title, item.question_id, given)
