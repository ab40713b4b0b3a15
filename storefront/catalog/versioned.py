"""The catalog's tables that public pages show, and which cached pages a write to each concerns.

Products and what hangs off them (variants, stock, images, certificates, diet-tag links,
collection entries) are *narrow* tables: a write stamps the product's tag ("product:<id>") and
the tags of the hand-picked collections listing it ("collection:<id>"), plus the store-wide
"*" (every write: what a read nobody declared depends on) and, unless the write cannot make a
product join a set it was not in, "+" (pages showing the first few matches of a query: the
newest products, "you may also like", a CTA's collection strip or a missing CTA product).
Listings of a whole set (all products, search, rule-based collections) depend on "listings",
stamped only by writes that can change a set's members, order or counts (a hand-picked
collection's page on its own "collection:<id>" instead), on "stock" (a stock crossing zero)
when filtered to products in stock, on "price:<band>" (a price moving in or out of a band they
can see; "price@<collection>:<band>" for a hand-picked collection's members) when their price
range, filter or sort read them, and on the tags of the cards they show: a sale that leaves a
product in stock or a price edit within a listing's range re-renders the pages showing that
product only. The read API (storefront/catalog/queries.py)
declares the same tags for what it returns. Collections, diet tags and everything else still
change the catalog version: every cached page is rendered again.
"""

from __future__ import annotations

from flask import Flask

from storefront.caching.registry import TagRule, register_versioned_table

# Public pages show a variant's stock as "Sold out", "Only N left" (under 10) and a quantity
# field whose maximum is the stock capped at 99 (templates/macros/catalog.html,
# catalog/_product_body.html), and a card's total is only compared with 0 and 10. So a stock change
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


LISTING_TAG = "listings"  # the sets a listing shows changed: members, order or counts
STOCK_TAG = "stock"  # a variant's stock crossed zero: listings filtered to products in stock
# Prices in bands, narrow where prices are dense ($1 up to $20, $5 up to $100, $25 up to $500,
# then one open band; minor units): a price change stamps the bands of its old and new price,
# and a listing depends on the bands its price range, sort or filter can see (price_band_tags),
# so a price edit in the middle of a listing's range leaves it cached.
PRICE_BAND_STEPS = ((2000, 100), (10000, 500), (50000, 2500))  # (up to, width)


def _band_steps():
    """(start, up to, width, its first band) of each step of PRICE_BAND_STEPS."""
    start, first = 0, 0
    for upto, width in PRICE_BAND_STEPS:
        yield start, upto, width, first
        first += (upto - start) // width
        start = upto


# Stamped when a price moves two bands or more at once (see price_range_end_tags).
FAR_EDGE_TAG = "price-leap"
PRICE_BAND_LAST = sum((upto - start) // width for start, upto, width, _ in _band_steps())  # the open band


def product_tag(product_id: int) -> str:
    return f"product:{product_id}"


def collection_tag(collection_id: int) -> str:
    return f"collection:{collection_id}"


def price_band(price: int) -> int:
    for start, upto, width, first in _band_steps():
        if price < upto:
            return first + max(price - start, 0) // width
    return PRICE_BAND_LAST


def price_band_tags(low: int | None, high: int | None, collection_id: int | None = None) -> list[str]:
    """The band tags of prices from `low` to `high` (None: open on that side), of every product
    or of a hand-picked collection's ("price@<collection>:<band>")."""
    first = 0 if low is None else price_band(low)
    last = PRICE_BAND_LAST if high is None else price_band(high)
    prefix = _band_prefix("price", collection_id)
    return [f"{prefix}{band}" for band in range(first, last + 1)]


def _band_prefix(family: str, collection_id: int | None) -> str:
    """"price:" / "edge:" for every product, "price@<id>:" / "edge@<id>:" for a hand-picked
    collection's members (the triggers stamp both, _price_bands_of)."""
    return f"{family}:" if collection_id is None else f"{family}@{collection_id}:"


def _band_start(band: int) -> int:
    for start, upto, width, first in _band_steps():
        if band < first + (upto - start) // width:
            return start + (band - first) * width
    return PRICE_BAND_STEPS[-1][0]  # the open band


def price_range_shown(low: int | None, high: int | None) -> tuple[int | None, int | None]:
    """A listing's lowest and highest price as its price fields show them: the low end rounded
    down to its band's start, the high end up to its band's last cent (the open band's, above
    $500, as they are). The fields show whole units anyway ($1 bands up to $20), and a price
    moving within an end's band then changes nothing shown: a staff member's price edits and the
    crowd's sales no longer re-read the range of every listing whose end shares a band with them
    (the reads of a search with thousands of matches: 20-80 ms of a stored page's serving)."""
    if low is None or high is None:
        return low, high
    first, last = price_band(low), price_band(high)
    shown_low = low if first == PRICE_BAND_LAST else _band_start(first)
    shown_high = high if last == PRICE_BAND_LAST else _band_start(last + 1) - 1
    return shown_low, shown_high


def price_range_end_tags(low: int, high: int, collection_id: int | None = None) -> list[str]:
    """What a listing's range as shown (price_range_shown: its ends' bands) depends on.

    A price moving to the next band up or down stamps "edge:<band>" for both bands; one leaping
    further stamps FAR_EDGE_TAG too. The lowest band can only change when a member moves into it
    from the band above or out of it to the band below or above (every member is at or above it),
    or leaps: so the range depends on its two end bands' edge tags and FAR_EDGE_TAG. A price
    crossing into a band next to another, beyond both ends (a product the listing does not hold:
    a member would have set the end there), leaves it alone; it used to depend on every band
    beyond its ends, and a staff member's price edits somewhere below $13 re-read the range of
    every common word (16,000 matches: 30-40 ms). For an end in the open band (shown as it is),
    any price change there."""
    first, last = price_band(low), price_band(high)
    price, edge = _band_prefix("price", collection_id), _band_prefix("edge", collection_id)
    tags = [f"{edge}{first}", f"{edge}{last}", FAR_EDGE_TAG]
    if last == PRICE_BAND_LAST:
        tags.append(f"{price}{PRICE_BAND_LAST}")
    return tags


def _price_band_sql(column: str) -> str:
    """price_band in SQL (integer division on both databases)."""
    cases = [f"WHEN {column} < 0 THEN 0"]
    cases += [f"WHEN {column} < {upto} THEN {first} + ({column} - {start}) / {width}"
              for start, upto, width, first in _band_steps()]
    return f"CASE {' '.join(cases)} ELSE {PRICE_BAND_LAST} END"


def joined_collection_tag(collection_id: int) -> str:
    return f"+collection:{collection_id}"


def joined_diet_tag(diet_tag_id: int) -> str:
    return f"+diet:{diet_tag_id}"


def _sets_of(product_id: str) -> str:
    """The hand-picked collections and diet tags a product may have joined a subset of."""
    return (
        f"SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = {product_id} "
        f"UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = {product_id}"
    )


def _collections_of(product_id: str) -> str:
    return f"SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = {product_id}"


# Product columns whose change can change which products a listing holds, their order or its
# counts (filters, sorts, search, facets). Every other column is shown by the product's own
# pages and cards only, except price_from, which stamps price bands. A test holds the two lists
# to the model: a new column must be put in one of them.
PRODUCT_LISTING_COLUMNS = (
    "id", "slug", "title", "brand", "summary", "description", "ingredients", "allergens", "allergen_mask",
    "status", "created_at", "search_keywords", "search_body",
)
PRODUCT_DISPLAY_COLUMNS = (
    "nutrition", "seo_title", "seo_description", "option_names", "review_count", "review_rating_sum", "updated_at",
    # The certificate window decides membership in certified listings, but only the triggers on
    # certification write it (certificate_window.py), and that certificate's own write stamps the
    # listings, the collections holding the product and the sets it may join (RULES below): as a
    # product column, its change need only stamp the product's own pages and cards.
    "certified_from", "certified_until", "certified_gaps",
    # The same holds for the diet tag bits: only the triggers on product_diet_tag write them
    # (diet_tag_bits.py), and that link's own write stamps the listings and sets.
    "diet_tag_bits",
)
_PRODUCT_LISTED_SAME = " AND ".join(f"OLD.{c} IS NOT DISTINCT FROM NEW.{c}" for c in PRODUCT_LISTING_COLUMNS)
_PRICE_SAME = "OLD.price_from IS NOT DISTINCT FROM NEW.price_from"
_STOCK_SIDE_SAME = "(OLD.stock > 0) = (NEW.stock > 0)"
_SAME_PRODUCT = "OLD.product_id = NEW.product_id"
_SAME_ENTRY = "OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id"
_PRODUCT_OF_ROW = "SELECT 'product:' || {row}.product_id AS t"


def _price_bands_of(row: str) -> str:
    """The price bands (of every product, of each collection holding it) of the `row` version
    of a product whose price_from moved; and, when it moved to another band, the same bands as
    edge tags ("edge:<band>", "edge@<collection>:<band>")."""
    band = _price_band_sql(f"{row}.price_from")
    moved = f"NOT ({_PRICE_SAME}) AND {row}.price_from IS NOT NULL"
    crossed = (f"{moved} AND ({_price_band_sql('OLD.price_from')}) IS DISTINCT FROM "
               f"({_price_band_sql('NEW.price_from')})")
    return (
        f"SELECT 'price:' || ({band}) AS t WHERE {moved} "
        f"UNION ALL SELECT 'price@' || collection_id || ':' || ({band}) AS t "
        f"FROM collection_product WHERE product_id = {row}.id AND {moved} "
        f"UNION ALL SELECT 'edge:' || ({band}) AS t WHERE {crossed} "
        f"UNION ALL SELECT 'edge@' || collection_id || ':' || ({band}) AS t "
        f"FROM collection_product WHERE product_id = {row}.id AND {crossed}"
    )


def _far_edge() -> str:
    """FAR_EDGE_TAG when price_from leaps over a band (two bands or more away), appears or goes."""
    bands = f"({_price_band_sql('OLD.price_from')}) - ({_price_band_sql('NEW.price_from')})"
    return (f"SELECT '{FAR_EDGE_TAG}' AS t WHERE NOT ({_PRICE_SAME}) AND (OLD.price_from IS NULL "
            f"OR NEW.price_from IS NULL OR abs({bands}) >= 2)")


# What can make a product join a set it was not in (the sets: on sale, in stock, certified,
# newest first, a collection's or a diet tag's members, a slug a CTA names): a product's
# status, creation date or slug; a variant coming back in stock; any certificate change; a new
# collection entry or diet-tag link. Anything else (a price, a sale, a title) only changes the
# product's own pages and the listings carrying it.
RULES = {
    "product": TagRule(
        "SELECT 'product:' || {row}.id AS t",
        steady_when="OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status "
        "AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug",
        listing_tag=LISTING_TAG,
        listing_steady_when=_PRODUCT_LISTED_SAME,
        members_sql=_collections_of("{row}.id"),
        members_steady_when=_PRODUCT_LISTED_SAME,
        joined_sql=_sets_of("{row}.id"),
        update_sql=" UNION ALL ".join([_price_bands_of("OLD"), _price_bands_of("NEW"), _far_edge()]),
    ),
    # A variant's price reaches listings through product.price_from (kept by triggers), whose
    # UPDATE stamps the price bands; its stock through the "in stock" filter (STOCK_TAG when it
    # crosses 0).
    "variant": TagRule(
        _PRODUCT_OF_ROW,
        steady_when=f"{_SAME_PRODUCT} AND NOT (OLD.stock <= 0 AND NEW.stock > 0)",
        listing_tag=LISTING_TAG,
        listing_steady_when=_SAME_PRODUCT,
        members_sql=_collections_of("{row}.product_id"),
        members_steady_when=_SAME_PRODUCT,
        update_sql=f"SELECT '{STOCK_TAG}' AS t WHERE NOT ({_STOCK_SIDE_SAME})",
        joined_sql=_sets_of("{row}.product_id"),
    ),
    "product_image": TagRule(
        _PRODUCT_OF_ROW,
        steady_when=_SAME_PRODUCT,
        listing_tag=LISTING_TAG,
        listing_steady_when=_SAME_PRODUCT,
        members_sql=_collections_of("{row}.product_id"),
        members_steady_when=_SAME_PRODUCT,
    ),
    "certification": TagRule(
        _PRODUCT_OF_ROW,
        listing_tag=LISTING_TAG,
        members_sql=_collections_of("{row}.product_id"),
        joined_sql=_sets_of("{row}.product_id"),
    ),
    "product_diet_tag": TagRule(
        _PRODUCT_OF_ROW,
        steady_when=f"{_SAME_PRODUCT} AND OLD.diet_tag_id = NEW.diet_tag_id",
        listing_tag=LISTING_TAG,
        members_sql=_collections_of("{row}.product_id"),
        joined_sql="SELECT '+diet:' || {row}.diet_tag_id AS t",
    ),
    "collection_product": TagRule(
        _PRODUCT_OF_ROW,
        steady_when=_SAME_ENTRY,
        listing_tag=LISTING_TAG,
        # The entry's copies of the product's sort keys follow the product (whose own write
        # stamps what listings need): an UPDATE keeping the pair changes no set.
        listing_steady_when=_SAME_ENTRY,
        members_sql="SELECT 'collection:' || {row}.collection_id AS t",
        members_steady_when=f"{_SAME_ENTRY} AND OLD.position IS NOT DISTINCT FROM NEW.position",
        joined_sql="SELECT '+collection:' || {row}.collection_id AS t",
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
