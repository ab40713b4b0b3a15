"""A refund is checked against what is left after earlier refunds, not against the order's total, and a
refused one never reaches the payment provider (Stripe through the SDK; refunds on localstripe)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.services import OrderError, refund_order
from tests.factories import checkout_form, make_product, make_user

CHECKOUT = checkout_form()
LEFT = "Refund between $0.01 and $7.95: that is what is left of order {number}'s $27.95 after $20.00 already refunded."


@pytest.fixture
def paid_2795(stripe_harness, client):
    """An order paid $27.95 on Stripe ($23.00 of goods, $4.95 standard delivery)."""
    variant = make_product(price=2300, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    client.post("/checkout", data=CHECKOUT)
    order = db.session.scalar(select(Order))
    session = stripe_harness.pay(stripe_harness.session_for(order))
    assert stripe_harness.post("checkout.session.completed", session).json["outcome"] == "paid"
    db.session.refresh(order)
    assert (order.status, order.total) == ("paid", 2795)
    return order


def _refunds_sent(harness) -> list[str]:
    """Refund amounts the app asked Stripe for (every SDK call goes through the harness's HTTP client)."""
    return [form["amount"] for method, path, form in harness.fake.calls if (method, path) == ("POST", "/v1/refunds")]


def _refunds_on_stripe(harness, order) -> list[int]:
    intent = order.payments[0].provider_payment_intent
    return sorted(r.amount for r in harness.sdk.v1.refunds.list(params={"payment_intent": intent}).data)


def test_a_refund_above_what_is_left_is_refused_before_the_gateway(stripe_harness, paid_2795):
    order, admin = paid_2795, make_user(role="admin")
    refund_order(order, 2000, admin)
    assert _refunds_sent(stripe_harness) == ["2000"]

    with pytest.raises(OrderError) as refused:
        refund_order(order, 1000, admin)
    assert str(refused.value) == LEFT.format(number=order.number)
    assert _refunds_sent(stripe_harness) == ["2000"]  # $10 never went to Stripe
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert (order.status, order.refunded_total) == ("partially_refunded", 2000)

    refund_order(order, 795, admin)
    assert _refunds_sent(stripe_harness) == ["2000", "795"]
    assert _refunds_on_stripe(stripe_harness, order) == [795, 2000]
    assert (order.status, order.refunded_total) == ("refunded", 2795)


def test_the_admin_refund_form_says_what_is_left_and_sends_nothing_more(stripe_harness, paid_2795, client, auth):
    order = paid_2795
    auth.login(make_user("boss@example.com", role="admin"))
    url = f"/admin/orders/{order.id}/refund"
    assert client.post(url, data={"refund-amount": "20.00", "refund-seen": "0"}).status_code == 302

    response = client.post(url, data={"refund-amount": "10.00", "refund-seen": "2000"})
    assert response.status_code == 422
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert LEFT.format(number=order.number) in page
    assert _refunds_sent(stripe_harness) == ["2000"]
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded_total == 2000

    response = client.post(url, data={"refund-amount": "7.95", "refund-seen": "2000"}, follow_redirects=True)
    assert "Refunded $7.95 on order" in response.get_data(as_text=True)
    assert _refunds_on_stripe(stripe_harness, order) == [795, 2000]
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert (order.status, order.refunded_total) == ("refunded", 2795)
