"""shop_order.reminder_consent and reminder_sent_at: one abandoned-checkout reminder, only when asked for

Revision ID: c7e2a4b6d8f0
Revises: b1d4e6f8a0c2
Create Date: 2026-11-27 13:40:00

Existing orders get no consent (server default false): nobody is reminded who never ticked the box.
"""
import sqlalchemy as sa
from alembic import op

revision = "c7e2a4b6d8f0"
down_revision = "c3e5a7b9d1f4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_consent", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_shop_order_email_created", ["email", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.drop_index("ix_shop_order_email_created")
        batch_op.drop_column("reminder_sent_at")
        batch_op.drop_column("reminder_consent")
