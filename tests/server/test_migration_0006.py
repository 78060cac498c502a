"""Migration 0006: revisions and progress counters, the derived-result cache, invitations
by email, archive, default targets, plan effort, the audit log and agreed answers."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from mlops_scorecard.store.db import downgrade, head_revision, upgrade
from mlops_scorecard.store.models import Base

NEW_TABLES = {"derived_results", "audit_events", "agreed_answers"}


def _columns(engine: Engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_0006_is_in_the_chain() -> None:
    assert head_revision() >= "0006"


def test_migration_0006_goes_down_and_up_and_matches_the_models(engine: Engine) -> None:
    downgrade(engine, "0005")
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    assert "revision" not in _columns(engine, "assessments")
    assert "answered" not in _columns(engine, "respondents")
    assert "effort" not in _columns(engine, "plan_items")
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= NEW_TABLES
    assert {"revision", "archived_at"} <= _columns(engine, "assessments")
    assert {"answered", "email", "invited_at", "reminded_at"} <= _columns(engine, "respondents")
    assert {"archived_at", "default_targets"} <= _columns(engine, "units")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_migration_0006_backfills_each_respondents_answer_count_and_keeps_rows(engine: Engine) -> None:
    downgrade(engine, "0005")
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
        for role in ("engineer", "product"):
            conn.execute(
                text(
                    "INSERT INTO respondents (assessment_id, role, source, created_at)"
                    " VALUES (:a, :r, 'upload', '2026-01-01')"
                ),
                {"a": aid, "r": role},
            )
        first, second = conn.execute(text("SELECT id FROM respondents ORDER BY id")).scalars().all()
        for q in ("dm-1", "dm-2", "dm-3"):
            conn.execute(
                text(
                    "INSERT INTO answers (respondent_id, question_id, answer, comment, evidence, revision,"
                    " updated_at) VALUES (:r, :q, 'yes', '', '[]', 1, '2026-01-01')"
                ),
                {"r": first, "q": q},
            )
        conn.execute(
            text(
                "INSERT INTO plan_items (assessment_id, question_id, status, owner, note, updated_at)"
                " VALUES (:a, 'dm-1', 'open', 'Ana', '', '2026-01-01')"
            ),
            {"a": aid},
        )
    upgrade(engine)
    with engine.connect() as conn:
        counts = {
            int(r.id): int(r.answered) for r in conn.execute(text("SELECT id, answered FROM respondents"))
        }
        assert counts == {first: 3, second: 0}
        assert conn.execute(text("SELECT revision FROM assessments")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM answers")).scalar_one() == 3
        assert conn.execute(text("SELECT effort, owner FROM plan_items")).one() == ("", "Ana")
