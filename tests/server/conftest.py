"""Fixtures for the store, the web app and the API, on SQLite and on a real PostgreSQL.

The PostgreSQL server is started by the test session itself (initdb + pg_ctl in a
temporary folder, as the ``postgres`` user when running as root) and stopped at the
end. Every test gets a fresh, migrated database copied from a template.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from support import BACKENDS, PASSWORD, PostgresServer, login_client

from mlops_scorecard.settings import Settings
from mlops_scorecard.store.accounts import configure_password_hashing, create_api_token, create_user
from mlops_scorecard.store.db import make_engine, session_factory, upgrade
from mlops_scorecard.web import create_app


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    # argon2 at production cost takes ~0.1 s per hash; the tests create many accounts.
    configure_password_hashing(time_cost=1, memory_cost=8192)
    yield
    configure_password_hashing()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresServer) -> str:
    admin = make_engine(postgres.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE msc_template"))
    admin.dispose()
    engine = make_engine(postgres.url.rsplit("/", 1)[0] + "/msc_template")
    upgrade(engine)
    engine.dispose()
    return "msc_template"


def fresh_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new migrated database for one test; returns its URL."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "scorecard.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    server: PostgresServer = request.getfixturevalue("postgres")
    template_name: str = request.getfixturevalue("postgres_template")
    name = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE {template_name}'))
    admin.dispose()
    return server.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh migrated database URL, once for SQLite and once for PostgreSQL."""
    return fresh_database(str(request.param), request, tmp_path)


@pytest.fixture
def postgresql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh migrated PostgreSQL database URL (for a test of PostgreSQL's concurrency)."""
    return fresh_database("postgresql", request, tmp_path)


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh migrated SQLite database URL (for tests that need only one backend)."""
    return fresh_database("sqlite", request, tmp_path)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose changes are committed by the test when it wants (``session.commit()``)."""
    with sessions() as s:
        yield s


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, secret_key="test-secret-key-not-for-production")


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.scorecard.engine.dispose()


@pytest.fixture
def users(app: FastAPI) -> dict[str, str]:
    """One account per role (username = role); returns role -> plain API token."""
    tokens = {}
    with app.state.scorecard.write() as s:
        for role in ("admin", "facilitator", "viewer"):
            user = create_user(s, username=role, password=PASSWORD, role=role)
            tokens[role] = create_api_token(s, user=user, name="tests")[1]
    return tokens


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An anonymous browser-like client (cookies kept between requests)."""
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def admin(app: FastAPI, users: dict[str, str]) -> TestClient:
    return login_client(app, "admin")


@pytest.fixture
def facilitator(app: FastAPI, users: dict[str, str]) -> TestClient:
    return login_client(app, "facilitator")


@pytest.fixture
def viewer(app: FastAPI, users: dict[str, str]) -> TestClient:
    return login_client(app, "viewer")


@pytest.fixture
def api(app: FastAPI, users: dict[str, str]) -> TestClient:
    """A client sending the facilitator's API token."""
    c = TestClient(app, raise_server_exceptions=False)
    c.headers["Authorization"] = f"Bearer {users['facilitator']}"
    return c
