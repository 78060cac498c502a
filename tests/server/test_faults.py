"""A database that is locked or gone: a clear 503, never a 500 or a traceback, and
nothing already saved is lost."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from mlops_scorecard.settings import Settings
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.db import make_engine
from mlops_scorecard.store.models import Answer
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit
from mlops_scorecard.web import create_app


def invite(app: FastAPI) -> str:
    with app.state.scorecard.write() as s:
        unit = create_unit(s, name="Team")
        a = create_assessment(s, unit_id=unit.id, title="Q1", status="open")
        return create_invitation(s, assessment=a, name="Ana")[1]


def test_locked_sqlite_gives_503_and_keeps_answers(sqlite_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_url, secret_key="k"))
    token = invite(app)
    client = TestClient(app, raise_server_exceptions=False)
    url = f"/r/{token}/answers"
    assert client.post(url, json={"question_id": "gov-strategy", "answer": "yes"}).status_code == 200

    blocker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        r = client.post(url, json={"question_id": "gov-policies", "answer": "no"})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert r.status_code == 503
    assert "busy or unavailable" in r.json()["detail"]
    assert "Traceback" not in r.text

    page = client.get(f"/r/{token}/d/1")
    assert page.status_code == 200
    with app.state.scorecard.read() as s:
        saved = {a.question_id: a.answer for a in s.scalars(select(Answer))}
    assert saved == {"gov-strategy": "yes"}
    app.state.scorecard.engine.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_database_gone_gives_503(db_url: str, postgres: object) -> None:
    app = create_app(Settings(database_url=db_url, secret_key="k"))
    token = invite(app)
    client = TestClient(app, raise_server_exceptions=False)
    app.state.scorecard.engine.dispose()
    name = db_url.rsplit("/", 1)[1]
    admin = make_engine(db_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
    r = client.post(f"/r/{token}/answers", json={"question_id": "gov-strategy", "answer": "yes"})
    assert r.status_code == 503
    assert "busy or unavailable" in r.json()["detail"]
    page = client.get(f"/r/{token}", headers={"accept": "text/html"})
    assert page.status_code == 503
    assert "Traceback" not in page.text
    assert "Unavailable" in page.text
