"""respondents.answer_revisions: each respondent's sum of their answers' revisions, kept by
triggers on ``answers``

An open assessment's revision is ``assessments.revision`` plus the sum of its answers'
own revisions (``store/revisions.py``). Summing the answers read every open answer
(270,000 at 5,000 teams) for the organization page's check after each save; summing one
column per respondent reads some 15,000 rows instead.

The column is kept by the database, not by the code that writes answers: an AFTER
INSERT, UPDATE (of ``revision`` or ``respondent_id``) and DELETE trigger on ``answers``
adds the new row's revision to its respondent and takes the old one's off (both
respondents when an answer moves from one to another). So every writer keeps it right:
the save statements, uploads, imports, the demo's bulk inserts and the deletes that
cascade from a respondent or an assessment (the respondent's row is then already gone,
or about to go, and the trigger's UPDATE of it finds nothing or is dropped with it).
Backfilled here from the answers.

On SQLite a later migration that rebuilds ``answers`` or ``respondents`` in batch mode
(copy, drop, rename) must drop these triggers first and create them again after:
SQLite drops a table's triggers with it, and refuses to rename a table while a trigger
names a table that is missing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: One statement for both rows an update touches (the same one, most of the time).
_MOVE = (
    "UPDATE respondents SET answer_revisions = answer_revisions"
    " + CASE WHEN id = NEW.respondent_id THEN NEW.revision ELSE 0 END"
    " - CASE WHEN id = OLD.respondent_id THEN OLD.revision ELSE 0 END"
    " WHERE id IN (OLD.respondent_id, NEW.respondent_id)"
)
_ADD = (
    "UPDATE respondents SET answer_revisions = answer_revisions + NEW.revision WHERE id = NEW.respondent_id"
)
_TAKE = (
    "UPDATE respondents SET answer_revisions = answer_revisions - OLD.revision WHERE id = OLD.respondent_id"
)
_CHANGED = (
    "OLD.revision IS DISTINCT FROM NEW.revision OR OLD.respondent_id IS DISTINCT FROM NEW.respondent_id"
)
_TRIGGERS = ("answers_revisions_insert", "answers_revisions_update", "answers_revisions_delete")


def upgrade() -> None:
    with op.batch_alter_table("respondents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_revisions", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE respondents SET answer_revisions = "
        "(SELECT coalesce(sum(answers.revision), 0) FROM answers WHERE answers.respondent_id = respondents.id)"
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    op.execute(f"CREATE TRIGGER answers_revisions_insert AFTER INSERT ON answers BEGIN {_ADD}; END")
    op.execute(
        "CREATE TRIGGER answers_revisions_update AFTER UPDATE OF revision, respondent_id ON answers"
        f" WHEN {_CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN {_MOVE}; END"
    )
    op.execute(f"CREATE TRIGGER answers_revisions_delete AFTER DELETE ON answers BEGIN {_TAKE}; END")


def _postgresql_triggers() -> None:
    # one function for the three events; an AFTER trigger's result is ignored
    op.execute(
        f"""
        CREATE FUNCTION answers_revisions_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {_ADD};
            ELSIF TG_OP = 'DELETE' THEN
                {_TAKE};
            ELSE
                {_MOVE};
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    run = "FOR EACH ROW EXECUTE FUNCTION answers_revisions_kept()"
    op.execute(f"CREATE TRIGGER answers_revisions_insert AFTER INSERT ON answers {run}")
    op.execute(
        "CREATE TRIGGER answers_revisions_update AFTER UPDATE OF revision, respondent_id ON answers"
        f" FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION answers_revisions_kept()"
    )
    op.execute(f"CREATE TRIGGER answers_revisions_delete AFTER DELETE ON answers {run}")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in _TRIGGERS:
        op.execute(
            f"DROP TRIGGER IF EXISTS {name} ON answers" if postgresql else f"DROP TRIGGER IF EXISTS {name}"
        )
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS answers_revisions_kept()")
    with op.batch_alter_table("respondents", schema=None) as batch_op:
        batch_op.drop_column("answer_revisions")
