"""payments without an order: money a provider took that no order matched, kept for staff

Revision ID: e2b3c4d5f6a7
Revises: d1a2b3c4e5f6
Create Date: 2026-11-26 16:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "e2b3c4d5f6a7"
down_revision = "d1a2b3c4e5f6"
branch_labels = None
depends_on = None


def upgrade():
    # Not shown on public pages, so no catalog-version trigger (not in VERSIONED_TABLES).
    op.create_table(
        "unmatched_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("session_id", sa.String(length=255), nullable=True),
        sa.Column("payment_intent", sa.String(length=255), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=False),
        sa.Column("resolution_note", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmatched_payment")),
        sa.UniqueConstraint("provider", "event_id", name="one_unmatched_payment_per_event"),
    )
    with op.batch_alter_table("unmatched_payment", schema=None) as batch_op:
        batch_op.create_index("ix_unmatched_payment_open", ["resolved_at", "received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_unmatched_payment_session_id"), ["session_id"], unique=False)


def downgrade():
    with op.batch_alter_table("unmatched_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unmatched_payment_session_id"))
        batch_op.drop_index("ix_unmatched_payment_open")
    op.drop_table("unmatched_payment")
