"""The account page (API tokens) and user management; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from support import PASSWORD, csrf_of, login_client

from mlops_scorecard.store.accounts import user_for_api_token
from mlops_scorecard.store.models import ApiToken, User
from mlops_scorecard.store.tokens import hash_token


def post(c: TestClient, path: str, data: dict[str, Any] | None = None) -> Any:
    return c.post(path, data={"csrf_token": csrf_of(c), **(data or {})}, follow_redirects=False)


def test_pages_need_login(client: TestClient) -> None:
    for path in ["/account", "/admin/users"]:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/login")


def test_create_list_and_revoke_a_token(app: FastAPI, viewer: TestClient) -> None:
    page = viewer.get("/account")
    assert page.status_code == 200
    assert "<td>tests</td>" in page.text  # the fixture's token
    r = post(viewer, "/account/tokens", {"name": "CI job"})
    assert r.status_code == 201
    assert r.headers["cache-control"] == "no-store"
    found = re.search(r"msc_[A-Za-z0-9_-]{40,}", r.text)
    assert found is not None
    plain = found.group(0)
    with app.state.scorecard.write() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.name == "CI job")).one()
        assert row.token_hash == hash_token(plain)
        assert user_for_api_token(s, token=plain) is not None
    listing = viewer.get("/account").text
    assert "CI job" in listing
    assert plain not in listing  # shown once only
    assert "active" in listing
    token_id = re.search(r"/account/tokens/(\d+)/revoke", listing)
    assert token_id is not None
    assert post(viewer, f"/account/tokens/{token_id.group(1)}/revoke").status_code == 303
    assert "revoked" in viewer.get("/account").text
    with app.state.scorecard.read() as s:
        assert user_for_api_token(s, token=plain) is None
    assert post(viewer, "/account/tokens", {"name": ""}).status_code == 422


def test_tokens_of_others_cannot_be_revoked(
    app: FastAPI, viewer: TestClient, facilitator: TestClient
) -> None:
    post(facilitator, "/account/tokens", {"name": "mine"})
    with app.state.scorecard.read() as s:
        tid = s.scalars(select(ApiToken.id).where(ApiToken.name == "mine")).one()
    assert post(viewer, f"/account/tokens/{tid}/revoke").status_code == 404
    assert post(viewer, "/account/tokens/abc/revoke").status_code == 404
    with app.state.scorecard.read() as s:
        assert s.get(ApiToken, tid).revoked_at is None


def test_token_forms_need_csrf(viewer: TestClient) -> None:
    r = viewer.post("/account/tokens", data={"name": "x"}, follow_redirects=False)
    assert r.status_code == 403


def test_admin_manages_users(app: FastAPI, admin: TestClient) -> None:
    page = admin.get("/admin/users")
    assert page.status_code == 200
    for name in ("admin", "facilitator", "viewer"):
        assert f'<th scope="row" data-label="Username">{name}' in page.text
    r = post(admin, "/admin/users", {"username": "dana", "password": "long enough pw", "role": "facilitator"})
    assert r.status_code == 303
    assert "Created user dana" in admin.get(r.headers["location"]).text
    with app.state.scorecard.read() as s:
        user = s.scalars(select(User).where(User.username == "dana")).one()
        assert user.role == "facilitator"
        assert "long enough" not in user.password_hash
    dana = login_client_as(app, "dana", "long enough pw")
    assert dana.get("/assessments/new").status_code == 200
    assert (
        post(admin, "/admin/users", {"username": "dana", "password": "x" * 10, "role": "viewer"}).status_code
        == 409
    )
    for bad in [
        {"username": "", "password": "x" * 10, "role": "viewer"},
        {"username": "eve", "password": "short", "role": "viewer"},
        {"username": "eve", "password": "x" * 10, "role": "root"},
    ]:
        r = post(admin, "/admin/users", bad)
        assert r.status_code == 422, bad
        assert 'class="error"' in r.text


def login_client_as(app: FastAPI, username: str, password: str) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    token = csrf_of(c, "/login")
    r = c.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    return c


def test_only_admins_manage_users(facilitator: TestClient, viewer: TestClient, app: FastAPI) -> None:
    for c in (facilitator, viewer):
        assert c.get("/admin/users").status_code == 403
        r = post(c, "/admin/users", {"username": "mallory", "password": PASSWORD, "role": "admin"})
        assert r.status_code == 403
    with app.state.scorecard.read() as s:
        assert s.scalars(select(User).where(User.username == "mallory")).first() is None
    # the navigation offers what the role may use
    assert "/admin/users" not in facilitator.get("/account").text
    assert "/admin/users" in login_client(app, "admin").get("/account").text
