"""Refunds down to the cent: what reaches the provider that took the money, what the order stores, and
refunds that arrive from the provider (more than is left, nothing left, after a cancellation)."""

from __future__ import annotations

import pytest

from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.services import (
    OrderError,
    apply_payment,
    apply_refund,
    cancel_order,
    refund_order,
)
from storefront.payments import registry as gateways
from storefront.payments.base import RefundResult
from storefront.payments.models import Payment
from tests.factories import make_order, make_paid_order, make_product, make_user


class RecordingProvider:
    """A payment provider that answers refunds as told and remembers what it was asked."""

    def __init__(self) -> None:
        self.refunds: list[tuple[str, int, str]] = []
        self.answer = "succeeded"

    def refund(self, payment, amount: int, idempotency_key: str) -> RefundResult:
        self.refunds.append((payment.provider_payment_intent, amount, idempotency_key))
        return RefundResult(refund_id=f"re_{len(self.refunds)}", status=self.answer)


@pytest.fixture
def provider(app, monkeypatch):
    recording = RecordingProvider()
    monkeypatch.setitem(gateways.GATEWAYS, "recording", lambda app: recording)
    return recording


@pytest.fixture
def admin(app):
    return make_user("boss@example.com", role="admin")


def _fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def _paid(price=1505, gateway="demo"):
    """A paid order of $15.05 + $4.95 delivery = $20.00."""
    order = make_paid_order([(make_product(price=price, stock=10).variants[0], 1)], gateway=gateway)
    order.payments[0].provider_payment_intent = "pi_taken"
    db.session.commit()
    return order


def test_a_refund_goes_to_the_provider_that_took_the_money_once_per_amount(provider, admin):
    # The store has moved on to another provider since (PAYMENT_GATEWAY is "demo" in tests).
    order = _paid(gateway="recording")
    refund_order(order, 500, admin)
    refund_order(order, 300, admin)
    # The key makes a retried request (a double click, a timeout) one refund at the provider.
    assert provider.refunds == [("pi_taken", 500, f"larder-refund-{order.number}-0-500"),
                                ("pi_taken", 300, f"larder-refund-{order.number}-500-300")]
    rows = [(p.kind, p.status, p.amount, p.provider_payment_intent, p.provider_refund_id)
            for p in _fresh(order).payments]
    assert rows == [("charge", "succeeded", 2000, "pi_taken", None),
                    ("refund", "succeeded", 500, "pi_taken", "re_1"),
                    ("refund", "succeeded", 300, "pi_taken", "re_2")]


def test_a_refund_the_provider_is_still_processing_is_stored_as_pending(provider, admin):
    order = _paid(gateway="recording")
    provider.answer = "pending"
    refund_order(order, 500, admin)
    assert [(p.kind, p.status) for p in _fresh(order).payments] == [("charge", "succeeded"), ("refund", "pending")]


def test_a_refund_the_provider_refuses_changes_nothing(provider, admin):
    order = _paid(gateway="recording")
    provider.answer = "failed"
    with pytest.raises(OrderError, match=r"^The payment provider refused the refund\.$"):
        refund_order(order, 500, admin)
    order = _fresh(order)
    assert order.status == "paid" and order.refunded_total == 0 and len(order.payments) == 1


def test_staff_can_refund_a_single_cent_and_the_very_last_one(admin):
    order = _paid()
    refund_order(order, 1, admin)
    refund_order(order, 1998, admin)
    assert _fresh(order).refundable_amount == 1
    refund_order(_fresh(order), 1, admin)
    order = _fresh(order)
    assert order.refunded_total == 2000 and order.status == "refunded"
    with pytest.raises(OrderError, match="has nothing left to refund"):
        refund_order(order, 1, admin)


def test_a_provider_refund_of_more_than_is_left_refunds_only_what_is_left(app):
    order = _paid()
    apply_refund(order, 1500, "stripe", via="Stripe")
    apply_refund(order, 1500, "stripe", via="Stripe")
    db.session.commit()
    order = _fresh(order)
    assert order.refunded_total == 2000 and order.status == "refunded"
    assert [e.note for e in order.events][-2:] == ["Refunded $15.00 in Stripe", "Refunded $5.00 in Stripe"]


def test_a_refund_when_nothing_is_left_adds_nothing_to_the_history(app):
    order = _paid()
    apply_refund(order, 2000, "stripe")
    db.session.commit()
    events = len(_fresh(order).events)
    apply_refund(_fresh(order), 1, "stripe", via="Stripe")
    db.session.commit()
    assert len(_fresh(order).events) == events and _fresh(order).refunded_total == 2000


def test_a_one_cent_refund_from_the_provider_counts(app):
    order = _paid()
    apply_refund(order, 1, "stripe", via="Stripe", reason="rounding")
    db.session.commit()
    order = _fresh(order)
    assert order.refunded_total == 1 and order.status == "partially_refunded"
    assert order.events[-1].note == "Refunded $0.01 in Stripe: rounding"


def test_refunds_of_a_payment_that_came_after_cancellation_add_up(admin):
    order = make_order()
    order.payments.append(Payment(gateway="demo", amount=order.total, currency=order.currency))
    db.session.commit()
    cancel_order(order, admin, "Shopper asked")
    order = _fresh(order)
    assert not apply_payment(order, order.total, "USD", "stripe")  # taken anyway: recorded, flagged
    db.session.commit()
    total = _fresh(order).total
    refund_order(_fresh(order), 500, admin)
    refund_order(_fresh(order), 300, admin)
    order = _fresh(order)
    assert order.status == "cancelled" and order.refunded_total == 800
    assert order.refundable_amount == total - 800
