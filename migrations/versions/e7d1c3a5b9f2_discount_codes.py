"""discount codes: discount and discount_redemption; the code on carts, orders and order lines

Revision ID: e7d1c3a5b9f2
Revises: e6b8d0f2a4c6
Create Date: 2026-11-27 17:00:00

The discount table shows on public pages (article code cards), so it gets the catalog-version
triggers the app installs with create_all. The SQL is frozen as it was written at this revision.
"""
import sqlalchemy as sa
from alembic import op

revision = "e7d1c3a5b9f2"
down_revision = "e6b8d0f2a4c6"
branch_labels = None
depends_on = None

SQLITE_BUMP = (
    "INSERT INTO catalog_version (id, counter, epoch, changed_at) "
    "VALUES (1, 1, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) "
    "ON CONFLICT(id) DO UPDATE SET counter = counter + 1, "
    "changed_at = (julianday('now') - 2440587.5) * 86400.0;"
)

PG_TRIGGERS = [
    'DROP TRIGGER IF EXISTS larder_version_discount ON "discount"',
    'CREATE CONSTRAINT TRIGGER larder_version_discount AFTER INSERT OR UPDATE OR DELETE ON "discount" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "EXECUTE FUNCTION larder_bump_catalog_version()",
]
SQLITE_TRIGGERS = [
    f'CREATE TRIGGER IF NOT EXISTS larder_version_discount_{event.lower()} AFTER {event} ON "discount" '
    f"BEGIN {SQLITE_BUMP} END"
    for event in ("INSERT", "UPDATE", "DELETE")
]


def upgrade():
    op.create_table(
        "discount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("min_subtotal", sa.Integer(), server_default="0", nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("per_customer_limit", sa.Integer(), nullable=True),
        sa.Column("product_slugs", sa.JSON(), nullable=False),
        sa.Column("collection_slugs", sa.JSON(), nullable=False),
        sa.Column("exclude_sale_items", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("used_up", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_discount_value_not_negative")),
        sa.CheckConstraint("kind <> 'percentage' OR value <= 100", name=op.f("ck_discount_percentage_at_most_100")),
        sa.CheckConstraint("min_subtotal >= 0", name=op.f("ck_discount_min_subtotal_not_negative")),
        sa.CheckConstraint("usage_limit IS NULL OR usage_limit > 0", name=op.f("ck_discount_usage_limit_positive")),
        sa.CheckConstraint("per_customer_limit IS NULL OR per_customer_limit > 0",
                           name=op.f("ck_discount_per_customer_limit_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount")),
        sa.UniqueConstraint("code", name=op.f("uq_discount_code")),
    )
    op.create_table(
        "discount_redemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("discount_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=160), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_discount_redemption_amount_not_negative")),
        sa.ForeignKeyConstraint(["discount_id"], ["discount.id"],
                                name=op.f("fk_discount_redemption_discount_id_discount"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_id"], ["shop_order.id"],
                                name=op.f("fk_discount_redemption_order_id_shop_order"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_redemption")),
        sa.UniqueConstraint("order_id", name=op.f("uq_discount_redemption_order_id")),
    )
    with op.batch_alter_table("discount_redemption", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discount_redemption_discount_id"), ["discount_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_discount_redemption_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_discount_redemption_source"), ["source"], unique=False)
    # Plain ADD COLUMN for the cart (batch mode may rebuild a SQLite table and drop its triggers).
    op.add_column("cart", sa.Column("discount_code", sa.String(length=40), nullable=True))
    op.add_column("cart", sa.Column("discount_source", sa.String(length=160), nullable=True))
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount_code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("discount_total", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("shipping_discount", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint(
            op.f("ck_shop_order_discount_not_negative"), "discount_total >= 0 AND shipping_discount >= 0")
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint(
            op.f("ck_order_line_discount_within_line"), "discount >= 0 AND discount <= unit_price * quantity")
    triggers = PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade():
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_line_discount_within_line"), type_="check")
        batch_op.drop_column("discount")
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_shop_order_discount_not_negative"), type_="check")
        batch_op.drop_column("shipping_discount")
        batch_op.drop_column("discount_total")
        batch_op.drop_column("discount_code")
    op.drop_column("cart", "discount_source")  # SQLite 3.35+ drops columns in place
    op.drop_column("cart", "discount_code")
    with op.batch_alter_table("discount_redemption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discount_redemption_source"))
        batch_op.drop_index(batch_op.f("ix_discount_redemption_email"))
        batch_op.drop_index(batch_op.f("ix_discount_redemption_discount_id"))
    op.drop_table("discount_redemption")
    op.drop_table("discount")  # its triggers go with it
