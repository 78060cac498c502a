"""evidence: repository scans attached to assessments

``evidence_scans`` holds one row per repository and assessment: the latest scan
(``mlops-scorecard scan --upload``) of that repository, replaced by the next upload.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 14:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("repository", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("commit", sa.String(length=64), nullable=True),
        sa.Column("scan", sa.JSON(), nullable=False),
        sa.Column("scan_bytes", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "repository"),
    )
    with op.batch_alter_table("evidence_scans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_scans_assessment_id"), ["assessment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence_scans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_scans_assessment_id"))
    op.drop_table("evidence_scans")
