"""Shared links: an optional cap on respondents and a rate limit on joins.

On SQLite and PostgreSQL: the counts live in the database.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from support import csrf_of, login_client

from mlops_scorecard.errors import ConflictError
from mlops_scorecard.settings import Settings
from mlops_scorecard.store.accounts import create_api_token, create_user
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.db import transaction
from mlops_scorecard.store.models import Assessment, Respondent, ShareLink
from mlops_scorecard.store.share_links import create_share_link, join_shared
from mlops_scorecard.store.throttle import JoinThrottle
from mlops_scorecard.store.units import create_unit
from mlops_scorecard.web import create_app

V1 = "/api/v1"
HOME = ("198.51.100.20", 5000)
OFFICE = ("192.0.2.44", 5001)


@pytest.fixture
def make_app(db_url: str) -> Iterator[Any]:
    """An app with some settings changed, a facilitator (and API token) and an open assessment."""
    made: list[FastAPI] = []

    def build(**overrides: Any) -> tuple[FastAPI, int, str]:
        settings = Settings(database_url=db_url, secret_key="test-secret-key-not-for-production", **overrides)
        app = create_app(settings)
        made.append(app)
        with app.state.scorecard.write() as s:
            user = create_user(
                s, username="facilitator", password="correct horse battery", role="facilitator"
            )
            token = create_api_token(s, user=user, name="tests")[1]
            unit = create_unit(s, name="Search")
            a = create_assessment(s, unit_id=unit.id, title="Q1 review", status="open")
            return app, a.id, token

    yield build
    for app in made:
        app.state.scorecard.engine.dispose()


def join(app: FastAPI, token: str, client: tuple[str, int] = HOME) -> Any:
    return TestClient(app, client=client, raise_server_exceptions=False).post(
        f"/join/{token}", data={}, follow_redirects=False
    )


def respondents(app: FastAPI, aid: int) -> int:
    with app.state.scorecard.read() as s:
        return int(
            s.scalar(select(func.count()).select_from(Respondent).where(Respondent.assessment_id == aid)) or 0
        )


def test_api_link_with_a_cap_admits_that_many(make_app: Any) -> None:
    app, aid, token = make_app()
    api = TestClient(app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {token}"})
    r = api.post(f"{V1}/assessments/{aid}/share-links", json={"max_respondents": 2})
    assert r.status_code == 201, r.text
    link = r.json()
    assert (link["max_respondents"], link["joined"]) == (2, 0)
    share = link["token"]
    assert join(app, share).status_code == 303
    assert join(app, share, OFFICE).status_code == 303
    full = join(app, share, ("192.0.2.99", 1))
    assert full.status_code == 409
    assert "this shared link is full" in full.text
    assert "2 respondents" in full.text
    assert respondents(app, aid) == 2
    listed = api.get(f"{V1}/assessments/{aid}/share-links").json()
    assert [(x["max_respondents"], x["joined"]) for x in listed] == [(2, 2)]
    # no body, or no cap: unlimited, as before
    open_link = api.post(f"{V1}/assessments/{aid}/share-links").json()
    assert open_link["max_respondents"] is None
    for body in ({"max_respondents": 0}, {"max_respondents": -3}, {"max_respondents": "ten"}, {"cap": 3}):
        assert api.post(f"{V1}/assessments/{aid}/share-links", json=body).status_code == 422, body


def test_page_form_sets_the_cap(make_app: Any) -> None:
    app, aid, _ = make_app()
    facilitator = login_client(app, "facilitator")
    page = facilitator.get(f"/assessments/{aid}").text
    assert 'name="max_respondents"' in page
    data = {"csrf_token": csrf_of(facilitator, f"/assessments/{aid}"), "max_respondents": "1"}
    r = facilitator.post(f"/assessments/{aid}/share-links", data=data)
    assert r.status_code == 201
    found = re.search(r"/join/([A-Za-z0-9_-]{40,})", r.text)
    assert found is not None
    assert join(app, found.group(1)).status_code == 303
    assert join(app, found.group(1), OFFICE).status_code == 409
    assert "1 of 1 joined" in facilitator.get(f"/assessments/{aid}").text
    for bad in ("0", "1.5", "lots", "100001"):
        data = {"csrf_token": csrf_of(facilitator, f"/assessments/{aid}"), "max_respondents": bad}
        r = facilitator.post(f"/assessments/{aid}/share-links", data=data)
        assert r.status_code == 422, bad
        assert "most respondents" in r.text
    with app.state.scorecard.read() as s:
        assert s.scalar(select(func.count()).select_from(ShareLink)) == 1


def test_joins_from_one_address_are_rate_limited(make_app: Any) -> None:
    app, _aid, _ = make_app(joins_per_address=3)
    with app.state.scorecard.write() as s:
        a = create_assessment(s, unit_id=create_unit(s, name="Ads").id, title="Ads review", status="open")
        _, share = create_share_link(s, assessment=a)
    for _ in range(3):
        assert join(app, share).status_code == 303
    r = join(app, share)
    assert r.status_code == 429
    assert "too many respondents joined through this link from your address" in r.text
    assert int(r.headers["retry-after"]) >= 1
    # other people (another address) still get in
    assert join(app, share, OFFICE).status_code == 303
    with app.state.scorecard.read() as s:
        assert (
            s.scalar(select(func.count()).select_from(Respondent).where(Respondent.assessment_id == a.id))
            == 4
        )


def test_joins_per_link_are_rate_limited_across_addresses(make_app: Any) -> None:
    app, _aid, _ = make_app(joins_per_link_per_minute=2)
    with app.state.scorecard.write() as s:
        a = create_assessment(s, unit_id=create_unit(s, name="Ads").id, title="Ads review", status="open")
        _, share = create_share_link(s, assessment=a)
    assert join(app, share, ("10.0.0.1", 1)).status_code == 303
    assert join(app, share, ("10.0.0.2", 1)).status_code == 303
    r = join(app, share, ("10.0.0.3", 1))
    assert r.status_code == 429
    assert "right now" in r.text


def test_the_last_place_is_taken_once_under_concurrency(make_app: Any) -> None:
    app, aid, _ = make_app()
    sessions = app.state.scorecard.sessions
    with app.state.scorecard.write() as s:
        a = s.get(Assessment, aid)
        assert a is not None
        _, share = create_share_link(s, assessment=a, max_respondents=3)
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def one(n: int) -> None:
        start.wait()
        try:
            with transaction(sessions) as s:
                join_shared(s, token=share, client=f"10.1.0.{n}", rules=JoinThrottle())
            outcomes.append("in")
        except ConflictError:
            outcomes.append("full")
        except Exception as exc:  # a lock timeout would be a finding too
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert respondents(app, aid) == 3
    assert outcomes.count("in") == 3
    with app.state.scorecard.read() as s:
        assert s.scalars(select(ShareLink.joined)).one() == 3


def test_the_assessment_cap_holds_for_invitations_and_joins_too(make_app: Any) -> None:
    app, aid, token = make_app(max_respondents_per_assessment=3)
    api = TestClient(app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {token}"})
    share = api.post(f"{V1}/assessments/{aid}/share-links").json()["token"]
    assert api.post(f"{V1}/assessments/{aid}/invitations", json={"name": "Ana"}).status_code == 201
    assert join(app, share).status_code == 303
    assert join(app, share, OFFICE).status_code == 303
    full = join(app, share, ("192.0.2.99", 1))
    assert full.status_code == 409
    assert "the limit is 3 per assessment" in full.text
    r = api.post(f"{V1}/assessments/{aid}/invitations", json={"name": "Bo"})
    assert r.status_code == 409
    assert "MLOPS_SCORECARD_MAX_RESPONDENTS_PER_ASSESSMENT" in r.json()["detail"]
    assert respondents(app, aid) == 3


def test_parallel_joins_from_one_address_cannot_pass_the_limit(make_app: Any) -> None:
    app, _aid, _ = make_app(joins_per_address=5)
    with app.state.scorecard.write() as s:
        a = create_assessment(s, unit_id=create_unit(s, name="Race").id, title="Race", status="open")
        _, share = create_share_link(s, assessment=a)
    start = threading.Barrier(16)

    def one(_: int) -> int:
        client = TestClient(app, client=HOME, raise_server_exceptions=False)
        start.wait()
        return int(client.post(f"/join/{share}", data={}, follow_redirects=False).status_code)

    with ThreadPoolExecutor(16) as pool:
        codes = sorted(pool.map(one, range(16)))
    assert codes == [303] * 5 + [429] * 11, codes
    with app.state.scorecard.read() as s:
        joined = s.scalar(
            select(func.count()).select_from(Respondent).where(Respondent.assessment_id == a.id)
        )
    assert joined == 5


def test_a_unicode_digit_cap_is_a_clear_422(make_app: Any) -> None:
    app, aid, _ = make_app()
    facilitator = login_client(app, "facilitator")
    data = {"csrf_token": csrf_of(facilitator, f"/assessments/{aid}"), "max_respondents": "\u00b2"}
    r = facilitator.post(f"/assessments/{aid}/share-links", data=data)
    assert r.status_code == 422
    assert "most respondents must be a whole number" in r.text
