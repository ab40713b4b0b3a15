"""order shipment tracking: when it shipped, the carrier, tracking number and link staff entered

Revision ID: c3e5a7b9d1f4
Revises: b1d4e6f8a0c2
Create Date: 2026-11-27 13:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c3e5a7b9d1f4"
down_revision = "c7e2a9d4f1b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("shipping_carrier", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("tracking_number", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("tracking_url", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.drop_column("tracking_url")
        batch_op.drop_column("tracking_number")
        batch_op.drop_column("shipping_carrier")
        batch_op.drop_column("shipped_at")
