"""A product's approved-review count and rating sum (`product.review_count`, `review_rating_sum`),
kept in step by database triggers on `review`.

Cards and listings show the average from the product row they already read (no query per card),
and the product page's "4.5 out of 5, 12 reviews" comes from the same columns. Only a change to
an approved review (approving, removing, editing or deleting one) rewrites the product row, and
that write is what bumps the catalog version (product is a versioned table): a pending review,
a rejection of a pending one or a helpful vote changes nothing a page shows and keeps every
cached page. Triggers, like price_from's, so raw SQL and bulk loads keep the columns right too.
"""

from __future__ import annotations

from storefront.ddl import install, run_after_create, run_before_drop
from storefront.reviews.models import Review

APPROVED = "'approved'"
# Columns whose change on an approved review shows on a page (the helpful count is not among
# them: a vote must not empty the page cache; pages show it as of their last render).
SHOWN_COLUMNS = "status, rating, product_id, title, body, author_name"


def _refresh(product_id: str) -> str:
    approved = f"FROM review r WHERE r.product_id = {product_id} AND r.status = {APPROVED}"
    return (
        f"UPDATE product SET review_count = (SELECT count(*) {approved}), "
        f"review_rating_sum = (SELECT coalesce(sum(r.rating), 0) {approved}) WHERE id = {product_id}"
    )


PG_DDL = [
    f"""
CREATE OR REPLACE FUNCTION larder_review_aggregate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = {APPROVED} THEN
            {_refresh('NEW.product_id')};
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.status = {APPROVED} THEN
            {_refresh('OLD.product_id')};
        END IF;
    ELSIF OLD.status = {APPROVED} OR NEW.status = {APPROVED} THEN
        {_refresh('OLD.product_id')};
        IF NEW.product_id IS DISTINCT FROM OLD.product_id THEN
            {_refresh('NEW.product_id')};
        END IF;
    END IF;
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_review_aggregate ON review",
    f"CREATE TRIGGER larder_review_aggregate AFTER INSERT OR DELETE OR UPDATE OF {SHOWN_COLUMNS} "
    "ON review FOR EACH ROW EXECUTE FUNCTION larder_review_aggregate()",
]

SQLITE_DDL = [
    f"CREATE TRIGGER IF NOT EXISTS larder_review_aggregate_insert AFTER INSERT ON review "
    f"WHEN NEW.status = {APPROVED} BEGIN {_refresh('NEW.product_id')}; END",
    f"CREATE TRIGGER IF NOT EXISTS larder_review_aggregate_update AFTER UPDATE OF {SHOWN_COLUMNS} ON review "
    f"WHEN OLD.status = {APPROVED} OR NEW.status = {APPROVED} "
    f"BEGIN {_refresh('OLD.product_id')}; {_refresh('NEW.product_id')}; END",
    f"CREATE TRIGGER IF NOT EXISTS larder_review_aggregate_delete AFTER DELETE ON review "
    f"WHEN OLD.status = {APPROVED} BEGIN {_refresh('OLD.product_id')}; END",
]

AGGREGATE_DDL = {"postgresql": PG_DDL, "sqlite": SQLITE_DDL}

run_after_create(Review.__table__, AGGREGATE_DDL)
run_before_drop(Review.__table__, {"postgresql": ["DROP FUNCTION IF EXISTS larder_review_aggregate() CASCADE"]})


def install_aggregate_triggers(connection) -> None:
    install(connection, AGGREGATE_DDL)
