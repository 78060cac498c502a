"""Migration 0007: each respondent's sum of their answers' revisions
(``respondents.answer_revisions``), backfilled, then kept by triggers on ``answers``."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text

from mlops_scorecard.store.db import downgrade, head_revision, upgrade
from mlops_scorecard.store.models import Base

TRIGGERS = {"answers_revisions_insert", "answers_revisions_update", "answers_revisions_delete"}


def _columns(engine: Engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def _triggers(conn: Connection) -> set[str]:
    if conn.dialect.name == "postgresql":
        found = conn.execute(
            text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'answers'::regclass AND NOT tgisinternal")
        )
    else:
        found = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    return set(found.scalars())


def _sums(conn: Connection) -> dict[int, int]:
    return {
        int(r.id): int(r.answer_revisions)
        for r in conn.execute(text("SELECT id, answer_revisions FROM respondents"))
    }


def _answers_sums(conn: Connection) -> dict[int, int]:
    rows = conn.execute(
        text(
            "SELECT r.id, coalesce(sum(a.revision), 0) AS total FROM respondents r"
            " LEFT JOIN answers a ON a.respondent_id = r.id GROUP BY r.id"
        )
    )
    return {int(r.id): int(r.total) for r in rows}


def _add_answer(conn: Connection, respondent: int, question: str, revision: int) -> None:
    conn.execute(
        text(
            "INSERT INTO answers (respondent_id, question_id, answer, comment, evidence, revision, updated_at)"
            " VALUES (:r, :q, 'yes', '', '[]', :v, '2026-01-01')"
        ),
        {"r": respondent, "q": question, "v": revision},
    )


def _seed(conn: Connection) -> tuple[int, int, int]:
    """An open assessment with three respondents: two with answers at various revisions."""
    conn.execute(text("INSERT INTO units (name, kind, created_at) VALUES ('T', 'team', '2026-01-01')"))
    unit = conn.execute(text("SELECT id FROM units")).scalar_one()
    conn.execute(
        text(
            "INSERT INTO assessments (unit_id, framework_id, framework_version, question_set, title, date,"
            " status, targets, created_at, revision) VALUES (:u, 'mlops-scorecard', '1.0.0', 'core', 'Q1',"
            " '2026-01-01', 'open', '{}', '2026-01-01', 7)"
        ),
        {"u": unit},
    )
    aid = conn.execute(text("SELECT id FROM assessments")).scalar_one()
    for role in ("engineer", "product", "data"):
        conn.execute(
            text(
                "INSERT INTO respondents (assessment_id, role, source, created_at, answered)"
                " VALUES (:a, :r, 'upload', '2026-01-01', 0)"
            ),
            {"a": aid, "r": role},
        )
    first, second, third = conn.execute(text("SELECT id FROM respondents ORDER BY id")).scalars().all()
    for q, v in (("dm-1", 1), ("dm-2", 4), ("dm-3", 2)):
        _add_answer(conn, first, q, v)
    _add_answer(conn, second, "dm-1", 9)
    return first, second, third


def test_0007_is_the_head() -> None:
    assert head_revision() == "0007"


def test_migration_0007_goes_down_and_up_and_matches_the_models(engine: Engine) -> None:
    downgrade(engine, "0006")
    assert "answer_revisions" not in _columns(engine, "respondents")
    with engine.connect() as conn:
        assert not _triggers(conn) & TRIGGERS
        if conn.dialect.name == "postgresql":
            assert conn.execute(text("SELECT to_regproc('answers_revisions_kept')")).scalar() is None
    upgrade(engine)
    assert "answer_revisions" in _columns(engine, "respondents")
    with engine.connect() as conn:
        assert _triggers(conn) >= TRIGGERS
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_migration_0007_backfills_the_sums_and_the_revision_keeps_its_value(engine: Engine) -> None:
    downgrade(engine, "0006")
    with engine.begin() as conn:
        first, second, third = _seed(conn)
        before = conn.execute(
            text(
                "SELECT a.revision + (SELECT coalesce(sum(x.revision), 0) FROM answers x"
                " JOIN respondents r ON r.id = x.respondent_id WHERE r.assessment_id = a.id) FROM assessments a"
            )
        ).scalar_one()
    upgrade(engine)
    with engine.begin() as conn:
        assert _sums(conn) == {first: 7, second: 9, third: 0}
        after = conn.execute(
            text(
                "SELECT a.revision + (SELECT coalesce(sum(r.answer_revisions), 0) FROM respondents r"
                " WHERE r.assessment_id = a.id) FROM assessments a"
            )
        ).scalar_one()
        assert after == before == 7 + 16
        # and from here on the triggers keep them
        _add_answer(conn, third, "dm-1", 1)
        conn.execute(
            text("UPDATE answers SET revision = revision + 1 WHERE respondent_id = :r"), {"r": first}
        )
        conn.execute(text("DELETE FROM answers WHERE respondent_id = :r"), {"r": second})
        assert _sums(conn) == _answers_sums(conn) == {first: 10, second: 0, third: 1}


def test_an_answer_moved_to_another_respondent_moves_its_revision(engine: Engine) -> None:
    with engine.begin() as conn:
        first, second, third = _seed(conn)
        conn.execute(
            text("UPDATE answers SET respondent_id = :to WHERE respondent_id = :r AND question_id = 'dm-2'"),
            {"to": third, "r": first},
        )
        assert _sums(conn) == _answers_sums(conn) == {first: 3, second: 9, third: 4}
        # moved and changed at once
        conn.execute(
            text(
                "UPDATE answers SET respondent_id = :to, revision = revision + 5"
                " WHERE respondent_id = :r AND question_id = 'dm-1'"
            ),
            {"to": third, "r": second},
        )
        assert _sums(conn) == _answers_sums(conn) == {first: 3, second: 0, third: 18}
        # a change of anything but the revision leaves the sums alone
        conn.execute(text("UPDATE answers SET comment = 'why'"))
        assert _sums(conn) == _answers_sums(conn)


def test_deletes_that_cascade_from_a_respondent_or_an_assessment_go_through(engine: Engine) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        first, second, third = _seed(conn)
        # the trigger updates the respondent whose delete removes the answers
        conn.execute(text("DELETE FROM respondents WHERE id = :r"), {"r": first})
        assert conn.execute(text("SELECT count(*) FROM answers")).scalar_one() == 1
        assert _sums(conn) == _answers_sums(conn) == {second: 9, third: 0}
        conn.execute(text("DELETE FROM assessments"))
        assert conn.execute(text("SELECT count(*) FROM answers")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM respondents")).scalar_one() == 0


def test_an_upsert_on_conflict_counts_once_as_an_update(engine: Engine) -> None:
    with engine.begin() as conn:
        first, _, _ = _seed(conn)
        for _ in range(2):
            conn.execute(
                text(
                    "INSERT INTO answers (respondent_id, question_id, answer, comment, evidence, revision,"
                    " updated_at) VALUES (:r, 'dm-9', 'no', '', '[]', 1, '2026-01-01')"
                    " ON CONFLICT (respondent_id, question_id) DO UPDATE SET revision = answers.revision + 1"
                ),
                {"r": first},
            )
        # inserted at 1, then updated to 2: the respondent's sum has 2 for it, not 3
        assert _sums(conn)[first] == 7 + 2 == _answers_sums(conn)[first]
