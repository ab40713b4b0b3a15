"""partial index on shop_order for the orders flagged for review

Revision ID: a7b8c9d0e1f2
Revises: f3c4d5e6a7b8
Create Date: 2026-11-26 16:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a7b8c9d0e1f2"
down_revision = "f3c4d5e6a7b8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.create_index(
            "ix_shop_order_needs_review",
            ["created_at"],
            unique=False,
            postgresql_where=sa.text("needs_review"),
            sqlite_where=sa.text("needs_review = 1"),
        )


def downgrade():
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.drop_index("ix_shop_order_needs_review")
