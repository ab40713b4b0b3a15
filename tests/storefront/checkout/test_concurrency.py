"""Stock reservation under real concurrency: 30 shoppers, 5 in stock, PostgreSQL row locks."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from storefront import create_app
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.orders.models import Order
from tests.factories import checkout_form, make_product

SHOPPERS = 30
STOCK = 5
CHECKOUT = checkout_form(email="shopper@example.com", name="Shopper")


@pytest.mark.postgres_only
def test_thirty_concurrent_checkouts_for_five_in_stock(app):
    variant_id = make_product(price=1000, stock=STOCK).variants[0].id
    # A second app on the same database with a pool big enough for one connection per shopper.
    racing = create_app({
        "LARDER_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": SHOPPERS + 2, "max_overflow": 0, "pool_pre_ping": True},
    })
    clients = [racing.test_client() for _ in range(SHOPPERS)]
    for shopper in clients:  # every cart holds the item while there is still stock for all of them
        assert shopper.post("/cart/add", data={"variant_id": variant_id, "quantity": 1}).status_code == 302

    start = threading.Barrier(SHOPPERS)
    outcomes: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def check_out(shopper):
        try:
            start.wait(timeout=30)
            response = shopper.post("/checkout", data=CHECKOUT)
            outcomes.append((response.status_code, response.headers.get("Location", "")))
        except BaseException as error:  # surfaced below; a thread must not swallow it
            errors.append(error)

    threads = [threading.Thread(target=check_out, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(outcomes) == SHOPPERS

    went_to_payment = [loc for status, loc in outcomes if status == 303 and "/checkout/demo/" in loc]
    sent_back = [loc for status, loc in outcomes if status == 302 and loc.endswith("/cart")]
    assert len(went_to_payment) == STOCK
    assert len(sent_back) == SHOPPERS - STOCK

    db.session.expire_all()
    assert db.session.get(Variant, variant_id).stock == 0
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.status == "pending_payment")) == STOCK
    assert db.session.scalar(select(func.count()).select_from(Order)) == STOCK

    told_sold_out = 0
    for shopper in clients:
        page = shopper.get("/cart").get_data(as_text=True)
        told_sold_out += "Sorry, sold out" in page
    assert told_sold_out == SHOPPERS - STOCK
    with racing.app_context():
        db.engine.dispose()


def test_stock_never_goes_negative_sequentially(client):
    """The same rule without threads (runs on SQLite too): the second shopper is told it sold out."""
    variant_id = make_product(price=1000, stock=1).variants[0].id
    first, second = client, client.application.test_client()
    for shopper in (first, second):
        shopper.post("/cart/add", data={"variant_id": variant_id, "quantity": 1})
    assert first.post("/checkout", data=CHECKOUT).status_code == 303
    response = second.post("/checkout", data=CHECKOUT, follow_redirects=True)
    assert "sold out" in response.get_data(as_text=True).lower()
    db.session.expire_all()
    assert db.session.get(Variant, variant_id).stock == 0


@pytest.mark.postgres_only
def test_ten_simultaneous_deliveries_of_one_event_change_state_once(app):
    import json

    from storefront.mail import outbox
    from storefront.orders.models import OrderEvent
    from storefront.payments.models import Payment, ProcessedEvent
    from tests.factories import make_order
    from tests.fixtures.stripe import WEBHOOK_SECRET, sign

    order = make_order()
    order.payments.append(Payment(gateway="stripe", amount=order.total, currency=order.currency,
                                  provider_session_id="cs_test_race"))
    db.session.commit()
    racing = create_app({
        "LARDER_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 12, "max_overflow": 0},
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    })
    session = {"id": "cs_test_race", "object": "checkout.session", "status": "complete", "payment_status": "paid",
               "amount_total": order.total, "currency": "usd", "payment_intent": "pi_race",
               "metadata": {"order_id": str(order.id)}, "client_reference_id": str(order.id)}
    payload = json.dumps({"id": "evt_race", "object": "event", "type": "checkout.session.completed",
                          "data": {"object": session}})
    start = threading.Barrier(10)
    codes: list[int] = []

    def deliver():
        client = racing.test_client()
        start.wait(timeout=30)
        response = client.post("/checkout/stripe/webhook", data=payload,
                               headers={"Stripe-Signature": sign(payload), "Content-Type": "application/json"})
        codes.append(response.status_code)

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert codes == [200] * 10
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "paid"
    assert db.session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1
    assert db.session.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.to_status == "paid")) == 1
    with racing.app_context():
        assert len(outbox()) == 1
        db.engine.dispose()
