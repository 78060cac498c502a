"""Migration 0005: published frameworks, assessment profiles, multiple-choice answers."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from mlops_scorecard.store.db import downgrade, head_revision, upgrade
from mlops_scorecard.store.models import Base


def _columns(engine: Engine, table: str) -> dict[str, str]:
    return {c["name"]: str(c["type"]) for c in inspect(engine).get_columns(table)}


def test_0005_is_the_head() -> None:
    assert head_revision() == "0005"


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
