"""The store on its own (no HTTP), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from mlops_scorecard.errors import (
    ConflictError,
    FrameworkError,
    NotFoundError,
    RateLimitedError,
    ScorecardError,
)
from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store.accounts import (
    LoginThrottle,
    authenticate,
    create_api_token,
    create_user,
    revoke_api_token,
    secret_key,
    user_for_api_token,
)
from mlops_scorecard.store.answer_sets import answer_set
from mlops_scorecard.store.answers import import_answer_set, save_answer
from mlops_scorecard.store.assessments import create_assessment, set_status, update_assessment
from mlops_scorecard.store.db import current_revision, head_revision, needs_migration, transaction
from mlops_scorecard.store.demo import load_demo
from mlops_scorecard.store.evidence import evidence_crosscheck
from mlops_scorecard.store.models import Answer, Assessment, Respondent, Unit
from mlops_scorecard.store.respondents import create_invitation, respondent_for_token
from mlops_scorecard.store.results import result_for
from mlops_scorecard.store.share_links import create_share_link, join_shared
from mlops_scorecard.store.tokens import hash_token
from mlops_scorecard.store.units import create_unit, delete_unit, subtree_ids, unit_path


def test_migrated_to_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert not needs_migration(engine)


def test_units_tree_and_rules(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        org = create_unit(s, name="Org", kind="organization")
        dept = create_unit(s, name="Data", kind="department", parent_id=org.id)
        team = create_unit(s, name="Search", parent_id=dept.id)
        with pytest.raises(ConflictError, match="already exists"):
            create_unit(s, name="Search", parent_id=dept.id)
        with pytest.raises(ScorecardError, match="unknown unit kind"):
            create_unit(s, name="X", kind="tribe")
        with pytest.raises(NotFoundError):
            create_unit(s, name="X", parent_id=999_999)
        assert [u.name for u in unit_path(s, unit=team)] == ["Org", "Data", "Search"]
        assert set(subtree_ids(s, unit_id=dept.id)) == {dept.id, team.id}
        with pytest.raises(ConflictError, match="sub-units"):
            delete_unit(s, unit_id=dept.id)
        delete_unit(s, unit_id=team.id)


def test_a_failed_transaction_leaves_nothing(sessions: sessionmaker[Session]) -> None:
    def half_written() -> None:
        with transaction(sessions) as s:
            create_unit(s, name="Half")
            create_unit(s, name="Half")

    with pytest.raises(ConflictError):
        half_written()
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 0


def test_assessment_lifecycle_and_freezing(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        team = create_unit(s, name="Team")
        a = create_assessment(
            s, unit_id=team.id, title="Q1", date=dt.date(2026, 1, 1), targets={"governance": 70}
        )
        assert (a.framework_id, a.framework_version, a.status) == ("mlops-scorecard", "1.0.0", "draft")
        respondent, token = create_invitation(s, assessment=a, name="Ana", role="ml-engineer")
        with pytest.raises(ConflictError, match="draft"):
            save_answer(s, respondent=respondent, assessment=a, question_id="gov-strategy", answer="yes")
        set_status(s, assessment=a, status="open")
        save_answer(s, respondent=respondent, assessment=a, question_id="gov-strategy", answer="yes")
        with pytest.raises(ConflictError, match="changed elsewhere"):
            save_answer(
                s,
                respondent=respondent,
                assessment=a,
                question_id="gov-strategy",
                answer="no",
                expected_revision=0,
            )
        row = save_answer(
            s,
            respondent=respondent,
            assessment=a,
            question_id="gov-strategy",
            answer="partly",
            expected_revision=1,
        )
        assert row.revision == 2
        with pytest.raises(NotFoundError):
            save_answer(s, respondent=respondent, assessment=a, question_id="nope", answer="yes")
        with pytest.raises(ScorecardError, match="not in this assessment's question set"):
            save_answer(s, respondent=respondent, assessment=a, question_id="gov-ethics", answer="yes")
        with pytest.raises(ScorecardError, match="unknown answer"):
            save_answer(s, respondent=respondent, assessment=a, question_id="gov-team", answer="maybe")
        set_status(s, assessment=a, status="closed")
        frozen = result_for(s, assessment=a)
        assert frozen["dimensions"][0]["score"] == 50.0
        with pytest.raises(ConflictError, match="closed"):
            save_answer(s, respondent=respondent, assessment=a, question_id="gov-team", answer="yes")
        with pytest.raises(ConflictError, match="closed"):
            update_assessment(s, assessment=a, title="New")
        with pytest.raises(ConflictError):
            set_status(s, assessment=a, status="draft")
        found, assessment = respondent_for_token(s, token=token)
        assert found.id == respondent.id
        assert assessment.id == a.id
        assert respondent.token_hash == hash_token(token)
        assert token not in (respondent.token_hash or "")


def test_servers_never_load_framework_files(sessions: sessionmaker[Session], tmp_path: object) -> None:
    with transaction(sessions) as s:
        team = create_unit(s, name="Team")
        with pytest.raises(FrameworkError, match="unknown framework"):
            create_assessment(s, unit_id=team.id, title="X", framework="/etc/passwd")
        with pytest.raises(FrameworkError, match="no version"):
            create_assessment(s, unit_id=team.id, title="X", framework="mlops-scorecard@9")
        with pytest.raises(ScorecardError, match="targets"):
            create_assessment(s, unit_id=team.id, title="X", targets={"nope": 1})


def test_shared_link_respondents_are_anonymous(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        team = create_unit(s, name="Team")
        a = create_assessment(s, unit_id=team.id, title="Q1", status="open")
        _, token = create_share_link(s, assessment=a)
        r1, t1 = join_shared(s, token=token, role="product")
        r2, t2 = join_shared(s, token=token)
        assert r1.id != r2.id
        assert t1 != t2
        assert r1.name is None
        assert r2.name is None
        with pytest.raises(NotFoundError):
            join_shared(s, token="forged-" + token)


def test_import_then_answer_set_round_trip(sessions: sessionmaker[Session]) -> None:
    fw = get_framework("mlops-scorecard")
    original = example_answers(fw, respondents=3)
    with transaction(sessions) as s:
        team = create_unit(s, name=original.unit)
        a = create_assessment(s, unit_id=team.id, title=original.title, date=original.date, status="open")
        import_answer_set(s, assessment=a, answers=original)
        with pytest.raises(ConflictError, match="already has answers"):
            import_answer_set(s, assessment=a, answers=original)
    with sessions() as s:
        a2 = s.scalars(select(Assessment)).one()
        back = answer_set(s, assessment=a2)
        assert back.to_data()["respondents"] == original.to_data()["respondents"]
        assert s.scalar(select(func.count()).select_from(Answer)) == 3 * 18


def test_accounts_tokens_and_rate_limit(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        user = create_user(s, username="ana", password="long enough", role="facilitator")
        with pytest.raises(ConflictError):
            create_user(s, username="ana", password="long enough", role="viewer")
        with pytest.raises(ScorecardError, match="at least 8"):
            create_user(s, username="bo", password="short", role="viewer")
        with pytest.raises(ScorecardError, match="unknown role"):
            create_user(s, username="bo", password="long enough", role="root")
        token, plain = create_api_token(s, user=user, name="ci")
        assert user_for_api_token(s, token=plain) is not None
        assert user_for_api_token(s, token=plain + "x") is None
        assert token.token_hash != plain
        revoke_api_token(s, token_id=token.id, user=user)
        assert user_for_api_token(s, token=plain) is None
        assert secret_key(s) == secret_key(s)
    with transaction(sessions) as s:
        assert authenticate(s, username="ana", password="long enough") is not None
        rules = LoginThrottle(free_failures=3, first_delay=600)
        for _ in range(3):
            assert authenticate(s, username="ana", password="wrong", client="10.0.0.9", rules=rules) is None
        with pytest.raises(RateLimitedError) as limited:
            authenticate(s, username="ana", password="long enough", client="10.0.0.9", rules=rules)
        assert limited.value.retry_after is not None
        assert 1 <= limited.value.retry_after <= 600
        # the same account from another address is not slowed down
        assert authenticate(s, username="ana", password="long enough", client="10.0.0.1", rules=rules)


def test_demo_is_realistic(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        summary = load_demo(s)
    assert 6 <= summary.units - 4 <= 10
    assert summary.assessments == (summary.units - 4) * 4 + 1  # and one in draft
    with sessions() as s:
        teams = s.scalars(select(Unit).where(Unit.kind == "team")).all()
        for team in teams:
            assessments = s.scalars(select(Assessment).where(Assessment.unit_id == team.id)).all()
            assert [a.status for a in assessments].count("closed") == 3
            for a in (a for a in assessments if a.status != "draft"):
                n = s.scalar(
                    select(func.count())
                    .select_from(Respondent)
                    .where(Respondent.assessment_id == a.id, Respondent.source == "upload")
                )
                assert n is not None
                assert 3 <= n <= 8
        comments = s.scalar(select(func.count()).select_from(Answer).where(Answer.comment != ""))
        assert comments
        assert comments > 50
        # each team's open assessment has a repository scan to set beside its answers
        open_ones = s.scalars(select(Assessment).where(Assessment.status == "open")).all()
        checks = [evidence_crosscheck(s, assessment=a) for a in open_ones]
        assert all(c is not None and c.repositories == 1 for c in checks)
        assert sum(len(c.disagreements) for c in checks if c is not None) > 0


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_first_saves_of_one_answer_race_without_error(sessions: sessionmaker[Session]) -> None:
    # Both transactions find no answer and insert; the second insert waits on the
    # unique key until the first commits, then fails inside its savepoint and turns
    # into an update. (SQLite has one writer at a time, so it cannot race like this.)
    import threading

    with transaction(sessions) as s:
        team = create_unit(s, name="Team")
        a = create_assessment(s, unit_id=team.id, title="Q1", status="open")
        _, token = create_invitation(s, assessment=a, name="Ana")
    first = sessions()
    first.begin()
    r1, a1 = respondent_for_token(first, token=token)
    save_answer(first, respondent=r1, assessment=a1, question_id="gov-strategy", answer="no")  # not committed
    outcome: list[object] = []

    def second_save() -> None:
        try:
            with transaction(sessions) as s2:
                r2, a2 = respondent_for_token(s2, token=token)
                outcome.append(
                    save_answer(
                        s2, respondent=r2, assessment=a2, question_id="gov-strategy", answer="yes"
                    ).revision
                )
        except Exception as exc:
            outcome.append(exc)

    worker = threading.Thread(target=second_save)
    worker.start()
    worker.join(timeout=1.0)
    assert worker.is_alive()  # blocked on the first transaction's row
    first.commit()
    first.close()
    worker.join(timeout=10)
    assert outcome == [2]
    with sessions() as s:
        assert [(x.answer, x.revision) for x in s.scalars(select(Answer))] == [("yes", 2)]


def test_titles_and_roles_are_kept_stripped_on_every_path(sessions: sessionmaker[Session]) -> None:
    # update_assessment measured the title before stripping it (create_assessment after),
    # and a role given when joining a shared link was kept with its spaces
    title = "T" * 200
    with transaction(sessions) as s:
        team = create_unit(s, name="Team")
        a = create_assessment(s, unit_id=team.id, title=f"  {title}  ", status="open")
        assert a.title == title
        update_assessment(s, assessment=a, title=f"  {title[:199]}x  ")
        assert a.title == title[:199] + "x"
        with pytest.raises(ScorecardError, match="1 to 200 characters"):
            update_assessment(s, assessment=a, title="   ")
        _, token = create_share_link(s, assessment=a)
        joined, _ = join_shared(s, token=token, role="  product  ")
        assert joined.role == "product"
