"""Accounts admins manage: role, disable/enable, password reset, on the page and in the
API, each in the audit log without its secret; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from support import PASSWORD, csrf_of, login_client

from mlops_scorecard.errors import ConflictError, ScorecardError
from mlops_scorecard.store.accounts import (
    create_user,
    find_user,
    reset_password,
    set_active,
    set_role,
    start_session,
    user_for_session,
)
from mlops_scorecard.store.audit import AuditFilter, query_log
from mlops_scorecard.store.db import transaction
from mlops_scorecard.store.models import AuditEvent, User

V1 = "/api/v1"


def post(c: TestClient, path: str, data: dict[str, Any] | None = None) -> Any:
    return c.post(path, data={"csrf_token": csrf_of(c, "/account"), **(data or {})}, follow_redirects=False)


def user_id(app: FastAPI, name: str) -> int:
    with app.state.scorecard.read() as s:
        return find_user(s, username=name).id


def events(app: FastAPI, action: str) -> list[AuditEvent]:
    with app.state.scorecard.read() as s:
        return [e.event for e in query_log(s, where=AuditFilter(action=action)).entries]


# --- the store ---------------------------------------------------------------------------


def test_the_last_active_admin_is_kept(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        boss = create_user(s, username="boss", password=PASSWORD, role="admin")
        other = create_user(s, username="other", password=PASSWORD, role="viewer")
        with pytest.raises(ConflictError, match="last active admin"):
            set_role(s, user=boss, role="viewer")
        with pytest.raises(ConflictError, match="last active admin"):
            set_active(s, user=boss, active=False)
        with pytest.raises(ScorecardError, match="unknown role"):
            set_role(s, user=other, role="root")
        set_role(s, user=other, role="admin")
        # now there are two: either may go
        set_role(s, user=boss, role="facilitator")
        assert boss.role == "facilitator"
        with pytest.raises(ConflictError, match="last active admin"):
            set_active(s, user=other, active=False)
    with transaction(sessions) as s:
        # a disabled admin does not count as the one that is kept
        third = create_user(s, username="third", password=PASSWORD, role="admin")
        set_active(s, user=third, active=False)
        other_row = find_user(s, username="other")
        with pytest.raises(ConflictError):
            set_role(s, user=other_row, role="viewer")


def test_reset_password_ends_sessions(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        u = create_user(s, username="ana", password=PASSWORD, role="viewer")
        token = start_session(s, user=u, max_age=3600)
        assert user_for_session(s, token=token) is not None
        temporary = reset_password(s, user=u)
        assert len(temporary) >= 12
        assert user_for_session(s, token=token) is None
        assert reset_password(s, user=u, password="chosen by the admin") == "chosen by the admin"
        with pytest.raises(ScorecardError, match="at least 8"):
            reset_password(s, user=u, password="short")


# --- the users page ----------------------------------------------------------------------


def test_admin_changes_a_role_on_the_page(app: FastAPI, admin: TestClient) -> None:
    vid = user_id(app, "viewer")
    r = post(admin, f"/admin/users/{vid}/role", {"role": "facilitator"})
    assert r.status_code == 303
    page = admin.get(r.headers["location"])
    assert "Changed the role of viewer." in page.text
    with app.state.scorecard.read() as s:
        assert find_user(s, username="viewer").role == "facilitator"
    (event,) = events(app, "user.role")
    assert event.username == "admin"
    assert event.detail == {"user_id": vid, "username": "viewer", "from": "viewer", "to": "facilitator"}
    assert post(admin, f"/admin/users/{vid}/role", {"role": "root"}).status_code == 422
    assert len(events(app, "user.role")) == 1  # a refused change records nothing


def test_the_last_admin_is_refused_on_the_page(app: FastAPI, admin: TestClient) -> None:
    aid = user_id(app, "admin")
    r = post(admin, f"/admin/users/{aid}/role", {"role": "viewer"})
    assert r.status_code == 409
    assert "last active admin" in r.text
    assert 'class="error"' in r.text
    with app.state.scorecard.read() as s:
        assert find_user(s, username="admin").role == "admin"
    assert events(app, "user.role") == []
    # with a second admin, one may step down, and then no longer sees the page
    post(admin, f"/admin/users/{user_id(app, 'facilitator')}/role", {"role": "admin"})
    r = post(admin, f"/admin/users/{aid}/role", {"role": "viewer"})
    assert (r.status_code, r.headers["location"]) == (303, "/")
    assert admin.get("/admin/users").status_code == 403


def test_disable_and_enable_on_the_page(app: FastAPI, admin: TestClient) -> None:
    victim = login_client(app, "facilitator")
    assert victim.get("/account").status_code == 200
    fid = user_id(app, "facilitator")
    r = post(admin, f"/admin/users/{fid}/active", {"active": "no"})
    assert r.status_code == 303
    assert "Disabled facilitator" in admin.get(r.headers["location"]).text
    assert victim.get("/account", follow_redirects=False).status_code == 303  # signed out
    assert [e.summary for e in events(app, "user.deactivate")] == ["Disabled user facilitator"]
    post(admin, f"/admin/users/{fid}/active", {"active": "yes"})
    assert len(events(app, "user.activate")) == 1
    # disabling oneself is refused, on the page with the reason
    r = post(admin, f"/admin/users/{user_id(app, 'admin')}/active", {"active": "no"})
    assert r.status_code == 409
    assert "your own account" in r.text


def test_password_reset_shows_a_temporary_password_once(app: FastAPI, admin: TestClient) -> None:
    victim = login_client(app, "viewer")
    vid = user_id(app, "viewer")
    r = post(admin, f"/admin/users/{vid}/password")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    found = re.search(r'<p class="token" id="new-password">([^<]+)</p>', r.text)
    assert found is not None
    temporary = found.group(1)
    assert victim.get("/account", follow_redirects=False).status_code == 303  # signed out
    assert temporary not in admin.get("/admin/users").text  # shown once
    fresh = TestClient(app, raise_server_exceptions=False)
    token = csrf_of(fresh, "/login")
    login = fresh.post(
        "/login",
        data={"username": "viewer", "password": temporary, "csrf_token": token},
        follow_redirects=False,
    )
    assert login.status_code == 303
    # one chosen by the admin is not echoed
    r = post(admin, f"/admin/users/{vid}/password", {"password": "the admin's pick"})
    assert r.status_code == 200
    assert "the admin&#39;s pick" not in r.text
    assert "the admin's pick" not in r.text
    assert "Reset the password of viewer." in r.text
    assert post(admin, f"/admin/users/{vid}/password", {"password": "short"}).status_code == 422
    resets = events(app, "user.password-reset")
    assert len(resets) == 2
    with app.state.scorecard.read() as s:
        log = repr([(e.summary, e.detail) for e in s.scalars(select(AuditEvent))])
    assert temporary not in log
    assert "the admin's pick" not in log
    # one's own password is changed on the account page, with the current one
    assert post(admin, f"/admin/users/{user_id(app, 'admin')}/password").status_code == 409


def test_user_changes_need_admin_and_csrf(app: FastAPI, facilitator: TestClient, admin: TestClient) -> None:
    vid = user_id(app, "viewer")
    for path, data in [
        (f"/admin/users/{vid}/role", {"role": "admin"}),
        (f"/admin/users/{vid}/active", {"active": "no"}),
        (f"/admin/users/{vid}/password", {}),
    ]:
        assert post(facilitator, path, data).status_code == 403
        r = admin.post(path, data=data, follow_redirects=False)  # no CSRF token
        assert r.status_code == 403
    with app.state.scorecard.read() as s:
        row = s.get(User, vid)
        assert row is not None
        assert (row.role, row.active) == ("viewer", True)
    assert post(admin, "/admin/users/999999/role", {"role": "viewer"}).status_code == 404
    assert post(admin, "/admin/users/abc/role", {"role": "viewer"}).status_code == 404


# --- the API -----------------------------------------------------------------------------


def bearer(app: FastAPI, token: str) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    c.headers["Authorization"] = f"Bearer {token}"
    return c


def test_users_api(app: FastAPI, users: dict[str, str]) -> None:
    api = bearer(app, users["admin"])
    listed = api.get(f"{V1}/users").json()
    assert [u["username"] for u in listed] == ["admin", "facilitator", "viewer"]
    assert "password" not in repr(listed)
    created = api.post(f"{V1}/users", json={"username": "dana", "password": PASSWORD, "role": "facilitator"})
    assert created.status_code == 201
    did = created.json()["id"]
    assert api.post(f"{V1}/users", json={"username": "dana", "password": PASSWORD}).status_code == 409
    assert api.post(f"{V1}/users", json={"username": "x", "password": "short"}).status_code == 422
    r = api.patch(f"{V1}/users/{did}", json={"role": "viewer", "active": False})
    assert r.status_code == 200
    assert (r.json()["role"], r.json()["active"]) == ("viewer", False)
    assert api.get(f"{V1}/users/{did}").json()["active"] is False
    me = user_id(app, "admin")
    r = api.patch(f"{V1}/users/{me}", json={"role": "viewer"})
    assert r.status_code == 409
    assert "last active admin" in r.json()["detail"]
    assert api.patch(f"{V1}/users/{me}", json={"active": False}).status_code == 409
    assert api.patch(f"{V1}/users/{did}", json={"role": "root"}).status_code == 422
    assert api.patch(f"{V1}/users/{did}", json={"colour": "red"}).status_code == 422
    assert api.get(f"{V1}/users/999999").status_code == 404
    reset = api.post(f"{V1}/users/{did}/password")
    assert reset.status_code == 200
    temporary = reset.json()["password"]
    assert isinstance(temporary, str)
    assert len(temporary) >= 12
    chosen = api.post(f"{V1}/users/{did}/password", json={"password": "picked by admin"})
    assert chosen.json()["password"] is None
    assert api.post(f"{V1}/users/{me}/password", json={}).status_code == 409
    actions = [e["action"] for e in api.get(f"{V1}/audit", params={"action": "user"}).json()["events"]]
    assert actions == [
        "user.password-reset",
        "user.password-reset",
        "user.deactivate",
        "user.role",
        "user.create",
    ]
    log = api.get(f"{V1}/audit").text
    assert temporary not in log
    assert "picked by admin" not in log
    assert PASSWORD not in log


def test_users_api_is_for_admins(app: FastAPI, users: dict[str, str]) -> None:
    for role in ("facilitator", "viewer"):
        c = bearer(app, users[role])
        assert c.get(f"{V1}/users").status_code == 403
        assert (
            c.post(f"{V1}/users", json={"username": "m", "password": PASSWORD, "role": "admin"}).status_code
            == 403
        )
        assert c.patch(f"{V1}/users/1", json={"role": "admin"}).status_code == 403
        assert c.post(f"{V1}/users/1/password").status_code == 403
    assert TestClient(app).get(f"{V1}/users").status_code == 401
