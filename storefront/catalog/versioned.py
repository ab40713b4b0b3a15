"""The catalog's tables that public pages show: writes to them change the catalog version."""

from __future__ import annotations

from flask import Flask

from storefront.caching.registry import register_versioned_table

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

TABLES = (
    "product",
    "product_image",
    "certification",
    "collection",
    "collection_product",
    "diet_tag",
    "product_diet_tag",
)


def register_catalog_tables(app: Flask) -> None:
    for table in TABLES:
        register_versioned_table(app, table)
    register_versioned_table(app, "variant", columns=VARIANT_COLUMNS, capped={"stock": VISIBLE_STOCK_CAP})
