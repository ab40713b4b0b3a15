"""The catalog's tables that public pages show, and which cached pages a write to each concerns.

Products and what hangs off them (variants, stock, images, certificates, diet-tag links,
collection entries) are *narrow* tables: a write stamps the product's tag ("product:<id>") and
the tags of the hand-picked collections listing it ("collection:<id>"), plus the store-wide
"*" (listings of every product, search, rule-based collections: their counts change with any
product) and, unless the write cannot make a product join a set it was not in, "+" (pages
showing the first few matches of a query: the newest products, "you may also like", a CTA's
collection strip or a missing CTA product). The read API (storefront/catalog/queries.py)
declares the same tags for what it returns. Collections, diet tags and everything else still
change the catalog version: every cached page is rendered again.
"""

from __future__ import annotations

from flask import Flask

from storefront.caching.registry import TagRule, register_versioned_table

# Public pages show a variant's stock as "Sold out", "Only N left" (under 10) and a quantity
# field whose maximum is the stock capped at 99 (templates/macros/catalog.html,
# catalog/product.html), and a card's total is only compared with 0 and 10. So a stock change
# between two values of at least this cap changes nothing any page shows: it must not empty the
# page cache, or every sale of a well-stocked product would make every page render again.
VISIBLE_STOCK_CAP = 99

# Variant columns the SQLite UPDATE trigger compares (PostgreSQL compares whole rows). A test
# holds this list to the model: a migration adding a variant column must add it here and
# re-create the SQLite trigger, or a change to that column alone would keep stale pages.
VARIANT_COLUMNS = (
    "id", "product_id", "sku", "option_label", "price", "compare_at_price", "weight_grams", "position",
    "option_values",
)

# Tables whose writes change every page (their rows are on many pages, and rarely written).
TABLES = (
    "collection",
    "diet_tag",
)


def product_tag(product_id: int) -> str:
    return f"product:{product_id}"


def collection_tag(collection_id: int) -> str:
    return f"collection:{collection_id}"


def _product_and_collections(product_id: str) -> str:
    return (
        f"SELECT 'product:' || {product_id} AS t UNION ALL "
        f"SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = {product_id}"
    )


# What can make a product join a set it was not in (the sets: on sale, in stock, certified,
# newest first, a collection's or a diet tag's members, a slug a CTA names): a product's
# status, creation date or slug; a variant coming back in stock; any certificate change; a new
# collection entry or diet-tag link. Anything else (a price, a sale, a title) only changes the
# product's own pages and the listings carrying it.
RULES = {
    "product": TagRule(
        _product_and_collections("{row}.id"),
        steady_when="OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status "
        "AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug",
    ),
    "variant": TagRule(
        _product_and_collections("{row}.product_id"),
        steady_when="OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock > 0)",
    ),
    "product_image": TagRule(_product_and_collections("{row}.product_id"), steady_when="OLD.product_id = NEW.product_id"),
    "certification": TagRule(_product_and_collections("{row}.product_id")),
    "product_diet_tag": TagRule(
        _product_and_collections("{row}.product_id"),
        steady_when="OLD.product_id = NEW.product_id AND OLD.diet_tag_id = NEW.diet_tag_id",
    ),
    "collection_product": TagRule(
        "SELECT 'product:' || {row}.product_id AS t UNION ALL SELECT 'collection:' || {row}.collection_id AS t",
        steady_when="OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id",
    ),
}


def register_catalog_tables(app: Flask) -> None:
    for table in TABLES:
        register_versioned_table(app, table)
    for table, rule in RULES.items():
        if table == "variant":
            register_versioned_table(
                app, table, columns=VARIANT_COLUMNS, capped={"stock": VISIBLE_STOCK_CAP}, tags=rule
            )
        else:
            register_versioned_table(app, table, tags=rule)
