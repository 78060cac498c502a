"""Login throttling per (account, address), proxy headers, hashing off the event loop.

On SQLite and PostgreSQL: the throttle's counts live in the database.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import PASSWORD, csrf_of

from mlops_scorecard.settings import Settings
from mlops_scorecard.store.accounts import create_user
from mlops_scorecard.store.db import transaction
from mlops_scorecard.store.models import MetaSetting
from mlops_scorecard.web import create_app

ATTACKER = ("203.0.113.7", 40000)
REAL_USER = ("198.51.100.2", 40001)
PROXY = ("127.0.0.1", 40002)


@pytest.fixture
def make_app(db_url: str) -> Iterator[Any]:
    """Build an app with some settings changed; each has the accounts ana and bo."""
    made: list[FastAPI] = []

    def build(**overrides: Any) -> FastAPI:
        settings = Settings(database_url=db_url, secret_key="test-secret-key-not-for-production", **overrides)
        app = create_app(settings)
        if not made:
            with app.state.scorecard.write() as s:
                create_user(s, username="ana", password=PASSWORD, role="viewer")
                create_user(s, username="bo", password=PASSWORD, role="viewer")
        made.append(app)
        return app

    yield build
    for app in made:
        app.state.scorecard.engine.dispose()


def attempt(client: TestClient, username: str, password: str, **headers: str) -> Any:
    token = csrf_of(client, "/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )


def test_the_real_user_logs_in_from_another_address_after_an_attack(make_app: Any) -> None:
    app = make_app(login_free_failures=3, login_first_delay=600)
    attacker = TestClient(app, client=ATTACKER)
    for _ in range(3):
        assert attempt(attacker, "ana", "guess").status_code == 401
    # the attacker's pair now waits, even with the right password (no oracle while waiting)
    refused = attempt(attacker, "ana", PASSWORD)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 600
    assert "too many failed logins" in refused.text
    # many more failures never lock the account: the real user elsewhere gets in
    real = TestClient(app, client=REAL_USER)
    assert attempt(real, "ana", PASSWORD).status_code == 303
    assert real.get("/account").status_code == 200


def test_delays_grow_and_a_success_clears_them(make_app: Any) -> None:
    app = make_app(login_free_failures=2, login_first_delay=0)
    c = TestClient(app, client=ATTACKER)
    for _ in range(4):
        # a zero first delay keeps doubling at zero: the pair may go on trying
        assert attempt(c, "ana", "guess").status_code == 401
    assert attempt(c, "ana", PASSWORD).status_code == 303
    app2 = make_app(login_free_failures=2, login_first_delay=600)
    c2 = TestClient(app2, client=ATTACKER)
    # the success cleared the pair's failures: two free failures again, then a wait
    assert attempt(c2, "ana", "guess").status_code == 401
    assert attempt(c2, "ana", "guess").status_code == 401
    assert attempt(c2, "ana", "guess").status_code == 429


def test_one_address_spraying_many_accounts_is_refused(make_app: Any) -> None:
    app = make_app(login_failures_per_address=4)
    c = TestClient(app, client=ATTACKER)
    for name in ["ana", "bo", "cy", "di"]:
        assert attempt(c, name, "Winter2026!").status_code == 401
    r = attempt(c, "eve", "Winter2026!")
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1
    assert attempt(TestClient(app, client=REAL_USER), "bo", PASSWORD).status_code == 303


def test_forwarded_for_is_ignored_by_default(make_app: Any) -> None:
    app = make_app(login_free_failures=3, login_first_delay=600)
    c = TestClient(app, client=PROXY)
    for n in range(3):
        assert attempt(c, "ana", "guess", **{"X-Forwarded-For": f"10.9.0.{n}"}).status_code == 401
    # a new made-up address each time does not escape the throttle
    assert attempt(c, "ana", "guess", **{"X-Forwarded-For": "10.9.0.99"}).status_code == 429
    assert "strict-transport-security" not in c.get("/login", headers={"X-Forwarded-Proto": "https"}).headers


def test_forwarded_for_is_honoured_from_a_configured_proxy(make_app: Any) -> None:
    app = make_app(login_free_failures=3, login_first_delay=600, forwarded_allow_ips="127.0.0.1")
    c = TestClient(app, client=PROXY)
    attacker = {"X-Forwarded-For": ATTACKER[0]}
    for _ in range(3):
        assert attempt(c, "ana", "guess", **attacker).status_code == 401
    assert attempt(c, "ana", PASSWORD, **attacker).status_code == 429
    # the same proxy, another client behind it: not slowed down
    assert attempt(c, "ana", PASSWORD, **{"X-Forwarded-For": REAL_USER[0]}).status_code == 303
    # the proxy's scheme is believed too: HSTS only for HTTPS
    assert "strict-transport-security" in c.get("/login", headers={"X-Forwarded-Proto": "https"}).headers
    # a client that is not the proxy cannot pick its address
    other = TestClient(app, client=ATTACKER)
    assert attempt(other, "ana", PASSWORD, **{"X-Forwarded-For": REAL_USER[0]}).status_code == 429


def test_password_hashing_runs_off_the_event_loop_and_outside_writes(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    where: list[str] = []
    writers: list[threading.Thread] = []
    verify = PasswordHasher.verify

    def another_write(n: int) -> None:
        with transaction(app.state.scorecard.sessions) as s:
            s.add(MetaSetting(key=f"probe-{n}", value="x"))

    def spy(self: PasswordHasher, hash: str, password: str) -> bool:
        try:
            asyncio.get_running_loop()
            where.append("event loop")
        except RuntimeError:
            where.append("worker thread")
        # while the password is checked, other requests can still write (no lock is held)
        writer = threading.Thread(target=another_write, args=(len(where),))
        writer.start()
        writer.join(timeout=10)
        where.append("blocked a write" if writer.is_alive() else "writes go on")
        writers.append(writer)  # a blocked one finishes once the login's transaction ends
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    c = TestClient(app, client=REAL_USER)
    assert attempt(c, "ana", "wrong").status_code == 401
    assert attempt(c, "ana", PASSWORD).status_code == 303
    for writer in writers:
        writer.join()
    assert where == ["worker thread", "writes go on"] * 2


def test_wrong_passwords_sent_at_once_cannot_all_be_tried(make_app: Any) -> None:
    app = make_app(login_free_failures=3)
    clients = [TestClient(app, client=ATTACKER, raise_server_exceptions=False) for _ in range(12)]
    tokens = [csrf_of(c, "/login") for c in clients]
    start = threading.Barrier(len(clients))

    def guess(i: int) -> int:
        start.wait()
        data = {"username": "ana", "password": f"guess-{i}", "csrf_token": tokens[i]}
        return int(clients[i].post("/login", data=data, follow_redirects=False).status_code)

    with ThreadPoolExecutor(len(clients)) as pool:
        codes = sorted(pool.map(guess, range(len(clients))))
    # three free guesses, then the pair must wait: the rest are refused unchecked
    assert codes == [401] * 3 + [429] * 9, codes
