"""``/healthz`` and ``/readyz``, on SQLite and PostgreSQL: no account needed, ready only
when the database answers at this code's schema, and nothing more said than a probe needs."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from mlops_scorecard.settings import Settings
from mlops_scorecard.store.db import downgrade, head_revision, make_engine, upgrade
from mlops_scorecard.web import create_app


def test_health_needs_no_account_and_no_database(client: TestClient) -> None:
    r = client.get("/healthz", follow_redirects=False)
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert r.headers["cache-control"] == "no-store"


def test_ready_when_the_database_is_at_the_head(client: TestClient, app: FastAPI) -> None:
    r = client.get("/readyz", follow_redirects=False)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ready"
    assert body["revision"] == head_revision()
    assert body["database"] == app.state.scorecard.engine.dialect.name


def test_not_ready_while_the_schema_is_behind(client: TestClient, app: FastAPI) -> None:
    engine = app.state.scorecard.engine
    downgrade(engine, "0004")
    try:
        r = client.get("/readyz")
        assert r.status_code == 503
        assert (
            r.json()["reason"]
            == f"the database schema is at 0004, this code needs {head_revision()}: run db upgrade"
        )
        assert client.get("/healthz").status_code == 200
    finally:
        upgrade(engine)
    assert client.get("/readyz").status_code == 200


def test_not_ready_when_the_database_does_not_answer(tmp_path: Path) -> None:
    db = tmp_path / "gone" / "scorecard.db"
    db.parent.mkdir()
    ready = make_engine(f"sqlite:///{db}")
    upgrade(ready)
    ready.dispose()
    app = create_app(
        Settings(database_url=f"sqlite:///{db}", secret_key="test-secret-key-not-for-production")
    )
    engine = app.state.scorecard.engine
    engine.dispose()
    # the database's folder is replaced by a file: SQLite can open nothing there
    for f in db.parent.iterdir():
        f.unlink()
    db.parent.rmdir()
    db.parent.write_text("not a folder")
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.json()["status"] == "unavailable"
        assert r.json()["reason"].startswith("the database does not answer (")
        assert str(tmp_path) not in r.text
        assert c.get("/healthz").status_code == 200
    engine.dispose()
