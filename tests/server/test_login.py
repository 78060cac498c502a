"""Logging in: sessions, CSRF, rate limiting; on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from support import PASSWORD, csrf_of

from mlops_scorecard.settings import Settings


def test_login_logout(client: TestClient, users: dict[str, str]) -> None:
    token = csrf_of(client, "/login")
    r = client.post(
        "/login",
        data={"username": "viewer", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    token = csrf_of(client, "/")
    r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303


def test_login_without_csrf_is_refused(client: TestClient, users: dict[str, str]) -> None:
    client.get("/login")
    r = client.post("/login", data={"username": "viewer", "password": PASSWORD})
    assert r.status_code == 403
    assert "expired" in r.text


def test_wrong_password_then_delay(client: TestClient, users: dict[str, str]) -> None:
    free = Settings().login_free_failures
    for _ in range(free):
        r = client.post(
            "/login",
            data={"username": "viewer", "password": "wrong", "csrf_token": csrf_of(client, "/login")},
        )
        assert r.status_code == 401
        assert "wrong username or password" in r.text
    r = client.post(
        "/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": csrf_of(client, "/login")}
    )
    assert r.status_code == 429
    assert "too many" in r.text
    assert int(r.headers["retry-after"]) >= 1


def test_open_redirect_is_refused(client: TestClient, users: dict[str, str]) -> None:
    token = csrf_of(client, "/login")
    r = client.post(
        "/login",
        data={"username": "viewer", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_oversized_body_is_413(client: TestClient) -> None:
    r = client.post(
        "/login",
        content=b"x" * (3 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
