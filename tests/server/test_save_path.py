"""The save path: the statements one autosave issues, and the answer counts and the
assessment's revision kept right through saves, uploads, imports and status changes.

Run on SQLite and PostgreSQL (``db_url``); counts of statements, never times.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from mlops_scorecard.answers import Answer as CoreAnswer
from mlops_scorecard.answers import AnswerSet
from mlops_scorecard.answers import Respondent as CoreRespondent
from mlops_scorecard.errors import ConflictError
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store.answers import import_answer_set, replace_answers, save_answer
from mlops_scorecard.store.assessments import create_assessment, delete_assessment, set_status
from mlops_scorecard.store.autosave import autosave, forget_hints
from mlops_scorecard.store.db import transaction
from mlops_scorecard.store.models import Answer, Assessment, Respondent
from mlops_scorecard.store.respondents import (
    create_invitation,
    progress_of,
    respondent_for_token,
    revoke_respondent,
)
from mlops_scorecard.store.revisions import bump_revision, current_revision, current_revisions
from mlops_scorecard.store.saving import save_target_for_token, store_answer
from mlops_scorecard.store.units import create_unit

FW = get_framework("mlops-scorecard")
CORE = [q.id for _, q in FW.iter_questions("core")]
EXTENDED = [q.id for _, q in FW.iter_questions("full") if q.set != "core"]
#: Statements that are not the save's own work (transaction control, SQLite's pragmas).
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


def _work(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.lstrip().upper().startswith(CONTROL)]


def _open_survey(
    sessions: sessionmaker[Session], names: tuple[str, ...] = ("Ana",), *, team_name: str = "Team"
) -> tuple[int, list[str]]:
    with transaction(sessions) as s:
        team = create_unit(s, name=team_name)
        a = create_assessment(s, unit_id=team.id, title="Q1", date=dt.date(2026, 1, 1), status="open")
        tokens = [create_invitation(s, assessment=a, name=n)[1] for n in names]
        return a.id, tokens


def _true_counts(s: Session, assessment_id: int) -> dict[int, int]:
    """Answers per respondent, counted from the answers (what ``answered`` must equal)."""
    rows = s.execute(
        select(Respondent.id, func.count(Answer.id))
        .outerjoin(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id == assessment_id)
        .group_by(Respondent.id)
    )
    return {rid: n for rid, n in rows}  # noqa: C416 (rows are Row objects)


def _kept_counts(s: Session, assessment_id: int) -> dict[int, int]:
    rows = s.execute(
        select(Respondent.id, Respondent.answered).where(Respondent.assessment_id == assessment_id)
    )
    return {rid: n for rid, n in rows}  # noqa: C416 (rows are Row objects)


def true_revision_sums(s: Session) -> dict[int, int]:
    """Every respondent's sum of their answers' revisions, summed from the answers (what
    the triggers must keep in ``respondents.answer_revisions``)."""
    rows = s.execute(
        select(Respondent.id, func.coalesce(func.sum(Answer.revision), 0))
        .outerjoin(Answer, Answer.respondent_id == Respondent.id)
        .group_by(Respondent.id)
    )
    return {rid: int(n) for rid, n in rows}


def revision_from_answers(s: Session, assessment_id: int) -> int:
    """The revision as the answers themselves give it (the formula of ``store/revisions.py``
    before the respondents kept their sums): what reading the sums must still give."""
    a = s.get(Assessment, assessment_id)
    assert a is not None
    s.refresh(a)
    if a.status == "closed":
        return a.stored_revision
    answers = s.scalar(
        select(func.coalesce(func.sum(Answer.revision), 0))
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .where(Respondent.assessment_id == assessment_id)
    )
    return a.stored_revision + int(answers or 0)


def kept_revision_sums(s: Session) -> dict[int, int]:
    """Every respondent's ``answer_revisions`` as the triggers kept it."""
    return {rid: int(n) for rid, n in s.execute(select(Respondent.id, Respondent.answer_revisions))}


# --- the statements of one autosave ------------------------------------------------------


@contextlib.contextmanager
def _statements(app: FastAPI) -> Iterator[list[tuple[str, bool]]]:
    """Each statement the app runs in the block, with whether it ran in autocommit mode
    (its own transaction: no BEGIN and COMMIT round trips around it)."""
    seen: list[tuple[str, bool]] = []
    engine = app.state.scorecard.engine

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append((statement, bool(getattr(conn.connection.driver_connection, "autocommit", False))))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_an_autosave_is_one_statement_on_postgresql_and_two_or_three_on_sqlite(
    app: FastAPI, client: TestClient
) -> None:
    assessment_id, (token,) = _open_survey(app.state.scorecard.sessions)
    url = f"/r/{token}/answers"
    postgres = app.state.scorecard.engine.dialect.name == "postgresql"
    # warm: the framework is loaded, the link's hint kept and the statements compiled
    assert client.post(url, json={"question_id": CORE[-1], "answer": "yes"}).status_code == 200

    def one_statement(seen: list[tuple[str, bool]]) -> str:
        assert len(seen) == 1, seen
        sql, autocommit = seen[0]
        assert autocommit, "the save must run as its own transaction"
        assert sql.lstrip().upper().startswith("WITH"), sql
        return " ".join(sql.lower().split())

    with _statements(app) as seen:
        r = client.post(url, json={"question_id": CORE[0], "answer": "yes", "revision": 0})
    assert r.status_code == 200, r.text
    assert (r.json()["revision"], r.json()["answered"], r.json()["total"]) == (1, 2, len(CORE))
    if postgres:
        sql = one_statement(seen)
        assert "insert into answers" in sql
        assert "on conflict (respondent_id, question_id) do nothing" in sql
        assert "update respondents set answered = respondents.answered + 1" in sql
    else:
        work = _work([w for w, _ in seen])
        assert [w.split()[0].upper() for w in work] == ["SELECT", "INSERT", "UPDATE"], work
        assert "ON CONFLICT" in work[1].upper()
        assert "RETURNING" in work[1].upper()
        assert work[2].lower().startswith("update respondents")

    with _statements(app) as seen:
        r = client.post(url, json={"question_id": CORE[0], "answer": "no", "revision": 1})
    assert (r.status_code, r.json()["revision"], r.json()["answered"]) == (200, 2, 2)
    if postgres:
        assert "update answers set" in one_statement(seen)
    else:
        work = _work([w for w, _ in seen])
        assert [w.split()[0].upper() for w in work] == ["SELECT", "UPDATE"], work
        assert work[1].lower().startswith("update answers")
        assert "RETURNING" in work[1].upper()

    with _statements(app) as seen:  # a script's blind save of a stored answer
        r = client.post(url, json={"question_id": CORE[0], "answer": "partly"})
    assert (r.status_code, r.json()["revision"], r.json()["answered"]) == (200, 3, 2)
    if postgres:
        assert "do update set" in one_statement(seen)
    else:
        assert [w.split()[0].upper() for w in _work([w for w, _ in seen])] == ["SELECT", "INSERT"]

    # no save writes the assessment's row: its revision is read from the answers
    assert not [w for w, _ in seen if "update assessments" in " ".join(w.lower().split())]
    with app.state.scorecard.read() as s:
        assert _kept_counts(s, assessment_id) == _true_counts(s, assessment_id)
        assert kept_revision_sums(s) == true_revision_sums(s)


def test_a_stale_revision_is_refused_and_changes_nothing(app: FastAPI, client: TestClient) -> None:
    assessment_id, (token,) = _open_survey(app.state.scorecard.sessions)
    url = f"/r/{token}/answers"
    assert client.post(url, json={"question_id": CORE[0], "answer": "yes", "revision": 0}).status_code == 200
    with app.state.scorecard.read() as s:
        before = current_revision(s, assessment_id=assessment_id)
    for stale in (0, 5):
        r = client.post(url, json={"question_id": CORE[0], "answer": "no", "revision": stale})
        assert r.status_code == 409
        assert "another tab" in r.json()["detail"]
    # a revision for an answer that is not stored (removed by an upload meanwhile)
    r = client.post(url, json={"question_id": CORE[1], "answer": "no", "revision": 3})
    assert r.status_code == 409
    with app.state.scorecard.read() as s:
        assert current_revision(s, assessment_id=assessment_id) == before
        assert _kept_counts(s, assessment_id) == _true_counts(s, assessment_id)
        assert kept_revision_sums(s) == true_revision_sums(s)
        stored = s.execute(select(Answer.question_id, Answer.answer, Answer.revision)).all()
    assert [tuple(x) for x in stored] == [(CORE[0], "yes", 1)]


def test_the_survey_counts_only_the_questions_it_asks(app: FastAPI, client: TestClient) -> None:
    # An answer to a question outside the set (left from before the set was changed)
    # is stored and counted in ``answered``, but not in the survey's progress.
    assessment_id, (token,) = _open_survey(app.state.scorecard.sessions)
    with app.state.scorecard.write() as s:
        r, _ = respondent_for_token(s, token=token)
        s.add(Answer(respondent_id=r.id, question_id=EXTENDED[0], answer="yes", revision=1))
        r.answered = 1
    body = client.post(f"/r/{token}/answers", json={"question_id": CORE[0], "answer": "yes"}).json()
    assert (body["answered"], body["total"]) == (1, len(CORE))
    body = client.post(f"/r/{token}/answers", json={"question_id": CORE[0], "answer": "no"}).json()
    assert body["answered"] == 1
    refused = client.post(f"/r/{token}/answers", json={"question_id": EXTENDED[1], "answer": "no"})
    assert refused.status_code == 422
    with app.state.scorecard.read() as s:
        assert _kept_counts(s, assessment_id) == _true_counts(s, assessment_id) == {r.id: 2}
        assert kept_revision_sums(s) == true_revision_sums(s)
        a = s.get(Assessment, assessment_id)
        assert a is not None
        # the facilitator's view counts every stored answer unless told otherwise
        assert [p["answered"] for p in progress_of(s, assessment=a)] == [2]
        assert [p["answered"] for p in progress_of(s, assessment=a, not_counted=EXTENDED)] == [1]


def test_a_closed_or_draft_assessment_takes_no_save(sessions: sessionmaker[Session]) -> None:
    assessment_id, (token,) = _open_survey(sessions)
    with transaction(sessions) as s:
        a = s.get(Assessment, assessment_id)
        assert a is not None
        set_status(s, assessment=a, status="closed")
    with transaction(sessions) as s:
        target = save_target_for_token(s, token=token)
        with pytest.raises(ConflictError, match="closed"):
            store_answer(s, target=target, question_id=CORE[0], answer="yes")
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 0


# --- answered and the revision through every kind of change -------------------------------


class Revisions:
    """Each revision read in turn; every change must give a larger one."""

    def __init__(self, sessions: sessionmaker[Session], assessment_id: int) -> None:
        self.sessions, self.assessment_id = sessions, assessment_id
        self.seen: list[int] = []

    def check(self) -> int:
        with self.sessions() as s:
            revision = current_revision(s, assessment_id=self.assessment_id)
            assert current_revisions(s, assessment_ids=[self.assessment_id, 10**6]) == {
                self.assessment_id: revision
            }
            assert _kept_counts(s, self.assessment_id) == _true_counts(s, self.assessment_id)
            assert kept_revision_sums(s) == true_revision_sums(s)
            assert revision == revision_from_answers(s, self.assessment_id)
            # what other code reads: the loaded row's revision, and the column in a query
            loaded = s.get(Assessment, self.assessment_id)
            assert loaded is not None
            assert loaded.revision == revision
            assert (
                s.scalar(select(Assessment.revision).where(Assessment.id == self.assessment_id)) == revision
            )
        assert not self.seen or revision > self.seen[-1], (self.seen, revision)
        self.seen.append(revision)
        return revision


def _person(name: str, answers: dict[str, str]) -> CoreRespondent:
    return CoreRespondent(
        name=name, role="ml-engineer", answers={q: CoreAnswer(answer=a) for q, a in answers.items()}
    )


def test_answered_and_the_revision_stay_right_through_every_change(sessions: sessionmaker[Session]) -> None:
    assessment_id, (ana, bo) = _open_survey(sessions, ("Ana", "Bo"))
    revisions = Revisions(sessions, assessment_id)
    revisions.check()

    def saving(token: str, qid: str, answer: str, **kw: Any) -> int:
        with transaction(sessions) as s:
            r, a = respondent_for_token(s, token=token)
            saved = save_answer(s, respondent=r, assessment=a, question_id=qid, answer=answer, **kw)
            assert r.answered == saved.answered  # the session's copy follows the save
            return saved.revision

    assert saving(ana, CORE[0], "yes") == 1
    revisions.check()
    assert saving(ana, CORE[0], "no", expected_revision=1) == 2
    revisions.check()
    assert saving(bo, CORE[0], "yes") == 1
    saving(ana, CORE[1], "partly")
    revisions.check()
    with pytest.raises(ConflictError):
        saving(ana, CORE[1], "no", expected_revision=0)
    unchanged = revisions.seen[-1]
    with sessions() as s:
        assert current_revision(s, assessment_id=assessment_id) == unchanged

    # an upload replaces Ana's answers: one kept (its revision moves on), one removed, two new
    with transaction(sessions) as s:
        r, a = respondent_for_token(s, token=ana)
        assert len(r.answers) == 2
        replace_answers(
            s,
            respondent=r,
            assessment=a,
            answers={
                CORE[0]: CoreAnswer(answer="yes"),
                CORE[2]: CoreAnswer(answer="no"),
                CORE[3]: CoreAnswer(answer="na"),
            },
        )
        assert {x.question_id: x.revision for x in r.answers} == {CORE[0]: 3, CORE[2]: 1, CORE[3]: 1}
        assert r.answered == 3
    revisions.check()
    # an upload with fewer answers than before still moves the revision on
    with transaction(sessions) as s:
        r, a = respondent_for_token(s, token=ana)
        replace_answers(s, respondent=r, assessment=a, answers={})
    revisions.check()

    # an import of two respondents
    with transaction(sessions) as s:
        found = s.get(Assessment, assessment_id)
        assert found is not None
        people = [_person("Cy", {CORE[0]: "yes", CORE[1]: "no"}), _person("Di", {CORE[4]: "partly"})]
        added = import_answer_set(
            s, assessment=found, answers=AnswerSet(framework=FW.ref, respondents=people)
        )
        assert [r.answered for r in added] == [2, 1]
    revisions.check()

    # any other change calls bump_revision; close and reopen
    with transaction(sessions) as s:
        bump_revision(s, assessment_id=assessment_id)
    revisions.check()
    for status in ("closed", "open", "closed"):
        with transaction(sessions) as s:
            shut = s.get(Assessment, assessment_id)
            assert shut is not None
            set_status(s, assessment=shut, status=status)
            bump_revision(s, assessment_id=assessment_id)
        revisions.check()
    with sessions() as s:  # closed: the stored column alone, no answers read
        closed = s.get(Assessment, assessment_id)
        assert closed is not None
        assert closed.revision == revisions.seen[-1]


def test_a_bump_before_removing_answers_still_moves_the_revision_on(sessions: sessionmaker[Session]) -> None:
    # the removal lowers the answers' part of the revision; the bump made first folds
    # in more than the removal takes away
    assessment_id, (token,) = _open_survey(sessions)
    with transaction(sessions) as s:
        r, a = respondent_for_token(s, token=token)
        for qid in CORE[:6]:
            for answer in ("yes", "no", "partly"):
                save_answer(s, respondent=r, assessment=a, question_id=qid, answer=answer)
    revisions = Revisions(sessions, assessment_id)
    revisions.check()
    with transaction(sessions) as s:
        r, a = respondent_for_token(s, token=token)
        replace_answers(s, respondent=r, assessment=a, answers={CORE[7]: CoreAnswer(answer="yes")})
    revisions.check()


@pytest.fixture
def no_assessment_writes(engine: Engine) -> Iterator[list[str]]:
    writes: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().lower().startswith("update assessments"):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield writes
    event.remove(engine, "before_cursor_execute", record)


def test_saves_of_many_respondents_never_write_the_assessment_row(
    sessions: sessionmaker[Session], no_assessment_writes: list[str]
) -> None:
    assessment_id, tokens = _open_survey(sessions, ("A", "B", "C"))
    revisions = Revisions(sessions, assessment_id)
    revisions.check()
    for token in tokens:
        for qid in CORE[:3]:
            with transaction(sessions) as s:
                target = save_target_for_token(s, token=token)
                store_answer(s, target=target, question_id=qid, answer="yes")
            revisions.check()
    assert no_assessment_writes == []
    assert len(set(revisions.seen)) == 10


# --- pooled PostgreSQL connections: checked when they sat idle, not on every save --------


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_connection_killed_while_idle_is_replaced_on_checkout(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from mlops_scorecard.store import db

    engine = db.make_engine(db_url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with db.make_engine(db_url).connect() as killer:  # the server drops it, as on a restart
            assert killer.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first}).scalar_one()
        monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)  # it has now sat idle long enough
        with engine.connect() as conn:
            second = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()


# --- each respondent's sum of their answers' revisions, kept by the database ---------------


def test_concurrent_first_saves_of_one_respondent_keep_their_count_and_sum(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    # on PostgreSQL each autosave is one statement whose CTE counts the first answer in
    # the respondent's row while the trigger adds its revision to the same row
    assessment_id, (token,) = _open_survey(sessions)
    questions = CORE[:16]
    barrier = threading.Barrier(8)

    def save(i: int) -> list[int]:
        barrier.wait(timeout=30)
        revisions = []
        for qid in questions[i::8]:
            revisions.append(autosave(engine, token=token, question_id=qid, answer="yes").saved.revision)
            revisions.append(autosave(engine, token=token, question_id=qid, answer="no").saved.revision)
        return revisions

    forget_hints()
    with ThreadPoolExecutor(8) as pool:
        got = [r for rs in pool.map(save, range(8)) for r in rs]
    assert sorted(got) == [1] * 16 + [2] * 16
    with sessions() as s:
        assert _kept_counts(s, assessment_id) == _true_counts(s, assessment_id)
        assert list(_kept_counts(s, assessment_id).values()) == [16]
        assert kept_revision_sums(s) == true_revision_sums(s)
        assert list(kept_revision_sums(s).values()) == [32]
    Revisions(sessions, assessment_id).check()


def test_revoking_deleting_a_respondent_and_deleting_an_assessment_keep_the_sums(
    sessions: sessionmaker[Session],
) -> None:
    assessment_id, (ana, bo) = _open_survey(sessions, ("Ana", "Bo"))
    other_id, (cy,) = _open_survey(sessions, ("Cy",), team_name="Other")
    for token in (ana, bo, cy):
        with transaction(sessions) as s:
            r, a = respondent_for_token(s, token=token)
            for qid in CORE[:3]:
                save_answer(s, respondent=r, assessment=a, question_id=qid, answer="yes")
            save_answer(s, respondent=r, assessment=a, question_id=CORE[0], answer="no")
    revisions = Revisions(sessions, assessment_id)
    revisions.check()
    with sessions() as s:
        assert sorted(kept_revision_sums(s).values()) == [4, 4, 4]  # 2 + 1 + 1 each
    with transaction(sessions) as s:
        found = s.get(Assessment, assessment_id)
        assert found is not None
        revoke_respondent(s, assessment=found, respondent_id=respondent_for_token(s, token=bo)[0].id)
    revisions.check()
    # the ORM deletes a respondent's answers one by one, then the respondent
    with transaction(sessions) as s:
        s.delete(respondent_for_token(s, token=ana)[0])
    with sessions() as s:
        assert len(kept_revision_sums(s)) == 2
        assert kept_revision_sums(s) == true_revision_sums(s)
    with transaction(sessions) as s:
        other = s.get(Assessment, other_id)
        assert other is not None
        delete_assessment(s, assessment=other)
    with sessions() as s:
        assert kept_revision_sums(s) == true_revision_sums(s)
        assert list(kept_revision_sums(s).values()) == [4]
    revisions.seen.clear()  # the deletion took Ana's answers off: the revision went down
    revisions.check()
