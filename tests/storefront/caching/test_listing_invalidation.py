"""Listings of a whole set re-render only for changes they can show (issue 20, second round).

All products, search and rule-based collections used to depend on every write to any product:
each sale of a low-stock item and each price edit re-rendered every one of them. Now a sale that
leaves a product in stock re-renders only the listings showing its card; a price edit re-renders
the listings whose price range, price filter or price sort it crosses; a stock crossing zero
re-renders the listings filtered to products in stock. Behind the real Redis page and fragment caches
(database 8), with the writes made by raw SQL as checkout and psql make them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storefront.extensions import db
from tests.factories import make_collection, make_product
from tests.fixtures.page_cache import served_fixture
from tests.fixtures.redis_server import redis_url

REDIS_URL = redis_url(8)

served = served_fixture(REDIS_URL)


@pytest.fixture
def shelf():
    """Four capsules from $4.99 to $39.99 and an oil at $25.00, which no capsule search shows."""
    supplements = make_collection("supplements", title="Supplements")
    minerals = make_collection("minerals", title="Minerals")
    made = {
        "magnesium": make_product("magnesium-capsules", title="Magnesium Capsules", price=1999, stock=5, collection=supplements),
        "zinc": make_product("zinc-capsules", title="Zinc Capsules", price=1299, stock=5, collection=minerals),
        "iron": make_product("iron-capsules", title="Iron Capsules", price=499, stock=5, collection=minerals),
        "vitamin": make_product("vitamin-d-capsules", title="Vitamin D Capsules", price=3999, stock=5, collection=supplements),
        "oil": make_product("olive-leaf-oil", title="Olive Leaf Oil", price=2500, stock=5),
    }
    db.session.commit()
    return {name: product.variants[0].id for name, product in made.items()}


CAPSULES = "/search?q=capsules"
ZINC = "/search?q=zinc"
ALL = "/products"
OIL_PAGE = "/products/olive-leaf-oil"


def _warm(client, *urls: str) -> None:
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.get(url).headers["X-Larder-Cache"] == "hit", f"{url} was not stored"


def _cache(client, url: str) -> tuple[str, str]:
    page = client.get(url)
    assert page.status_code == 200, url
    return page.headers["X-Larder-Cache"], page.get_data(as_text=True)


def _sell(variant_id: int, units: int = 1) -> None:
    db.session.execute(text("UPDATE variant SET stock = stock - :n WHERE id = :v"), {"n": units, "v": variant_id})
    db.session.commit()


def _set_price(variant_id: int, price: int) -> None:
    db.session.execute(text("UPDATE variant SET price = :p WHERE id = :v"), {"p": price, "v": variant_id})
    db.session.commit()


def test_a_sale_leaving_a_product_in_stock_re_renders_only_the_listings_showing_it(served, shelf):
    client = served.test_client()
    _warm(client, ALL, CAPSULES, ZINC, "/collections/supplements", "/collections/minerals")

    _sell(shelf["magnesium"])  # 5 -> 4: "Only 4 left" on its card, still in stock

    for url in (ALL, CAPSULES, "/collections/supplements"):
        state, html = _cache(client, url)
        assert state == "miss", f"{url} shows magnesium's card, yet came from the cache"
        assert "Only 4 left" in html, f"{url} does not show magnesium's new stock"
    for url in (ZINC, "/collections/minerals"):
        assert _cache(client, url)[0] == "hit", f"{url} does not show magnesium, yet it was rendered again"


def test_a_price_edit_inside_a_listings_range_leaves_it_cached(served, shelf):
    client = served.test_client()
    _warm(client, ALL, CAPSULES, OIL_PAGE)

    _set_price(shelf["oil"], 2550)  # $25.00 -> $25.50: inside $4.99-$39.99, not a capsule

    assert _cache(client, CAPSULES)[0] == "hit", "the capsule search neither shows the oil nor its range moved"
    for url in (ALL, OIL_PAGE):
        state, html = _cache(client, url)
        assert state == "miss", url
        assert "$25.50" in html, f"{url} shows a stale price"


def test_a_price_crossing_a_listings_lowest_price_updates_its_range_and_keeps_the_page(served, shelf):
    client = served.test_client()
    _warm(client, CAPSULES)
    assert 'id="price-min" type="number" name="price_min" min="0" step="1" inputmode="numeric" value="" placeholder="4"' in (
        _cache(client, CAPSULES)[1]
    )

    _set_price(shelf["oil"], 199)  # the oil at $1.99: below every capsule, yet still no capsule

    state, html = _cache(client, CAPSULES)
    assert state == "hit", "no capsule's price moved: the stored search serves, its price fields read again"
    assert 'placeholder="4"' in html

    _set_price(shelf["iron"], 299)  # the cheapest capsule itself: $4.99 -> $2.99
    state, html = _cache(client, CAPSULES)
    assert state == "miss", "the iron capsule's card is on the page"
    assert 'placeholder="2"' in html and "$2.99" in html


def test_a_price_beyond_a_listings_range_off_its_page_shows_in_its_price_fields(served, shelf):
    served.config["PRODUCTS_PER_PAGE"] = 2
    client = served.test_client()
    _warm(client, CAPSULES)
    state, html = _cache(client, CAPSULES)
    assert 'name="price_max" min="0" step="1" inputmode="numeric" value="" placeholder="40"' in html
    off_page = next(name for name, title in (("zinc", "Zinc"), ("magnesium", "Magnesium"), ("iron", "Iron"))
                    if f"{title} Capsules" not in html)

    _set_price(shelf[off_page], 5999)  # now the dearest capsule, on page 2

    state, html = _cache(client, CAPSULES)
    assert state == "hit", "no card on page 1 changed and the set is the same"
    assert 'placeholder="60"' in html, "the price fields show a stale highest price"
    assert client.get(CAPSULES, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_a_hand_picked_collection_sees_only_its_own_members_prices(served, shelf):
    minerals = "/collections/minerals"  # zinc $12.99 and iron $4.99
    client = served.test_client()
    _warm(client, minerals)

    _set_price(shelf["oil"], 199)  # not a mineral: below their range, yet no mineral's price moved
    assert _cache(client, minerals)[0] == "hit"

    _set_price(shelf["iron"], 299)  # the cheapest mineral
    state, html = _cache(client, minerals)
    assert state == "miss"
    assert 'placeholder="2"' in html and "$2.99" in html


def test_a_price_sorted_listing_follows_prices_moving_before_its_last_card(served, shelf):
    client = served.test_client()
    cheapest = "/search?q=capsules&sort=price"
    _warm(client, cheapest)
    first = _cache(client, cheapest)[1]
    assert first.index("Iron Capsules") < first.index("Zinc Capsules") < first.index("Magnesium Capsules")

    _set_price(shelf["vitamin"], 999)  # $39.99 -> $9.99: now second cheapest

    state, html = _cache(client, cheapest)
    assert state == "miss"
    assert html.index("Iron Capsules") < html.index("Vitamin D Capsules") < html.index("Zinc Capsules")


def test_the_last_unit_selling_re_renders_the_listings_filtered_in_stock(served, shelf):
    in_stock = "/products?in_stock=1"
    client = served.test_client()
    _warm(client, ZINC, in_stock, "/collections/minerals", "/products/zinc-capsules")
    assert "Magnesium Capsules" in _cache(client, in_stock)[1]

    _sell(shelf["magnesium"], 5)  # magnesium sells out

    state, html = _cache(client, in_stock)
    assert state == "miss", "a listing of products in stock must drop the one sold out"
    assert "Magnesium Capsules" not in html and "Zinc Capsules" in html
    # Listings without the filter count no stock: those not showing magnesium stay cached.
    for url in (ZINC, "/collections/minerals", "/products/zinc-capsules"):
        assert _cache(client, url)[0] == "hit", url


def test_every_product_column_is_classed_as_listing_or_display():
    """A new product column must be put in one list: a listing column's change stamps "listings"
    (a migration must then re-create the triggers), a display column's only the product's tag."""
    from storefront.catalog.models import Product
    from storefront.catalog.versioned import PRODUCT_DISPLAY_COLUMNS, PRODUCT_LISTING_COLUMNS

    listing, display = set(PRODUCT_LISTING_COLUMNS), set(PRODUCT_DISPLAY_COLUMNS)
    assert not listing & display
    assert listing | display | {"price_from"} == set(Product.__table__.columns.keys())


@pytest.mark.parametrize("price", [0, 99, 100, 1999, 2000, 2499, 2500, 9999, 10000, 49999, 50000, 10**7])
def test_the_triggers_put_a_price_in_the_band_listings_ask_for(app, price):
    """The band the database stamps for a price is the one a listing computes for it."""
    from storefront.catalog.versioned import _price_band_sql, price_band

    stamped = db.session.execute(text(f"SELECT {_price_band_sql('CAST(:price AS INTEGER)')}"), {"price": price}).scalar()
    assert stamped == price_band(price)


def test_a_price_moving_within_an_end_band_leaves_the_price_fields_unread(served, shelf, count_queries):
    # Both dearest capsules in the $35-$40 band: the fields show that band's end, $40.
    _set_price(shelf["magnesium"], 3600)
    _set_price(shelf["vitamin"], 3799)
    served.config["PRODUCTS_PER_PAGE"] = 2
    cheapest = "/search?q=capsules&sort=price"  # page 1: iron and zinc
    client = served.test_client()
    _warm(client, cheapest)
    assert 'name="price_max" min="0" step="1" inputmode="numeric" value="" placeholder="40"' in _cache(client, cheapest)[1]

    _set_price(shelf["magnesium"], 3899)  # past the vitamin, inside the same band, on page 2

    with count_queries() as counter:
        state, html = _cache(client, cheapest)
    assert state == "hit", "page 1's cards and order did not change"
    assert 'placeholder="40"' in html
    assert not [s for s in counter.statements if "price_from" in s], "the range was read again, yet shows the same"

    _set_price(shelf["magnesium"], 3400)  # both leave the band: the dearest is now in $30-$35
    _set_price(shelf["vitamin"], 3000)

    state, html = _cache(client, cheapest)
    assert state == "hit", "page 1's cards and order did not change"
    assert 'placeholder="35"' in html, "the price fields show a stale highest price"


def test_the_price_fields_round_a_range_out_to_its_bands(app):
    from storefront.catalog.queries import PriceRange

    assert PriceRange.shown(499, 3999) == (400, 3999)  # $1 bands up to $20, $5 bands up to $100
    assert PriceRange.shown(2050, 2050) == (2000, 2499)
    assert PriceRange.shown(60000, 70001) == (60000, 70001)  # the open band, above $500: as they are
    assert PriceRange.shown(None, None) == (None, None)


def test_a_price_moving_next_door_beyond_a_listings_ends_leaves_its_price_fields_unread(served, shelf, count_queries):
    _set_price(shelf["oil"], 240)  # not a capsule: $2.40, below every capsule ($4.99 to $39.99)
    served.config["PRODUCTS_PER_PAGE"] = 2
    dearest = "/search?q=capsules&sort=price-desc"  # page 1: vitamin D and magnesium
    client = served.test_client()
    _warm(client, dearest)
    assert 'placeholder="4"' in _cache(client, dearest)[1]

    _set_price(shelf["oil"], 340)  # the next band up, still below the capsules' lowest band

    with count_queries() as counter:
        state, html = _cache(client, dearest)
    assert state == "hit" and 'placeholder="4"' in html
    assert not [s for s in counter.statements if "price_from" in s], "no capsule can have moved: the range was read again"

    _set_price(shelf["iron"], 549)  # the cheapest capsule moves to the next band up, off page 1

    state, html = _cache(client, dearest)
    assert state == "hit", "page 1's cards and order did not change"
    assert 'placeholder="5"' in html, "the price fields show a stale lowest price"

    _set_price(shelf["zinc"], 299)  # $12.99 -> $2.99: a leap over many bands, off page 1

    state, html = _cache(client, dearest)
    assert state == "hit"
    assert 'placeholder="2"' in html, "the price fields missed a price leaping bands"
