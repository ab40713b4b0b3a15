"""raw DDL the app changed without a revision: the stored search vector, the version function's
comment and the product sort-key trigger's row comparison

Revision ID: f5a6b7c8d9e0
Revises: e1f2a3b4c5d6
Create Date: 2026-12-04 10:00:00

Until this revision the older revisions ran the app's current DDL functions, so a database
migrated later got newer DDL than the revision first ran. Those revisions now keep the SQL of
their own day; this one brings every database, whenever it was migrated, to what create_all
makes (all statements are idempotent). The SQL is frozen as it was written at this revision.
"""
import sqlalchemy as sa
from alembic import op

revision = "f5a6b7c8d9e0"
down_revision = "e1f2a3b4c5d6"
branch_labels = None
depends_on = None

PG_VECTOR = (
    "(setweight(to_tsvector('english', coalesce(product.title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(product.search_keywords, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(product.search_body, '')), 'C'))"
)

BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION larder_bump_catalog_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('larder.catalog_bumped', true) = '1' THEN
        RETURN NULL;
    END IF;
    -- {comment}
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

PG_UPGRADE = [
    # Search ranks on a stored vector instead of computing it per match.
    f"ALTER TABLE product ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS {PG_VECTOR} STORED",
    "DROP INDEX IF EXISTS ix_product_search",
    "CREATE INDEX IF NOT EXISTS ix_product_search_vector ON product USING gin (search_vector)",
    BUMP_FUNCTION.replace(
        "{comment}", "An UPDATE of variant's capped columns that no page can show keeps every cached page."
    ),
    """
CREATE OR REPLACE FUNCTION larder_product_sort_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title) = (NEW.status = 'active', NEW.price_from, NEW.created_at, NEW.title)
     WHERE product_id = NEW.id;
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_product_sort_keys ON product",
    "CREATE TRIGGER larder_product_sort_keys AFTER UPDATE OF status, price_from, created_at, title "
    "ON product FOR EACH ROW WHEN ((OLD.status, OLD.price_from, OLD.created_at, OLD.title) IS DISTINCT FROM "
    "(NEW.status, NEW.price_from, NEW.created_at, NEW.title)) EXECUTE FUNCTION larder_product_sort_keys()",
]

# As revisions f791b3afe763, f3c4d5e6a7b8 and b8c9d0e1f2a3 made them.
PG_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_product_search_vector",
    "ALTER TABLE product DROP COLUMN IF EXISTS search_vector",
    f"CREATE INDEX IF NOT EXISTS ix_product_search ON product USING gin ({PG_VECTOR})",
    BUMP_FUNCTION.replace(
        "{comment}", "A sale's stock change no page can show (see VISIBLE_STOCK_CAP) keeps every cached page."
    ),
    """
CREATE OR REPLACE FUNCTION larder_product_sort_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE collection_product
       SET product_active = (NEW.status = 'active'), sort_price = NEW.price_from,
           sort_created = NEW.created_at, sort_title = NEW.title
     WHERE product_id = NEW.id;
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_product_sort_keys ON product",
    "CREATE TRIGGER larder_product_sort_keys AFTER UPDATE OF status, price_from, created_at, title "
    "ON product FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.price_from IS DISTINCT FROM NEW.price_from OR OLD.created_at IS DISTINCT FROM NEW.created_at "
    "OR OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION larder_product_sort_keys()",
]

SQLITE_UPGRADE = [
    "DROP TRIGGER IF EXISTS larder_product_sort_keys",
    "CREATE TRIGGER IF NOT EXISTS larder_product_sort_keys AFTER UPDATE OF status, price_from, created_at, title "
    "ON product BEGIN UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title) = "
    "(NEW.status = 'active', NEW.price_from, NEW.created_at, NEW.title) WHERE product_id = NEW.id; END",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS larder_product_sort_keys",
    "CREATE TRIGGER IF NOT EXISTS larder_product_sort_keys AFTER UPDATE OF status, price_from, created_at, title "
    "ON product BEGIN "
    "UPDATE collection_product SET product_active = (NEW.status = 'active'), sort_price = NEW.price_from, "
    "sort_created = NEW.created_at, sort_title = NEW.title WHERE product_id = NEW.id; END",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": PG_UPGRADE, "sqlite": SQLITE_UPGRADE}.get(dialect, []):
        op.execute(sa.text(statement))


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": PG_DOWNGRADE, "sqlite": SQLITE_DOWNGRADE}.get(dialect, []):
        op.execute(sa.text(statement))
