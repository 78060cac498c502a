"""Security headers on every response; pages that work under the content security policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Headers

from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.share_links import create_share_link
from mlops_scorecard.store.units import create_unit

TEMPLATES = Path(__file__).parents[2] / "src" / "mlops_scorecard" / "web" / "templates"


def check_common(headers: Headers, path: str) -> None:
    h = {k.lower(): v for k, v in headers.items()}
    assert h["x-frame-options"] == "DENY", path
    assert "frame-ancestors 'none'" in h["content-security-policy"], path
    assert h["x-content-type-options"] == "nosniff", path
    assert "camera=()" in h["permissions-policy"], path
    assert "strict-transport-security" not in h, path  # plain HTTP


def test_every_kind_of_response_has_the_headers(
    app: FastAPI, client: TestClient, viewer: TestClient, users: dict[str, str]
) -> None:
    api = TestClient(app, headers={"Authorization": f"Bearer {users['viewer']}"})
    responses = {
        "login page": client.get("/login"),
        "redirect to login": client.get("/account", follow_redirects=False),
        "page": viewer.get("/"),
        "error page": viewer.get("/units/999999"),
        "static file": client.get("/static/style.css"),
        "api json": api.get("/api/v1/me"),
        "api error": client.get("/api/v1/me"),
        "api docs": client.get("/api/docs"),
        "too large": client.post("/login", content=b"x" * (3 * 1024 * 1024)),
    }
    for name, r in responses.items():
        check_common(r.headers, name)
        assert r.headers["referrer-policy"] == "same-origin", name
    page_csp = responses["page"].headers["content-security-policy"]
    assert "script-src 'self';" in page_csp
    assert "unsafe-inline" not in page_csp.split("script-src", 1)[1].split(";", 1)[0]


def test_respondent_pages_send_no_referrer(app: FastAPI, client: TestClient) -> None:
    with app.state.scorecard.write() as s:
        a = create_assessment(s, unit_id=create_unit(s, name="Search").id, title="Q1", status="open")
        _, token = create_invitation(s, assessment=a, name="Ana")
        _, share = create_share_link(s, assessment=a)
    for path in (
        f"/r/{token}",
        f"/r/{token}/d/1",
        f"/r/{token}/review",
        f"/join/{share}",
        "/r/unknown-token",
    ):
        r = client.get(path)
        check_common(r.headers, path)
        assert r.headers["referrer-policy"] == "no-referrer", path
        assert len(r.headers.get_list("referrer-policy")) == 1, path


def test_hsts_only_over_https(app: FastAPI, users: dict[str, str]) -> None:
    secure = TestClient(app, base_url="https://testserver")
    r = secure.get("/login")
    assert r.headers["strict-transport-security"].startswith("max-age=")
    plain = TestClient(app)
    assert "strict-transport-security" not in plain.get("/login").headers


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_have_no_inline_script(template: str) -> None:
    text = (TEMPLATES / template).read_text()
    # The policy allows scripts from /static only: inline code would silently stop working.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
    assert "javascript:" not in text, template
    assert not re.search(r"\son[a-z]+\s*=", text), template


def test_a_bugs_500_carries_the_headers_too(app: FastAPI) -> None:
    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    app.add_api_route("/r/some-respondent-token/boom", boom)
    client = TestClient(app, raise_server_exceptions=False)
    for path, referrer in (("/boom", "same-origin"), ("/r/some-respondent-token/boom", "no-referrer")):
        r = client.get(path)
        assert r.status_code == 500
        assert "something went wrong on our side" in r.text
        check_common(r.headers, path)
        assert r.headers["referrer-policy"] == referrer
