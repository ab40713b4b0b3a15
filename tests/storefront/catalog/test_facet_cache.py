"""Facet counts come from Redis for every sort and page of one set of filters, and are never
stale: a stock change, a price change or a new day computes them again.

Uses the real Redis (tests/fixtures/redis_server.py), database 12 (emptied around each test).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select, text

from storefront.caching.fragments import FRAGMENT_PREFIX
from storefront.caching.store import PageCache
from storefront.catalog.models import Product
from storefront.clock import today
from storefront.extensions import db
from storefront.state import larder_state
from tests.conftest import FRAGMENT_REDIS_URL
from tests.factories import make_certification, make_collection, make_product


@pytest.fixture
def teas():
    collection = make_collection("teas")
    for n in range(3):
        make_product(f"tea-{n}", price=1000 + n, stock=5, collection=collection, tags=["vegan"])
    make_product("tea-sold-out", stock=0, collection=collection)
    return collection


def in_stock_count(page: str) -> int:
    """The vegan count of a listing filtered to products in stock (the teas are all vegan)."""
    return int(re.search(r'data-facet-count="vegan">\((\d+)\)', page).group(1))


def facet_statements(statements) -> list[str]:
    """The two facet queries: tag counts and the certified / in-stock / price figures."""
    return [s for s in statements if s.startswith("SELECT diet_tag.slug") or "sum(CASE" in s]


def test_other_sorts_and_pages_reuse_the_counts(client, fragment_store, teas, count_queries):
    first = client.get("/collections/teas?in_stock=1&sort=price")
    assert in_stock_count(first.get_data(as_text=True)) == 3
    assert fragment_store.keys(FRAGMENT_PREFIX + "*")
    db.session.remove()
    with count_queries() as counter:
        again = client.get("/collections/teas?in_stock=1&sort=name")
    assert again.status_code == 200
    assert in_stock_count(again.get_data(as_text=True)) == 3
    assert facet_statements(counter.statements) == []


def test_a_stock_change_is_counted_at_once(client, fragment_store, teas):
    assert in_stock_count(client.get("/collections/teas?in_stock=1").get_data(as_text=True)) == 3
    # Checkout's raw conditional UPDATE: the version trigger sees it, so the key changes.
    db.session.execute(text("UPDATE variant SET stock = 0 WHERE stock > 0"))
    db.session.commit()
    assert in_stock_count(client.get("/collections/teas?in_stock=1&sort=name").get_data(as_text=True)) == 0


def test_a_certificate_expiring_today_stops_counting_tomorrow(client, fragment_store, teas, monkeypatch):
    product = db.session.scalar(select(Product).where(Product.slug == "tea-0"))
    product.certifications.append(
        make_certification(valid_from=today() - timedelta(days=5), valid_until=today())
    )
    db.session.commit()
    page = client.get("/collections/teas").get_data(as_text=True)
    assert "Low FODMAP Certified <span class=\"count\">(1)" in page

    tomorrow = today() + timedelta(days=1)
    monkeypatch.setattr("storefront.caching.version.today", lambda: tomorrow)
    monkeypatch.setattr("storefront.catalog.queries.today", lambda: tomorrow)
    page = client.get("/collections/teas?in_stock=1&sort=name").get_data(as_text=True)
    assert "Low FODMAP Certified <span class=\"count\">(0)" in page


def test_unreachable_redis_still_counts(app, client, teas):
    original = larder_state(app).fragment_cache
    larder_state(app).fragment_cache = PageCache("redis://127.0.0.1:1/0", ttl=60, prefix=FRAGMENT_PREFIX)
    try:
        response = client.get("/collections/teas")
    finally:
        larder_state(app).fragment_cache = original
    assert response.status_code == 200
    assert in_stock_count(response.get_data(as_text=True)) == 3


def test_without_redis_nothing_is_stored(client, teas):
    redis.Redis.from_url(FRAGMENT_REDIS_URL).flushdb()
    assert client.get("/collections/teas").status_code == 200
    assert redis.Redis.from_url(FRAGMENT_REDIS_URL).keys(FRAGMENT_PREFIX + "*") == []


@pytest.mark.parametrize("matches", [None, 1, 10**6])
def test_the_price_range_is_the_same_whichever_way_it_is_read(app, teas, matches):
    """`matches` (the facets' count, stored or not) only chooses how the range is read: every
    match once, or the price index walked from each end."""
    from storefront.catalog.queries import ListingFilters, PriceRange, listing_price_range

    found = listing_price_range(ListingFilters(), teas, matches=matches)
    assert found == PriceRange.shown(1000, 1500) == (1000, 1599)  # the sold-out tea: $15.00
    assert listing_price_range(ListingFilters(q="nothing-matches-this"), None, matches=matches) == (None, None)
