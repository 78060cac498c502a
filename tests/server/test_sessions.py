"""Sessions end for real: logout, a new password and deactivation refuse old cookies.

On SQLite and PostgreSQL: sessions are rows in the database.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from support import PASSWORD, csrf_of, login_client

from mlops_scorecard.store.accounts import create_user, start_session, user_for_session
from mlops_scorecard.store.models import User, UserSession

NEW_PASSWORD = "a much better passphrase"


def copy_of(c: TestClient, app: FastAPI) -> TestClient:
    """Another browser holding a copy of ``c``'s session cookie (as an attacker might)."""
    return TestClient(app, raise_server_exceptions=False, cookies={"msc_session": c.cookies["msc_session"]})


def signed_in(c: TestClient) -> bool:
    r = c.get("/account", follow_redirects=False)
    assert r.status_code in (200, 303)
    return bool(r.status_code == 200)


def post(c: TestClient, path: str, data: dict[str, Any] | None = None) -> Any:
    return c.post(path, data={"csrf_token": csrf_of(c, "/account"), **(data or {})}, follow_redirects=False)


def test_a_cookie_saved_before_logout_is_refused(app: FastAPI, viewer: TestClient) -> None:
    saved = copy_of(viewer, app)
    assert signed_in(saved)
    assert post(viewer, "/logout").status_code == 303
    assert not signed_in(viewer)
    assert not signed_in(saved)


def test_logout_ends_only_that_session(app: FastAPI, users: dict[str, str]) -> None:
    laptop, phone = login_client(app, "viewer"), login_client(app, "viewer")
    assert post(laptop, "/logout").status_code == 303
    assert not signed_in(laptop)
    assert signed_in(phone)


def test_a_new_password_ends_the_other_sessions(app: FastAPI, users: dict[str, str]) -> None:
    mine, other = login_client(app, "viewer"), login_client(app, "viewer")
    saved = copy_of(mine, app)
    r = post(mine, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 200
    assert "Password changed" in r.text
    assert signed_in(mine)  # this browser got a fresh session
    assert not signed_in(saved)
    assert not signed_in(other)
    fresh = TestClient(app, raise_server_exceptions=False)
    login = {"username": "viewer", "csrf_token": csrf_of(fresh, "/login")}
    assert fresh.post("/login", data={**login, "password": PASSWORD}).status_code == 401
    assert (
        fresh.post("/login", data={**login, "password": NEW_PASSWORD}, follow_redirects=False).status_code
        == 303
    )


def test_a_wrong_current_password_changes_nothing(app: FastAPI, viewer: TestClient) -> None:
    saved = copy_of(viewer, app)
    r = post(viewer, "/account/password", {"current_password": "not it", "new_password": NEW_PASSWORD})
    assert r.status_code == 403
    assert "current password is not right" in r.text
    r = post(viewer, "/account/password", {"current_password": PASSWORD, "new_password": "short"})
    assert r.status_code == 422
    assert "at least 8 characters" in r.text
    assert signed_in(saved)


def test_deactivation_ends_sessions_and_api_tokens(
    app: FastAPI, admin: TestClient, viewer: TestClient, users: dict[str, str]
) -> None:
    saved = copy_of(viewer, app)
    api = TestClient(
        app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {users['viewer']}"}
    )
    assert api.get("/api/v1/me").status_code == 200
    with app.state.scorecard.read() as s:
        uid = s.scalars(select(User.id).where(User.username == "viewer")).one()
        admin_id = s.scalars(select(User.id).where(User.username == "admin")).one()
    page = admin.get("/admin/users").text
    assert f"/admin/users/{uid}/active" in page
    assert f"/admin/users/{admin_id}/active" not in page  # no button to disable oneself
    r = admin.post(
        f"/admin/users/{uid}/active",
        data={"csrf_token": csrf_of(admin, "/admin/users"), "active": "no"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert not signed_in(viewer)
    assert not signed_in(saved)
    assert api.get("/api/v1/me").status_code == 401
    # enabling it again does not bring the old sessions back
    r = admin.post(
        f"/admin/users/{uid}/active",
        data={"csrf_token": csrf_of(admin, "/admin/users"), "active": "yes"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert not signed_in(saved)
    assert signed_in(login_client(app, "viewer"))


def test_an_admin_cannot_disable_themselves_or_act_without_the_role(
    app: FastAPI, admin: TestClient, facilitator: TestClient
) -> None:
    with app.state.scorecard.read() as s:
        admin_id = s.scalars(select(User.id).where(User.username == "admin")).one()
    data = {"csrf_token": csrf_of(admin, "/admin/users"), "active": "no"}
    r = admin.post(f"/admin/users/{admin_id}/active", data=data, follow_redirects=False)
    assert r.status_code == 409
    assert signed_in(admin)
    data = {"csrf_token": csrf_of(facilitator, "/account"), "active": "no"}
    assert facilitator.post(f"/admin/users/{admin_id}/active", data=data).status_code == 403
    assert (
        admin.post(
            "/admin/users/999999/active", data={"csrf_token": csrf_of(admin, "/admin/users")}
        ).status_code
        == 404
    )


def test_an_expired_session_is_refused_and_cleared_at_the_next_login(app: FastAPI) -> None:
    with app.state.scorecard.write() as s:
        ana = create_user(s, username="ana", password=PASSWORD, role="viewer")
        expired = start_session(s, user=ana, max_age=0)
        assert user_for_session(s, token=expired) is None
        assert user_for_session(s, token="") is None
        assert user_for_session(s, token="x" * 500) is None
        start_session(s, user=ana, max_age=3600)
        # the expired row went when the new session started
        assert s.scalar(select(func.count()).select_from(UserSession)) == 1
