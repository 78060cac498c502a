"""Migration 0003 (sessions, rate events, shared-link caps): up, down and up again, data kept."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text

from mlops_scorecard.store.accounts import authenticate, create_user, start_session, user_for_session
from mlops_scorecard.store.db import (
    current_revision,
    downgrade,
    head_revision,
    session_factory,
    transaction,
    upgrade,
)
from mlops_scorecard.store.models import Assessment, Base, ShareLink, Unit
from mlops_scorecard.store.share_links import join_shared
from mlops_scorecard.store.tokens import hash_token


def test_migration_0003_keeps_data_and_matches_the_models(engine: Engine) -> None:
    assert head_revision() >= "0003"
    downgrade(engine, "0002")
    tables = inspect(engine).get_table_names()
    assert "user_sessions" not in tables
    assert "login_attempts" in tables
    factory = session_factory(engine)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO units (name, kind, created_at) VALUES ('Old team', 'team', '2024-05-01')")
        )
        unit_id = conn.execute(text("SELECT id FROM units")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO assessments (unit_id, framework_id, framework_version, question_set, title, date,"
                " status, targets, created_at) VALUES (:u, 'mlops-scorecard', '1.0.0', 'core', 'Before caps',"
                " '2024-05-01', 'open', '{}', '2024-05-01')"
            ),
            {"u": unit_id},
        )
        aid = conn.execute(text("SELECT id FROM assessments")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO share_links (assessment_id, token_hash, created_at) VALUES (:a, :h, '2024-05-01')"
            ),
            {"a": aid, "h": hash_token("old-shared-token")},
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with transaction(factory) as s:
        link = s.scalars(select(ShareLink)).one()
        assert (link.max_respondents, link.joined) == (None, 0)
        join_shared(s, token="old-shared-token")
        assert s.get(Assessment, aid) is not None
        assert s.get(Unit, unit_id) is not None
        user = create_user(s, username="ana", password="long enough", role="viewer")
        token = start_session(s, user=user, max_age=3600)
        assert user_for_session(s, token=token) is not None
        assert authenticate(s, username="ana", password="wrong") is None
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    downgrade(engine, "0002")
    with transaction(factory) as s:
        assert s.execute(text("SELECT title FROM assessments")).scalar_one() == "Before caps"
        assert s.execute(text("SELECT count(*) FROM share_links")).scalar_one() == 1
    upgrade(engine)
