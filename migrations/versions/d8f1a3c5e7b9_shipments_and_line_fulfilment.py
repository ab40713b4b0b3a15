"""Shipments (one row per parcel, with its lines), shipped and refunded quantities per order line, and the
order's fulfilment status, kept apart from its payment lifecycle (shop_order.status)

Revision ID: d8f1a3c5e7b9
Revises: c7e2a4b6d8f0
Create Date: 2026-11-27 14:00:00

Orders already marked shipped (#16's single "Mark fulfilled") count as fully fulfilled: their lines
are marked shipped in full. Their tracking stays in the order's columns (the last shipment); no
Shipment row is invented for them.
"""
import sqlalchemy as sa
from alembic import op

revision = "d8f1a3c5e7b9"
down_revision = "c7a1e5b9d3f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fulfilment_status", sa.String(length=24),
                                      server_default="unfulfilled", nullable=False))
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quantity_shipped", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("quantity_refunded", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint(
            op.f("ck_order_line_shipped_within_quantity"), "quantity_shipped >= 0 AND quantity_shipped <= quantity")
        batch_op.create_check_constraint(
            op.f("ck_order_line_refunded_within_quantity"), "quantity_refunded >= 0 AND quantity_refunded <= quantity")
    op.create_table(
        "shipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=60), nullable=True),
        sa.Column("tracking_number", sa.String(length=40), nullable=True),
        sa.Column("tracking_url", sa.String(length=500), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["shop_order.id"], name=op.f("fk_shipment_order_id_shop_order"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment")),
    )
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_order_id"), ["order_id"], unique=False)
    op.create_table(
        "shipment_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_shipment_line_quantity_positive")),
        sa.ForeignKeyConstraint(["order_line_id"], ["order_line.id"],
                                name=op.f("fk_shipment_line_order_line_id_order_line"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipment.id"],
                                name=op.f("fk_shipment_line_shipment_id_shipment"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_line")),
    )
    with op.batch_alter_table("shipment_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_line_order_line_id"), ["order_line_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipment_line_shipment_id"), ["shipment_id"], unique=False)
    # Orders shipped before shipments existed: everything in them left.
    op.execute("UPDATE shop_order SET fulfilment_status = 'fulfilled' WHERE shipped_at IS NOT NULL")
    op.execute("UPDATE order_line SET quantity_shipped = quantity WHERE order_id IN "
               "(SELECT id FROM shop_order WHERE shipped_at IS NOT NULL)")


def downgrade():
    with op.batch_alter_table("shipment_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_line_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_shipment_line_order_line_id"))
    op.drop_table("shipment_line")
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_order_id"))
    op.drop_table("shipment")
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_line_refunded_within_quantity"), type_="check")
        batch_op.drop_constraint(op.f("ck_order_line_shipped_within_quantity"), type_="check")
        batch_op.drop_column("quantity_refunded")
        batch_op.drop_column("quantity_shipped")
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.drop_column("fulfilment_status")
