"""A payment is the order's only when Stripe took exactly its total in its currency: more money, less
money or another currency leaves the order unpaid and flagged for staff, by webhook or by reconcile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront.clock import now
from storefront.extensions import db
from storefront.mail import outbox
from storefront.money import format_money
from storefront.orders.models import Order
from tests.factories import checkout_form, make_product

CHECKOUT = checkout_form()


@pytest.fixture
def order(stripe_harness, client):
    variant = make_product(price=2300, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    client.post("/checkout", data=CHECKOUT)
    placed = db.session.scalar(select(Order))
    assert placed.total == 2795
    outbox().clear()
    return placed


def _assert_held_for_review(client, order, reason: str) -> None:
    db.session.expire_all()
    stored = db.session.get(Order, order.id)
    assert stored.status == "pending_payment" and stored.paid_at is None
    assert stored.needs_review and stored.review_reason == reason
    assert stored.payments[0].error == "amount or currency mismatch"
    assert outbox() == []  # no "your order is confirmed" email
    page = client.get(f"/checkout/success/{order.public_token}").get_data(as_text=True)
    assert "We are checking your payment" in page and "you do not need to pay again" in page
    assert "Your order is confirmed" not in page


@pytest.mark.parametrize("paid", [2795 + 1000, 2795 + 1, 2795 - 1])
def test_a_paid_amount_other_than_the_total_is_flagged_not_paid(stripe_harness, client, order, paid):
    session = stripe_harness.pay(stripe_harness.session_for(order), amount=paid)
    response = stripe_harness.post("checkout.session.completed", session)
    assert response.json["outcome"] == "not paid: flagged or already handled"
    _assert_held_for_review(client, order, f"Paid {format_money(paid, 'USD')} but the order total is $27.95")


def test_the_total_in_another_currency_is_flagged_not_paid(stripe_harness, client, order):
    session = stripe_harness.pay(stripe_harness.session_for(order))
    session["currency"] = "eur"
    stripe_harness.post("checkout.session.completed", session)
    _assert_held_for_review(client, order, f"Paid {format_money(2795, 'EUR')} but the order total is $27.95 (paid in EUR, the order is in USD)")


@pytest.mark.parametrize("change", [{"amount_total": 3795}, {"currency": "eur"}])
def test_reconcile_flags_an_overpaid_or_foreign_currency_session_too(stripe_harness, client, runner, order, change):
    """The same rule when the webhook was lost and reconcile-payments asks Stripe."""
    stripe_harness.pay(stripe_harness.session_for(order)).update(change)
    order.created_at = now() - timedelta(hours=2)
    db.session.commit()
    result = runner.invoke(args=["larder", "reconcile-payments"])
    assert "but the order total is $27.95" in result.output and "flagged for review" in result.output
    _assert_held_for_review(client, order, (
        "Paid $37.95 but the order total is $27.95" if "amount_total" in change
        else f"Paid {format_money(2795, 'EUR')} but the order total is $27.95 (paid in EUR, the order is in USD)"))
