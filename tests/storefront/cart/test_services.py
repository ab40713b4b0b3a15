"""Cart service rules below the views."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from storefront.cart.models import CartLine
from storefront.cart.services import (
    MAX_LINE_QUANTITY,
    CartBusy,
    CartSummary,
    UnknownVariant,
    add_to_cart,
    claim_cart,
    clean_ref,
    parse_quantity,
    parse_variant_id,
    summarise,
    take_purchased,
)
from storefront.extensions import db
from tests.factories import make_cart, make_product, make_user


def test_same_line_added_at_once_in_two_tabs_is_a_message(app):
    variant = make_product().variants[0]
    cart = make_cart([])
    assert cart.lines == []  # this request's view of the cart: empty
    db.session.execute(insert(CartLine).values(cart_id=cart.id, variant_id=variant.id, quantity=1))  # the other tab
    with pytest.raises(CartBusy, match=r"^Your cart changed at the same moment in another tab\. Please try again\.$"):
        add_to_cart(cart, variant.id, 1)


@pytest.mark.parametrize("raw,expected", [("1", 1), (" 7 ", 7), (99, 99)])
def test_quantities_in_range_parse(raw, expected):
    assert parse_quantity(raw) == expected


def test_ref_shape():
    assert clean_ref("article:low-fodmap-101") == "article:low-fodmap-101"
    assert clean_ref(" article:x ") == "article:x"
    assert clean_ref(None) is None


@pytest.mark.parametrize("stock,kept", [(500, 99), (MAX_LINE_QUANTITY, 99), (70, 70)])
def test_adding_again_caps_the_line_total_not_each_add(app, stock, kept):
    variant = make_product(stock=stock).variants[0]
    cart = make_cart([])
    first = add_to_cart(cart, variant.id, 60)
    assert (first.quantity, first.capped) == (60, False)
    again = add_to_cart(cart, variant.id, 60)
    assert (again.quantity, again.capped, again.available) == (kept, True, kept)
    once_more = add_to_cart(cart, variant.id, 1)
    assert (once_more.quantity, once_more.capped) == (kept, True)
    db.session.expire_all()
    assert db.session.scalars(select(CartLine.quantity)).all() == [kept]


@pytest.mark.parametrize("raw,expected", [("1", 1), (" 42 ", 42), (str(2**31 - 1), 2**31 - 1)])
def test_variant_ids_the_database_can_hold_parse(raw, expected):
    assert parse_variant_id(raw) == expected


@pytest.mark.parametrize("raw", ["0", str(2**31)])
def test_variant_ids_no_row_can_have_are_refused(raw):
    # Ids start at 1 and the column is a 32-bit integer: anything else is "not found", before any query.
    with pytest.raises(UnknownVariant, match=r"^Sorry, we couldn't find that product\. It may no longer be available\.$"):
        parse_variant_id(raw)


def test_no_cart_summarises_as_empty():
    assert summarise(None) == CartSummary([], 0, 0, None)


def test_summary_totals_the_cart(app):
    first = make_product(price=450, stock=20).variants[0]
    second = make_product(price=300).variants[0]
    summary = summarise(make_cart([(first, 2), (second, 3)], attribution="article:oat-guide"))
    assert (summary.subtotal, summary.quantity, summary.attribution) == (1800, 5, "article:oat-guide")
    assert [(row.variant_id, row.line_total) for row in summary.rows] == [(first.id, 900), (second.id, 900)]


def test_another_accounts_cart_is_never_claimed(app):
    owner, other = make_user(), make_user()
    theirs = make_cart([(make_product().variants[0], 2)], user=owner)
    assert claim_cart(theirs, other.id) is None  # the other account has no cart, and gets none of theirs
    db.session.expire_all()
    assert theirs.user_id == owner.id and theirs.quantity == 2


def test_a_paid_order_takes_what_it_bought_from_its_own_cart_only(app):
    bought, kept, whole = (make_product(stock=20).variants[0] for _ in range(3))
    cart = make_cart([(bought, 3), (kept, 2), (whole, 1)])
    other = make_cart([(bought, 4)])  # someone else's cart holding the same product
    take_purchased(cart.id, {bought.id: 2, whole.id: 1})
    db.session.commit()
    db.session.expire_all()
    assert {line.variant_id: line.quantity for line in cart.lines} == {bought.id: 1, kept.id: 2}
    assert {line.variant_id: line.quantity for line in other.lines} == {bought.id: 4}
