"""Sending the checkout form again (a double click, back then submit): the same submission goes back to
the order already placed; a changed one cancels that order, frees its stock and places a new one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.orders.models import Order
from tests.factories import checkout_form, make_product, make_user

CHECKOUT = checkout_form(email="shopper@example.com", name="Shopper")


def _stock(variant_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


def _orders() -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(select(Order).order_by(Order.id)))


def _submit(client, **changes) -> str:
    response = client.post("/checkout", data={**CHECKOUT, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def _page(order: Order) -> str:
    return f"/checkout/demo/{order.public_token}"


@pytest.fixture
def tea(client):
    """A cart of 3 teas, exactly the stock: any second hold of it would be "sold out"."""
    variant = make_product(title="Resubmit Tea", price=1000, stock=3).variants[0]
    assert client.post("/cart/add", data={"variant_id": variant.id, "quantity": 3}).status_code == 302
    return variant


def test_the_same_submission_again_goes_back_to_the_order_already_placed(client, tea):
    first = _submit(client)
    (order,) = _orders()
    # The email is stored in lower case: capitals typed this time do not make it another submission.
    again = _submit(client, email="Shopper@Example.com")
    assert first == again == _page(order)
    (still,) = _orders()
    assert still.id == order.id and still.status == "pending_payment"
    assert [event.note for event in still.events] == ["Order placed; stock reserved"]
    assert _stock(tea.id) == 0


@pytest.mark.parametrize(
    "change, stored",
    [
        ({"name": "Someone Else"}, lambda o: o.ship_name == "Someone Else"),
        ({"line1": "2 Other Road"}, lambda o: o.ship_line1 == "2 Other Road"),
        ({"line2": "Flat 4"}, lambda o: o.ship_line2 == "Flat 4"),
        ({"city": "Shelbyville"}, lambda o: o.ship_city == "Shelbyville"),
        # The state, postcode and country are checked together (a ZIP code must fit its state).
        ({"region": "OR", "postcode": "97201"}, lambda o: o.ship_region == "OR"),
        ({"postcode": "10001"}, lambda o: o.ship_postcode == "10001"),
        ({"country": "CA", "region": "ON", "postcode": "K1A 0B1"}, lambda o: o.ship_country == "CA"),
        ({"email": "other@example.com"}, lambda o: o.email == "other@example.com"),
        ({"shipping_method": "express"}, lambda o: o.shipping_method == "express" and o.total == 3000 + 1295),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else "",
)
def test_a_changed_submission_releases_the_earlier_order_and_places_a_new_one(client, tea, change, stored):
    first_page = _submit(client)
    (first,) = _orders()
    # Exact stock: the earlier order's hold is this cart's, so the new submit is never told "sold out".
    second_page = _submit(client, **change)
    earlier, placed = _orders()
    assert earlier.id == first.id and earlier.status == "cancelled"
    assert placed.status == "pending_payment" and stored(placed)
    assert second_page == _page(placed) != first_page
    assert _stock(tea.id) == 0  # held once, by the new order


def test_a_changed_quantity_releases_the_earlier_order_and_holds_the_new_quantity(client):
    variant = make_product(title="Quantity Tea", price=1000, stock=10).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 3})
    _submit(client)
    assert _stock(variant.id) == 7
    assert client.post("/cart/update", data={"variant_id": variant.id, "quantity": 2}).status_code == 302
    page = _submit(client)
    earlier, placed = _orders()
    assert earlier.status == "cancelled" and placed.status == "pending_payment"
    assert [line.quantity for line in placed.lines] == [2] and placed.subtotal == 2000
    assert page == _page(placed)
    assert _stock(variant.id) == 8


def test_another_product_in_the_cart_releases_the_earlier_order(client, tea):
    _submit(client)
    biscuit = make_product(title="Resubmit Biscuit", price=250, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": biscuit.id, "quantity": 1})
    _submit(client)
    earlier, placed = _orders()
    assert earlier.status == "cancelled"
    assert sorted(line.title for line in placed.lines) == ["Resubmit Biscuit", "Resubmit Tea"]
    assert _stock(tea.id) == 0 and _stock(biscuit.id) == 4


def test_a_price_change_places_the_order_again_at_todays_price(client, tea):
    _submit(client)
    tea.price = 1200
    db.session.commit()
    page = _submit(client)
    earlier, placed = _orders()
    assert earlier.status == "cancelled" and earlier.subtotal == 3000
    assert placed.subtotal == 3600 and page == _page(placed)


def test_a_new_shipping_rate_places_the_order_again_at_todays_rate(app, client, tea):
    from storefront.orders import shipping

    _submit(client)
    original = app.config["SHIPPING_METHODS"]
    app.config["SHIPPING_METHODS"] = "standard|Standard delivery|595"
    shipping.configure(app)
    try:
        _submit(client)
    finally:
        app.config["SHIPPING_METHODS"] = original
        shipping.configure(app)
    earlier, placed = _orders()
    assert earlier.status == "cancelled" and earlier.shipping_total == 495
    assert placed.status == "pending_payment" and placed.shipping_total == 595


def test_signing_in_between_places_the_order_again_in_the_account(client, tea):
    _submit(client)
    user = make_user("shopper@example.com")
    # Signing in keeps the guest cart (it becomes the account's), and with it the pending order's cart.
    client.post("/account/login", data={"email": "shopper@example.com", "password": "correct horse battery"})
    _submit(client)
    orders = _orders()
    assert [(o.status, o.user_id) for o in orders] == [("cancelled", None), ("pending_payment", user.id)]
    assert _stock(tea.id) == 0


def test_a_resubmit_after_the_payment_provider_failed_places_a_new_order(app, client, tea, monkeypatch):
    """The earlier order was cancelled when the provider failed: there is no page to go back to."""
    from storefront.payments.base import PaymentError
    from storefront.payments.demo import DemoGateway

    def down(self, order, urls):
        raise PaymentError("provider down")

    with monkeypatch.context() as patched:
        patched.setattr(DemoGateway, "create_checkout", down)
        response = client.post("/checkout", data=CHECKOUT)
    assert response.headers["Location"] == "/cart"
    page = _submit(client)
    failed, placed = _orders()
    assert failed.status == "cancelled" and placed.status == "pending_payment"
    assert page == _page(placed)
