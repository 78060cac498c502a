"""Derived results computed once per revision (store/derived.py) and HTTP caching:
ETags, 304s, what invalidates, and that the unit page never recomputes a closed
assessment's intervals. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from support import PASSWORD, csrf_of, login_client

from mlops_scorecard.analysis.uncertainty import intervals
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.settings import Settings
from mlops_scorecard.store.accounts import create_user
from mlops_scorecard.store.answers import import_answer_set
from mlops_scorecard.store.assessments import create_assessment, get_assessment, set_status, update_assessment
from mlops_scorecard.store.derived import derived, store_body
from mlops_scorecard.store.models import DerivedResult
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.units import create_unit
from mlops_scorecard.web import create_app
from mlops_scorecard.web.caching import cached_view

CHARTS = [
    "chart/radar.svg",
    "chart/stellar.svg",
    "analysis/radar.svg",
    "analysis/roles.svg",
    "analysis/roles.svg?by=role",
]


@dataclass
class Org:
    unit: int
    closed: list[int]
    open: int
    token: str
    respondent: int


@pytest.fixture
def org(app: FastAPI) -> Org:
    """A team with two closed assessments and an open one (imported answers plus one
    invited respondent, Ann, who has not answered yet)."""
    return _seed(app)


def _seed(app: FastAPI) -> Org:
    fw = get_framework("mlops-scorecard")
    with app.state.scorecard.write() as s:
        team = create_unit(s, name="Team", kind="team")
        closed = []
        for i in range(2):
            a = create_assessment(
                s, unit_id=team.id, title=f"Q{i + 1}", date=dt.date(2025, 1 + 3 * i, 1), status="open"
            )
            import_answer_set(
                s, assessment=a, answers=example_answers(fw, respondents=4, seed=i), source="seed"
            )
            s.flush()
            set_status(s, assessment=a, status="closed")
            closed.append(a.id)
        a = create_assessment(
            s,
            unit_id=team.id,
            title="Q3",
            date=dt.date(2025, 7, 1),
            status="open",
            targets={d.id: 70.0 for d in fw.dimensions},
        )
        import_answer_set(s, assessment=a, answers=example_answers(fw, respondents=4, seed=7), source="seed")
        r, token = create_invitation(s, assessment=a, name="Ann", role="ml-engineer")
        return Org(team.id, closed, a.id, token, r.id)


def save(client: TestClient, org: Org, question: str, answer: str) -> None:
    r = client.post(f"/r/{org.token}/answers", json={"question_id": question, "answer": answer})
    assert r.status_code == 200, r.text


def rows(app: FastAPI, kind: str) -> dict[int, tuple[int, str, Any]]:
    with app.state.scorecard.read() as s:
        found = s.execute(
            select(
                DerivedResult.assessment_id,
                DerivedResult.revision,
                DerivedResult.etag,
                DerivedResult.created_at,
            ).where(DerivedResult.kind == kind)
        )
        return {aid: (rev, etag, at) for aid, rev, etag, at in found}


def test_charts_are_tagged_and_a_match_is_304_without_a_body(facilitator: TestClient, org: Org) -> None:
    for chart in CHARTS:
        path = f"/assessments/{org.open}/{chart}"
        first = facilitator.get(path)
        assert first.status_code == 200
        assert first.headers["cache-control"] == "private, no-cache"
        etag = first.headers["etag"]
        assert etag.startswith('"')
        assert b"<svg" in first.content
        again = facilitator.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.content == b""
        assert again.headers["etag"] == etag
        # a stored drawing is the same drawing
        assert facilitator.get(path).content == first.content
    assert (
        facilitator.get(
            f"/assessments/{org.open}/chart/radar.svg", headers={"If-None-Match": '"other"'}
        ).status_code
        == 200
    )


def test_a_saved_answer_changes_every_cached_chart_result_and_page(
    client: TestClient, facilitator: TestClient, users: dict[str, str], org: Org
) -> None:
    save(client, org, "gov-strategy", "no")
    paths = [f"/assessments/{org.open}/{c}" for c in CHARTS] + [f"/api/v1/assessments/{org.open}/results"]
    paths += [f"/assessments/{org.open}", f"/units/{org.unit}", f"/units/{org.unit}/trend.svg"]
    paths += [f"/units/{org.unit}/analysis/trend.svg"]
    api_token = users["facilitator"]
    before = {p: _get(facilitator, p, api_token) for p in paths}
    # Ann answers every core question yes: scores, intervals and the roles chart move
    fw = get_framework("mlops-scorecard")
    for _, q in fw.iter_questions("core"):
        save(client, org, q.id, "yes")
    after = {p: _get(facilitator, p, api_token) for p in paths}
    for p in paths:
        assert after[p][0] != before[p][0], f"{p}: ETag did not change"
        assert after[p][1] != before[p][1], f"{p}: body did not change"
        # the browser's old copy is stale: a full answer, not a 304
        assert _get(facilitator, p, api_token, etag=before[p][0])[2] == 200


def test_a_revoked_respondent_changes_the_cached_results(
    app: FastAPI, client: TestClient, facilitator: TestClient, users: dict[str, str], org: Org
) -> None:
    fw = get_framework("mlops-scorecard")
    for _, q in fw.iter_questions("core"):
        save(client, org, q.id, "yes")
    api_token = users["facilitator"]
    results = f"/api/v1/assessments/{org.open}/results"
    chart = f"/assessments/{org.open}/chart/radar.svg"
    before = {p: _get(facilitator, p, api_token) for p in (results, chart)}
    r = facilitator.post(
        f"/assessments/{org.open}/respondents/{org.respondent}/revoke",
        data={"csrf_token": csrf_of(facilitator, f"/assessments/{org.open}")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    after = {p: _get(facilitator, p, api_token) for p in (results, chart)}
    for p in (results, chart):
        assert after[p][0] != before[p][0], p
        assert after[p][1] != before[p][1], p
    assert b'"respondent_count":4' in after[results][1], "Ann's answers still counted"
    assert b'"respondent_count":5' in before[results][1]


def test_targets_edited_change_the_chart_without_a_revision_bump(
    app: FastAPI, facilitator: TestClient, org: Org
) -> None:
    path = f"/assessments/{org.open}/chart/radar.svg"
    before = facilitator.get(path)
    with app.state.scorecard.write() as s:
        # no bump_revision here on purpose: the targets are part of the tag
        update_assessment(
            s, assessment=get_assessment(s, assessment_id=org.open), targets={"governance": 10.0}
        )
    after = facilitator.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.content != before.content


def test_the_unit_page_never_recomputes_a_closed_assessments_intervals(
    app: FastAPI, client: TestClient, viewer: TestClient, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[int] = []

    def counting(framework: Any, answers: Any, **kw: Any) -> Any:
        computed.append(len(answers.respondents))
        return intervals(framework, answers, **kw)

    # a counter on the entry point the unit page computes intervals through
    monkeypatch.setattr("mlops_scorecard.store.analysis.intervals", counting)
    assert viewer.get(f"/units/{org.unit}").status_code == 200
    assert len(computed) == 3  # the first view computes each assessment once
    first = rows(app, "intervals")
    assert set(first) == {*org.closed, org.open}

    computed.clear()
    assert viewer.get(f"/units/{org.unit}").status_code == 200
    assert computed == []  # nothing moved: nothing computed
    assert rows(app, "intervals") == first  # and nothing rewritten

    save(client, org, "gov-strategy", "yes")  # Ann's first answer: the open one moves on
    assert viewer.get(f"/units/{org.unit}").status_code == 200
    assert computed == [5]  # only the open assessment, now with Ann
    second = rows(app, "intervals")
    for aid in org.closed:
        assert second[aid] == first[aid]
    assert second[org.open][0] > first[org.open][0]


def test_pages_get_a_weak_etag_per_user_and_304_on_a_match(
    client: TestClient, facilitator: TestClient, viewer: TestClient, org: Org
) -> None:
    for path in (f"/assessments/{org.open}", f"/units/{org.unit}"):
        page = facilitator.get(path)
        etag = page.headers["etag"]
        assert etag.startswith('W/"')
        assert page.headers["cache-control"] == "private, no-cache"
        # the cached analysis renders the page exactly as the computed one did
        again = facilitator.get(path)
        assert again.headers["etag"] == etag
        assert again.text == page.text
        not_modified = facilitator.get(path, headers={"If-None-Match": etag})
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        # a viewer holding the facilitator's tag gets the viewer's own page
        seen = viewer.get(path, headers={"If-None-Match": etag})
        assert seen.status_code == 200
        assert seen.headers["etag"] != etag
    save(client, org, "gov-strategy", "no")
    changed = facilitator.get(f"/assessments/{org.open}", headers={"If-None-Match": etag})
    assert changed.status_code == 200


def test_viewers_and_facilitators_never_share_a_cached_roles_chart(
    app: FastAPI, facilitator: TestClient, viewer: TestClient, org: Org
) -> None:
    path = f"/assessments/{org.open}/analysis/roles.svg?by=role"
    fac = facilitator.get(path)
    view = viewer.get(path, headers={"If-None-Match": fac.headers["etag"]})
    assert view.status_code == 200
    assert view.headers["etag"] != fac.headers["etag"]
    kinds = set(rows(app, "chart:roles:role:all")) | set(rows(app, "chart:roles:role:viewers"))
    assert kinds == {org.open}


def test_results_api_is_scored_once_per_revision(
    app: FastAPI, client: TestClient, users: dict[str, str], org: Org
) -> None:
    token = users["facilitator"]
    first = _get(client, f"/api/v1/assessments/{org.open}/results", token)
    assert set(rows(app, "result")) == {org.open}
    assert _get(client, f"/api/v1/assessments/{org.open}/results", token, etag=first[0])[2] == 304
    # a closed assessment's result is the frozen one: nothing stored for it
    closed = _get(client, f"/api/v1/assessments/{org.closed[0]}/results", token)
    assert closed[2] == 200
    assert org.closed[0] not in rows(app, "result")


def test_concurrent_computations_of_the_same_thing_both_succeed(app: FastAPI, org: Org) -> None:
    # two workers computed the same chart: the second write replaces the first, no error
    with app.state.scorecard.read() as s:
        a = get_assessment(s, assessment_id=org.open)
        assert store_body(s, assessment=a, kind="chart:test", etag="one", body="first")
        assert store_body(s, assessment=a, kind="chart:test", etag="two", body="second")
    with app.state.scorecard.read() as s:
        a = get_assessment(s, assessment_id=org.open)
        got = derived(s, assessment=a, kind="chart:test", compute=lambda: "fresh")
        assert got.computed
        assert got.body == "fresh"
    with app.state.scorecard.read() as s:  # the next request reads what this one stored
        a = get_assessment(s, assessment_id=org.open)
        again = derived(s, assessment=a, kind="chart:test", compute=_never)
        assert not again.computed
        assert again.body == "fresh"


def test_an_older_revision_never_replaces_a_newer_row(app: FastAPI, org: Org) -> None:
    with app.state.scorecard.read() as s:
        a = get_assessment(s, assessment_id=org.open)
        s.expunge(a)
    newer = _copy_at(a, a.revision + 5)
    with app.state.scorecard.read() as s:
        assert store_body(s, assessment=newer, kind="chart:test", etag="new", body="new")
        assert store_body(s, assessment=a, kind="chart:test", etag="old", body="old")
    assert rows(app, "chart:test")[org.open][:2] == (a.revision + 5, "new")


def test_a_busy_sqlite_database_serves_the_chart_uncached(sqlite_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_url, secret_key="test-secret-key-not-for-production"))
    try:
        with app.state.scorecard.write() as s:
            create_user(s, username="facilitator", password=PASSWORD, role="facilitator")
        org = _seed(app)
        facilitator = login_client(app, "facilitator")
        engine = app.state.scorecard.engine
        other = sqlite3.connect(engine.url.database, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # someone else holds the write lock
            r = facilitator.get(f"/assessments/{org.open}/chart/radar.svg")
            assert r.status_code == 200
            assert b"<svg" in r.content
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert rows(app, "chart:radar") == {}  # not stored, and no error
        with engine.connect() as conn:  # the pooled connection waits as long as before
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert facilitator.get(f"/assessments/{org.open}/chart/radar.svg").status_code == 200
        assert set(rows(app, "chart:radar")) == {org.open}  # stored once the lock is free
    finally:
        app.state.scorecard.engine.dispose()


def _never() -> str:
    raise AssertionError("computed again")


def _copy_at(a: Any, revision: int) -> Any:
    from mlops_scorecard.store.models import Assessment

    return Assessment(id=a.id, revision=revision, status=a.status, targets=a.targets, profile=a.profile)


def _get(client: TestClient, path: str, token: str, etag: str | None = None) -> tuple[str, bytes, int]:
    headers = {"If-None-Match": etag} if etag else {}
    if path.startswith("/api/"):
        headers["Authorization"] = f"Bearer {token}"
    r = client.get(path, headers=headers)
    assert r.status_code in (200, 304), (path, r.status_code, r.text[:300])
    return r.headers.get("etag", ""), r.content, r.status_code


class _Opaque:
    """Not something JSON holds."""


@dataclass(frozen=True)
class _Section:
    title: str
    thing: _Opaque


@dataclass(frozen=True)
class _Rows:
    rows: list[tuple[str, int]]


def test_a_page_section_json_cannot_hold_is_computed_never_a_failure(app: FastAPI, org: Org) -> None:
    made: list[int] = []

    def compute() -> _Section:
        made.append(1)
        return _Section("x", _Opaque())

    for _ in range(2):
        with app.state.scorecard.read() as s:
            a = get_assessment(s, assessment_id=org.open)
            assert cached_view(s, assessment=a, kind="view:test", cls=_Section, compute=compute).title == "x"
    assert made == [1, 1]
    assert rows(app, "view:test") == {}
    # a section JSON holds is stored once and read back equal (tuples stay tuples)
    for _ in range(2):
        with app.state.scorecard.read() as s:
            a = get_assessment(s, assessment_id=org.open)
            got = cached_view(s, assessment=a, kind="view:rows", cls=_Rows, compute=lambda: _Rows([("a", 1)]))
            assert got == _Rows([("a", 1)])
    assert set(rows(app, "view:rows")) == {org.open}
