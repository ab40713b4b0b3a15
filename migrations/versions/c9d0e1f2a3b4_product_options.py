"""products keep their option names and variants their option values (Shopify's Option1-3)

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
Create Date: 2026-11-27 10:00:00

The SQL is frozen here as it was written at this revision (storefront/caching may change later;
this migration must not).
"""
import sqlalchemy as sa
from alembic import op

revision = "c9d0e1f2a3b4"
down_revision = "b8c9d0e1f2a3"
branch_labels = None
depends_on = None

# The variant's columns other than stock, before and after this revision: the SQLite update
# trigger lists them (PostgreSQL's function compares whole rows and needs no change).
OLD_VARIANT_COLUMNS = (
    "id", "product_id", "sku", "option_label", "price", "compare_at_price", "weight_grams", "position",
)
VARIANT_COLUMNS = (*OLD_VARIANT_COLUMNS, "option_values")


VISIBLE_STOCK_CAP = 99

SQLITE_BUMP = (
    "INSERT INTO catalog_version (id, counter, epoch, changed_at) "
    "VALUES (1, 1, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) "
    "ON CONFLICT(id) DO UPDATE SET counter = counter + 1, "
    "changed_at = (julianday('now') - 2440587.5) * 86400.0;"
)


def _sqlite_variant_update_trigger(columns) -> str:
    """The trigger skipping a stock change no page shows, comparing `columns` besides stock."""
    unchanged = " AND ".join(f'OLD."{c}" IS NEW."{c}"' for c in columns)
    cap = VISIBLE_STOCK_CAP
    return (
        'CREATE TRIGGER IF NOT EXISTS larder_version_variant_update AFTER UPDATE ON "variant" '
        f"WHEN NOT ({unchanged} AND min(max(OLD.stock, 0), {cap}) = min(max(NEW.stock, 0), {cap})) "
        f"BEGIN {SQLITE_BUMP} END"
    )


def _recreate_sqlite_variant_update_trigger(columns) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS larder_version_variant_update")
        op.execute(_sqlite_variant_update_trigger(columns))


def upgrade():
    # Plain ADD COLUMN, not batch mode: batch mode may rebuild a SQLite table and drop its triggers.
    op.add_column("product", sa.Column("option_names", sa.JSON(), nullable=True))
    op.add_column("variant", sa.Column("option_values", sa.JSON(), nullable=True))
    _recreate_sqlite_variant_update_trigger(VARIANT_COLUMNS)


def downgrade():
    _recreate_sqlite_variant_update_trigger(OLD_VARIANT_COLUMNS)
    op.drop_column("variant", "option_values")  # SQLite 3.35+ drops columns in place
    op.drop_column("product", "option_names")
