"""product.price_from is kept by triggers on variant (a raw SQL price change left it stale)

Revision ID: e1f2a3b4c5d6
Revises: d0e1f2a3b4c5
Create Date: 2026-12-03 10:00:00

The SQL is frozen here as it was written at this revision (storefront/catalog/price_from.py
may change later; this migration must not).
"""
import sqlalchemy as sa
from alembic import op

revision = "e1f2a3b4c5d6"
down_revision = "d0e1f2a3b4c5"
branch_labels = None
depends_on = None

PG_UPGRADE = [
    """
CREATE OR REPLACE FUNCTION larder_product_price_from() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    lowest integer;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT coalesce(min(price), 0) INTO lowest FROM variant WHERE product_id = OLD.product_id;
        UPDATE product SET price_from = lowest WHERE id = OLD.product_id AND price_from IS DISTINCT FROM lowest;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.product_id IS DISTINCT FROM OLD.product_id) THEN
        SELECT coalesce(min(price), 0) INTO lowest FROM variant WHERE product_id = NEW.product_id;
        UPDATE product SET price_from = lowest WHERE id = NEW.product_id AND price_from IS DISTINCT FROM lowest;
    END IF;
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_product_price_from ON variant",
    "CREATE TRIGGER larder_product_price_from AFTER INSERT OR DELETE OR UPDATE OF price, product_id "
    "ON variant FOR EACH ROW EXECUTE FUNCTION larder_product_price_from()",
]


def _sqlite_refresh(product_id: str) -> str:
    lowest = f"coalesce((SELECT min(v.price) FROM variant v WHERE v.product_id = {product_id}), 0)"
    return f"UPDATE product SET price_from = {lowest} WHERE id = {product_id} AND price_from IS NOT {lowest}"


SQLITE_UPGRADE = [
    "CREATE TRIGGER IF NOT EXISTS larder_product_price_from_insert AFTER INSERT ON variant BEGIN "
    f"{_sqlite_refresh('NEW.product_id')}; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_price_from_update AFTER UPDATE OF price, product_id "
    f"ON variant BEGIN {_sqlite_refresh('OLD.product_id')}; {_sqlite_refresh('NEW.product_id')}; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_price_from_delete AFTER DELETE ON variant BEGIN "
    f"{_sqlite_refresh('OLD.product_id')}; END",
]

# Prices changed by raw SQL before this revision may have left a stale price_from.
BACKFILL = (
    "UPDATE product SET price_from = coalesce((SELECT min(v.price) FROM variant v WHERE v.product_id = product.id), 0) "
    "WHERE price_from <> coalesce((SELECT min(v.price) FROM variant v WHERE v.product_id = product.id), 0)"
)


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": PG_UPGRADE, "sqlite": SQLITE_UPGRADE}.get(dialect, []):
        op.execute(sa.text(statement))
    op.execute(sa.text(BACKFILL))


def downgrade():
    # The ORM flush hook of the previous revision's code keeps price_from again.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS larder_product_price_from() CASCADE")
    else:
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS larder_product_price_from_{trigger}")
