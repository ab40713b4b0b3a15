"""Stripe's events read into what happens to an order (storefront/payments/stripe/events.py): each event
type, each field Larder reads, and the record kept of a payment no order matched. Events are posted to
the webhook signed with the Stripe SDK's own helper; no Stripe API call is needed, so no localstripe."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.mail import outbox
from storefront.orders.models import Order
from storefront.payments.events import CheckoutEnded
from storefront.payments.models import Payment, ProcessedEvent, UnmatchedPayment
from storefront.payments.stripe.events import STRIPE, _session_ended
from tests.factories import make_order, make_paid_order, make_product
from tests.fixtures.stripe import WEBHOOK_SECRET, event_payload, sign

_ids = itertools.count(1)


@pytest.fixture
def webhook(app, client, monkeypatch):
    """Post a signed Stripe event; Stripe's answer (the outcome) and the ProcessedEvent row it left."""
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)

    def post(event_type: str, obj: dict) -> tuple[str, ProcessedEvent]:
        event_id = f"evt_stripe_{next(_ids)}"
        payload = event_payload(event_type, obj, event_id)
        response = client.post("/checkout/stripe/webhook", data=payload,
                               headers={"Stripe-Signature": sign(payload), "Content-Type": "application/json"})
        assert response.status_code == 200, response.data
        db.session.expire_all()
        row = db.session.scalar(select(ProcessedEvent).where(ProcessedEvent.event_id == event_id))
        assert (row.provider, row.event_type, row.outcome) == ("stripe", event_type, response.json["outcome"])
        return response.json["outcome"], row

    return post


def _pending(stock=5, quantity=1, sessions=("cs_first",)) -> Order:
    """A pending $24.95 order ($20.00 + $4.95 delivery), one checkout payment row per session."""
    order = make_order([(make_product(price=2000, stock=stock).variants[0], quantity)])
    for session_id in sessions:
        order.payments.append(Payment(gateway="stripe", amount=order.total, currency=order.currency,
                                      provider_session_id=session_id))
    db.session.commit()
    return order


def _session(order_id, session_id="cs_first", **changes) -> dict:
    """A paid Checkout Session as Stripe sends it, for order_id (None: no order reference)."""
    session = {"id": session_id, "object": "checkout.session", "status": "complete", "payment_status": "paid",
               "amount_total": 2495 * 2 if order_id is None else None, "currency": "usd",
               "payment_intent": "pi_" + session_id, "client_reference_id": None, "metadata": {},
               "customer_details": None, "customer_email": None, "livemode": True}
    if order_id is not None:
        session.update(client_reference_id=str(order_id), metadata={"order_id": str(order_id)}, amount_total=2495)
    session.update(changes)
    return session


def _fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def _stock(order: Order) -> int:
    db.session.expire_all()
    return db.session.get(Variant, order.lines[0].variant_id).stock


# ---------------------------------------------------------------- checkout sessions


@pytest.mark.parametrize("event_type", ["checkout.session.completed", "checkout.session.async_payment_succeeded"])
def test_a_paid_session_pays_the_order_on_the_charge_row_it_names(webhook, event_type):
    order = _pending(sessions=("cs_first", "cs_retry"))
    outbox().clear()
    outcome, row = webhook(event_type, _session(order.id, "cs_first", payment_intent="pi_first"))
    assert (outcome, row.order_id) == ("paid", order.id)
    paid = _fresh(order)
    assert paid.status == "paid" and paid.events[-1].actor == "stripe"
    assert [(p.provider_session_id, p.status, p.provider_payment_intent) for p in paid.payments] == [
        ("cs_first", "succeeded", "pi_first"), ("cs_retry", "pending", None)]
    assert len(outbox()) == 1
    assert _kept() == []  # the money is on its order: nothing for staff to settle


def test_a_completed_session_whose_money_is_not_in_yet_waits(webhook):
    order = _pending()
    outcome, row = webhook("checkout.session.completed", _session(order.id, payment_status="unpaid",
                                                                  amount_total=None, payment_intent=None))
    assert (outcome, row.order_id) == ("session complete, payment unpaid: waiting", order.id)
    assert _fresh(order).status == "pending_payment" and not _fresh(order).needs_review


@pytest.mark.parametrize(("change", "reason"), [
    ({"amount_total": 2494}, "Paid $24.94 but the order total is $24.95"),
    ({"amount_total": 2496}, "Paid $24.96 but the order total is $24.95"),
    ({"currency": "eur"}, "Paid €24.95 but the order total is $24.95 (paid in EUR, the order is in USD)"),
])
def test_a_session_paid_for_another_amount_or_currency_is_flagged_not_paid(webhook, change, reason):
    order = _pending()
    outcome, _ = webhook("checkout.session.completed", _session(order.id, **change))
    assert outcome == "not paid: flagged or already handled"
    flagged = _fresh(order)
    assert (flagged.status, flagged.needs_review, flagged.review_reason) == ("pending_payment", True, reason)
    assert flagged.payments[0].provider_payment_intent == "pi_cs_first"  # staff can find the money


@pytest.mark.parametrize(("event_type", "note"), [
    ("checkout.session.expired", "Checkout session expired; stock released"),
    ("checkout.session.async_payment_failed", "Delayed payment failed; stock released"),
])
def test_a_session_that_can_no_longer_be_paid_cancels_the_order_and_says_why(webhook, event_type, note):
    order = _pending(stock=5, quantity=2)
    assert _stock(order) == 3
    outcome, row = webhook(event_type, _session(order.id, status="expired", payment_status="unpaid",
                                                amount_total=None, payment_intent=None))
    assert (outcome, row.order_id) == ("cancelled", order.id)
    cancelled = _fresh(order)
    assert cancelled.status == "cancelled" and _stock(order) == 5
    last = cancelled.events[-1]
    assert (last.from_status, last.to_status, last.actor, last.note) == ("pending_payment", "cancelled", "stripe", note)


def test_the_ended_session_reader_names_the_order_and_the_reason(app):
    # READERS builds these readers when the module is imported; called here, each part of one is checked.
    read = _session_ended("Checkout session expired; stock released")
    assert read(_session(42, status="expired")) == CheckoutEnded(
        provider=STRIPE, order_id=42, reason="Checkout session expired; stock released")
    assert read(_session(None)).order_id is None


# ---------------------------------------------------------------- a paid session no order matches


def _kept() -> list[UnmatchedPayment]:
    db.session.expire_all()
    return list(db.session.scalars(select(UnmatchedPayment)))


def test_a_paid_session_for_an_order_we_do_not_have_is_kept_with_what_staff_need(webhook):
    session = _session(999999, "cs_lost", amount_total=4242, payment_intent="pi_lost", livemode=False,
                       metadata={"order_id": "999999", "source": "blog", "campaign": "spring"},
                       customer_details={"name": "Lost Shopper", "email": "lost@example.com"})
    outcome, row = webhook("checkout.session.completed", session)
    assert (outcome, row.order_id) == ("no matching order: kept as a payment without an order", None)
    (kept,) = _kept()
    assert (kept.provider, kept.event_id, kept.event_type) == ("stripe", row.event_id, "checkout.session.completed")
    assert (kept.amount, kept.currency, kept.session_id, kept.payment_intent, kept.email) == (
        4242, "USD", "cs_lost", "pi_lost", "lost@example.com")
    assert kept.summary == ("Checkout Session cs_lost for order id 999999, which was not found; "
                            "paid by Lost Shopper; metadata campaign=spring, source=blog; test mode")


def test_a_live_paid_session_with_no_reference_and_nothing_else_is_kept_too(webhook):
    webhook("checkout.session.completed", _session(None, "cs_bare", payment_intent=None))
    (kept,) = _kept()
    assert kept.summary == "Checkout Session cs_bare with no order reference"
    assert (kept.amount, kept.session_id, kept.payment_intent, kept.email) == (4990, "cs_bare", None, "")


def test_the_order_reference_alone_is_not_listed_as_extra_metadata(webhook):
    webhook("checkout.session.completed", _session(999999, "cs_ref", livemode=None, customer_email="ref@example.com"))
    (kept,) = _kept()
    assert kept.summary == "Checkout Session cs_ref for order id 999999, which was not found"
    assert kept.email == "ref@example.com"


def test_an_unpaid_session_for_an_order_we_do_not_have_keeps_nothing(webhook):
    outcome, _ = webhook("checkout.session.completed", _session(999999, "cs_unpaid", payment_status="unpaid"))
    assert outcome == "no matching order"
    assert _kept() == []


# ---------------------------------------------------------------- refunds


def _paid(intent="pi_paid") -> Order:
    order = make_paid_order([(make_product(price=2000, stock=5).variants[0], 1)], gateway="stripe")
    order.payments[0].provider_payment_intent = intent
    db.session.commit()
    return order


def test_a_charges_cumulative_refunded_amount_is_recorded_in_the_orders_money(webhook):
    order = _paid()
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_paid", "amount": 2495, "amount_refunded": 700}
    outcome, row = webhook("charge.refunded", charge)
    assert (outcome, row.order_id) == ("refund recorded", order.id)
    refunded = _fresh(order)
    assert (refunded.status, refunded.refunded_total) == ("partially_refunded", 700)
    assert (refunded.events[-1].actor, refunded.events[-1].note) == ("stripe", "Refunded $7.00 in Stripe")
    assert webhook("charge.refunded", charge)[0] == "refund already recorded"
    assert _fresh(order).refunded_total == 700


def test_a_refund_made_in_the_dashboard_is_stored_as_stripe_sent_it(webhook):
    order = _paid()
    refund = {"id": "re_dash", "object": "refund", "status": "succeeded", "amount": 250, "payment_intent": "pi_paid"}
    outcome, row = webhook("refund.created", refund)
    assert (outcome, row.order_id) == ("refund recorded", order.id)
    assert [(p.gateway, p.kind, p.status, p.amount, p.currency, p.provider_payment_intent, p.provider_refund_id)
            for p in _fresh(order).payments if p.kind == "refund"] == [
        ("stripe", "refund", "succeeded", 250, "USD", "pi_paid", "re_dash")]
    assert _fresh(order).refunded_total == 250
    assert webhook("refund.updated", refund)[0] == "refund already recorded"
    assert _fresh(order).refunded_total == 250


def test_a_refund_that_fails_in_stripe_is_flagged_for_staff(webhook):
    order = _paid()
    refund = {"id": "re_dash", "object": "refund", "status": "succeeded", "amount": 250, "payment_intent": "pi_paid"}
    webhook("refund.created", refund)
    outcome, row = webhook("refund.updated", dict(refund, status="failed"))
    assert (outcome, row.order_id) == ("refund failed: flagged for review", order.id)
    assert _fresh(order).review_reason == "Refund re_dash of $2.50 failed in Stripe; the money was not returned"


def test_a_refund_still_pending_in_stripe_is_ignored(webhook):
    order = _paid()
    refund = {"id": "re_wait", "object": "refund", "status": "pending", "amount": 250, "payment_intent": "pi_paid"}
    assert webhook("refund.created", refund)[0] == "refund pending: ignored"
    assert [p for p in _fresh(order).payments if p.kind == "refund"] == []


def test_an_event_type_larder_does_not_handle_is_acknowledged_and_changes_nothing(webhook):
    order = _pending()
    outcome, row = webhook("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent",
                                                        "metadata": {"order_id": str(order.id)}})
    assert (outcome, row.order_id) == ("ignored", None)
    assert _fresh(order).status == "pending_payment"
