"""The organization and department pages after one change (an answer saved through the
autosave route, an assessment closed or archived, a save by another worker): the same
page and roll-up API as a worker that keeps nothing computes, on SQLite and PostgreSQL;
the view after a change reads only the changed assessments' summaries (the statements
counted); SQLite's count of commits and PostgreSQL's snapshot see every connection's."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, make_url, select
from sqlalchemy.orm import Session

from mlops_scorecard.framework import get_framework
from mlops_scorecard.settings import Settings
from mlops_scorecard.store import answers, assessments, respondents, units
from mlops_scorecard.store.db import make_engine, session_factory, upgrade
from mlops_scorecard.store.models import Assessment, Respondent
from mlops_scorecard.store.scope_rows import Commits, pg_snapshot
from mlops_scorecard.web import create_app
from mlops_scorecard.web.routes import pages

FW = get_framework("mlops-scorecard")
CORE = [q.id for _, q in FW.iter_questions("core")]
KEYS = ["yes", "partly", "no"]


def seed(app: FastAPI) -> dict[str, Any]:
    """Org > 2 departments > 3 teams each (and a sub-department with one team); each team
    has a closed assessment in 2025 Q1 and an open one in Q2, both answered. Returns the
    unit ids and a respondent token of one open assessment (the second team's)."""
    out: dict[str, Any] = {}
    with app.state.scorecard.write() as s:
        org = units.create_unit(s, name="Org", kind="organization")
        out["org"] = org.id
        parents = []
        for d in range(2):
            dept = units.create_unit(s, name=f"Dept {d}", kind="department", parent_id=org.id)
            parents += [dept.id] * 3
            out[f"dept{d}"] = dept.id
        sub = units.create_unit(s, name="Sub", kind="department", parent_id=out["dept0"])
        parents.append(sub.id)
        for n, parent in enumerate(parents):
            team = units.create_unit(s, name=f"Team {n}", kind="team", parent_id=parent)
            out.setdefault("team", team.id)  # the first: where it stands among its peers
            for q, status in ((1, "closed"), (4, "open")):
                a = assessments.create_assessment(
                    s, unit_id=team.id, title=f"Q{q}", date=dt.date(2025, q, 10), status="open"
                )
                for p in range(2):
                    r, token = respondents.create_invitation(
                        s, assessment=a, name=f"P{p}", role="ML engineer"
                    )
                    for i, qid in enumerate(CORE):
                        answers.save_answer(
                            s, respondent=r, assessment=a, question_id=qid, answer=KEYS[(i + n + p + q) % 3]
                        )
                    if n == 1 and status == "open" and p == 0:
                        out["token"], out["open_id"] = token, a.id
                if status == "closed":
                    assessments.set_status(s, assessment=a, status="closed")
    return out


def forget() -> None:
    """What a fresh worker has: no summaries nor roll-ups kept."""
    pages.forget_rollups()


def comparable(html: str) -> str:
    """A page without what differs between two views of the same data (tokens, timings)."""
    return re.sub(r'(name="csrf_token" value=")[^"]*', r"\1", html)


def views(viewer: TestClient, api: TestClient, ids: dict[str, Any]) -> list[Any]:
    """The organization page (two pages of teams and a search), a department's page and
    the roll-up API of the organization and a department."""
    out: list[Any] = []
    paths = ["/", "/?page=2", "/?q=Team+1", f"/units/{ids['dept0']}", f"/units/{ids['dept1']}"]
    for path in [*paths, f"/?team={ids['team']}"]:
        r = viewer.get(path)
        assert r.status_code == 200, r.text
        out.append(comparable(r.text))
    for unit in (ids["org"], ids["dept0"]):
        r = api.get(f"/api/v1/units/{unit}/rollup")
        assert r.status_code == 200, r.text
        out.append(r.json())
    return out


@pytest.fixture
def fresh() -> Iterator[None]:
    forget()
    yield
    forget()


def test_pages_after_a_save_are_a_full_rebuilds(
    app: FastAPI, viewer: TestClient, api: TestClient, fresh: None
) -> None:
    ids = seed(app)
    before = views(viewer, api, ids)
    assert views(viewer, api, ids) == before  # kept: the same
    r = viewer.post(f"/r/{ids['token']}/answers", json={"question_id": CORE[0], "answer": "no"})
    assert r.status_code == 200, r.text
    r = viewer.post(f"/r/{ids['token']}/answers", json={"question_id": CORE[1], "answer": "no"})
    assert r.status_code == 200, r.text
    after = views(viewer, api, ids)
    forget()
    rebuilt = views(viewer, api, ids)
    assert after == rebuilt
    assert after[0] != before[0]  # the organization page moved with the save
    assert after[6] != before[6]  # and the roll-up API
    assert after[4] == before[4]  # the other department's page did not


def test_pages_after_closing_one_are_a_full_rebuilds(
    app: FastAPI, viewer: TestClient, api: TestClient, fresh: None
) -> None:
    ids = seed(app)
    before = views(viewer, api, ids)
    with app.state.scorecard.write() as s:
        a = s.get(Assessment, ids["open_id"])
        assert a is not None
        answers.save_answer(s, respondent=a_respondent(s, a), assessment=a, question_id=CORE[2], answer="no")
        assessments.set_status(s, assessment=a, status="closed")
    after = views(viewer, api, ids)
    assert after[0] != before[0]
    forget()
    assert views(viewer, api, ids) == after
    # and reopened, archived: the roll-up follows each change
    with app.state.scorecard.write() as s:
        a = s.get(Assessment, ids["open_id"])
        assert a is not None
        assessments.archive_assessment(s, assessment=a)
    archived = views(viewer, api, ids)
    assert archived != after
    forget()
    assert views(viewer, api, ids) == archived


def a_respondent(s: Session, a: Assessment) -> Respondent:
    return s.scalars(select(Respondent).where(Respondent.assessment_id == a.id).limit(1)).one()


def summary_reads(app: FastAPI) -> tuple[list[set[int]], Any]:
    """A listener recording, per statement that reads ``derived_results``, the whole
    numbers it was given (the assessment ids asked for)."""
    seen: list[set[int]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "FROM derived_results" in statement and statement.lstrip().upper().startswith("SELECT"):
            values = parameters.values() if isinstance(parameters, dict) else parameters or ()
            seen.append({v for v in values if isinstance(v, int)})

    event.listen(app.state.scorecard.engine, "before_cursor_execute", record)
    return seen, record


def test_a_view_after_a_change_reads_only_the_changed_summaries(
    app: FastAPI, viewer: TestClient, fresh: None
) -> None:
    ids = seed(app)
    assert viewer.get("/").status_code == 200
    seen, record = summary_reads(app)
    try:
        assert viewer.get("/").status_code == 200
        assert seen == []  # nothing changed: no summary read
        r = viewer.post(f"/r/{ids['token']}/answers", json={"question_id": CORE[0], "answer": "no"})
        assert r.status_code == 200, r.text
        assert viewer.get("/").status_code == 200
        assert seen
        assert all(found == {ids["open_id"]} for found in seen)
        seen.clear()
        with app.state.scorecard.write() as s:
            other = s.scalars(
                select(Assessment)
                .where(Assessment.status == "open", Assessment.id != ids["open_id"])
                .limit(1)
            ).one()
            assessments.set_status(s, assessment=other, status="closed")
            closed = other.id
        seen.clear()  # closing stores the summary in its own transaction
        assert viewer.get(f"/units/{ids['dept1']}").status_code == 200
        assert seen
        assert all(found == {closed} for found in seen)
    finally:
        event.remove(app.state.scorecard.engine, "before_cursor_execute", record)


def test_a_change_by_another_worker_is_shown(
    app: FastAPI, viewer: TestClient, api: TestClient, settings: Settings, fresh: None
) -> None:
    ids = seed(app)
    before = views(viewer, api, ids)
    other = create_app(settings)  # another worker's engine, on the same database
    try:
        with TestClient(other) as c:  # the answer was "no"
            r = c.post(f"/r/{ids['token']}/answers", json={"question_id": CORE[0], "answer": "yes"})
            assert r.status_code == 200, r.text
    finally:
        other.state.scorecard.engine.dispose()
    after = views(viewer, api, ids)
    assert after != before
    forget()
    assert views(viewer, api, ids) == after


def test_sqlite_commits_are_counted_from_any_connection(sqlite_url: str) -> None:
    path = make_url(sqlite_url).database
    assert path
    engine = make_engine(sqlite_url)
    upgrade(engine)
    probe = Commits(path)
    first = probe.read()
    assert first is not None
    assert probe.read() == first  # nothing committed
    with engine.begin() as conn:  # another connection of this process
        conn.exec_driver_sql("INSERT INTO units (name, kind, created_at) VALUES ('A', 'team', '2026-01-01')")
    second = probe.read()
    assert second != first
    raw = sqlite3.connect(path)  # as another process would
    raw.execute("UPDATE units SET name = 'B'")
    raw.commit()
    raw.close()
    assert probe.read() != second
    engine.dispose()


def test_postgresql_snapshot_moves_with_any_commit(postgresql_url: str) -> None:
    engine = make_engine(postgresql_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions() as s:
        first = pg_snapshot(s)
    with sessions() as s:
        assert pg_snapshot(s) == first  # nothing committed
    with engine.begin() as conn:  # another worker's write
        conn.exec_driver_sql("INSERT INTO units (name, kind, created_at) VALUES ('A', 'team', now())")
    with sessions() as s:
        assert pg_snapshot(s) != first
    engine.dispose()
