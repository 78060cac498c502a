"""The server-side commands: db, users, tokens, demo, serve and upload (SQLite)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from support import free_port, running_serve
from typer.testing import CliRunner, Result

from mlops_scorecard.answers import AnswerSet, dump_answers
from mlops_scorecard.cli import app
from mlops_scorecard.cli.serve import uvicorn_options
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.settings import Settings
from mlops_scorecard.store.accounts import (
    authenticate,
    create_api_token,
    create_user,
    find_user,
    start_session,
    user_for_api_token,
    user_for_session,
)
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.db import head_revision, make_engine, session_factory, transaction
from mlops_scorecard.store.models import Answer
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit

runner = CliRunner()


def run(*args: str, input: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=input)


def assert_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "error: " in result.output
    for fragment in fragments:
        assert fragment in result.output


@pytest.fixture
def fresh_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_db_upgrade_and_status(fresh_url: str) -> None:
    r = run("db", "status", "--database-url", fresh_url)
    assert r.exit_code == 0
    assert "needs `mlops-scorecard db upgrade`" in r.output
    r = run("db", "upgrade", "--database-url", fresh_url)
    assert r.exit_code == 0
    assert f"empty -> {head_revision()}" in r.output
    r = run("db", "status", "--database-url", fresh_url)
    assert "up to date" in r.output


def test_commands_refuse_a_database_that_needs_migration(fresh_url: str) -> None:
    assert_error(run("users", "list", "--database-url", fresh_url), "needs a migration", "db upgrade")
    assert_error(run("serve", "--database-url", fresh_url), "needs a migration", "db upgrade")
    assert_error(run("serve", "--database-url", "mysql://x@y/z"), "unsupported database")
    assert_error(run("serve", "--database-url", "not a url"), "not a database URL")


def test_users_and_tokens(fresh_url: str) -> None:
    run("db", "upgrade", "--database-url", fresh_url)
    r = run(
        "users",
        "create",
        "alice",
        "--role",
        "admin",
        "--database-url",
        fresh_url,
        input="s3cret-pass\ns3cret-pass\n",
    )
    assert r.exit_code == 0, r.output
    assert "created admin 'alice'" in r.output
    assert_error(
        run("users", "create", "alice", "--password", "another-pass", "--database-url", fresh_url),
        "already exists",
    )
    assert_error(
        run("users", "create", "bo", "--password", "short", "--database-url", fresh_url), "at least 8"
    )
    assert_error(
        run(
            "users",
            "create",
            "bo",
            "--role",
            "root",
            "--password",
            "long-enough",
            "--database-url",
            fresh_url,
        ),
        "unknown role",
    )
    assert "alice" in run("users", "list", "--database-url", fresh_url).output
    r = run("tokens", "create", "--user", "alice", "--name", "ci", "--database-url", fresh_url)
    assert r.exit_code == 0
    token = r.output.strip().splitlines()[-1]
    assert token.startswith("msc_")
    assert len(token) > 40
    listing = run("tokens", "list", "--database-url", fresh_url).output
    assert "ci" in listing
    assert token not in listing
    assert_error(run("tokens", "create", "--user", "nobody", "--database-url", fresh_url), "no user 'nobody'")
    assert run("tokens", "revoke", "1", "--database-url", fresh_url).exit_code == 0
    assert "revoked" in run("tokens", "list", "--database-url", fresh_url).output
    assert_error(run("tokens", "revoke", "99", "--database-url", fresh_url), "no API token 99")


def test_users_disable_enable_and_set_password(fresh_url: str) -> None:
    run("db", "upgrade", "--database-url", fresh_url)
    assert (
        run("users", "create", "ana", "--password", "first-pass", "--database-url", fresh_url).exit_code == 0
    )
    # the last active admin cannot be disabled: another admin first
    assert run("users", "disable", "ana", "--database-url", fresh_url).exit_code != 0
    assert (
        run("users", "create", "root", "--password", "root-pass", "--database-url", fresh_url).exit_code == 0
    )
    engine = make_engine(fresh_url)
    factory = session_factory(engine)
    with transaction(factory) as s:
        ana = find_user(s, username="ana")
        session_token = start_session(s, user=ana, max_age=3600)
        api_token = create_api_token(s, user=ana, name="ci")[1]
    r = run("users", "set-password", "ana", "--database-url", fresh_url, input="second-pass\nsecond-pass\n")
    assert r.exit_code == 0, r.output
    with transaction(factory) as s:
        assert user_for_session(s, token=session_token) is None
        assert authenticate(s, username="ana", password="second-pass") is not None
        session_token = start_session(s, user=find_user(s, username="ana"), max_age=3600)
    assert_error(
        run("users", "set-password", "ana", "--password", "short", "--database-url", fresh_url), "at least 8"
    )
    assert_error(run("users", "disable", "nobody", "--database-url", fresh_url), "no user 'nobody'")
    assert run("users", "disable", "ana", "--database-url", fresh_url).exit_code == 0
    assert "disabled" in run("users", "list", "--database-url", fresh_url).output
    with transaction(factory) as s:
        assert user_for_session(s, token=session_token) is None
        assert user_for_api_token(s, token=api_token) is None
        assert authenticate(s, username="ana", password="second-pass") is None
    assert run("users", "enable", "ana", "--database-url", fresh_url).exit_code == 0
    with transaction(factory) as s:
        assert user_for_session(s, token=session_token) is None
        assert authenticate(s, username="ana", password="second-pass") is not None
    engine.dispose()


def test_serve_ignores_forwarded_for_by_default(served: tuple[str, str]) -> None:
    base, url = served
    engine = make_engine(url)
    with transaction(session_factory(engine)) as s:
        create_user(s, username="ana", password="correct horse battery", role="viewer")
    engine.dispose()
    with httpx.Client(base_url=base) as c:

        def attempt(password: str, forwarded_for: str) -> int:
            page = c.get("/login").text
            csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            data = {"username": "ana", "password": password, "csrf_token": csrf}
            return c.post("/login", data=data, headers={"X-Forwarded-For": forwarded_for}).status_code

        # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told not to: each made-up
        # address would start a fresh throttle
        statuses = [attempt("guess", f"10.8.0.{n}") for n in range(Settings().login_free_failures)]
        assert statuses == [401] * len(statuses)
        assert attempt("correct horse battery", "10.8.0.200") == 429


def test_serve_leaves_proxy_headers_to_the_app() -> None:
    assert uvicorn_options(host="127.0.0.1", port=8000, workers=1)["proxy_headers"] is False
    assert uvicorn_options(host="127.0.0.1", port=8000, workers=4)["workers"] == 4
    assert "--forwarded-allow-ips" in run("serve", "--help").output


def test_demo_loads_once(fresh_url: str) -> None:
    r = run("demo", "--database-url", fresh_url)
    assert r.exit_code == 0, r.output
    assert "log in as demo / demo-password" in r.output
    assert "/r/" in r.output
    assert_error(run("demo", "--database-url", fresh_url), "already has data", "--reset")
    assert run("demo", "--database-url", fresh_url, "--reset").exit_code == 0


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`mlops-scorecard serve` in a real process; yields (base URL, database URL)."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    assert run("db", "upgrade", "--database-url", url).exit_code == 0
    # A long first login delay: a throttle test must not depend on how fast it runs.
    env = {**os.environ, "MLOPS_SCORECARD_LOGIN_FIRST_DELAY": "600"}
    env.pop("MLOPS_SCORECARD_FORWARDED_ALLOW_IPS", None)
    with running_serve(url, tmp_path / "serve.log", env) as base:
        yield base, url
    assert "serving on http://127.0.0.1" in (tmp_path / "serve.log").read_text()


def test_serve_and_upload_from_the_terminal(served: tuple[str, str], tmp_path: Path) -> None:
    base, url = served
    engine = make_engine(url)
    with transaction(session_factory(engine)) as s:
        unit = create_unit(s, name="Team")
        a = create_assessment(s, unit_id=unit.id, title="Q1", status="open")
        _, token = create_invitation(s, assessment=a, name="Ana")
    fw = get_framework("mlops-scorecard")
    mine: AnswerSet = example_answers(fw, respondents=1)
    path = tmp_path / "mine.yaml"
    dump_answers(mine, path)
    r = run("upload", str(path), "--link", f"{base}/r/{token}")
    assert r.exit_code == 0, r.output
    assert "18 answers replaced the answers of Ana (0 before)" in r.output
    assert "not submitted yet: open your link" in r.output
    with session_factory(engine)() as s:
        assert len(s.scalars(select(Answer)).all()) == 18
    assert "(18 before)" in run("upload", str(path), "--link", f"{base}/r/{token}").output

    assert_error(run("upload", str(path), "--link", f"{base}/r/forged-token"), "upload refused (404)")
    assert_error(run("upload", str(path), "--link", "ftp://x/r/abc"), "not a survey link")
    bad = tmp_path / "bad.yaml"
    bad.write_text("framework: [\n")
    assert_error(run("upload", str(bad), "--link", f"{base}/r/{token}"), "invalid YAML")
    closed_port = free_port()
    assert_error(
        run("upload", str(path), "--link", f"http://127.0.0.1:{closed_port}/r/{token}"), "cannot reach"
    )
    engine.dispose()
