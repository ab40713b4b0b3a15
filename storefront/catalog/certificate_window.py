"""A product's certificate window (`product.certified_from`, `certified_until`, `certified_gaps`),
kept in step by database triggers on `certification`.

"Certified today" is the store's most used filter and facet. Asked of the certificates, it is a
semi-join: at 100,000 products PostgreSQL hashes every certificate in force (40,000) for each
cold listing count, 30 of a two-facet collection's 87 ms. Asked of the product row, it is two
date comparisons on a row the listing reads anyway.

The window is the envelope of the product's certificates: the first day of the earliest, the
last day of the latest. `certified_gaps` says whether their days leave a hole inside it (a
certificate that lapsed before its renewal started); only then do the certificates themselves
decide (availability.certified_clause). Triggers, like price_from's, so raw SQL, imports and
psql keep the columns right too; each writes the product row only when the window changed.
"""

from __future__ import annotations

from storefront.catalog.models import Certification
from storefront.ddl import run_after_create, run_before_drop

_COLUMNS = ("certified_from", "certified_until", "certified_gaps")


def _window(product_id: str, next_day: str) -> tuple[str, str, str]:
    """SQL for the three window values of the product `product_id` names. `next_day` formats
    the day after a date column in the dialect ("{} + 1" on PostgreSQL)."""
    of_product = f"FROM certification WHERE product_id = {product_id}"
    latest = f"(SELECT max(valid_until) {of_product})"
    # A hole: a certificate that ends before the latest one does, with no certificate covering
    # the day after it. (The first uncovered day inside the window always follows such an end.)
    gaps = (
        f"EXISTS (SELECT 1 FROM certification c WHERE c.product_id = {product_id} "
        f"AND c.valid_until < {latest} AND NOT EXISTS (SELECT 1 FROM certification n "
        f"WHERE n.product_id = {product_id} AND n.valid_from <= {next_day.format('c.valid_until')} "
        f"AND n.valid_until > c.valid_until))"
    )
    return f"(SELECT min(valid_from) {of_product})", latest, gaps


def _sqlite_refresh(product_id: str) -> str:
    values = _window(product_id, "date({}, '+1 day')")
    assignments = ", ".join(f"{column} = {value}" for column, value in zip(_COLUMNS, values, strict=True))
    changed = " OR ".join(f"{column} IS NOT {value}" for column, value in zip(_COLUMNS, values, strict=True))
    return f"UPDATE product SET {assignments} WHERE id = {product_id} AND ({changed})"


def _pg_refresh(row: str) -> str:
    earliest, latest, gaps = _window(f"{row}.product_id", "{} + 1")
    return (
        f"SELECT {earliest}, {latest}, {gaps} INTO window_from, window_until, window_gaps;\n"
        f"        UPDATE product SET certified_from = window_from, certified_until = window_until,\n"
        f"            certified_gaps = window_gaps\n"
        f"        WHERE id = {row}.product_id AND (certified_from, certified_until, certified_gaps)\n"
        f"            IS DISTINCT FROM (window_from, window_until, window_gaps);"
    )


PG_DDL = [
    f"""
CREATE OR REPLACE FUNCTION larder_product_certificate_window() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    window_from date;
    window_until date;
    window_gaps boolean;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {_pg_refresh('OLD')}
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.product_id IS DISTINCT FROM OLD.product_id) THEN
        {_pg_refresh('NEW')}
    END IF;
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_product_certificate_window ON certification",
    "CREATE TRIGGER larder_product_certificate_window AFTER INSERT OR DELETE OR UPDATE OF "
    "valid_from, valid_until, product_id ON certification FOR EACH ROW "
    "EXECUTE FUNCTION larder_product_certificate_window()",
]

SQLITE_DDL = [
    "CREATE TRIGGER IF NOT EXISTS larder_product_certificate_window_insert AFTER INSERT ON certification "
    f"BEGIN {_sqlite_refresh('NEW.product_id')}; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_certificate_window_update AFTER UPDATE OF "
    "valid_from, valid_until, product_id ON certification "
    f"BEGIN {_sqlite_refresh('OLD.product_id')}; {_sqlite_refresh('NEW.product_id')}; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_certificate_window_delete AFTER DELETE ON certification "
    f"BEGIN {_sqlite_refresh('OLD.product_id')}; END",
]

CERTIFICATE_WINDOW_DDL = {"postgresql": PG_DDL, "sqlite": SQLITE_DDL}

run_after_create(Certification.__table__, CERTIFICATE_WINDOW_DDL)
run_before_drop(Certification.__table__, {"postgresql": ["DROP FUNCTION IF EXISTS larder_product_certificate_window() CASCADE"]})
