"""Money in an order's history, review reasons, emails, flashes and log lines is formatted money.

Minor units next to a currency code ("Refunded 500 USD" for $5.00) read as a hundred times the
money; every text a person reads goes through storefront.money.format_money instead.
"""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.mail import outbox, text_part
from storefront.orders.models import Order
from storefront.orders.services import (
    abandon_checkout,
    apply_payment,
    cancel_order,
    charge_payment,
    refund_order,
)
from storefront.payments.models import Payment, UnmatchedPayment
from storefront.payments.stripe.events import process_stripe_event
from tests.factories import make_order, make_paid_order, make_product, make_user

# Raw minor units followed by a currency code: "500 USD", "1995 JPY", or "4242 usd" as Stripe spells it.
RAW_MINOR_UNITS = re.compile(r"\b\d{3,} (?:[A-Z]{3}|[a-z]{3})\b")


@pytest.fixture
def admin(app):
    return make_user("boss@example.com", role="admin")


def _order(total_before_shipping=1500):
    """A paid demo order of 1500 + 495 (standard delivery) = 1995 minor units."""
    return make_paid_order([(make_product(price=total_before_shipping, stock=5).variants[0], 1)])


@pytest.mark.parametrize(
    ("currency", "refunded", "rest"),
    [("USD", "$5.00", "$14.95"), ("JPY", "¥500", "¥1,495"), ("KWD", "KWD0.500", "KWD1.495")],
)
def test_refund_notes_are_written_from_minor_units_in_the_orders_currency(app, admin, monkeypatch, currency,
                                                                          refunded, rest):
    # Zero-decimal (JPY) and three-decimal (KWD) currencies take the same path as dollars.
    monkeypatch.setitem(app.config, "STORE_CURRENCY", currency)
    order = _order()
    refund_order(order, 500, admin)
    assert order.events[-1].note == f"Refunded {refunded}"
    refund_order(order, order.total - 500, admin)
    assert order.events[-1].note == f"Refunded {rest}"
    assert order.status == "refunded"


def test_cancelling_a_paid_order_says_how_much_went_back(admin):
    order = _order()
    cancel_order(order, admin, "Customer asked")
    assert order.events[-1].note == "Customer asked (refunded $19.95)"


def test_refund_out_of_range_message_is_in_money(admin):
    from storefront.orders.services import OrderError

    order = _order()
    with pytest.raises(OrderError, match=re.escape("Refund between $0.01 and $19.95, the total of order")):
        refund_order(order, 5000, admin)


def test_stripe_refund_notes_and_failed_refund_reason_are_money(app, caplog):
    order = _order()
    charge_payment(order).provider_payment_intent = "pi_money"
    db.session.commit()
    with caplog.at_level(logging.WARNING):
        process_stripe_event("evt_m1", "charge.refunded", {"payment_intent": "pi_money", "amount_refunded": 700})
        process_stripe_event("evt_m2", "refund.created", {"id": "re_money", "status": "succeeded",
                                                           "payment_intent": "pi_money", "amount": 300})
        process_stripe_event("evt_m3", "refund.updated", {"id": "re_money", "status": "failed",
                                                           "payment_intent": "pi_money", "amount": 300})
    db.session.refresh(order)
    notes = [e.note for e in order.events]
    assert "Refunded $7.00 in Stripe" in notes
    reason = "Refund re_money of $3.00 failed in Stripe; the money was not returned"
    assert order.review_reason == reason
    assert f"Order {order.number} flagged for review: {reason}" in caplog.messages


def test_payment_without_an_order_is_logged_as_money(app, caplog):
    session = {"id": "cs_lost", "payment_status": "paid", "amount_total": 4242, "currency": "usd",
               "metadata": {"order_id": "999999"}}
    with caplog.at_level(logging.WARNING, logger="storefront.payments.unmatched"):
        process_stripe_event("evt_lost", "checkout.session.completed", session)
    assert db.session.scalar(select(UnmatchedPayment.amount)) == 4242
    (line,) = [m for m in caplog.messages if m.startswith("Payment without an order")]
    assert line.startswith("Payment without an order: stripe evt_lost $42.42 (")


def test_a_payment_in_an_unknown_currency_is_not_given_guessed_decimals(app):
    order = make_order()
    apply_payment(order, 500, "xyz", "stripe")
    assert order.review_reason == (
        "Paid 500 minor units of 'XYZ' but the order total is $19.95 (paid in XYZ, the order is in USD)"
    )


def test_no_raw_minor_units_anywhere_in_an_orders_life(app, client, auth, caplog):
    """Walk orders through their lives the way staff, Stripe and shoppers do, then read every text
    a person would: history notes, review reasons, emails, the staff pages with their flashes, logs."""
    staff = make_user("staff@example.com", role="admin")
    auth.login(staff)
    outbox().clear()
    pages = []
    with caplog.at_level(logging.INFO):
        # Paid -> partly refunded -> refunded, by staff in the admin (flash messages on the way).
        refunded = _order()
        pages.append(client.post(f"/admin/orders/{refunded.id}/refund", data={"refund-amount": "5.00"},
                                 follow_redirects=True).get_data(as_text=True))
        pages.append(client.post(f"/admin/orders/{refunded.id}/refund", data={"refund-amount": "14.95"},
                                 follow_redirects=True).get_data(as_text=True))
        # Paid -> cancelled by staff, which refunds the whole payment.
        cancelled = _order(2500)
        pages.append(client.post(f"/admin/orders/{cancelled.id}/cancel", data={"cancel-reason": "Out of stock"},
                                 follow_redirects=True).get_data(as_text=True))
        # Paid on Stripe for less than the total: flagged, not paid.
        short = make_order([(make_product(price=3000, stock=5).variants[0], 1)])
        process_stripe_event("evt_short", "checkout.session.completed", {
            "id": "cs_short", "payment_status": "paid", "amount_total": 1000, "currency": "usd",
            "metadata": {"order_id": str(short.id)}})
        # Abandoned, then the money arrives anyway; staff give it back.
        late = make_order([(make_product(price=1200, stock=5).variants[0], 1)])
        late.payments.append(Payment(gateway="demo", amount=late.total, currency=late.currency))
        db.session.commit()
        abandon_checkout(late)
        apply_payment(late, late.total, "USD", "stripe")
        db.session.commit()
        refund_order(late, late.total, staff)
        # Partly refunded in Stripe's dashboard, then one of its refunds fails.
        stripe = _order(4000)
        charge_payment(stripe).provider_payment_intent = "pi_guard"
        db.session.commit()
        process_stripe_event("evt_g1", "charge.refunded", {"payment_intent": "pi_guard", "amount_refunded": 1250})
        process_stripe_event("evt_g2", "refund.created", {"id": "re_guard", "status": "succeeded",
                                                          "payment_intent": "pi_guard", "amount": 1250})
        process_stripe_event("evt_g3", "refund.updated", {"id": "re_guard", "status": "failed",
                                                          "payment_intent": "pi_guard", "amount": 1250})
        # A paid checkout with no order at all.
        process_stripe_event("evt_nobody", "checkout.session.completed", {
            "id": "cs_nobody", "payment_status": "paid", "amount_total": 4242, "currency": "usd"})
        orders = list(db.session.scalars(select(Order).order_by(Order.id)))
        pages += [client.get(f"/admin/orders/{o.id}").get_data(as_text=True) for o in orders]
        pages.append(client.get("/admin/orders?review=1").get_data(as_text=True))
        pages.append(client.get("/admin/orders/unmatched-payments").get_data(as_text=True))

    texts = {
        "history": [e.note for o in orders for e in o.events],
        "review reasons": [o.review_reason for o in orders],
        "emails": [f"{m['Subject']}\n{text_part(m)}" for m in outbox()],
        "pages": pages,
        "logs": caplog.messages,
    }
    for kind, found in texts.items():
        for text in found:
            assert not RAW_MINOR_UNITS.search(text), f"raw minor units in {kind}: {text[:2000]}"
    # And the money is there, formatted, where staff look for it.
    history = "\n".join(texts["history"])
    for expected in ("Refunded $5.00", "Refunded $14.95", "Out of stock (refunded $29.95)",
                     "Paid $10.00 but the order total is $34.95", "arrived after the order was cancelled",
                     "Refunded $16.95", "Refunded $12.50 in Stripe", "Refund re_guard of $12.50 failed"):
        assert expected in history, expected
    assert "Refunded $5.00 on order" in pages[0] and "Refunded $14.95 on order" in pages[1]
    assert "Total paid: $19.95" in texts["emails"][0]
    assert any("Payment without an order: stripe evt_nobody $42.42" in m for m in texts["logs"])
