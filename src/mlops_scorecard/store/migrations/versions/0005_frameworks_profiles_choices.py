"""frameworks: published frameworks, assessment profiles, multiple-choice answers

``published_frameworks`` holds the frameworks an organization uploads (one row per
``id@version``, immutable once an assessment uses it); ``assessments.profile`` the
assessment's context answers; ``answers.choices`` the selected choices of a
multiple-choice question; answer keys may be a custom scale's (up to 80 characters).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 17:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "published_frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("framework_id", "version"),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("profile", sa.JSON(), nullable=True))
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choices", sa.JSON(), nullable=True))
        batch_op.alter_column("answer", existing_type=sa.String(length=10), type_=sa.String(length=80))


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.alter_column("answer", existing_type=sa.String(length=80), type_=sa.String(length=10))
        batch_op.drop_column("choices")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("profile")
    op.drop_table("published_frameworks")
