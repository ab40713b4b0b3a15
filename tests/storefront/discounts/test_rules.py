"""The discount rules: each refusal's message, rounding to the cent, never negative, codes typed any way."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storefront.clock import now
from storefront.discounts.services import (
    DiscountError,
    PricedLine,
    allocate,
    normalise_code,
    quote_code,
    record_redemption,
)
from storefront.extensions import db
from tests.factories import make_collection, make_discount, make_order, make_product


def lines(*totals, on_sale=()):
    return [PricedLine(i + 1, f"p{i + 1}", total, 1, (i + 1) in on_sale) for i, total in enumerate(totals)]


def refused(code, priced, email=None) -> DiscountError:
    with pytest.raises(DiscountError) as caught:
        quote_code(code, priced, email)
    return caught.value


def test_codes_are_matched_whatever_the_case_and_spaces(app):
    make_discount("WELCOME10", value=10)
    assert normalise_code("  welcome 10 ") == "WELCOME10"
    quote = quote_code(" wel come10\t", lines(2000))
    assert quote.code == "WELCOME10" and quote.items_saving == 200


def test_each_refusal_says_why(app):
    make_discount("NEVER", active=False)
    make_discount("LATER", starts_at=now() + timedelta(days=3))
    make_discount("GONE", ends_at=now() - timedelta(days=1))
    make_discount("BIG", min_subtotal=5000)
    make_discount("ONLYTEA", product_slugs=["tea"])
    assert "don't recognise the code NOPE" in str(refused("nope", lines(1000)))
    assert "no longer available" in str(refused("never", lines(1000)))
    assert "can be used from" in str(refused("later", lines(1000)))
    assert "expired on" in str(refused("gone", lines(1000)))
    minimum = refused("big", lines(1000))
    assert minimum.reason == "minimum" and "$50.00 or more" in str(minimum) and "add $40.00" in str(minimum)
    assert refused("onlytea", lines(1000)).reason == "no-eligible"


def test_used_up_and_already_used_by_you(app):
    limited = make_discount("FIVE", usage_limit=1)
    once = make_discount("ONCE", per_customer_limit=1)
    order = make_order(email="ada@example.com")
    record_redemption(quote_code("FIVE", lines(1000)), order.id, "ada@example.com", 100, None)
    db.session.commit()
    assert limited.used_up
    assert "has been used up" in str(refused("five", lines(1000)))
    other = make_order(email="ada@example.com")
    record_redemption(quote_code("ONCE", lines(1000)), other.id, "ada@example.com", 100, None)
    db.session.commit()
    assert "already used the code ONCE" in str(refused("once", lines(1000), "ADA@example.com"))
    assert quote_code("once", lines(1000), "bob@example.com").items_saving == 100  # another shopper may
    assert once.id


def test_percentage_rounds_half_a_cent_up_and_is_spread_to_the_cent(app):
    make_discount("TEN", value=10)
    quote = quote_code("TEN", lines(333, 333, 339))  # 10% of 1005 = 100.5 -> 101
    assert quote.items_saving == 101
    assert sum(quote.line_discounts.values()) == 101
    assert all(0 <= quote.line_discounts.get(k, 0) <= t for k, t in [(1, 333), (2, 333), (3, 339)])


def test_largest_remainder_allocation():
    priced = lines(100, 100, 100)
    assert allocate(100, priced) == {1: 34, 2: 33, 3: 33}
    assert sum(allocate(7, lines(1, 2, 3, 4)).values()) == 7
    assert allocate(0, priced) == {}


def test_a_fixed_amount_never_makes_a_line_or_the_order_negative(app):
    make_discount("HUGE", kind="fixed", value=100_000)
    quote = quote_code("HUGE", lines(450, 1299))
    assert quote.line_discounts == {1: 450, 2: 1299}


def test_sale_items_and_restrictions(app):
    make_discount("FULLPRICE", value=50, exclude_sale_items=True)
    quote = quote_code("FULLPRICE", lines(1000, 2000, on_sale={2}))
    assert quote.line_discounts == {1: 500}
    assert refused("FULLPRICE", lines(1000, on_sale={1})).reason == "no-eligible"
    product = make_product(title="Rice Crackers", price=500, stock=5)
    collection = make_collection("snacks")
    from storefront.catalog.models import CollectionProduct
    db.session.add(CollectionProduct(collection_id=collection.id, product_id=product.id))
    db.session.commit()
    make_discount("SNACKS", value=20, collection_slugs=["snacks"])
    quote = quote_code("SNACKS", [PricedLine(1, product.slug, 500, 2), PricedLine(2, "other", 1000, 1)])
    assert quote.line_discounts == {1: 200}


def test_free_delivery_saves_the_rate(app):
    make_discount("SHIPFREE", kind="free_delivery", value=0, min_subtotal=2000)
    quote = quote_code("shipfree", lines(2500))
    assert quote.free_delivery and quote.items_saving == 0 and quote.saving(695) == 695
