"""store.autosave: a respondent's save by link, on SQLite (a transaction) and PostgreSQL
(one statement checked against what the worker keeps of the link).

The worker's hint for a link must never let a wrong save through nor refuse a right one:
each test first saves once (the hint is kept), then changes the link or the assessment
behind the worker's back, as another worker or the facilitator would, and saves again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from mlops_scorecard.errors import ConflictError, NotFoundError, ScorecardError
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store import autosave as autosave_module
from mlops_scorecard.store.assessments import create_assessment, set_status, update_assessment
from mlops_scorecard.store.autosave import autosave, forget_hints, hints_kept
from mlops_scorecard.store.db import transaction
from mlops_scorecard.store.models import Answer, Assessment, Respondent
from mlops_scorecard.store.respondents import (
    create_invitation,
    reissue_link,
    restore_respondent,
    revoke_respondent,
)
from mlops_scorecard.store.saving import StaleRevision
from mlops_scorecard.store.units import create_unit

FW = get_framework("mlops-scorecard")
CORE = [q.id for _, q in FW.iter_questions("core")]
EXTENDED = [q.id for _, q in FW.iter_questions("full") if q.set != "core"]


@pytest.fixture(autouse=True)
def _no_hints() -> Iterator[None]:
    forget_hints()
    yield
    forget_hints()


Save = Callable[..., Any]


@pytest.fixture
def opened(sessions: sessionmaker[Session]) -> tuple[int, list[str]]:
    with transaction(sessions) as s:
        team = create_unit(s, name="Team")
        a = create_assessment(s, unit_id=team.id, title="Q1", date=dt.date(2026, 1, 1), status="open")
        tokens = [create_invitation(s, assessment=a, name=n)[1] for n in ("Ana", "Bo")]
        return a.id, tokens


@pytest.fixture
def save(engine: Engine, sessions: sessionmaker[Session]) -> Save:
    def run(token: str, question_id: str, answer: str = "yes", **kw: Any) -> Any:
        return autosave(engine, token=token, question_id=question_id, answer=answer, **kw)

    return run


def _change(
    sessions: sessionmaker[Session], assessment_id: int, fn: Callable[[Session, Assessment], Any]
) -> None:
    with transaction(sessions) as s:
        a = s.get(Assessment, assessment_id)
        assert a is not None
        fn(s, a)


def _stored(sessions: sessionmaker[Session]) -> list[tuple[str, str, int]]:
    with sessions() as s:
        rows = s.execute(select(Answer.question_id, Answer.answer, Answer.revision).order_by(Answer.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_saves_count_progress_and_move_revisions(
    save: Save, opened: tuple[int, list[str]], sessions: Any
) -> None:
    _, (ana, bo) = opened
    first = save(ana, CORE[0], "yes", expected_revision=0)
    assert (first.saved.revision, first.saved.answered, first.saved.asked_answered) == (1, 1, 1)
    assert first.asked.total == len(CORE)
    again = save(ana, CORE[0], "no", expected_revision=1, comment="  why  ")
    assert (again.saved.revision, again.saved.answered, again.saved.comment) == (2, 1, "why")
    blind = save(ana, CORE[1], "partly")
    assert (blind.saved.revision, blind.saved.answered) == (1, 2)
    assert save(bo, CORE[0], "na").saved.answered == 1
    assert _stored(sessions) == [(CORE[0], "no", 2), (CORE[1], "partly", 1), (CORE[0], "na", 1)]
    with sessions() as s:
        assert dict(s.execute(select(Respondent.name, Respondent.answered)).all()) == {"Ana": 2, "Bo": 1}


def test_a_stale_revision_is_refused_and_nothing_changes(
    save: Save, opened: tuple[int, list[str]], sessions: Any
) -> None:
    _, (ana, _) = opened
    save(ana, CORE[0], "yes", expected_revision=0)
    for stale in (0, 5):
        with pytest.raises(StaleRevision, match="revision 1, you had"):
            save(ana, CORE[0], "no", expected_revision=stale)
    with pytest.raises(StaleRevision, match="revision 0"):  # not stored at all
        save(ana, CORE[1], "no", expected_revision=2)
    assert _stored(sessions) == [(CORE[0], "yes", 1)]


def test_bad_input_is_refused_before_anything_is_written(
    save: Save, opened: tuple[int, list[str]], sessions: Any
) -> None:
    _, (ana, _) = opened
    with pytest.raises(NotFoundError):
        save("not-a-token", CORE[0])
    with pytest.raises(NotFoundError):
        save("x" * 500, CORE[0])
    with pytest.raises(ScorecardError, match="unknown question 'nope'"):
        save(ana, "nope")
    with pytest.raises(ScorecardError, match="unknown answer 'maybe'"):
        save(ana, CORE[0], "maybe")
    with pytest.raises(ScorecardError, match="not in this assessment's question set"):
        save(ana, EXTENDED[0])
    with pytest.raises(ScorecardError, match="longer than"):
        save(ana, CORE[0], comment="x" * 5001)
    assert _stored(sessions) == []


def test_a_link_revoked_after_its_hint_is_refused_and_restored_is_taken(
    save: Save, opened: tuple[int, list[str]], sessions: Any
) -> None:
    assessment_id, (ana, _) = opened
    save(ana, CORE[0])
    rid = _respondent_id(sessions, "Ana")
    _change(sessions, assessment_id, lambda s, a: revoke_respondent(s, assessment=a, respondent_id=rid))
    with pytest.raises(NotFoundError, match="revoked"):
        save(ana, CORE[1])
    with pytest.raises(NotFoundError):  # and again, now that the worker knows
        save(ana, CORE[1])
    _change(sessions, assessment_id, lambda s, a: restore_respondent(s, assessment=a, respondent_id=rid))
    assert save(ana, CORE[1]).saved.answered == 2
    assert [q for q, _, _ in _stored(sessions)] == [CORE[0], CORE[1]]


def _respondent_id(sessions: sessionmaker[Session], name: str) -> int:
    with sessions() as s:
        found = s.scalar(select(Respondent.id).where(Respondent.name == name))
        assert found is not None
        return found


def test_an_assessment_closed_after_the_hint_takes_no_save_and_reopened_does(
    save: Save, opened: tuple[int, list[str]], sessions: Any
) -> None:
    assessment_id, (ana, bo) = opened
    save(ana, CORE[0])
    save(bo, CORE[0])
    _change(sessions, assessment_id, lambda s, a: set_status(s, assessment=a, status="closed"))
    for token in (ana, bo):
        with pytest.raises(ConflictError, match="closed"):
            save(token, CORE[1])
    assert len(_stored(sessions)) == 2
    _change(sessions, assessment_id, lambda s, a: set_status(s, assessment=a, status="open"))
    assert save(ana, CORE[1]).saved.answered == 2


def test_a_draft_that_opens_takes_saves_though_the_worker_saw_it_as_a_draft(
    save: Save, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as s:
        a = create_assessment(s, unit_id=create_unit(s, name="T").id, title="D", date=dt.date(2026, 1, 1))
        token = create_invitation(s, assessment=a, name="Cy")[1]
        assessment_id = a.id
    with pytest.raises(ConflictError, match="not open yet"):
        save(token, CORE[0])
    _change(sessions, assessment_id, lambda s, a: set_status(s, assessment=a, status="open"))
    assert save(token, CORE[0]).saved.revision == 1


def test_a_changed_question_set_or_context_is_followed(
    save: Save, opened: tuple[int, list[str]], sessions: Any
) -> None:
    assessment_id, (ana, _) = opened
    with pytest.raises(ScorecardError, match="not in this assessment's question set"):
        save(ana, EXTENDED[0])  # the worker now keeps "core" for this link
    _change(sessions, assessment_id, lambda s, a: update_assessment(s, assessment=a, question_set="full"))
    done = save(ana, EXTENDED[0])
    assert done.asked.total == len(CORE) + len(EXTENDED)
    # a context that leaves gov-team out: known to the worker only through the statement
    _change(
        sessions,
        assessment_id,
        lambda s, a: update_assessment(s, assessment=a, profile={"team-size": "small"}),
    )
    with pytest.raises(ScorecardError, match="not applicable in this assessment's context"):
        save(ana, "gov-team")
    assert save(ana, "gov-strategy").asked.total == len(CORE) + len(EXTENDED) - 1
    _change(sessions, assessment_id, lambda s, a: update_assessment(s, assessment=a, profile={}))
    assert save(ana, "gov-team").saved.revision == 1


def test_a_reissued_link_stops_saving_and_the_new_one_saves(
    save: Save, opened: tuple[int, list[str]], sessions: sessionmaker[Session]
) -> None:
    assessment_id, (ana, _) = opened
    save(ana, CORE[0])
    rid = _respondent_id(sessions, "Ana")
    new: list[str] = []
    _change(
        sessions, assessment_id, lambda s, a: new.append(reissue_link(s, assessment=a, respondent_id=rid)[1])
    )
    with pytest.raises(NotFoundError, match="not valid"):
        save(ana, CORE[1])
    assert save(new[0], CORE[1]).saved.answered == 2  # the answers stay with the person
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 2


def test_the_hints_a_worker_keeps_are_bounded(
    save: Save, sessions: sessionmaker[Session], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(autosave_module, "MAX_HINTS", 3)
    with transaction(sessions) as s:
        a = create_assessment(s, unit_id=create_unit(s, name="T").id, title="Q", date=dt.date(2026, 1, 1))
        a.status = "open"
        tokens = [create_invitation(s, assessment=a, name=f"R{i}")[1] for i in range(6)]
    for token in tokens:
        save(token, CORE[0])
        assert hints_kept() <= 3
    expected = 3 if engine.dialect.name == "postgresql" else 0  # SQLite keeps none
    assert hints_kept() == expected
    assert len(_stored(sessions)) == 6


def test_concurrent_first_saves_of_one_respondent_count_every_answer(
    save: Save, opened: tuple[int, list[str]], sessions: sessionmaker[Session]
) -> None:
    # each thread has a connection of its own: the database orders the count's updates
    _, (ana, bo) = opened
    work = [(token, qid) for qid in CORE[:12] for token in (ana, bo)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        done = list(pool.map(lambda job: save(job[0], job[1], expected_revision=0), work))
    assert sorted(d.saved.answered for d in done) == sorted([*range(1, 13), *range(1, 13)])
    with sessions() as s:
        kept = dict(s.execute(select(Respondent.name, Respondent.answered)).all())
        counted = s.scalar(select(func.count()).select_from(Answer))
    assert kept == {"Ana": 12, "Bo": 12}
    assert counted == 24
