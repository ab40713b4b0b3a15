"""Checkout: server-side totals, stock reserved all-or-nothing, clear messages, CSRF."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront.catalog.models import Variant
from storefront.checkout.services import EmptyCart, OutOfStock, UnknownShippingMethod, place_order
from storefront.extensions import db
from storefront.orders.models import Order
from tests.factories import checkout_form, make_address, make_cart, make_product

CHECKOUT = checkout_form()


def _stock(variant_id):
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


def test_place_order_copies_lines_and_computes_totals(app):
    a = make_product(title="Magnesium Glycinate", price=2199, stock=5,
                     variants=[{"price": 2199, "stock": 5, "option": "120 capsules"}, {"price": 3499, "stock": 5}]).variants[0]
    b = make_product(title="Rice Crackers", price=450, stock=9).variants[0]
    cart = make_cart([(a, 2), (b, 3)], attribution="article:magnesium-for-back-pain")
    order = place_order(cart, "Ada@Example.com", make_address(), "express")
    assert order.subtotal == 2 * 2199 + 3 * 450
    assert order.shipping_total == 1295 and order.total == order.subtotal + 1295
    assert order.status == "pending_payment" and order.currency == "USD"
    assert order.attribution == "article:magnesium-for-back-pain"
    assert [(line.title, line.option_label, line.unit_price, line.quantity) for line in order.lines] == [
        ("Magnesium Glycinate", "120 capsules", 2199, 2), ("Rice Crackers", "", 450, 3)]
    assert _stock(a.id) == 3 and _stock(b.id) == 6
    assert order.events[0].note.startswith("Order placed")


def test_order_lines_keep_the_price_paid_after_the_catalog_changes(app):
    variant = make_product(price=1000, stock=5).variants[0]
    order = place_order(make_cart([(variant, 1)]), "a@example.com", make_address(), "standard")
    variant.price = 5000
    variant.product.title = "Renamed"
    db.session.commit()
    db.session.refresh(order)
    assert order.lines[0].unit_price == 1000 and order.lines[0].title != "Renamed"


def test_out_of_stock_reserves_nothing_and_creates_no_order(app):
    plenty = make_product(stock=10).variants[0]
    scarce = make_product(title="Scarce Thing", stock=1).variants[0]
    cart = make_cart([(plenty, 2), (scarce, 2)])
    with pytest.raises(OutOfStock) as error:
        place_order(cart, "a@example.com", make_address(), "standard")
    assert "Scarce Thing" in str(error.value)
    assert _stock(plenty.id) == 10 and _stock(scarce.id) == 1
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_empty_cart_cannot_be_ordered(app):
    with pytest.raises(EmptyCart):
        place_order(make_cart([]), "a@example.com", make_address(), "standard")


def test_unknown_shipping_method_is_refused(app):
    with pytest.raises(UnknownShippingMethod):
        place_order(make_cart([(make_product().variants[0], 1)]), "a@example.com", make_address(), "teleport")


def test_shipping_rates_come_from_configuration(app):
    from storefront.orders import shipping

    saved = app.config["SHIPPING_METHODS"]
    app.config["SHIPPING_METHODS"] = "pickup|Collect in store|0"
    shipping.configure(app)
    try:
        order = place_order(make_cart([(make_product(price=800).variants[0], 1)]), "a@example.com", make_address(), "pickup")
        assert order.total == 800 and order.shipping_label == "Collect in store"
    finally:
        app.config["SHIPPING_METHODS"] = saved
        shipping.configure(app)


def test_malformed_shipping_configuration_names_the_entry(app):
    from storefront.orders.shipping import parse_shipping_methods

    with pytest.raises(RuntimeError, match="'express|Fast|cheap'"):
        parse_shipping_methods("standard|Standard|495;express|Fast|cheap")


def test_checkout_page_shows_the_cart_and_delivery_rates(client):
    variant = make_product(title="Peppermint Oil", price=1599).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    page = client.get("/checkout").get_data(as_text=True)
    assert "Peppermint Oil" in page and "$15.99" in page
    assert "$4.95" in page and "$12.95" in page


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client):
    response = client.get("/checkout", follow_redirects=True)
    assert response.request.path == "/cart" and "Your cart is empty" in response.get_data(as_text=True)


def test_posted_price_total_and_currency_are_ignored(client):
    variant = make_product(price=2500, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 2, "price": "1"})
    client.post("/checkout", data={**CHECKOUT, "total": "1", "subtotal": "1", "price": "1", "unit_price": "1",
                                    "shipping_total": "0", "currency": "JPY", "amount": "1"})
    order = db.session.scalar(select(Order))
    assert order.subtotal == 5000 and order.total == 5000 + 495 and order.currency == "USD"


@pytest.mark.parametrize("field,value,message", [
    ("email", "", "Please enter your email address."),
    ("email", "not-an-email", "Please enter a valid email address."),
    ("name", "", "Please enter the name for delivery."),
    ("postcode", "<script>", "Use only letters, digits, spaces and dashes."),
    ("shipping_method", "teleport", "Not a valid choice"),
])
def test_invalid_checkout_form_shows_the_problem(client, field, value, message):
    variant = make_product(stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    response = client.post("/checkout", data={**CHECKOUT, field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert _stock(variant.id) == 5


@pytest.mark.parametrize("field,value", [
    ("name", "Ada\x00Shopper"), ("line1", "1 Test\x00Street"), ("city", "Spring\x00field"),
    ("name", "Ada\r\nBcc: someone@example.com"), ("region", "\x07"),
])
def test_control_characters_in_the_address_are_a_form_error(client, field, value):
    variant = make_product(stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    response = client.post("/checkout", data={**CHECKOUT, field: value})
    assert response.status_code == 200
    assert "Please remove the special characters." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_checkout_post_without_csrf_token_is_rejected(client, app):
    variant = make_product(stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/checkout", data=CHECKOUT)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert _stock(variant.id) == 5


def test_cart_changed_since_it_was_filled_sends_the_shopper_back(client):
    variant = make_product(title="Tamari", stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 3})
    variant.stock = 1
    db.session.commit()
    response = client.post("/checkout", data=CHECKOUT, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == "/cart"
    assert "sold out or short of stock now: Tamari" in page and "Only 1 left" in page
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_signed_in_shopper_gets_the_order_in_the_account(client, auth):
    from tests.factories import make_user

    user = make_user("buyer@example.com")
    auth.login(user)
    client.post("/cart/add", data={"variant_id": make_product().variants[0].id, "quantity": 1})
    assert "buyer@example.com" in client.get("/checkout").get_data(as_text=True)
    client.post("/checkout", data=CHECKOUT)
    assert db.session.scalar(select(Order)).user_id == user.id


def test_checking_out_again_releases_the_earlier_attempt(client):
    """Back button from the payment page, a change, then checkout again: stock is held once, not twice.
    (The same form sent again goes back to the first order: test_place_order_resubmit.py.)"""
    variant = make_product(stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 2})
    client.post("/checkout", data=CHECKOUT)
    client.post("/checkout", data={**CHECKOUT, "shipping_method": "express"})
    statuses = [o.status for o in db.session.scalars(select(Order).order_by(Order.id))]
    assert statuses == ["cancelled", "pending_payment"]
    assert _stock(variant.id) == 3
