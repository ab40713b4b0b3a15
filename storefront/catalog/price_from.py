"""A product's lowest variant price (`product.price_from`), kept in step by database triggers.

Listings sort and filter on the indexed column instead of aggregating variants for every row,
and collection entries copy it (collection_sort_keys.py). It used to be kept by an ORM flush
hook plus a hand computation in bulk loads, so a raw SQL `UPDATE variant SET price = ...`
(psql, an import tool) left it stale: the card kept the old "from" price and the listing the
old order. Triggers see every writer. Each recomputes the product's minimum through the
variant's product index, and writes only when it changed (a product write fires the search
index's and the collection entries' triggers).
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from storefront.catalog.models import Product, Variant
from storefront.ddl import install, run_after_create, run_before_drop


def _lowest(product_id: str) -> str:
    return f"coalesce((SELECT min(v.price) FROM variant v WHERE v.product_id = {product_id}), 0)"


def _sqlite_refresh(product_id: str) -> str:
    """An UPDATE giving the product `product_id` names its lowest variant price, if it changed."""
    lowest = _lowest(product_id)
    return f"UPDATE product SET price_from = {lowest} WHERE id = {product_id} AND price_from IS NOT {lowest}"


def _pg_sqlite_refresh(row: str) -> str:
    return (
        f"SELECT coalesce(min(price), 0) INTO lowest FROM variant WHERE product_id = {row}.product_id;\n"
        f"        UPDATE product SET price_from = lowest WHERE id = {row}.product_id AND price_from IS DISTINCT FROM lowest;"
    )


PG_DDL = [
    f"""
CREATE OR REPLACE FUNCTION larder_product_price_from() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    lowest integer;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {_pg_sqlite_refresh('OLD')}
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.product_id IS DISTINCT FROM OLD.product_id) THEN
        {_pg_sqlite_refresh('NEW')}
    END IF;
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_product_price_from ON variant",
    "CREATE TRIGGER larder_product_price_from AFTER INSERT OR DELETE OR UPDATE OF price, product_id "
    "ON variant FOR EACH ROW EXECUTE FUNCTION larder_product_price_from()",
]

SQLITE_DDL = [
    "CREATE TRIGGER IF NOT EXISTS larder_product_price_from_insert AFTER INSERT ON variant BEGIN "
    f"{_sqlite_refresh('NEW.product_id')}; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_price_from_update AFTER UPDATE OF price, product_id "
    f"ON variant BEGIN {_sqlite_refresh('OLD.product_id')}; {_sqlite_refresh('NEW.product_id')}; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_price_from_delete AFTER DELETE ON variant BEGIN "
    f"{_sqlite_refresh('OLD.product_id')}; END",
]

PRICE_FROM_DDL = {"postgresql": PG_DDL, "sqlite": SQLITE_DDL}

run_after_create(Variant.__table__, PRICE_FROM_DDL)
run_before_drop(Variant.__table__, {"postgresql": ["DROP FUNCTION IF EXISTS larder_product_price_from() CASCADE"]})


def install_price_from_triggers(connection) -> None:
    install(connection, PRICE_FROM_DDL)


STALE = "larder.price_from_stale"  # session.info: ids of products whose price_from a flush changed


@event.listens_for(Session, "after_flush")
def _note_stale_price_from(session: Session, _context) -> None:
    """The triggers changed price_from in the database; note the products whose loaded copy
    may still hold the old value (variants added, repriced, moved or removed)."""
    stale = session.info.setdefault(STALE, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Variant):
            history = inspect(obj).attrs.product_id.history
            stale.update(i for i in (*history.added, *history.unchanged, *history.deleted) if i is not None)
        elif isinstance(obj, Product) and obj in session.new:
            stale.add(obj.id)


@event.listens_for(Session, "after_flush_postexec")
def _expire_stale_price_from(session: Session, _context) -> None:
    """Expire the noted products' price_from (the next read loads the triggers' value);
    only products already loaded: this never queries."""
    for product_id in session.info.pop(STALE, ()):
        product = session.identity_map.get(identity_key(Product, product_id))
        if product is not None:
            session.expire(product, ["price_from"])
