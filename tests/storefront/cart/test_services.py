"""Cart service rules below the views."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from storefront.cart.models import CartLine
from storefront.cart.services import (
    MAX_LINE_QUANTITY,
    CartBusy,
    add_to_cart,
    clean_ref,
    parse_quantity,
)
from storefront.extensions import db
from tests.factories import make_cart, make_product


def test_same_line_added_at_once_in_two_tabs_is_a_message(app):
    variant = make_product().variants[0]
    cart = make_cart([])
    assert cart.lines == []  # this request's view of the cart: empty
    db.session.execute(insert(CartLine).values(cart_id=cart.id, variant_id=variant.id, quantity=1))  # the other tab
    with pytest.raises(CartBusy):
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
