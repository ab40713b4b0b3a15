"""What the shopper is told when an order cannot be placed, what staff find when the payment provider
failed, and which earlier attempts a new submit leaves alone (one being handed to the provider right now)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storefront.cart.models import Cart
from storefront.checkout import services
from storefront.checkout.services import EmptyCart, OutOfStock, UnknownShippingMethod, place_order
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.payments.base import PaymentError
from storefront.payments.demo import DemoGateway
from tests.factories import checkout_form, make_address, make_cart, make_product

CHECKOUT = checkout_form(email="shopper@example.com", name="Shopper")


def _orders() -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(select(Order).order_by(Order.id)))


def _cart_in(client, stock=10, quantity=2):
    variant = make_product(title="Outcome Tea", price=1000, stock=stock).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": quantity})
    return variant


def test_the_shopper_is_told_why_no_order_was_placed(app):
    with pytest.raises(EmptyCart) as empty:
        place_order(make_cart([]), "a@example.com", make_address(), "standard")
    assert str(empty.value) == "Your cart is empty."
    cart = make_cart([(make_product(stock=5).variants[0], 1)])
    with pytest.raises(UnknownShippingMethod) as unknown:
        place_order(cart, "a@example.com", make_address(), "pigeon")
    assert str(unknown.value) == "Please choose one of the delivery options."
    short = make_cart([(make_product(title="Oat Bar", stock=1).variants[0], 2),
                       (make_product(title="Rice Cake", stock=0).variants[0], 1)])
    with pytest.raises(OutOfStock) as sold_out:
        place_order(short, "a@example.com", make_address(), "standard")
    assert str(sold_out.value) == "Sorry, sold out: Oat Bar, Rice Cake. Please update your cart and try again."


def test_a_provider_failure_is_in_the_orders_history_and_its_payment_row(client, monkeypatch):
    variant = _cart_in(client)

    def down(self, order, urls):
        raise PaymentError("provider said: " + "x" * 600)

    monkeypatch.setattr(DemoGateway, "create_checkout", down)
    response = client.post("/checkout", data=CHECKOUT)
    assert response.headers["Location"] == "/cart"
    (order,) = _orders()
    assert order.status == "cancelled"
    assert [(e.actor, e.note) for e in order.events][-1] == (
        "system", "Payment provider unavailable; stock released, cart kept")
    (payment,) = order.payments
    assert payment.status == "failed" and payment.error == ("provider said: " + "x" * 600)[:500]
    assert db.session.get(type(variant), variant.id).stock == 10


def test_a_same_resubmit_with_every_address_line_filled_goes_back_to_its_order(client):
    _cart_in(client)
    full = {**CHECKOUT, "line2": "Flat 4", "region": "OR", "postcode": "97201"}
    first = client.post("/checkout", data=full).headers["Location"]
    again = client.post("/checkout", data=full).headers["Location"]
    (order,) = _orders()
    assert first == again == f"/checkout/demo/{order.public_token}"


def test_an_order_whose_payment_is_being_started_is_left_to_that_submit(app, client):
    """Its payment row exists but the provider has not answered yet: a changed submit must not cancel it
    under the submit that is waiting for the provider."""
    _cart_in(client)
    client.post("/checkout", data=CHECKOUT)
    (order,) = _orders()
    payment = order.payments[0]
    payment.provider_session_id, payment.redirect_url = None, ""  # as between the two commits
    db.session.commit()
    app.config["CHECKOUT_JOIN_WAIT_SECONDS"] = 0
    try:
        response = client.post("/checkout", data={**CHECKOUT, "city": "Shelbyville"})
    finally:
        app.config.pop("CHECKOUT_JOIN_WAIT_SECONDS")
    assert f"Your order {order.number} is already being placed." in response.get_data(as_text=True)
    assert [(o.id, o.status) for o in _orders()] == [(order.id, "pending_payment")]


@pytest.mark.parametrize("age, released", [(timedelta(seconds=60), True), (timedelta(seconds=59), False)])
def test_an_order_without_a_payment_page_is_left_over_after_a_minute(app, client, monkeypatch, age, released):
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(services, "now", lambda: moment)
    _cart_in(client)
    stale = place_order(db.session.scalar(select(Cart)), "a@example.com", make_address(), "standard")
    stale.created_at = moment - age
    db.session.commit()
    app.config["CHECKOUT_JOIN_WAIT_SECONDS"] = 0
    try:
        client.post("/checkout", data=CHECKOUT)
    finally:
        app.config.pop("CHECKOUT_JOIN_WAIT_SECONDS")
    statuses = [o.status for o in _orders()]
    assert statuses == (["cancelled", "pending_payment"] if released else ["pending_payment"])


def test_cancelling_at_the_payment_page_when_the_provider_cannot_stop_it_says_so(stripe_harness, client):
    _cart_in(client)
    client.post("/checkout", data=CHECKOUT)
    (order,) = _orders()
    stripe_harness.pay(stripe_harness.session_for(order))  # paid in another tab; Stripe will not expire it
    response = client.post(f"/checkout/cancelled/{order.public_token}", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "We could not cancel the payment just now" in page and "nothing was charged" not in page
    assert [o.status for o in _orders()] == ["pending_payment"]


def test_an_earlier_checkout_is_stopped_at_its_own_provider_after_the_store_switched(stripe_harness, client, app,
                                                                                   monkeypatch):
    _cart_in(client)
    client.post("/checkout", data=CHECKOUT)
    (first,) = _orders()
    assert first.gateway == "stripe"
    monkeypatch.setitem(app.config, "PAYMENT_GATEWAY", "demo")
    response = client.post("/checkout", data={**CHECKOUT, "city": "Shelbyville"})
    earlier, placed = _orders()
    assert stripe_harness.session_for(earlier)["status"] == "expired" and earlier.status == "cancelled"
    assert response.headers["Location"] == f"/checkout/demo/{placed.public_token}"


def test_checking_out_leaves_other_carts_pending_orders_alone(client):
    someone_else = place_order(make_cart([(make_product(stock=5).variants[0], 1)]), "b@example.com",
                               make_address(), "standard")
    someone_else.created_at = someone_else.created_at - timedelta(hours=1)  # not "being started"
    db.session.commit()
    _cart_in(client)
    client.post("/checkout", data=CHECKOUT)
    assert [o.status for o in _orders()] == ["pending_payment", "pending_payment"]


def test_the_providers_error_is_logged_for_staff(client, monkeypatch, caplog):
    _cart_in(client)

    def down(self, order, urls):
        raise PaymentError("card network timeout")

    monkeypatch.setattr(DemoGateway, "create_checkout", down)
    with caplog.at_level("WARNING", logger="storefront.checkout.views"):
        client.post("/checkout", data=CHECKOUT)
    assert "Checkout could not start a payment: card network timeout" in caplog.messages
