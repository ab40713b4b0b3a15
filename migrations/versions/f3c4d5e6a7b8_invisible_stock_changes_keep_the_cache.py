"""a stock change no page can show (both values at least 99) no longer bumps the catalog version

Revision ID: f3c4d5e6a7b8
Revises: e2b3c4d5f6a7
Create Date: 2026-11-26 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "f3c4d5e6a7b8"
down_revision = "e2b3c4d5f6a7"
branch_labels = None
depends_on = None

# The variant's columns other than stock at this revision.
VARIANT_COLUMNS = (
    "id", "product_id", "sku", "option_label", "price", "compare_at_price", "weight_grams", "position",
)

# The version function and trigger as they were before this revision (for downgrade).
OLD_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION larder_bump_catalog_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('larder.catalog_bumped', true) = '1' THEN
        RETURN NULL;
    END IF;
    INSERT INTO catalog_version (id, counter, epoch, changed_at)
    VALUES (1, 1, md5(random()::text), extract(epoch FROM clock_timestamp()))
    ON CONFLICT (id) DO UPDATE
        SET counter = catalog_version.counter + 1,
            changed_at = extract(epoch FROM clock_timestamp());
    PERFORM set_config('larder.catalog_bumped', '1', true);
    RETURN NULL;
END
$$
"""


def _recreate_sqlite_variant_update_trigger(statement: str) -> None:
    op.execute("DROP TRIGGER IF EXISTS larder_version_variant_update")
    op.execute(statement)


def upgrade():
    from storefront.caching.registry import versioned_tables
    from storefront.caching.triggers import pg_function, sqlite_update_trigger
    from storefront.catalog.versioned import VISIBLE_STOCK_CAP

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text(pg_function(versioned_tables().values())))
    elif dialect == "sqlite":
        _recreate_sqlite_variant_update_trigger(
            sqlite_update_trigger("variant", VARIANT_COLUMNS, {"stock": VISIBLE_STOCK_CAP})
        )


def downgrade():
    from storefront.caching.triggers import SQLITE_BUMP

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text(OLD_PG_FUNCTION))
    elif dialect == "sqlite":
        _recreate_sqlite_variant_update_trigger(
            'CREATE TRIGGER IF NOT EXISTS larder_version_variant_update AFTER UPDATE ON "variant" '
            f"BEGIN {SQLITE_BUMP} END"
        )
