"""The availability rules answer the same in Python (loaded objects) and in SQL (queries), row
for row: a product is never listed as one thing and labelled as another."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storefront.catalog.availability import (
    Unsellable,
    certificate_in_force,
    certificate_in_force_clause,
    certified_clause,
    has_stock_clause,
    is_certified,
    is_on_sale,
    on_sale_clause,
    product_problem,
    sellable_clause,
    why_not_sellable,
)
from storefront.catalog.models import Certification, Product, Variant
from storefront.catalog.queries import ListingFilters, listing_facets, product_cards_by_slugs
from storefront.clock import today
from storefront.extensions import db
from tests.factories import make_certification, make_product

STATUSES = ("active", "draft", "archived")
STOCKS = ([0], [0, 3], [2], [1, 1])
# Certificate ranges in days from today: none, in force, expired yesterday, starts tomorrow,
# today only, and one lapsed plus one to come (a gap today).
CERTIFICATES = ((), ((-30, 30),), ((-400, -1),), ((1, 400),), ((0, 0),), ((-60, -1), (2, 90)))
DAYS = (-2, -1, 0, 1, 2, 30, 31)


@pytest.fixture
def shelf(app):
    day = today()
    for n, (status, stocks, certs) in enumerate(itertools.product(STATUSES, STOCKS, CERTIFICATES)):
        product = make_product(
            f"shelf-{n}", status=status, variants=[{"price": 1000, "stock": s} for s in stocks], commit=False
        )
        product.certifications = [
            make_certification(day + timedelta(days=a), day + timedelta(days=b)) for a, b in certs
        ]
    db.session.commit()
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Product).options(selectinload(Product.variants), selectinload(Product.certifications))
        )
    )


def _ids(stmt) -> set[int]:
    return set(db.session.scalars(stmt))


def test_sellable_products_are_the_same_in_python_and_sql(shelf):
    in_python = {p.id for p in shelf if product_problem(p) is None}
    in_sql = _ids(select(Product.id).where(sellable_clause()))
    assert in_python == in_sql
    assert 0 < len(in_sql) < len(shelf)  # the shelf has both kinds


@pytest.mark.parametrize("quantity", [1, 2, 3, 4])
def test_a_variant_covers_a_quantity_the_same_in_python_and_sql(shelf, quantity):
    variants = [v for p in shelf for v in p.variants]
    in_python = {
        v.id for v in variants if why_not_sellable(is_on_sale(v.product.status), v.stock, quantity) is None
    }
    in_sql = _ids(select(Variant.id).join(Product).where(on_sale_clause(), has_stock_clause(quantity)))
    assert in_python == in_sql
    largest = max(v.stock for v in variants if is_on_sale(v.product.status))
    assert bool(in_sql) is (quantity <= largest)


def test_the_reason_not_to_sell_comes_in_order():
    assert why_not_sellable(False, 0) == Unsellable.UNAVAILABLE
    assert why_not_sellable(True, 0, 3) == Unsellable.SOLD_OUT
    assert why_not_sellable(True, 2, 3) == Unsellable.TOO_FEW
    assert why_not_sellable(True, 3, 3) is None


@pytest.mark.parametrize("offset", DAYS)
def test_certified_on_a_day_is_the_same_in_python_and_sql(shelf, offset):
    day = today() + timedelta(days=offset)
    in_python = {p.id for p in shelf if is_certified(p, day)}
    assert in_python == _ids(select(Product.id).where(certified_clause(day)))
    # Negated (the admin's "not certified"), products without any certificate included.
    assert {p.id for p in shelf} - in_python == _ids(select(Product.id).where(~certified_clause(day)))
    # About a product named by another table's column (a collection entry's, a variant's).
    assert in_python == _ids(select(Variant.product_id).where(certified_clause(day, Variant.product_id)))
    certificates = [c for p in shelf for c in p.certifications]
    assert {c.id for c in certificates if certificate_in_force(c, day)} == _ids(
        select(Certification.id).where(certificate_in_force_clause(day))
    )
    assert 0 < len(in_python) < len(shelf)


def test_cards_and_facets_show_what_availability_decides(shelf):
    day = today()
    cards = {card.id: card for card in product_cards_by_slugs([p.slug for p in shelf]).values()}
    assert len(cards) == len(shelf)
    for product in shelf:
        card = cards[product.id]
        assert card.certified is is_certified(product, day), product.slug
        assert card.problem == product_problem(product), product.slug

    facets = listing_facets(ListingFilters())
    active = [p for p in shelf if is_on_sale(p.status)]
    assert facets.total == len(active)
    assert facets.certified == sum(is_certified(p, day) for p in active)
    in_stock = listing_facets(ListingFilters(in_stock=True))
    assert in_stock.total == sum(product_problem(p) is None for p in active)
