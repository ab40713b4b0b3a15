"""a stock change no page can show (both values at least 99) no longer bumps the catalog version

Revision ID: f3c4d5e6a7b8
Revises: e2b3c4d5f6a7
Create Date: 2026-11-26 16:00:00

The SQL is frozen here as it was written at this revision (storefront/caching may change later;
this migration must not).
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

VISIBLE_STOCK_CAP = 99

SQLITE_BUMP = (
    "INSERT INTO catalog_version (id, counter, epoch, changed_at) "
    "VALUES (1, 1, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) "
    "ON CONFLICT(id) DO UPDATE SET counter = counter + 1, "
    "changed_at = (julianday('now') - 2440587.5) * 86400.0;"
)

# The version function and the SQLite variant UPDATE trigger skip a stock change no page shows.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION larder_bump_catalog_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('larder.catalog_bumped', true) = '1' THEN
        RETURN NULL;
    END IF;
    -- A sale's stock change no page can show (see VISIBLE_STOCK_CAP) keeps every cached page.
    IF TG_TABLE_NAME = 'variant' AND TG_OP = 'UPDATE' THEN
        IF (to_jsonb(OLD) - 'stock') = (to_jsonb(NEW) - 'stock')
           AND least(greatest(OLD.stock, 0), 99) = least(greatest(NEW.stock, 0), 99) THEN
            RETURN NULL;
        END IF;
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

_UNCHANGED = " AND ".join(f'OLD."{c}" IS NEW."{c}"' for c in VARIANT_COLUMNS)
SQLITE_VARIANT_UPDATE_TRIGGER = (
    'CREATE TRIGGER IF NOT EXISTS larder_version_variant_update AFTER UPDATE ON "variant" '
    f"WHEN NOT ({_UNCHANGED} AND min(max(OLD.stock, 0), {VISIBLE_STOCK_CAP}) = "
    f"min(max(NEW.stock, 0), {VISIBLE_STOCK_CAP})) "
    f"BEGIN {SQLITE_BUMP} END"
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
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text(PG_FUNCTION))
    elif dialect == "sqlite":
        _recreate_sqlite_variant_update_trigger(SQLITE_VARIANT_UPDATE_TRIGGER)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text(OLD_PG_FUNCTION))
    elif dialect == "sqlite":
        _recreate_sqlite_variant_update_trigger(
            'CREATE TRIGGER IF NOT EXISTS larder_version_variant_update AFTER UPDATE ON "variant" '
            f"BEGIN {SQLITE_BUMP} END"
        )
