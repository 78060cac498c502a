"""Migration 0005: published frameworks, assessment profiles, multiple-choice answers."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from mlops_scorecard.store.db import downgrade, upgrade
from mlops_scorecard.store.models import Base


def _columns(engine: Engine, table: str) -> dict[str, str]:
    return {c["name"]: str(c["type"]) for c in inspect(engine).get_columns(table)}


def test_migration_0005_goes_down_and_up_and_matches_the_models(engine: Engine) -> None:
    downgrade(engine, "0004")
    assert "published_frameworks" not in inspect(engine).get_table_names()
    assert "profile" not in _columns(engine, "assessments")
    assert "choices" not in _columns(engine, "answers")
    upgrade(engine)
    assert "published_frameworks" in inspect(engine).get_table_names()
    assert "profile" in _columns(engine, "assessments")
    assert "80" in _columns(engine, "answers")["answer"]
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_migration_0005_keeps_the_rows_that_refer_to_the_tables_it_alters(engine: Engine) -> None:
    # SQLite alters `assessments` and `answers` by copying them: with foreign keys on,
    # dropping the old copy would cascade to respondents, share links and answers
    downgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (name, kind, created_at) VALUES ('T', 'team', '2026-01-01')"))
        unit = conn.execute(text("SELECT id FROM units")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO assessments (unit_id, framework_id, framework_version, question_set, title, date,"
                " status, targets, created_at) VALUES (:u, 'mlops-scorecard', '1.0.0', 'core', 'Q1',"
                " '2026-01-01', 'open', '{}', '2026-01-01')"
            ),
            {"u": unit},
        )
        aid = conn.execute(text("SELECT id FROM assessments")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO respondents (assessment_id, role, source, created_at)"
                " VALUES (:a, 'engineer', 'upload', '2026-01-01')"
            ),
            {"a": aid},
        )
        rid = conn.execute(text("SELECT id FROM respondents")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO answers (respondent_id, question_id, answer, comment, evidence, revision, updated_at)"
                " VALUES (:r, 'gov-team', 'yes', '', '[]', 1, '2026-01-01')"
            ),
            {"r": rid},
        )
        conn.execute(
            text(
                "INSERT INTO share_links (assessment_id, token_hash, created_at) VALUES (:a, 'h', '2026-01-01')"
            ),
            {"a": aid},
        )
    tables = ("assessments", "respondents", "answers", "share_links")
    upgrade(engine)
    assert [_count(engine, t) for t in tables] == [1, 1, 1, 1]
    downgrade(engine, "0004")
    assert [_count(engine, t) for t in tables] == [1, 1, 1, 1]
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT answer, choices FROM answers")).one() == ("yes", None)
