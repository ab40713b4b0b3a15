"""Stripe through the real SDK: Checkout Sessions via the HTTP-client hook, PaymentIntents and refunds
on localstripe, webhooks signed with the SDK's own helper and verified by stripe.Webhook."""

from __future__ import annotations

import json
import logging
import time

import pytest
import stripe
from sqlalchemy import func, select

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.mail import outbox
from storefront.orders.models import Order, OrderEvent
from storefront.orders.services import refund_order
from storefront.payments.models import ProcessedEvent
from tests.factories import checkout_form, make_product, make_user

CHECKOUT = checkout_form(shipping_method="express")


def _start_checkout(client, stock=5, price=1899, quantity=2):
    variant = make_product(price=price, stock=stock).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": quantity, "ref": "article:magnesium-for-back-pain"})
    response = client.post("/checkout", data={**CHECKOUT, "total": "1", "price": "1", "currency": "JPY"})
    order = db.session.scalar(select(Order).order_by(Order.id.desc()))
    return response, order, variant


def _stock(variant_id):
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


def test_checkout_session_is_built_from_server_side_amounts(stripe_harness, client):
    response, order, variant = _start_checkout(client, price=1899, quantity=2)
    (_, _, sent), = stripe_harness.fake.created()
    assert sent["line_items"][0]["price_data"]["unit_amount"] == "1899"
    assert sent["line_items"][0]["price_data"]["currency"] == "usd"
    assert sent["line_items"][0]["quantity"] == "2"
    assert sent["shipping_options"][0]["shipping_rate_data"]["fixed_amount"]["amount"] == "1295"
    assert sent["metadata"]["order_id"] == str(order.id)
    assert sent["client_reference_id"] == str(order.id)
    assert sent["customer_email"] == "ada@example.com"
    assert sent["success_url"].endswith("session_id={CHECKOUT_SESSION_ID}")
    assert f"/checkout/cancelled/{order.public_token}" in sent["cancel_url"]
    assert 29 * 60 < int(sent["expires_at"]) - time.time() <= 24 * 3600
    assert order.total == 2 * 1899 + 1295 and order.currency == "USD"


def test_shopper_is_sent_to_the_stripe_checkout_page(stripe_harness, client):
    response, order, _ = _start_checkout(client)
    session = stripe_harness.session_for(order)
    assert response.status_code == 303
    assert response.headers["Location"] == session["url"]
    assert session["amount_total"] == order.total


def test_signed_completed_event_marks_the_order_paid(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    session = stripe_harness.pay(stripe_harness.session_for(order))
    response = stripe_harness.post("checkout.session.completed", session)
    assert response.status_code == 200
    db.session.refresh(order)
    assert order.status == "paid"
    assert order.payments[0].provider_payment_intent == session["payment_intent"]


def test_success_page_waits_for_the_webhook(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    page = client.get(f"/checkout/success/{order.public_token}?session_id=cs_x")
    assert b"Payment processing" in page.data
    stripe_harness.post("checkout.session.completed", stripe_harness.pay(stripe_harness.session_for(order)))
    page = client.get(f"/checkout/success/{order.public_token}")
    assert b"Your order is confirmed" in page.data and order.number.encode() in page.data


def test_mismatched_amount_is_not_paid_but_flagged(stripe_harness, client, caplog):
    _, order, _ = _start_checkout(client)  # 2 x $18.99 + $12.95 express = 5093 minor units
    session = stripe_harness.pay(stripe_harness.session_for(order), amount=order.total - 1000)
    with caplog.at_level(logging.WARNING, logger="storefront.orders.services"):
        assert stripe_harness.post("checkout.session.completed", session).status_code == 200
    db.session.refresh(order)
    assert order.status == "pending_payment"
    assert order.needs_review
    # Money in the words staff read, not minor units ("Paid 4093 USD" read as forty dollars x 100).
    reason = "Paid $40.93 but the order total is $50.93"
    assert order.review_reason == reason
    assert f"Order {order.number} flagged for review: {reason}" in caplog.messages


def test_mismatched_currency_is_not_paid(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    session = stripe_harness.pay(stripe_harness.session_for(order))
    session["currency"] = "eur"
    stripe_harness.post("checkout.session.completed", session)
    db.session.refresh(order)
    assert order.status == "pending_payment" and order.needs_review


def test_unpaid_completed_session_waits(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    session = dict(stripe_harness.session_for(order), status="complete", payment_status="unpaid")
    stripe_harness.post("checkout.session.completed", session)
    db.session.refresh(order)
    assert order.status == "pending_payment" and not order.needs_review


def test_expired_session_cancels_and_releases_stock(stripe_harness, client):
    _, order, variant = _start_checkout(client, stock=5, quantity=2)
    assert _stock(variant.id) == 3
    session = dict(stripe_harness.session_for(order), status="expired")
    assert stripe_harness.post("checkout.session.expired", session).status_code == 200
    db.session.refresh(order)
    assert order.status == "cancelled"
    assert _stock(variant.id) == 5


def test_failed_delayed_payment_cancels_and_releases_stock(stripe_harness, client):
    _, order, variant = _start_checkout(client, stock=5, quantity=2)
    session = dict(stripe_harness.session_for(order), status="complete", payment_status="unpaid")
    stripe_harness.post("checkout.session.completed", session)
    stripe_harness.post("checkout.session.async_payment_failed", session)
    db.session.refresh(order)
    assert order.status == "cancelled"
    assert _stock(variant.id) == 5


def test_replaying_an_event_ten_times_changes_state_once_and_sends_one_email(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    outbox().clear()
    session = stripe_harness.pay(stripe_harness.session_for(order))
    payload = json.dumps({"id": "evt_replayed", "object": "event", "type": "checkout.session.completed",
                          "data": {"object": session}})
    for _ in range(10):
        assert stripe_harness.post("", {}, payload=payload).status_code == 200
    db.session.refresh(order)
    assert order.status == "paid"
    assert db.session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1
    changes = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.to_status == "paid"))
    assert len(list(changes)) == 1
    assert len(outbox()) == 1


def test_a_second_event_for_a_paid_order_sends_no_second_email(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    outbox().clear()
    session = stripe_harness.pay(stripe_harness.session_for(order))
    stripe_harness.post("checkout.session.completed", session)
    stripe_harness.post("checkout.session.async_payment_succeeded", session)
    assert len(outbox()) == 1


def _bad_deliveries(harness, payload):
    tampered = payload.replace(f'"amount_total": {json.loads(payload)["data"]["object"]["amount_total"]}', '"amount_total": 1')
    assert tampered != payload
    return {
        "forged (wrong secret)": dict(header=stripe.WebhookSignature.generate_signature_header(payload, "whsec_attacker")),
        "tampered body": dict(header=stripe.WebhookSignature.generate_signature_header(payload, "whsec_test_larder_secret"),
                              payload=tampered),
        "stale timestamp": dict(header=stripe.WebhookSignature.generate_signature_header(
            payload, "whsec_test_larder_secret", timestamp=int(time.time()) - 3600)),
        "missing header": dict(header=""),
        "garbage header": dict(header="t=1,v1=deadbeef"),
    }


@pytest.mark.parametrize("case", ["forged (wrong secret)", "tampered body", "stale timestamp", "missing header", "garbage header"])
def test_bad_signatures_are_refused_and_change_nothing(stripe_harness, client, case):
    _, order, _ = _start_checkout(client)
    session = stripe_harness.pay(stripe_harness.session_for(order))
    payload = json.dumps({"id": "evt_bad", "object": "event", "type": "checkout.session.completed",
                          "data": {"object": session}})
    options = _bad_deliveries(stripe_harness, payload)[case]
    response = stripe_harness.post("", {}, payload=options.get("payload", payload), header=options["header"])
    assert response.status_code == 400
    db.session.refresh(order)
    assert order.status == "pending_payment"
    assert db.session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


def test_signed_body_that_is_not_json_is_refused(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    response = stripe_harness.post("", {}, payload="not json {")
    assert response.status_code == 400
    db.session.refresh(order)
    assert order.status == "pending_payment"


def test_signed_event_of_unexpected_shape_is_refused(stripe_harness, client):
    assert stripe_harness.post("", {}, payload=json.dumps({"id": "evt_1", "type": "x"})).status_code == 400


def test_refund_goes_through_stripe_and_follows_the_total(stripe_harness, client, localstripe):
    _, order, _ = _start_checkout(client)
    session = stripe_harness.pay(stripe_harness.session_for(order))
    stripe_harness.post("checkout.session.completed", session)
    admin = make_user(role="admin")
    db.session.refresh(order)
    refund = refund_order(order, 500, admin)
    on_stripe = stripe_harness.sdk.v1.refunds.retrieve(refund.provider_refund_id)
    assert on_stripe.amount == 500 and on_stripe.payment_intent == session["payment_intent"]
    assert order.status == "partially_refunded" and order.refunded_total == 500
    refund_order(order, order.total - 500, admin)
    assert order.status == "refunded"


def test_refund_event_from_stripe_dashboard_is_recorded_once(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    session = stripe_harness.pay(stripe_harness.session_for(order))
    stripe_harness.post("checkout.session.completed", session)
    charge = {"id": "ch_1", "object": "charge", "payment_intent": session["payment_intent"],
              "amount": order.total, "amount_refunded": 700, "refunded": False}
    stripe_harness.post("charge.refunded", charge, event_id="evt_r1")
    stripe_harness.post("charge.refunded", charge, event_id="evt_r2")  # a different event, same total
    db.session.refresh(order)
    assert order.refunded_total == 700 and order.status == "partially_refunded"


def test_dashboard_refund_announced_by_both_events_counts_once_whatever_their_order(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    session = stripe_harness.pay(stripe_harness.session_for(order))
    stripe_harness.post("checkout.session.completed", session)
    stripe_harness.post("charge.refunded", {"id": "ch_1", "object": "charge", "amount_refunded": 700,
                                            "payment_intent": session["payment_intent"]})
    stripe_harness.post("refund.created", {"id": "re_dashboard", "object": "refund", "amount": 700,
                                           "payment_intent": session["payment_intent"], "status": "succeeded"})
    db.session.refresh(order)
    assert order.refunded_total == 700 and order.status == "partially_refunded"
    assert order.refundable_amount == order.total - 700


def test_refund_made_here_is_not_counted_twice_by_its_webhook(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    session = stripe_harness.pay(stripe_harness.session_for(order))
    stripe_harness.post("checkout.session.completed", session)
    db.session.refresh(order)
    refund = refund_order(order, 400, "admin:test")
    stripe_harness.post("refund.created", {"id": refund.provider_refund_id, "object": "refund", "amount": 400,
                                           "payment_intent": session["payment_intent"], "status": "succeeded"})
    stripe_harness.post("charge.refunded", {"id": "ch_1", "object": "charge", "amount_refunded": 400,
                                            "payment_intent": session["payment_intent"]})
    db.session.refresh(order)
    assert order.refunded_total == 400


def test_refund_made_here_that_fails_in_stripe_is_flagged_for_staff(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    session = stripe_harness.pay(stripe_harness.session_for(order))
    stripe_harness.post("checkout.session.completed", session)
    db.session.refresh(order)
    refund = refund_order(order, 400, "admin:test")
    stripe_harness.post("refund.updated", {"id": refund.provider_refund_id, "object": "refund", "amount": 400,
                                           "payment_intent": session["payment_intent"], "status": "failed"})
    db.session.refresh(order)
    db.session.refresh(refund)
    assert refund.status == "failed"
    assert order.needs_review and "failed" in order.review_reason


def test_stripe_unreachable_keeps_the_cart_and_releases_stock(stripe_harness, client):
    stripe_harness.fake.unreachable = True
    response, order, variant = _start_checkout(client, stock=5, quantity=2)
    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")
    page = client.get("/cart")
    assert b"payment provider is unavailable right now, your cart is kept" in page.data
    assert b"Your cart is empty" not in page.data
    assert _stock(variant.id) == 5
    db.session.refresh(order)
    assert order.status == "cancelled"


def test_connection_refused_by_the_network_is_handled(stripe_harness, client, app):
    # No hook at all: the real SDK HTTP client against a closed loopback port.
    import socket

    from storefront.payments.stripe.gateway import HTTP_CLIENT_KEY

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    hook = app.extensions.pop(HTTP_CLIENT_KEY)
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{closed_port}"
    try:
        response, order, variant = _start_checkout(client, stock=3, quantity=1)
    finally:
        app.extensions[HTTP_CLIENT_KEY] = hook
    assert response.headers["Location"].endswith("/cart")
    assert _stock(variant.id) == 3
    assert b"your cart is kept" in client.get("/cart").data


def test_cancel_page_expires_the_session_and_releases_stock(stripe_harness, client):
    _, order, variant = _start_checkout(client, stock=5, quantity=2)
    page = client.get(f"/checkout/cancelled/{order.public_token}")
    assert b"Try paying again" in page.data
    client.post(f"/checkout/cancelled/{order.public_token}")
    assert stripe_harness.session_for(order)["status"] == "expired"
    assert _stock(variant.id) == 5
    db.session.refresh(order)
    assert order.status == "cancelled"


def test_payment_after_cancellation_is_flagged_for_review(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    session = stripe_harness.session_for(order)
    stripe_harness.post("checkout.session.expired", dict(session, status="expired"))
    stripe_harness.post("checkout.session.completed", stripe_harness.pay(session))
    db.session.refresh(order)
    assert order.status == "cancelled" and order.needs_review


def test_refund_event_for_an_unpaid_order_is_flagged_not_an_error(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    stripe_harness.session_for(order)
    payment = order.payments[0]
    payment.provider_payment_intent = "pi_unpaid"
    db.session.commit()
    response = stripe_harness.post("charge.refunded", {"id": "ch_x", "object": "charge", "payment_intent": "pi_unpaid",
                                                       "amount_refunded": 100})
    assert response.status_code == 200
    db.session.refresh(order)
    assert order.status == "pending_payment" and order.needs_review and order.refunded_total == 0


def test_unknown_event_types_are_acknowledged_once(stripe_harness):
    assert stripe_harness.post("customer.created", {"id": "cus_1", "object": "customer"}, event_id="evt_c").status_code == 200
    assert db.session.scalar(select(ProcessedEvent.outcome)) == "ignored"


def test_checking_out_again_expires_the_earlier_stripe_session(stripe_harness, client):
    _, first, variant = _start_checkout(client, stock=5, quantity=2)
    client.post("/checkout", data={**CHECKOUT, "city": "Shelbyville"})  # back, change the address, submit
    assert stripe_harness.session_for(first)["status"] == "expired"
    db.session.refresh(first)
    assert first.status == "cancelled"
    db.session.expire_all()
    assert db.session.get(Variant, variant.id).stock == 3


def test_an_earlier_session_already_paid_is_left_to_its_webhook(stripe_harness, client):
    _, first, _ = _start_checkout(client, stock=5, quantity=1)
    stripe_harness.pay(stripe_harness.session_for(first))  # paid in another tab; webhook not yet here
    client.post("/checkout", data={**CHECKOUT, "city": "Shelbyville"})  # a changed submit tries to release it
    db.session.refresh(first)
    assert first.status == "pending_payment"
    stripe_harness.post("checkout.session.completed", stripe_harness.session_for(first))
    db.session.refresh(first)
    assert first.status == "paid"


def test_stripe_without_a_key_is_unavailable_not_a_crash(stripe_harness, client, app):
    app.config["STRIPE_SECRET_KEY"] = None
    response, order, variant = _start_checkout(client, stock=4, quantity=1)
    assert response.headers["Location"].endswith("/cart")
    db.session.refresh(order)
    assert order.status == "cancelled" and _stock(variant.id) == 4
    assert "STRIPE_SECRET_KEY" in order.payments[0].error


def test_flagged_order_tells_the_shopper_not_to_pay_again(stripe_harness, client):
    _, order, _ = _start_checkout(client)
    stripe_harness.post("checkout.session.completed",
                        stripe_harness.pay(stripe_harness.session_for(order), amount=order.total - 1))
    page = client.get(f"/checkout/success/{order.public_token}").get_data(as_text=True)
    assert "We are checking your payment" in page and "you do not need to pay again" in page
