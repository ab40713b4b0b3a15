"""at most one pending order per cart (partial unique index on shop_order.cart_id)

Revision ID: d0e1f2a3b4c5
Revises: c9d0e1f2a3b4
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "d0e1f2a3b4c5"
down_revision = "c9d0e1f2a3b4"
branch_labels = None
depends_on = None

PENDING = "status = 'pending_payment'"


def upgrade():
    # Simultaneous submits made several pending orders for one cart before this index existed. Keep the
    # newest attached to its cart; the older ones stay as they are (their checkout still expires or is
    # paid through its webhook, reconcile-payments settles the rest), only no longer tied to the cart.
    op.execute(
        sa.text(
            "UPDATE shop_order SET cart_id = NULL "
            f"WHERE {PENDING} AND cart_id IS NOT NULL AND id < ("
            "  SELECT MAX(newer.id) FROM shop_order AS newer "
            f"  WHERE newer.cart_id = shop_order.cart_id AND newer.{PENDING})"
        )
    )
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.create_index(
            "uq_shop_order_pending_cart",
            ["cart_id"],
            unique=True,
            postgresql_where=sa.text(PENDING),
            sqlite_where=sa.text(PENDING),
        )


def downgrade():
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.drop_index("uq_shop_order_pending_cart")
