"""A listing's own HTML kept per set of filters (storefront.catalog.listing_page): every URL with
the same filters reads no facet or product once it is kept, each visitor's links keep their own
arguments, the price fields follow prices anywhere, and a sale or a raw-SQL price edit shows at once."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import text

from storefront.extensions import db
from tests.factories import make_collection, make_product, make_tag
from tests.fixtures.pieces import fetch, sell_last_unit_by_sql, tile_of


@pytest.fixture
def shelf(app, fragment_store, monkeypatch):
    monkeypatch.setitem(app.config, "PRODUCTS_PER_PAGE", 2)
    make_tag("vegan", "Vegan")
    shelf = make_collection("supplements", title="Supplements")
    for slug, price in (("magnesium", 1999), ("zinc", 1299), ("iron", 999)):
        make_product(slug, title=slug.title(), price=price, stock=5, tags=["vegan"], collection=shelf)
    return shelf


def _links(page: str, pattern: str) -> list[str]:
    return [unescape(href) for href in re.findall(pattern, page)]


def test_every_url_with_the_same_filters_reads_the_catalog_once(client, shelf, count_queries):
    first, reads_first = fetch(client, "/collections/supplements?tag=vegan&utm_source=news", count_queries)
    other, reads_other = fetch(client, "/collections/supplements?utm_campaign=spring&tag=vegan&tag=vegan", count_queries)

    assert reads_first > 0 and reads_other == 0
    assert '<p class="result-count" role="status">3 products</p>' in other
    assert _links(first, r'<a class="chip" href="([^"]+)"') == ["/collections/supplements?utm_source=news"]
    assert _links(other, r'<a class="chip" href="([^"]+)"') == ["/collections/supplements?utm_campaign=spring"]
    assert _links(other, r'<a rel="next" href="([^"]+)"') == [
        "/collections/supplements?utm_campaign=spring&tag=vegan&tag=vegan&page=2"
    ]
    assert "larder-" not in first + other  # no hole left unfilled
    assert len(set(re.findall(r'name="csrf_token" value="([^"]+)"', other))) == 1


def test_the_price_fields_follow_a_price_edit_the_listing_does_not_show(client, shelf, count_queries):
    elsewhere = make_product("caviar", title="Caviar", price=9999, stock=5, tags=["vegan"])
    page, _ = fetch(client, "/products?tag=vegan", count_queries)
    assert 'name="price_max" min="0" step="1" inputmode="numeric" value="" placeholder="100"' in page

    db.session.execute(text("UPDATE variant SET price = 4999 WHERE product_id = :id"), {"id": elsewhere.id})
    db.session.commit()
    page, _ = fetch(client, "/products?tag=vegan", count_queries)
    assert 'placeholder="50"' in page and 'placeholder="100"' not in page


def test_the_last_unit_sold_and_a_raw_sql_price_edit_show_at_once(client, shelf, count_queries):
    fetch(client, "/collections/supplements?sort=price", count_queries)

    sell_last_unit_by_sql("magnesium", 899)
    page, reads = fetch(client, "/collections/supplements?sort=price", count_queries)
    assert reads > 0
    tile = tile_of(page, "Magnesium")
    assert "$8.99" in tile and "Sold out" in tile
    assert "$19.99" not in page


def test_an_unknown_collection_is_a_404_and_nothing_is_kept(client, fragment_store):
    assert client.get("/collections/no-such-shelf").status_code == 404
    assert client.get("/collections/no-such-shelf").status_code == 404
    assert not [key for key in fragment_store.scan_iter("larder:fragment:*")]
