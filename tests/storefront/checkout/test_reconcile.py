"""`flask larder reconcile-payments`: a lost webhook never loses a paid order or strands stock."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from storefront.catalog.models import Variant
from storefront.clock import now
from storefront.extensions import db
from storefront.mail import outbox
from storefront.orders.models import Order
from storefront.payments.models import Payment
from tests.factories import checkout_form, make_order, make_product

CHECKOUT = checkout_form(name="Ada")


def _age(order, minutes=120):
    order.created_at = now() - timedelta(minutes=minutes)
    db.session.commit()


def _stock(variant_id):
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


def _stripe_order(client, stock=5, quantity=2):
    variant = make_product(price=1000, stock=stock).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": quantity})
    client.post("/checkout", data=CHECKOUT)
    return db.session.scalar(select(Order)), variant


def test_paid_session_whose_webhook_was_lost_becomes_paid(stripe_harness, client, runner):
    order, _ = _stripe_order(client)
    stripe_harness.pay(stripe_harness.session_for(order))  # paid on Stripe; no webhook arrives
    _age(order)
    outbox().clear()
    result = runner.invoke(args=["larder", "reconcile-payments"])
    assert result.exit_code == 0, result.output
    assert "Paid: 1" in result.output
    db.session.refresh(order)
    assert order.status == "paid" and len(outbox()) == 1


def test_paid_amount_that_differs_is_reported_in_money(stripe_harness, client, runner, caplog):
    order, _ = _stripe_order(client)  # 2 x $10.00 + $4.95 delivery
    stripe_harness.pay(stripe_harness.session_for(order), amount=order.total - 500)
    _age(order)
    with caplog.at_level(logging.WARNING, logger="storefront.orders.services"):
        result = runner.invoke(args=["larder", "reconcile-payments"])
    assert result.exit_code == 1
    reason = "Paid $19.95 but the order total is $24.95"  # not "Paid 1995 USD"
    assert f"{order.number}: {reason}; flagged for review" in result.output
    assert f"Order {order.number} flagged for review: {reason}" in caplog.messages
    db.session.refresh(order)
    assert order.status == "pending_payment" and order.review_reason == reason


def test_expired_session_releases_stock(stripe_harness, client, runner):
    order, variant = _stripe_order(client)
    stripe_harness.session_for(order)["status"] = "expired"
    _age(order)
    runner.invoke(args=["larder", "reconcile-payments"])
    db.session.refresh(order)
    assert order.status == "cancelled" and _stock(variant.id) == 5


def test_open_session_and_recent_orders_are_left_alone(stripe_harness, client, runner):
    order, variant = _stripe_order(client)
    result = runner.invoke(args=["larder", "reconcile-payments"])  # too recent to look at
    assert "Still open: 0" in result.output
    _age(order)
    result = runner.invoke(args=["larder", "reconcile-payments"])
    assert "Still open: 1" in result.output
    db.session.refresh(order)
    assert order.status == "pending_payment" and _stock(variant.id) == 3


def test_stripe_down_is_reported_and_changes_nothing(stripe_harness, client, runner):
    order, variant = _stripe_order(client)
    _age(order)
    stripe_harness.fake.unreachable = True
    result = runner.invoke(args=["larder", "reconcile-payments"])
    assert result.exit_code == 1 and order.number in result.output
    db.session.refresh(order)
    assert order.status == "pending_payment" and _stock(variant.id) == 3


def test_abandoned_demo_checkout_releases_stock(app, runner):
    variant = make_product(stock=5).variants[0]
    order = make_order([(variant, 2)])
    order.payments.append(Payment(gateway="demo", amount=order.total, currency=order.currency,
                                  provider_session_id="demo_cs_x"))
    _age(order, 61)
    result = runner.invoke(args=["larder", "reconcile-payments", "--older-than", "30"])
    assert "Cancelled (stock released): 1" in result.output
    assert _stock(variant.id) == 5


def test_order_that_never_reached_a_gateway_is_released(app, runner):
    variant = make_product(stock=5).variants[0]
    order = make_order([(variant, 1)])
    _age(order)
    runner.invoke(args=["larder", "reconcile-payments"])
    db.session.refresh(order)
    assert order.status == "cancelled" and _stock(variant.id) == 5


def test_bad_option_is_a_cli_error(app, runner):
    result = runner.invoke(args=["larder", "reconcile-payments", "--older-than", "zero"])
    assert result.exit_code == 2 and "--older-than" in result.output
