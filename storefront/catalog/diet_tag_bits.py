"""A product's diet tags as bits on its row (`product.diet_tag_bits`), kept in step by database
triggers on `product_diet_tag`.

A listing filtered by a diet tag asked the links: a semi-join that, at 100,000 products, reads
and hashes every link of the tag (17,000 for "vegan") on each cold count and page, twice for two
tags. Asked of the product row (and of a collection entry's copy, collection_sort_keys.py), it is
one AND on a row the listing reads anyway: a collection's two-facet count went from 36 ms to 18.

Each tag owns a bit (`diet_tag.bit`, 0-61), the lowest free one when the tag is made, given by a
trigger so raw SQL inserts get one too; a store has at most 62 diet tags (the 63rd insert is
refused). The link triggers recompute the product's bits and write the row only when they
changed; a tag's bit changing (never done by the app) recomputes its products.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, literal, select
from sqlalchemy.orm import aliased

from storefront.catalog.models import DietTag, product_diet_tags
from storefront.ddl import run_after_create, run_before_drop

TAG_BITS = 62  # bits 0-61: a shift by 63 would make the bigint negative on PostgreSQL


def flag_of(bit):
    """SQL: a bit position (a column or expression) as the number with that bit set."""
    return literal(1, BigInteger).op("<<")(bit)


def tag_flag(tag_slug: str):
    """SQL: the tag's bit as a number (1 << bit), NULL when no tag has that slug (so a test of
    a product's bits against it holds for no product)."""
    tag = aliased(DietTag)
    return select(flag_of(tag.bit)).where(tag.slug == tag_slug).scalar_subquery()


def _bits_of(product_id: str, flag: str, total: str) -> str:
    """SQL for the bits of the product `product_id` names, from its links."""
    return (
        f"(SELECT coalesce({total}({flag}), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id "
        f"WHERE l.product_id = {product_id} AND t.bit >= 0 AND t.bit < {TAG_BITS})"
    )


def _pg_bits(product_id: str) -> str:
    return _bits_of(product_id, "1::bigint << t.bit", "bit_or")


def _sqlite_bits(product_id: str) -> str:
    # Bits are distinct per tag and a product links a tag once: the sum is the OR.
    return _bits_of(product_id, "1 << t.bit", "sum")


def _pg_refresh(row: str) -> str:
    bits = _pg_bits(f"{row}.product_id")
    return (
        f"UPDATE product SET diet_tag_bits = {bits}\n"
        f"        WHERE id = {row}.product_id AND diet_tag_bits IS DISTINCT FROM {bits};"
    )


def _sqlite_refresh(product_id: str) -> str:
    bits = _sqlite_bits(product_id)
    return f"UPDATE product SET diet_tag_bits = {bits} WHERE id = {product_id} AND diet_tag_bits IS NOT {bits}"


_REFUSED = f"a store has at most {TAG_BITS} diet tags"
_FREE_BITS_SQLITE = (
    "(SELECT min(column1) FROM (VALUES " + ", ".join(f"({b})" for b in range(TAG_BITS)) + ") "
    "WHERE column1 NOT IN (SELECT bit FROM diet_tag WHERE bit IS NOT NULL))"
)

PG_DDL = [
    f"""
CREATE OR REPLACE FUNCTION larder_diet_tag_bit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.bit IS NULL THEN
        SELECT min(b) INTO NEW.bit FROM generate_series(0, {TAG_BITS - 1}) AS b
         WHERE NOT EXISTS (SELECT 1 FROM diet_tag WHERE bit = b);
        IF NEW.bit IS NULL THEN
            RAISE EXCEPTION '{_REFUSED}' USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_diet_tag_bit ON diet_tag",
    "CREATE TRIGGER larder_diet_tag_bit BEFORE INSERT ON diet_tag FOR EACH ROW EXECUTE FUNCTION larder_diet_tag_bit()",
    f"""
CREATE OR REPLACE FUNCTION larder_product_diet_tag_bits() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {_pg_refresh('OLD')}
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {_pg_refresh('NEW')}
    END IF;
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_product_diet_tag_bits ON product_diet_tag",
    "CREATE TRIGGER larder_product_diet_tag_bits AFTER INSERT OR DELETE OR UPDATE ON product_diet_tag "
    "FOR EACH ROW EXECUTE FUNCTION larder_product_diet_tag_bits()",
    f"""
CREATE OR REPLACE FUNCTION larder_diet_tag_bit_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE product SET diet_tag_bits = {_pg_bits('product.id')}
     WHERE id IN (SELECT product_id FROM product_diet_tag WHERE diet_tag_id = NEW.id);
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_diet_tag_bit_moved ON diet_tag",
    "CREATE TRIGGER larder_diet_tag_bit_moved AFTER UPDATE OF bit ON diet_tag FOR EACH ROW "
    "WHEN (OLD.bit IS DISTINCT FROM NEW.bit) EXECUTE FUNCTION larder_diet_tag_bit_moved()",
]

SQLITE_DDL = [
    "CREATE TRIGGER IF NOT EXISTS larder_diet_tag_bit AFTER INSERT ON diet_tag WHEN NEW.bit IS NULL BEGIN "
    f"UPDATE diet_tag SET bit = {_FREE_BITS_SQLITE} WHERE id = NEW.id; "
    f"SELECT RAISE(ABORT, '{_REFUSED}') WHERE (SELECT bit FROM diet_tag WHERE id = NEW.id) IS NULL; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_diet_tag_bits_insert AFTER INSERT ON product_diet_tag "
    f"BEGIN {_sqlite_refresh('NEW.product_id')}; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_diet_tag_bits_update AFTER UPDATE ON product_diet_tag "
    f"BEGIN {_sqlite_refresh('OLD.product_id')}; {_sqlite_refresh('NEW.product_id')}; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_diet_tag_bits_delete AFTER DELETE ON product_diet_tag "
    f"BEGIN {_sqlite_refresh('OLD.product_id')}; END",
    "CREATE TRIGGER IF NOT EXISTS larder_diet_tag_bit_moved AFTER UPDATE OF bit ON diet_tag "
    f"WHEN OLD.bit IS NOT NEW.bit BEGIN UPDATE product SET diet_tag_bits = {_sqlite_bits('product.id')} "
    "WHERE id IN (SELECT product_id FROM product_diet_tag WHERE diet_tag_id = NEW.id); END",
]

DIET_TAG_BITS_DDL = {"postgresql": PG_DDL, "sqlite": SQLITE_DDL}

# Attached to the link table, created after both tables its triggers read and write.
run_after_create(product_diet_tags, DIET_TAG_BITS_DDL)
run_before_drop(product_diet_tags, {"postgresql": [
    "DROP FUNCTION IF EXISTS larder_diet_tag_bit() CASCADE",
    "DROP FUNCTION IF EXISTS larder_product_diet_tag_bits() CASCADE",
    "DROP FUNCTION IF EXISTS larder_diet_tag_bit_moved() CASCADE",
]})
