"""Summaries stored when results change (closing, importing, the demo), the organization
page's bound on stale summaries per view, the rollup API from summaries, and ``db
summaries``; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mlops_scorecard.cli import app as cli_app
from mlops_scorecard.framework import get_framework
from mlops_scorecard.settings import Settings
from mlops_scorecard.store import answers, assessments, respondents, units
from mlops_scorecard.store.demo import load_demo
from mlops_scorecard.store.models import Assessment, DerivedResult
from mlops_scorecard.store.results import latest_results
from mlops_scorecard.store.revisions import bump_revision
from mlops_scorecard.store.rollup import rollup, team_scores
from mlops_scorecard.store.scopes import scope_summaries
from mlops_scorecard.store.summaries import KIND, SummaryRow, compute_bodies
from mlops_scorecard.store.summary_refresh import stale_rows

FW = get_framework("mlops-scorecard")
CORE = [q.id for _, q in FW.iter_questions("core")]
KEYS = ["yes", "partly", "no"]
TEAMS = 8
BOUND = 3


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The app's settings with a small bound, so a test can exceed it with a few teams."""
    return Settings(
        database_url=db_url, secret_key="test-secret-key-not-for-production", summaries_per_view=BOUND
    )


def add_team(s: Session, parent_id: int, n: int, *, close: bool = True) -> Assessment:
    """A team with one assessment answered by two people, closed unless ``close`` is false."""
    team = units.create_unit(s, name=f"Team {n:02d}", kind="team", parent_id=parent_id)
    a = assessments.create_assessment(
        s, unit_id=team.id, title="Q1", date=dt.date(2026, 2, 1), status="open", question_set="core"
    )
    for p in range(2):
        r, _ = respondents.create_invitation(s, assessment=a, name=f"P{p}", role="ML engineer")
        for i, qid in enumerate(CORE):
            answers.save_answer(s, respondent=r, assessment=a, question_id=qid, answer=KEYS[(i + n + p) % 3])
    if close:
        assessments.set_status(s, assessment=a, status="closed")
    return a


def seed(app: FastAPI, teams: int = TEAMS) -> tuple[int, list[int]]:
    """An organization of ``teams`` teams, each with a closed assessment; (org id, assessment ids)."""
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        ids = [add_team(s, org.id, n).id for n in range(teams)]
        return org.id, ids


def stored(s: Session) -> dict[int, tuple[int, str]]:
    rows = s.execute(
        select(DerivedResult.assessment_id, DerivedResult.revision, DerivedResult.body).where(
            DerivedResult.kind == KIND
        )
    )
    return {aid: (rev, body) for aid, rev, body in rows}


def test_closing_stores_the_summary(app: FastAPI) -> None:
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        a = add_team(s, org.id, 1, close=False)
        aid = a.id
    with app.state.scorecard.read() as s:
        assert aid not in stored(s)  # autosave of an open assessment stays lazy
    with app.state.scorecard.write() as s:
        assessments.set_status(
            s, assessment=assessments.get_assessment(s, assessment_id=aid), status="closed"
        )
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        revision, body = stored(s)[aid]
        assert revision == a.revision
        row = SummaryRow(a.id, a.unit_id, a.title, a.date, a.status, a.revision)
        assert body == compute_bodies(s, [row])[aid]
        scope = scope_summaries(s, unit_id=None)
        assert scope.pending == {}  # nothing left to compute on a page view
        assert scope.latest[a.unit_id].assessment_id == aid
        assert stale_rows(s) == []


def test_answers_upload_stores_the_summary_once(app: FastAPI, api: TestClient) -> None:
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Acme", kind="organization")
        team = units.create_unit(s, name="Team", kind="team", parent_id=org.id)
        a = assessments.create_assessment(
            s, unit_id=team.id, title="Q1", date=dt.date(2026, 2, 1), status="open", question_set="core"
        )
        aid = a.id
    text = "framework: mlops-scorecard\nrespondents:\n" + "".join(
        f"  - name: P{p}\n    role: ML engineer\n    answers:\n"
        + "".join(f"      {q}: {KEYS[(i + p) % 3]}\n" for i, q in enumerate(CORE))
        for p in range(3)
    )
    r = api.post(
        f"/api/v1/assessments/{aid}/answers", content=text, headers={"Content-Type": "application/yaml"}
    )
    assert r.status_code in (200, 201), r.text
    with app.state.scorecard.read() as s:
        a = assessments.get_assessment(s, assessment_id=aid)
        revision, _ = stored(s)[aid]
        assert revision == a.revision
        assert scope_summaries(s, unit_id=None).latest[team.id].respondents == 3


def test_demo_stores_every_summary(session: Session) -> None:
    load_demo(session, teams=4, quarters=2)
    session.commit()
    assert stale_rows(session) == []
    shown = session.scalars(
        select(Assessment.id).where(Assessment.status != "draft", Assessment.archived_at.is_(None))
    ).all()
    assert len(shown) > 4
    assert set(shown) <= set(stored(session))


def refreshing_note(page: str) -> int | None:
    found = re.search(r"(\d+) teams?' figures are being refreshed", page)
    return None if found is None else int(found.group(1))


def test_stale_summaries_are_bounded_per_view(app: FastAPI, viewer: TestClient) -> None:
    _, ids = seed(app)
    with app.state.scorecard.write() as s:
        for aid in ids:  # as after an upgrade that changed what the results derive from
            bump_revision(s, assessment_id=aid)
        s.execute(delete(DerivedResult).where(DerivedResult.assessment_id == ids[0]))  # one never stored
    page = viewer.get("/")
    assert page.status_code == 200
    assert refreshing_note(page.text) == TEAMS - BOUND
    assert page.text.count('<span class="pill stale"') >= 1  # last stored figures, marked
    with app.state.scorecard.read() as s:
        assert len(stale_rows(s)) == TEAMS - BOUND
    second = viewer.get("/")
    assert refreshing_note(second.text) == TEAMS - 2 * BOUND
    third = viewer.get("/")
    assert third.status_code == 200
    assert refreshing_note(third.text) is None
    assert 'class="pill stale"' not in third.text
    with app.state.scorecard.read() as s:
        assert stale_rows(s) == []
    # every team is on the page once refreshed, the never-stored one too
    assert all(f'data-unit="{u}"' in third.text for u in team_ids(app))


def team_ids(app: FastAPI) -> list[int]:
    with app.state.scorecard.read() as s:
        return [u.id for u in units.list_units(s) if u.kind == "team"]


def test_rollup_api_matches_full_results(app: FastAPI, api: TestClient) -> None:
    org_id, _ = seed(app, teams=5)
    with app.state.scorecard.write() as s:  # an open assessment as the newest of one team
        team = min(team_ids(app))
        b = assessments.create_assessment(
            s, unit_id=team, title="Q2", date=dt.date(2026, 5, 1), status="open", question_set="core"
        )
        r, _ = respondents.create_invitation(s, assessment=b, name="Late", role="ML engineer")
        for qid in CORE:
            answers.save_answer(s, respondent=r, assessment=b, question_id=qid, answer="yes")
    body = api.get(f"/api/v1/units/{org_id}/rollup").json()
    with app.state.scorecard.read() as s:
        all_units = units.list_units(s)
        org = next(u for u in all_units if u.id == org_id)
        expected = rollup(org, all_units, team_scores(all_units, latest_results(s)))
    assert body["refreshing"] == 0
    assert body["teams_with_scores"] == 5
    assert body["overall"]["mean"] == pytest.approx(expected.overall.mean)
    for did, rolled in expected.dimensions.items():
        assert body["dimensions"][did]["mean"] == pytest.approx(rolled.mean)
    by_team = {t["unit_id"]: t for t in body["teams"]}
    assert by_team[team]["assessment_id"] == b.id
    assert by_team[team]["overall"] == pytest.approx(100.0)
    assert api.get("/api/v1/units/99999/rollup").status_code == 404


runner = CliRunner()


def test_db_summaries_command(app: FastAPI, db_url: str) -> None:
    _, ids = seed(app, teams=3)
    with app.state.scorecard.write() as s:
        s.execute(delete(DerivedResult))
    r = runner.invoke(cli_app, ["db", "summaries", "--database-url", db_url])
    assert r.exit_code == 0, r.output
    assert "summaries: 3/3" in r.output
    assert "3 summaries computed and stored" in r.output
    with app.state.scorecard.read() as s:
        assert sorted(stored(s)) == sorted(ids)
        assert stale_rows(s) == []
    again = runner.invoke(cli_app, ["db", "summaries", "--database-url", db_url])
    assert again.exit_code == 0
    assert "every summary is up to date" in again.output


def test_db_summaries_refuses_a_bad_url() -> None:
    r = runner.invoke(cli_app, ["db", "summaries", "--database-url", "mysql://x@y/z"])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "error: unsupported database" in r.output
