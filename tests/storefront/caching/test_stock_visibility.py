"""A sale of a well-stocked product keeps every cached page; a stock change a page shows never does.

Pages show stock only as "Sold out", "Only N left" (under 10) and a quantity field capped at 99,
so the catalog-version triggers skip a raw stock UPDATE between two values of at least
VISIBLE_STOCK_CAP (99). These tests hold both halves: the version stays put only when the rendered
pages are byte for byte the same, and moves whenever a shopper could see the difference.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from storefront.caching.version import CatalogVersion
from storefront.catalog.models import Variant
from storefront.catalog.versioned import VARIANT_COLUMNS, VISIBLE_STOCK_CAP
from storefront.extensions import db
from tests.factories import make_collection, make_product
from tests.storefront.caching.test_pages import redis_cache  # noqa: F401 - fixture

PAGES = ("/products/magnesium-glycinate", "/collections/supplements", "/collections/supplements?in_stock=1")


@pytest.fixture
def product():
    collection = make_collection("supplements")
    return make_product(
        "magnesium-glycinate",
        title="Magnesium Glycinate",
        collection=collection,
        variants=[{"price": 1999, "stock": 500, "option": "60 capsules"}, {"price": 3499, "stock": 500}],
    )


def version() -> tuple[int, int, str]:
    db.session.expire_all()
    row = db.session.get(CatalogVersion, 1)
    return (row.counter, row.seq, row.epoch) if row else (0, 0, "")


def set_stock(variant_id: int, stock: int) -> None:
    """As checkout, the stock release and the admin adjustment do: a raw UPDATE, not the ORM."""
    db.session.execute(text("UPDATE variant SET stock = :stock WHERE id = :id"), {"stock": stock, "id": variant_id})
    db.session.commit()


def rendered(client) -> list[str]:
    """Every page showing the product, rendered fresh, with the per-request CSRF token masked."""
    pages = []
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200
        pages.append(re.sub(r'name="csrf_token" value="[^"]*"', "csrf", response.get_data(as_text=True)))
    return pages


@pytest.mark.parametrize(
    ("before", "after", "visible"),
    [
        (500, 499, False),
        (150, VISIBLE_STOCK_CAP, False),
        (VISIBLE_STOCK_CAP, 5000, False),
        (VISIBLE_STOCK_CAP + 1, VISIBLE_STOCK_CAP, False),
        (VISIBLE_STOCK_CAP, VISIBLE_STOCK_CAP - 1, True),  # the quantity field's max moves
        (50, 49, True),
        (12, 9, True),  # "Only 9 left"
        (1, 0, True),  # sold out
        (0, 500, True),  # back in stock
    ],
)
def test_the_version_moves_exactly_when_a_page_would_change(app, product, before, after, visible):
    variant_id = product.variants[0].id
    set_stock(variant_id, before)
    client = app.test_client(use_cookies=False)
    pages_before, version_before = rendered(client), version()

    set_stock(variant_id, after)

    pages_after, version_after = rendered(client), version()
    assert (version_after != version_before) is visible
    if not visible:
        assert pages_after == pages_before
    else:
        assert pages_after != pages_before


def test_a_stock_update_that_also_changes_the_price_moves_the_version(app, product):
    before = version()
    db.session.execute(
        text("UPDATE variant SET stock = stock - 1, price = 2499 WHERE id = :id"), {"id": product.variants[0].id}
    )
    db.session.commit()
    assert version() != before


def test_any_other_variant_change_moves_the_version(app, product):
    before = version()
    product.variants[0].option_label = "120 capsules"
    db.session.commit()
    assert version() != before


def test_the_sqlite_trigger_compares_every_variant_column_but_stock():
    """A new variant column must join VARIANT_COLUMNS (and a migration re-create the SQLite
    trigger), or changing it alone would leave stale pages on SQLite."""
    assert set(VARIANT_COLUMNS) == set(Variant.__table__.columns.keys()) - {"stock"}


def test_a_sale_of_a_well_stocked_product_keeps_the_cached_pages(app, redis_cache, product):  # noqa: F811
    client = app.test_client()
    for path in PAGES:
        assert client.get(path).headers["X-Larder-Cache"] == "miss"

    set_stock(product.variants[0].id, 499)  # a shopper bought one
    assert all(client.get(path).headers["X-Larder-Cache"] == "hit" for path in PAGES)

    set_stock(product.variants[0].id, 7)  # now low: every page showing it renders again
    page = client.get("/products/magnesium-glycinate")
    assert page.headers["X-Larder-Cache"] == "miss"
    assert "Only 7 left" in page.get_data(as_text=True)
