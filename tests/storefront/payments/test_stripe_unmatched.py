"""Money Stripe took for no order here is kept for staff, once per payment, and Stripe gets its 2xx."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.orders.models import Order
from storefront.payments.models import ProcessedEvent, UnmatchedPayment
from tests.factories import checkout_form, make_product
from tests.fixtures.stripe import event_payload


def _orphan_session(harness, order_id="999999", **changes) -> dict:
    """A Checkout Session for an order this shop does not have, paid with a real PaymentIntent (localstripe)."""
    session = {
        "id": "cs_test_orphan_" + order_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "open",
        "payment_status": "unpaid",
        "amount_total": 4242,
        "currency": "usd",
        "client_reference_id": order_id,
        "metadata": {"order_id": order_id},
        "customer_email": None,
        "customer_details": {"email": "lost@example.com", "name": "Lost Shopper"},
        "payment_intent": None,
        "livemode": False,
    }
    session = harness.pay(session)
    session.update(changes)
    return session


def _unmatched() -> list[UnmatchedPayment]:
    db.session.expire_all()
    return list(db.session.scalars(select(UnmatchedPayment)))


def test_a_paid_session_with_no_order_is_kept_once_however_often_it_is_delivered(stripe_harness):
    session = _orphan_session(stripe_harness)
    payload = event_payload("checkout.session.completed", session, "evt_orphan_paid")
    for _ in range(2):
        response = stripe_harness.post("", {}, payload=payload)
        assert response.status_code == 200  # Stripe must not retry for ever

    (kept,) = _unmatched()
    assert (kept.provider, kept.event_id, kept.event_type) == ("stripe", "evt_orphan_paid", "checkout.session.completed")
    assert (kept.amount, kept.currency) == (4242, "USD")
    assert kept.session_id == session["id"] and kept.payment_intent == session["payment_intent"]
    assert kept.payment_intent.startswith("pi_")
    assert kept.email == "lost@example.com"
    assert "order id 999999" in kept.summary and "Lost Shopper" in kept.summary
    assert kept.received_at is not None and kept.resolved_at is None
    assert db.session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


def test_a_delayed_payment_succeeding_for_no_order_is_kept(stripe_harness):
    session = _orphan_session(stripe_harness, customer_details=None, customer_email="bank@example.com")
    assert stripe_harness.post("checkout.session.async_payment_succeeded", session).status_code == 200
    (kept,) = _unmatched()
    assert kept.event_type == "checkout.session.async_payment_succeeded" and kept.email == "bank@example.com"


def test_two_events_about_the_same_paid_session_keep_one_payment(stripe_harness):
    session = _orphan_session(stripe_harness)
    stripe_harness.post("checkout.session.completed", session, event_id="evt_one")
    stripe_harness.post("checkout.session.async_payment_succeeded", session, event_id="evt_two")
    assert len(_unmatched()) == 1


def test_a_session_without_any_order_reference_is_kept_too(stripe_harness):
    session = _orphan_session(stripe_harness, client_reference_id=None, metadata={"campaign": "spring"})
    stripe_harness.post("checkout.session.completed", session)
    (kept,) = _unmatched()
    assert "no order reference" in kept.summary and "campaign=spring" in kept.summary


def test_events_without_money_for_no_order_keep_nothing(stripe_harness):
    session = _orphan_session(stripe_harness, payment_status="unpaid", status="complete")
    for event_type in ("checkout.session.completed", "checkout.session.expired",
                       "checkout.session.async_payment_failed"):
        assert stripe_harness.post(event_type, session).status_code == 200
    refund = {"id": "re_orphan", "object": "refund", "status": "succeeded", "amount": 100,
              "payment_intent": "pi_unknown"}
    assert stripe_harness.post("refund.created", refund).status_code == 200
    assert _unmatched() == []
    assert db.session.scalar(select(func.count()).select_from(ProcessedEvent)) == 4


def test_a_paid_session_that_matches_its_order_keeps_nothing(stripe_harness, client):
    variant = make_product(price=1899, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    client.post("/checkout", data=checkout_form())
    order = db.session.scalar(select(Order).order_by(Order.id.desc()))
    response = stripe_harness.post("checkout.session.completed", stripe_harness.pay(stripe_harness.session_for(order)))
    assert json.loads(response.data)["outcome"] == "paid"
    assert _unmatched() == []
