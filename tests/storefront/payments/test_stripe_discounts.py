"""Stripe through the real SDK with a discount code: the Checkout Session charges the order's total to
the cent, and a partial refund of a discounted line refunds what was paid for it (on localstripe)."""

from __future__ import annotations

from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.services import refund_lines
from tests.factories import checkout_form, make_discount, make_product, make_user


def _discounted_checkout(client, code="WELCOME10", **discount):
    make_discount(code, **discount)
    a = make_product(title="Magnesium Glycinate", price=1999, stock=9).variants[0]
    b = make_product(title="Rice Crackers", price=333, stock=9).variants[0]
    client.post("/cart/add", data={"variant_id": a.id, "quantity": 3})
    client.post("/cart/add", data={"variant_id": b.id, "quantity": 1})
    client.post("/cart/discount", data={"code": code.lower()})
    response = client.post("/checkout", data=checkout_form(shipping_method="express"))
    assert response.status_code == 303
    db.session.expire_all()
    return db.session.scalar(select(Order).order_by(Order.id.desc()))


def test_the_checkout_session_charges_the_discounted_total_to_the_cent(stripe_harness, client):
    order = _discounted_checkout(client, value=10)
    (_, _, sent), = stripe_harness.fake.created()
    items = sum(int(i["price_data"]["unit_amount"]) * int(i["quantity"]) for i in sent["line_items"])
    shipping = int(sent["shipping_options"][0]["shipping_rate_data"]["fixed_amount"]["amount"])
    assert order.discount_total == 633  # 10% of 63.30
    assert items + shipping == order.total == 3 * 1999 + 333 - 633 + 1295
    assert stripe_harness.session_for(order)["amount_total"] == order.total
    assert any("WELCOME10" in i["price_data"]["product_data"]["name"] for i in sent["line_items"])


def test_a_free_delivery_code_reaches_stripe_as_free_shipping(stripe_harness, client):
    order = _discounted_checkout(client, "SHIPFREE", kind="free_delivery", value=0)
    (_, _, sent), = stripe_harness.fake.created()
    option = sent["shipping_options"][0]["shipping_rate_data"]
    assert option["fixed_amount"]["amount"] == "0" and "SHIPFREE" in option["display_name"]
    assert stripe_harness.session_for(order)["amount_total"] == order.total == 3 * 1999 + 333


def test_a_partial_refund_of_a_discounted_line_refunds_what_was_paid(stripe_harness, client):
    order = _discounted_checkout(client, value=10)
    session = stripe_harness.pay(stripe_harness.session_for(order))
    assert stripe_harness.post("checkout.session.completed", session).status_code == 200
    db.session.refresh(order)
    assert order.status == "paid"
    magnesium = next(line for line in order.lines if line.title == "Magnesium Glycinate")
    assert (magnesium.discount, magnesium.paid_total) == (600, 5397)  # 633 spread by largest remainder
    refund, amount = refund_lines(order, {magnesium.id: 1}, make_user(role="admin"))
    assert amount == 1799  # what one unit cost after the code, not its 19.99 list price
    stripe_refund = stripe_harness.sdk.v1.refunds.retrieve(refund.provider_refund_id)
    assert stripe_refund.amount == amount and stripe_refund.payment_intent == session["payment_intent"]


def test_a_share_that_does_not_divide_by_the_quantity_goes_as_one_item_at_the_paid_total():
    from storefront.orders.models import OrderLine
    from storefront.payments.stripe.gateway import _line_item

    line = OrderLine(title="Magnesium", option_label="", sku="MG", unit_price=1000, quantity=3, discount=100)
    item = _line_item(line, "WELCOME10", "usd")
    assert (item["price_data"]["unit_amount"], item["quantity"]) == (2900, 1)
    assert item["price_data"]["product_data"]["name"] == "3 × Magnesium, with code WELCOME10"
    even = OrderLine(title="Tea", option_label="", sku="T", unit_price=500, quantity=2, discount=100)
    assert (_line_item(even, "WELCOME10", "usd")["price_data"]["unit_amount"], _line_item(even, "X", "usd")["quantity"]) == (450, 2)
