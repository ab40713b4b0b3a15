"""`flask larder reconcile-payments` as staff see it afterwards: each order's history says what the
reconciliation did, every old order is looked at (one failing does not stop the rest), and the ages
it judges by are exact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storefront.checkout import services
from storefront.clock import now
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.payments.models import Payment
from tests.factories import checkout_form, make_order, make_product

CHECKOUT = checkout_form(name="Ada")


def _fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def _last_event(order: Order) -> tuple[str, str]:
    event = _fresh(order).events[-1]
    return event.actor, event.note


def _demo_order(created_minutes_ago: float, at=None) -> Order:
    order = make_order([(make_product(stock=5).variants[0], 1)])
    order.payments.append(Payment(gateway="demo", amount=order.total, currency=order.currency,
                                  provider_session_id="demo_cs_x"))
    order.created_at = (at or now()) - timedelta(minutes=created_minutes_ago)
    db.session.commit()
    return order


def _stripe_order(client) -> Order:
    variant = make_product(price=1000, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    client.post("/checkout", data=CHECKOUT)
    order = db.session.scalar(select(Order).order_by(Order.id.desc()))
    order.created_at = now() - timedelta(hours=2)
    db.session.commit()
    return order


def test_every_old_order_without_a_payment_is_released_and_says_why(app, runner):
    orders = [make_order(), make_order()]
    for order in orders:
        order.created_at = now() - timedelta(hours=2)
    db.session.commit()
    result = runner.invoke(args=["larder", "reconcile-payments"])
    assert "Cancelled (stock released): 2" in result.output
    for order in orders:
        assert _fresh(order).status == "cancelled"
        assert _last_event(order) == ("reconcile", "No payment was started; stock released")


def test_an_expired_checkout_says_so_in_the_history(app, runner):
    order = _demo_order(120)
    runner.invoke(args=["larder", "reconcile-payments"])
    assert _last_event(order) == ("reconcile", "Checkout expired; stock released")


def test_a_paid_checkout_is_paid_by_the_reconciliation_with_its_payment_intent(stripe_harness, client, runner):
    order = _stripe_order(client)
    session = stripe_harness.pay(stripe_harness.session_for(order))
    result = runner.invoke(args=["larder", "reconcile-payments"])
    assert "Paid: 1" in result.output
    order = _fresh(order)
    assert order.status == "paid" and _last_event(order) == ("reconcile", "Payment confirmed")
    # Refunds go through the payment intent: it is kept from Stripe's answer.
    assert order.payments[0].provider_payment_intent == session["payment_intent"]


def test_a_provider_error_on_one_order_does_not_stop_the_next(stripe_harness, client, runner):
    unreachable = _stripe_order(client)
    expired = _demo_order(120)
    stripe_harness.fake.unreachable = True
    result = runner.invoke(args=["larder", "reconcile-payments"])
    assert "Cancelled (stock released): 1" in result.output and "Errors: 1" in result.output
    assert _fresh(unreachable).status == "pending_payment" and _fresh(expired).status == "cancelled"


def test_a_demo_checkout_expires_after_its_hour_not_before(app, runner):
    open_ = _demo_order(59)
    expired = _demo_order(60.5)
    result = runner.invoke(args=["larder", "reconcile-payments", "--older-than", "30"])
    assert "Cancelled (stock released): 1" in result.output and "Still open: 1" in result.output
    assert _fresh(open_).status == "pending_payment" and _fresh(expired).status == "cancelled"


def test_only_orders_older_than_the_cutoff_are_looked_at(app, runner, monkeypatch):
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(services, "now", lambda: moment)
    exactly = _demo_order(90, at=moment)
    older = _demo_order(90 + 1 / 60, at=moment)
    result = runner.invoke(args=["larder", "reconcile-payments"])
    assert "Cancelled (stock released): 1" in result.output
    assert _fresh(exactly).status == "pending_payment" and _fresh(older).status == "cancelled"
