"""Hostile input at the edges of the web service: every one gets a clear 4xx, nothing is lost.

YAML alias bombs, deep nesting, huge files, Unicode digits, NUL characters, on SQLite and
on PostgreSQL; tokens kept out of the logs.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from support import csrf_of, login_client

from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.settings import Settings
from mlops_scorecard.store.accounts import create_api_token, create_user
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.models import Answer, Respondent, Unit
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit
from mlops_scorecard.web import create_app
from mlops_scorecard.web.logs import LOGGERS

FW = get_framework("mlops-scorecard")


def seed(app: FastAPI) -> dict[str, Any]:
    """A team with an open assessment and one invited respondent (their token)."""
    with app.state.scorecard.write() as s:
        unit = create_unit(s, name="Payments ML team", kind="team")
        a = create_assessment(s, unit_id=unit.id, title="Q1", status="open")
        _, token = create_invitation(s, assessment=a, name="Grace", role="product")
        return {"unit": unit.id, "assessment": a.id, "token": token}


def one_respondent_file(name: str = "") -> dict[str, Any]:
    data = example_answers(FW, respondents=1).to_data()
    if name:
        data["respondents"][0]["name"] = name
    return data


def many_respondents_file(count: int) -> dict[str, Any]:
    data = example_answers(FW, respondents=count).to_data()
    for i, person in enumerate(data["respondents"]):
        person["name"] = f"person {i}"
    return data


def alias_bomb(copies: int = 1000) -> str:
    """One respondent written once and aliased ``copies`` times (22 KiB for 1,000)."""
    person = json.dumps(one_respondent_file()["respondents"][0])
    return "framework: mlops-scorecard\nrespondents:\n- &p " + person + "\n" + "- *p\n" * copies


def deep_json(levels: int = 100_000) -> str:
    return "[" * levels + "]" * levels


def count(app: FastAPI, model: Any) -> int:
    with app.state.scorecard.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


# --- items 8 and 11: one reader for every answers file ----------------------------------


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (alias_bomb(), "bomb.yaml", "aliases"),
        (deep_json(), "deep.json", "nested too deeply"),
        (deep_json(40), "deep.json", "nested more than 32 levels"),
        ("respondents:\n" + "- " * 50_000 + "x\n", "deep.yaml", "nested more than"),
        ('{"framework": "mlops-scorecard", "title": "\\ud800", "respondents": []}', "s.json", "surrogate"),
        ('{"framework": "mlops-scorecard", "respondents": [' + "9" * 5000 + "]}", "big.json", "invalid JSON"),
    ],
)
def test_hostile_files_are_refused_on_every_upload_path(
    app: FastAPI, facilitator: TestClient, api: TestClient, content: str, filename: str, message: str
) -> None:
    ids = seed(app)
    answers_before = count(app, Answer)
    # the respondent's own upload (no login)
    r = TestClient(app, raise_server_exceptions=False).post(
        f"/r/{ids['token']}/upload", files={"file": (filename, content.encode())}
    )
    assert r.status_code == 422, r.text[:500]
    assert message in r.text
    # the facilitator's upload page
    r = facilitator.post(
        f"/assessments/{ids['assessment']}/upload",
        data={"csrf_token": csrf_of(facilitator)},
        files={"file": (filename, content.encode())},
    )
    assert r.status_code == 422, r.text[:500]
    assert message in r.text
    # the API import
    media = "application/json" if filename.endswith(".json") else "application/yaml"
    r = api.post(
        f"/api/v1/assessments/{ids['assessment']}/answers",
        content=content.encode(),
        headers={"Content-Type": media},
    )
    assert r.status_code == 422, r.text[:500]
    assert message in r.json()["detail"]
    assert count(app, Answer) == answers_before
    assert count(app, Respondent) == 1


# --- item 9: respondents per file and per assessment, checks outside the write lock -------


@pytest.fixture
def small_app(db_url: str) -> Iterator[FastAPI]:
    settings = Settings(
        database_url=db_url,
        secret_key="test-secret-key-not-for-production",
        max_respondents_per_file=3,
        max_respondents_per_assessment=5,
    )
    application = create_app(settings)
    with application.state.scorecard.write() as s:
        user = create_user(s, username="facilitator", password="correct horse battery", role="facilitator")
        application.state.api_token = create_api_token(s, user=user, name="tests")[1]
    yield application
    application.state.scorecard.engine.dispose()


def test_respondents_per_file_and_per_assessment_are_capped(small_app: FastAPI) -> None:
    ids = seed(small_app)
    api = TestClient(small_app, raise_server_exceptions=False)
    api.headers["Authorization"] = f"Bearer {small_app.state.api_token}"
    url = f"/api/v1/assessments/{ids['assessment']}/answers"

    r = api.post(url, json=many_respondents_file(4))
    assert r.status_code == 422
    assert "the limit is 3 per file" in r.json()["detail"]
    assert "MLOPS_SCORECARD_MAX_RESPONDENTS_PER_FILE" in r.json()["detail"]

    page = login_client(small_app, "facilitator")
    r = page.post(
        f"/assessments/{ids['assessment']}/upload",
        data={"csrf_token": csrf_of(page)},
        files={"file": ("four.yaml", yaml.safe_dump(many_respondents_file(4)).encode())},
    )
    assert r.status_code == 422
    assert "the limit is 3 per file" in r.text

    three = many_respondents_file(3)
    assert api.post(url, json=three).status_code == 201  # 1 invited + 3 = 4 of 5
    more = many_respondents_file(2)
    for person in more["respondents"]:
        person["name"] += " (more)"
    r = api.post(url, json=more)
    assert r.status_code == 422
    assert "the limit is 5 per assessment" in r.json()["detail"]
    assert count(small_app, Respondent) == 4


def test_the_default_caps_are_documented() -> None:
    settings = Settings(database_url="sqlite://")
    assert settings.max_respondents_per_file == 5000
    assert settings.max_respondents_per_assessment == 10_000


class _Probe(logging.Handler):
    """Runs when the answers reader has read a file: is any database connection in use?"""

    def __init__(self, app: FastAPI, sqlite_path: str | None) -> None:
        super().__init__(logging.DEBUG)
        self.app = app
        self.sqlite_path = sqlite_path
        self.seen: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        held = self.app.state.scorecard.engine.pool.checkedout()
        other = "not sqlite"
        if self.sqlite_path:
            # Another writer takes the write lock at once (no waiting): the upload holds none.
            conn = sqlite3.connect(self.sqlite_path, timeout=0, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                other = "could write"
            except sqlite3.OperationalError as exc:
                other = str(exc)
            finally:
                conn.close()
        self.seen.append((held, other))


def test_files_are_read_before_any_transaction_opens(
    app: FastAPI, facilitator: TestClient, api: TestClient, db_url: str
) -> None:
    ids = seed(app)
    path = db_url.removeprefix("sqlite:///") if db_url.startswith("sqlite") else None
    probe = _Probe(app, path)
    logger = logging.getLogger("mlops_scorecard.answers")
    logger.addHandler(probe)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        own = yaml.safe_dump(one_respondent_file())
        r = TestClient(app).post(f"/r/{ids['token']}/upload", files={"file": ("mine.yaml", own.encode())})
        assert r.status_code == 200, r.text[:300]
        r = facilitator.post(
            f"/assessments/{ids['assessment']}/upload",
            data={"csrf_token": csrf_of(facilitator)},
            files={"file": ("team.yaml", yaml.safe_dump(many_respondents_file(3)).encode())},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text[:300]
        more = many_respondents_file(2)
        for person in more["respondents"]:
            person["name"] += " (api)"
        r = api.post(f"/api/v1/assessments/{ids['assessment']}/answers", json=more)
        assert r.status_code == 201, r.text[:300]
    finally:
        logger.removeHandler(probe)
        logger.setLevel(old_level)
    expected = "could write" if path else "not sqlite"
    assert probe.seen == [(0, expected)] * 3
    assert count(app, Respondent) == 6


# --- item 10: numbers in paths and query strings ------------------------------------------


@pytest.mark.parametrize("digits", ["%C2%B2", "%D9%A3", "%EF%BC%91", "1_0", "+1", "99999999999999999999"])
def test_unicode_digits_and_odd_numbers_are_404_not_500(
    app: FastAPI, admin: TestClient, client: TestClient, digits: str
) -> None:
    ids = seed(app)
    for path in (
        f"/units/{digits}",
        f"/assessments/{digits}",
        f"/assessments/{digits}/report.json",
        f"/units/{digits}/trend.svg",
        f"/assessments/{digits}/analysis/radar.svg",
    ):
        assert admin.get(path).status_code == 404, path
    assert client.get(f"/r/x/d/{digits}").status_code == 404
    assert client.get(f"/r/{ids['token']}/d/{digits}").status_code == 404
    assert admin.get(f"/?team={digits}").status_code == 200
    assert admin.get(f"/assessments/{ids['assessment']}?imported={digits}").status_code == 200
    assert admin.get(f"/compare?a={digits}&b=1").status_code in (200, 404, 422)  # "+1" is " 1"
    # a revision number in a form
    r = client.post(
        f"/r/{ids['token']}/d/1",
        data={"answer-gov-strategy": "yes", "revision-gov-strategy": "\u00b2"},
        follow_redirects=False,
    )
    assert r.status_code == 422
    assert "whole number" in r.text
    # a unit chosen from a form
    r = admin.post(
        "/units", data={"csrf_token": csrf_of(admin), "name": "New", "kind": "team", "parent_id": "\u00b2"}
    )
    assert r.status_code == 422


# --- item 12: NUL characters ---------------------------------------------------------------


def test_nul_characters_get_422_everywhere_and_nothing_is_stored(
    app: FastAPI, admin: TestClient, client: TestClient
) -> None:
    ids = seed(app)
    token, aid = ids["token"], ids["assessment"]
    csrf = csrf_of(admin)
    answered = {"question_id": "gov-strategy", "answer": "yes", "comment": "a\u0000b", "revision": 0}
    nul_file = b"framework: mlops-scorecard\ntitle: a\x00b\nrespondents: []\n"
    requests: list[tuple[TestClient, str, str, dict[str, Any]]] = [
        (client, "POST", "/login", {"data": {"username": "ad\x00min", "password": "x", "csrf_token": "t"}}),
        (client, "POST", f"/r/{token}/answers", {"json": answered}),
        (
            client,
            "POST",
            f"/r/{token}/d/1",
            {"data": {"answer-gov-strategy": "yes", "comment-gov-strategy": "\x00"}},
        ),
        (client, "POST", f"/r/{token}/upload", {"files": {"file": ("mine.yaml", nul_file)}}),
        (client, "GET", f"/r/{token}/review?uploaded=%00", {}),
        (client, "GET", "/join/%00", {}),
        (admin, "POST", "/units", {"data": {"csrf_token": csrf, "name": "Team\x00", "kind": "team"}}),
        (
            admin,
            "POST",
            "/assessments",
            {"data": {"csrf_token": csrf, "unit_id": str(ids["unit"]), "title": "\x00"}},
        ),
        (admin, "POST", f"/assessments/{aid}/invitations", {"data": {"csrf_token": csrf, "name": "x\x00"}}),
        (
            admin,
            "POST",
            f"/assessments/{aid}/upload",
            {"data": {"csrf_token": csrf}, "files": {"file": ("a.yaml", nul_file)}},
        ),
        (admin, "POST", "/account/tokens", {"data": {"csrf_token": csrf, "name": "ci\x00"}}),
        (  # a multipart form's text field (files are the answers reader's)
            admin,
            "POST",
            "/units",
            {"data": {"csrf_token": csrf, "name": "T\x00", "kind": "team"}, "files": {"f": ("f", b"")}},
        ),
        (admin, "GET", "/?team=%00", {}),
        (admin, "GET", "/units/1%00", {}),
        (admin, "GET", "/compare?a=1&b=%00", {}),
    ]
    units, respondents, answers = count(app, Unit), count(app, Respondent), count(app, Answer)
    for who, method, path, kwargs in requests:
        r = who.request(method, path, follow_redirects=False, **kwargs)
        assert r.status_code == 422, (method, path, r.status_code, r.text[:300])
        assert "NUL" in r.text, (method, path, r.text[:300])
    assert (count(app, Unit), count(app, Respondent), count(app, Answer)) == (units, respondents, answers)
    # escaped text that only looks like a NUL is text
    fine = rb'{"question_id": "gov-strategy", "answer": "yes", "comment": "see C:\\u0000", "revision": 0}'
    r = client.post(f"/r/{token}/answers", content=fine, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["comment"] == "see C:\\u0000"


# --- item 12: tokens stay out of the logs ---------------------------------------------------


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_tokens_are_redacted_in_log_records(app: FastAPI) -> None:
    ids = seed(app)
    token = ids["token"]

    @app.get("/r/{token}/explode")
    def explode(request: Request, token: str) -> None:
        raise RuntimeError("an unexpected failure")

    # On each logger itself: uvicorn's own logging config stops its access log propagating.
    handler = _Records()
    records = handler.records
    loggers = [logging.getLogger(name) for name in LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        r = TestClient(app, raise_server_exceptions=False).get(f"/r/{token}/explode")
        assert r.status_code == 500
        # what uvicorn's access log writes for every request
        access = logging.getLogger("uvicorn.access")
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/r/{token}/d/2?x=1", "1.1", 200)
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "POST", f"/join/{token}", "1.1", 303)
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
    messages = [rec.getMessage() for rec in records]
    assert any("GET /r/…/explode: unexpected error" in m for m in messages), messages
    assert any('"GET /r/…/d/2?x=1 HTTP/1.1" 200' in m for m in messages), messages
    assert any('"POST /join/… HTTP/1.1" 303' in m for m in messages), messages
    assert not [m for m in messages if token in m]


@pytest.mark.parametrize("revision", [2**31, 2**63, 10**30])
def test_a_revision_past_an_integer_column_is_422_not_500(app: FastAPI, revision: int) -> None:
    ids = seed(app)
    before = count(app, Answer)
    r = TestClient(app, raise_server_exceptions=False).post(
        f"/r/{ids['token']}/answers",
        json={"question_id": "gov-policies", "answer": "yes", "revision": revision},
    )
    assert r.status_code == 422, r.text[:300]
    assert count(app, Answer) == before
