"""scale and facilitation: revisions, progress counters, derived-result cache, invitations
by email, archive, default targets, plan effort, audit log, agreed (calibrated) answers

- ``assessments.revision`` moves on with every change to the answers, so anything derived
  from them (results, analysis, charts, summaries) is cached under it; ``archived_at``.
- ``respondents.answered`` keeps each respondent's answer count (no ``count(*)`` per save),
  backfilled here; ``email``, ``invited_at``, ``reminded_at`` for invitations by mail.
- ``units.archived_at`` and ``units.default_targets`` (an organization's or a department's
  default targets for new assessments below it).
- ``plan_items.effort``.
- ``derived_results``: a cached derivative of an assessment at a revision (a result, an
  analysis, a chart, a compact summary), keyed by assessment and kind.
- ``audit_events``: who changed what, kept when the assessment or the user goes.
- ``agreed_answers``: the answer a calibration meeting agreed on for a question, with a note.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("respondents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("invited_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE respondents SET answered = "
        "(SELECT count(*) FROM answers WHERE answers.respondent_id = respondents.id)"
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("default_targets", sa.JSON(), nullable=True))
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effort", sa.String(length=10), server_default="", nullable=False))
    op.create_table(
        "derived_results",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assessment_id", "kind"),
    )
    op.create_index("ix_derived_results_kind", "derived_results", ["kind"], unique=False)
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_events_assessment_id", "audit_events", ["assessment_id"], unique=False)
    op.create_index("ix_audit_events_at", "audit_events", ["at"], unique=False)
    op.create_table(
        "agreed_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("answer", sa.String(length=80), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("agreed_at", sa.DateTime(), nullable=False),
        sa.Column("agreed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agreed_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "question_id"),
    )


def downgrade() -> None:
    op.drop_table("agreed_answers")
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_index("ix_audit_events_assessment_id", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index("ix_derived_results_kind", table_name="derived_results")
    op.drop_table("derived_results")
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.drop_column("effort")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("default_targets")
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("respondents", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("invited_at")
        batch_op.drop_column("email")
        batch_op.drop_column("answered")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
        batch_op.drop_column("revision")
