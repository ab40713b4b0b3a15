"""A payment confirmation lands on the right payment row (a retried checkout has several), and a payment
for a cancelled order is recorded in the order's own money."""

from __future__ import annotations

from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.models import Order
from storefront.orders.services import apply_payment
from storefront.payments.models import Payment
from tests.factories import make_order


def _fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def _with_charges(*session_ids):
    order = make_order()
    for session_id in session_ids:
        order.payments.append(Payment(gateway="stripe", amount=order.total, currency=order.currency,
                                      provider_session_id=session_id))
    db.session.commit()
    return order


def _charges(order):
    return [(p.provider_session_id, p.status, p.provider_payment_intent) for p in _fresh(order).payments]


def test_the_session_that_was_paid_is_the_payment_marked_paid(app):
    order = _with_charges("cs_first", "cs_retry")
    assert apply_payment(order, order.total, "USD", "stripe", session_id="cs_first", payment_intent="pi_1")
    db.session.commit()
    assert _charges(order) == [("cs_first", "succeeded", "pi_1"), ("cs_retry", "pending", None)]


def test_without_a_session_the_latest_checkout_is_the_one_paid(app):
    order = _with_charges(None, "cs_retry")  # the first attempt never reached the provider
    assert apply_payment(order, order.total, "USD", "reconcile")
    db.session.commit()
    assert _charges(order) == [(None, "pending", None), ("cs_retry", "succeeded", None)]


def test_a_payment_for_an_order_with_no_checkout_row_still_pays_it(app):
    order = make_order()
    assert apply_payment(order, order.total, "USD", "stripe", payment_intent="pi_lonely")
    db.session.commit()
    assert _fresh(order).status == "paid"


def test_a_payment_after_cancellation_is_flagged_in_the_orders_currency(app):
    order = _with_charges("cs_1")
    order.currency = "EUR"
    order.set_status("cancelled", "shopper", "Changed mind")
    db.session.commit()
    assert not apply_payment(order, 2500, "EUR", "stripe", session_id="cs_1")
    db.session.commit()
    order = _fresh(order)
    assert order.review_reason == f"Payment of {format_money(2500, 'EUR')} arrived after the order was cancelled"
    assert order.payments[0].status == "succeeded"
