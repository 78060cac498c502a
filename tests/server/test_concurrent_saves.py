"""Concurrent saves of one answer: no acknowledged save is lost, on SQLite and PostgreSQL.

Every writer runs in its own thread with its own connection (the store functions in a
transaction each, or HTTP requests to a real uvicorn server), so the database, not the
test, decides who wins.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker
from support import free_port

from mlops_scorecard.errors import ConflictError
from mlops_scorecard.store.answers import save_answer
from mlops_scorecard.store.assessments import create_assessment
from mlops_scorecard.store.db import transaction
from mlops_scorecard.store.models import Answer
from mlops_scorecard.store.respondents import create_invitation, respondent_for_token
from mlops_scorecard.store.units import create_unit

QUESTION = "gov-strategy"


def _survey(sessions: sessionmaker[Session], *, answered: bool) -> str:
    with transaction(sessions) as s:
        team = create_unit(s, name="Team")
        a = create_assessment(s, unit_id=team.id, title="Q1", status="open")
        r, token = create_invitation(s, assessment=a, name="Ana")
        if answered:
            save_answer(s, respondent=r, assessment=a, question_id=QUESTION, answer="no")
    return token


def _stored(sessions: sessionmaker[Session]) -> tuple[str, int]:
    with sessions() as s:
        rows = [
            (x.answer, x.revision) for x in s.scalars(select(Answer).where(Answer.question_id == QUESTION))
        ]
    assert len(rows) == 1
    return rows[0]


def _race(
    sessions: sessionmaker[Session], token: str, writers: int, save: Callable[[Session, Any, Any, int], int]
) -> list[int | Exception]:
    """Run ``writers`` saves at once; each returns the revision it got, or its error.

    On PostgreSQL every writer reads the respondent and their answers (as the survey
    page does) and then waits for the others, so all of them hold what they read before
    any writes. SQLite takes one writer at a time in the process (the transaction holds
    the write lock), so there the writers start together and queue.
    """
    inside = sessions.kw["bind"].dialect.name != "sqlite"
    barrier = threading.Barrier(writers)

    def one(i: int) -> int | Exception:
        try:
            if not inside:
                barrier.wait(timeout=30)
            with transaction(sessions) as s:
                r, a = respondent_for_token(s, token=token)
                assert r.answers is not None  # loaded, like the survey page
                if inside:
                    barrier.wait(timeout=30)
                return save(s, r, a, i)
        except (ConflictError, threading.BrokenBarrierError) as exc:
            return exc

    with ThreadPoolExecutor(writers) as pool:
        return list(pool.map(one, range(writers)))


@pytest.mark.parametrize("first", [False, True], ids=["update", "first-save"])
def test_concurrent_saves_of_one_revision_let_exactly_one_win(
    sessions: sessionmaker[Session], first: bool
) -> None:
    token = _survey(sessions, answered=not first)
    seen = 0 if first else 1
    writers = 8

    def save(s: Session, r: Any, a: Any, i: int) -> int:
        answer = ("yes", "partly")[i % 2]
        return save_answer(
            s, respondent=r, assessment=a, question_id=QUESTION, answer=answer, expected_revision=seen
        ).revision

    outcomes = _race(sessions, token, writers, save)
    won = [i for i, o in enumerate(outcomes) if not isinstance(o, Exception)]
    assert len(won) == 1, outcomes
    assert all(isinstance(o, ConflictError) for i, o in enumerate(outcomes) if i not in won), outcomes
    assert outcomes[won[0]] == seen + 1
    assert _stored(sessions) == (("yes", "partly")[won[0] % 2], seen + 1)


def test_concurrent_blind_saves_each_count(sessions: sessionmaker[Session]) -> None:
    token = _survey(sessions, answered=True)
    writers = 12

    def save(s: Session, r: Any, a: Any, i: int) -> int:
        return save_answer(s, respondent=r, assessment=a, question_id=QUESTION, answer="yes").revision

    outcomes = _race(sessions, token, writers, save)
    # every save got its own revision, and the last one is 1 + writers
    assert sorted(o for o in outcomes if isinstance(o, int)) == list(range(2, writers + 2)), outcomes
    assert _stored(sessions) == ("yes", 1 + writers)


def test_concurrent_first_blind_saves_each_count(sessions: sessionmaker[Session]) -> None:
    token = _survey(sessions, answered=False)
    writers = 6

    def save(s: Session, r: Any, a: Any, i: int) -> int:
        return save_answer(s, respondent=r, assessment=a, question_id=QUESTION, answer="no").revision

    outcomes = _race(sessions, token, writers, save)
    assert sorted(o for o in outcomes if isinstance(o, int)) == list(range(1, writers + 1)), outcomes
    assert _stored(sessions) == ("no", writers)


# --- the same through HTTP, against a real server ------------------------------------------


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def test_two_tabs_saving_one_revision_over_http(app: FastAPI, server: str) -> None:
    token = _survey(app.state.scorecard.sessions, answered=True)
    tabs = 10
    barrier = threading.Barrier(tabs)

    def tab(i: int) -> tuple[int, Any]:
        with httpx.Client(base_url=server, timeout=30) as c:
            barrier.wait(timeout=30)
            r = c.post(
                f"/r/{token}/answers",
                json={
                    "question_id": QUESTION,
                    "answer": ("yes", "partly")[i % 2],
                    "comment": "",
                    "revision": 1,
                },
            )
            return r.status_code, r.json()

    with ThreadPoolExecutor(tabs) as pool:
        results = list(pool.map(tab, range(tabs)))
    statuses = sorted(code for code, _ in results)
    assert statuses == [200] + [409] * (tabs - 1), results
    winner = next(body for code, body in results if code == 200)
    assert winner["revision"] == 2
    assert _stored(app.state.scorecard.sessions) == (winner["answer"], 2)

    # scripts that send no revision: every save counts
    def blind(_: int) -> int:
        with httpx.Client(base_url=server, timeout=30) as c:
            barrier.wait(timeout=30)
            r = c.post(f"/r/{token}/answers", json={"question_id": QUESTION, "answer": "no", "comment": ""})
            return r.status_code

    with ThreadPoolExecutor(tabs) as pool:
        assert list(pool.map(blind, range(tabs))) == [200] * tabs
    assert _stored(app.state.scorecard.sessions) == ("no", 2 + tabs)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_blind_save_while_a_first_save_commits(sessions: sessionmaker[Session]) -> None:
    # The blind save's upsert meets the first save's row before that row is committed:
    # it must wait for it and then update it (revision 2), not fail on the unique key
    # nor report a conflict. (SQLite has one writer at a time.)
    token = _survey(sessions, answered=False)
    first = sessions()
    first.begin()
    r1, a1 = respondent_for_token(first, token=token)
    save_answer(first, respondent=r1, assessment=a1, question_id=QUESTION, answer="no")
    outcome: list[object] = []

    def second_save() -> None:
        try:
            with transaction(sessions) as second:
                r2, a2 = respondent_for_token(second, token=token)
                row = save_answer(second, respondent=r2, assessment=a2, question_id=QUESTION, answer="yes")
                outcome.append(row.revision)
        except Exception as exc:  # reported through the assertion below
            outcome.append(exc)

    worker = threading.Thread(target=second_save)
    worker.start()
    waiting = 0
    with sessions() as probe:
        for _ in range(500):  # until the second save waits on the first one's row
            waiting = probe.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )
            probe.rollback()
            if waiting or not worker.is_alive():
                break
            time.sleep(0.02)
    assert waiting == 1
    first.commit()
    first.close()
    worker.join(timeout=30)
    assert outcome == [2]
    assert _stored(sessions) == ("yes", 2)
