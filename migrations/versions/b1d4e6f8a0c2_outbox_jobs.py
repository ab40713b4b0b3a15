"""outbox jobs: side effects recorded in the transaction of the change, done by workers

Revision ID: b1d4e6f8a0c2
Revises: a9c3e7f1b5d2
Create Date: 2026-11-27 13:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b1d4e6f8a0c2"
down_revision = "a9c3e7f1b5d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_job")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_job_key")),
    )
    with op.batch_alter_table("outbox_job", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_job_status_run_after", ["status", "run_after"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_job_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_job_status"))
        batch_op.drop_index("ix_outbox_job_status_run_after")
    op.drop_table("outbox_job")
