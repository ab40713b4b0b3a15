"""The emails an order change sends: shipped (with the carrier's tracking link), refunded (from staff
and from Stripe's events), cancelled. Each is recorded with the change, arrives once, as HTML and
text, and every link in it answers."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.jobs import OutboxJob, run_job
from storefront.mail import html_part, outbox, text_part
from storefront.orders.carriers import build_tracking
from storefront.orders.models import Order
from storefront.orders.services import (
    OrderError,
    abandon_checkout,
    cancel_order,
    confirm_demo_payment,
    mark_fulfilled,
    refund_order,
)
from storefront.payments import registry as gateways
from storefront.payments.base import RefundResult
from storefront.payments.models import Payment
from tests.factories import make_order, make_paid_order, make_product, make_user
from tests.fixtures.mail import assert_links_answer
from tests.fixtures.stripe import WEBHOOK_SECRET, event_payload, sign

UPS = "https://www.ups.com/track?tracknum=1Z999AA10123456784"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _empty_outbox(app):
    outbox().clear()  # the memory backend's list lives as long as the app


@pytest.fixture
def admin(admin_user):
    return admin_user  # the staff member who fulfils, refunds and cancels (tests/fixtures/staff.py)


def _paid(gateway="demo", intent="pi_paid", **kwargs) -> Order:
    """A paid $24.95 order ($20.00 + $4.95 delivery); the confirmation email is cleared away."""
    order = make_paid_order([(make_product(title="Ginger Tea", price=2000, stock=5).variants[0], 1)],
                            gateway=gateway, **kwargs)
    order.payments[0].provider_payment_intent = intent
    db.session.commit()
    outbox().clear()
    return order


def _fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def _jobs(kind: str) -> list[OutboxJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxJob).where(OutboxJob.kind == kind).order_by(OutboxJob.id)))


def _both(message) -> tuple[str, str]:
    return text_part(message), html_part(message)


def _is_ups(url: str) -> bool:
    return url.startswith("https://www.ups.com/")


# ---------------------------------------------------------------- shipped


def test_staff_fulfil_with_a_carrier_and_the_shopper_gets_the_tracking_link_once(as_admin, admin):
    order = _paid()
    response = as_admin.post(f"/admin/orders/{order.id}/fulfil", data={
        "fulfil-carrier": "ups", "fulfil-tracking_number": "  1Z 999 AA1 01 2345 6784 "})
    assert response.status_code == 302
    (message,) = outbox()
    assert order.number in message["Subject"] and "on its way" in message["Subject"]
    assert message["To"] == order.email
    text, html = _both(message)
    assert "UPS" in text and "1Z999AA10123456784" in text and f"Track your parcel: {UPS}" in text
    assert f'href="{UPS}"' in html and "1Z999AA10123456784" in html and "Ginger Tea" in html
    assert f"/orders/{order.public_token}" in text and f"/orders/{order.public_token}" in html
    assert assert_links_answer(as_admin, message, external_ok=_is_ups)

    shipped = _fresh(order)
    assert (shipped.status, shipped.shipping_carrier, shipped.tracking_number, shipped.tracking_url) == (
        "fulfilled", "UPS", "1Z999AA10123456784", UPS)
    assert shipped.shipped_at is not None
    assert shipped.events[-1].note == f"Marked fulfilled: shipped with UPS, tracking 1Z999AA10123456784 ({UPS})"
    assert admin.email in shipped.events[-1].actor
    (job,) = _jobs("orders.shipped")
    # Keyed by the shipment: one email per parcel.
    assert (job.key, job.status) == (f"order-shipped:{order.id}:{shipped.shipments[0].id}", "done")
    assert run_job(job.id) == "skipped"  # a redelivered task sends nothing
    as_admin.post(f"/admin/orders/{order.id}/fulfil", data={"fulfil-carrier": "ups",
                                                           "fulfil-tracking_number": "1Z999AA10123456784"})
    assert len(outbox()) == 1


def test_another_carrier_is_given_with_its_own_tracking_link(as_admin):
    order = _paid()
    link = "https://parcelforce.example/track?ref=PF123&lang=en"
    as_admin.post(f"/admin/orders/{order.id}/fulfil", data={
        "fulfil-carrier": "other", "fulfil-other_carrier": " Parcel  Force ", "fulfil-tracking_url": link})
    (message,) = outbox()
    text, html = _both(message)
    assert "Parcel Force" in text and link in text
    assert 'href="https://parcelforce.example/track?ref=PF123&amp;lang=en"' in html
    assert_links_answer(as_admin, message, external_ok=lambda url: url.startswith("https://parcelforce.example/"))
    assert _fresh(order).tracking_number is None


def test_an_untracked_shipment_says_so_and_links_only_the_order(as_admin):
    order = _paid()
    as_admin.post(f"/admin/orders/{order.id}/fulfil", data={"fulfil-carrier": ""})
    (message,) = outbox()
    text, html = _both(message)
    assert "without a tracking number" in text and "without a tracking number" in html
    assert "Track your parcel" not in text + html
    assert assert_links_answer(as_admin, message) == ["/", f"/orders/{order.public_token}"]
    assert _fresh(order).events[-1].note == "Marked fulfilled"


@pytest.mark.parametrize(("data", "field", "error"), [
    ({"carrier": "ups"}, "tracking_number", "Enter the UPS tracking number."),
    ({"carrier": "ups", "tracking_number": "1Z<script>"}, "tracking_number", "4 to 40 letters, digits or hyphens"),
    ({"carrier": "ups", "tracking_number": "1Z" * 21}, "tracking_number", "4 to 40 letters"),
    ({"carrier": "ups", "tracking_number": "9" * 101}, "tracking_number", "too long for a tracking number"),
    ({"tracking_number": "1Z999AA10123456784"}, "carrier", "Choose the carrier of this tracking number."),
    ({"carrier": "pigeon", "tracking_number": "1234"}, "carrier", "Not a valid choice"),
    ({"carrier": "ups", "tracking_number": "1234", "tracking_url": "https://x.example/"}, "carrier",
     "Choose “Other carrier”"),
    ({"carrier": "other", "tracking_url": "https://x.example/"}, "other_carrier", "Enter the carrier&#39;s name."),
    ({"carrier": "other", "other_carrier": "Pigeon"}, "tracking_url", "Enter the tracking link"),
    ({"carrier": "other", "other_carrier": "Pigeon", "tracking_url": "javascript:alert(1)"}, "tracking_url",
     "must be a web address starting with http:// or https://"),
    ({"carrier": "other", "other_carrier": "Pigeon", "tracking_url": "ftp://x.example/1"}, "tracking_url",
     "must be a web address"),
    ({"carrier": "other", "other_carrier": "Pigeon", "tracking_url": "https:///no-host"}, "tracking_url",
     "must be a web address"),
    ({"carrier": "other", "other_carrier": "Pigeon", "tracking_url": "https://x.example/" + "a" * 500},
     "tracking_url", "Field cannot be longer than 500 characters."),
    ({"carrier": "other", "other_carrier": "P" * 61, "tracking_url": "https://x.example/"}, "other_carrier",
     "Field cannot be longer than 60 characters."),
])
def test_the_fulfil_form_refuses_bad_tracking_beside_the_field_and_changes_nothing(as_admin, data, field, error):
    order = _paid()
    response = as_admin.post(f"/admin/orders/{order.id}/fulfil", data={f"fulfil-{k}": v for k, v in data.items()})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="fulfil-{field}-error"' in page and error in page
    assert _fresh(order).status == "paid" and outbox() == [] and _jobs("orders.shipped") == []


def test_the_fulfil_form_keeps_what_staff_typed_when_it_refuses_it(as_admin):
    order = _paid()
    page = as_admin.post(f"/admin/orders/{order.id}/fulfil", data={
        "fulfil-carrier": "other", "fulfil-other_carrier": "Pigeon Post", "fulfil-tracking_url": "nope"}).get_data(
        as_text=True)
    assert 'value="Pigeon Post"' in page and 'value="nope"' in page and '<option selected value="other">' in page


def test_an_unpaid_order_cannot_be_fulfilled_and_nobody_is_emailed(as_admin):
    order = make_order()
    page = as_admin.post(f"/admin/orders/{order.id}/fulfil", data={"fulfil-carrier": "ups",
                                                                  "fulfil-tracking_number": "1Z999"},
                         follow_redirects=True).get_data(as_text=True)
    assert "cannot be fulfilled" in page
    assert _fresh(order).tracking_number is None and outbox() == [] and _jobs("orders.shipped") == []


def test_fulfilling_again_after_a_partial_refund_keeps_the_tracking_and_sends_no_second_notice(admin):
    order = _paid()
    mark_fulfilled(order, admin, build_tracking("fedex", "123456789012"))
    refund_order(order, 500, admin)
    assert _fresh(order).status == "partially_refunded"
    mark_fulfilled(order, admin)
    again = _fresh(order)
    assert (again.status, again.shipping_carrier, again.tracking_number) == ("fulfilled", "FedEx", "123456789012")
    assert [m["Subject"].split(" order ")[-1] for m in outbox()] == [
        f"{order.number} is on its way", order.number]  # shipped, then the refund; no second shipped
    assert len(_jobs("orders.shipped")) == 1


def test_the_shopper_sees_the_carrier_and_tracking_link_on_the_guest_and_account_order_pages(client, auth):
    shopper = make_user("shopper@example.com")
    order = _paid(user=shopper)
    guest_before = client.get(f"/orders/{order.public_token}").get_data(as_text=True)
    assert "Track your parcel" not in guest_before and "Shipped on" not in guest_before
    mark_fulfilled(order, "admin", build_tracking("ups", "1Z999AA10123456784"))
    auth.login(shopper)
    for path in (f"/orders/{order.public_token}", f"/account/orders/{order.number}"):
        page = client.get(path).get_data(as_text=True)
        assert "with UPS" in page and "1Z999AA10123456784" in page
        assert f'<a href="{UPS}" rel="noopener noreferrer">Track your parcel' in page


def test_the_order_page_says_when_a_parcel_went_untracked(client):
    order = _paid()
    mark_fulfilled(order, "admin")
    page = client.get(f"/orders/{order.public_token}").get_data(as_text=True)
    assert "Shipped on" in page and "without tracking" in page and "Track your parcel" not in page


def test_the_admin_order_page_shows_the_shipment(as_admin):
    order = _paid()
    mark_fulfilled(order, "admin", build_tracking("dhl", "JD0140"))
    page = as_admin.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    assert "with DHL, tracking JD0140" in page and "tracking-id=JD0140" in page


# ---------------------------------------------------------------- refunded


def test_a_staff_refund_says_how_much_to_which_payment_and_what_is_left(as_admin):
    order = _paid()
    response = as_admin.post(f"/admin/orders/{order.id}/refund", data={"refund-amount": "5.00", "refund-seen": "0"})
    assert response.status_code == 302
    (message,) = outbox()
    assert "refund" in message["Subject"].lower() and order.number in message["Subject"]
    text, html = _both(message)
    for part in (text, html):
        assert "We have refunded part of your order" in part
        assert "$5.00" in part and "your payment of $24.95" in part
        assert "$19.95" in part  # what is left
    assert "Refunded in all: $5.00" in text and "What you paid, after refunds: $19.95" in text
    assert_links_answer(as_admin, message)

    as_admin.post(f"/admin/orders/{order.id}/refund", data={"refund-amount": "19.95", "refund-seen": "500"})
    first, second = outbox()
    assert first is message
    text = text_part(second)
    assert "refunded in full" in text and "This refund: $19.95" in text and "What you paid, after refunds: $0.00" in text
    assert [j.key for j in _jobs("orders.refunded")] == [f"order-refund:{order.id}:500", f"order-refund:{order.id}:2495"]
    assert _fresh(order).status == "refunded"


def _webhook(client, event_type: str, obj: dict, event_id: str) -> str:
    payload = event_payload(event_type, obj, event_id)
    response = client.post("/checkout/stripe/webhook", data=payload,
                           headers={"Stripe-Signature": sign(payload), "Content-Type": "application/json"})
    assert response.status_code == 200, response.data
    return response.json["outcome"]


@pytest.fixture
def stripe_events(app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)


def test_a_stripe_refund_delivered_twice_sends_one_notice(client, stripe_events):
    order = _paid(gateway="stripe")
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_paid", "amount": 2495, "amount_refunded": 700}
    assert _webhook(client, "charge.refunded", charge, "evt_refund_1") == "refund recorded"
    _webhook(client, "charge.refunded", charge, "evt_refund_1")  # Stripe delivers again
    refund = {"id": "re_1", "object": "refund", "status": "succeeded", "amount": 700, "payment_intent": "pi_paid"}
    assert _webhook(client, "refund.created", refund, "evt_refund_2") == "refund already counted"
    assert _webhook(client, "refund.updated", refund, "evt_refund_3") == "refund already recorded"
    (message,) = outbox()
    text, html = _both(message)
    assert "$7.00" in text and "What you paid, after refunds: $17.95" in text and "$7.00" in html
    assert_links_answer(client, message)
    (job,) = _jobs("orders.refunded")
    assert job.key == f"order-refund:{order.id}:700" and job.status == "done"
    assert _fresh(order).refunded_total == 700


def test_a_staff_refund_then_stripes_own_events_for_it_send_one_notice(client, stripe_events, monkeypatch, admin):
    class Stripe:  # answers the refund as Stripe would, without a network
        def refund(self, payment, amount, key):
            return RefundResult(refund_id="re_staff", status="succeeded")

    monkeypatch.setitem(gateways.GATEWAYS, "stripe", lambda app: Stripe())
    order = _paid(gateway="stripe")
    refund_order(order, 1000, admin)
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_paid", "amount": 2495, "amount_refunded": 1000}
    refund = {"id": "re_staff", "object": "refund", "status": "succeeded", "amount": 1000, "payment_intent": "pi_paid"}
    assert _webhook(client, "refund.created", refund, "evt_a") == "refund already recorded"
    assert _webhook(client, "charge.refunded", charge, "evt_b") == "refund already recorded"
    assert len(outbox()) == 1 and "$10.00" in text_part(outbox()[0])


# ---------------------------------------------------------------- cancelled


def test_staff_cancel_a_paid_order_and_the_shopper_hears_it_was_refunded(as_admin):
    order = _paid()
    as_admin.post(f"/admin/orders/{order.id}/cancel", data={"cancel-reason": "Out of stock at the supplier"})
    (message,) = outbox()  # one email: the cancellation tells the refund too
    assert "cancelled" in message["Subject"] and order.number in message["Subject"]
    text, html = _both(message)
    for part in (text, html):
        assert "Your order was cancelled" in part and "refunded" in part and "$24.95" in part
        assert "Ginger Tea" in part
    assert "supplier" not in text + html  # staff's reason is for the history, not the shopper
    assert_links_answer(as_admin, message)
    (job,) = _jobs("orders.cancelled")
    assert job.key == f"order-cancelled:{order.id}" and job.payload["refunded"] == 2495
    assert _jobs("orders.refunded") == []


def test_staff_cancel_an_unpaid_order_and_the_shopper_hears_nothing_was_taken(admin):
    order = make_order()
    outbox().clear()
    cancel_order(order, admin, "Duplicate order")
    (message,) = outbox()
    text, html = _both(message)
    assert "No payment was taken" in text and "No payment was taken" in html


def test_money_that_arrives_after_a_cancel_is_refunded_with_its_own_notice(admin):
    order = make_order()
    order.payments.append(Payment(gateway="demo", amount=order.total, currency=order.currency))
    db.session.commit()
    cancel_order(order, admin, "Duplicate order")
    confirm_demo_payment(order)  # the shopper paid on a page left open: flagged for staff, not paid
    refund_order(order, order.total, admin)
    cancelled, refund = outbox()
    assert "No payment was taken" in text_part(cancelled)
    assert "refunded in full" in text_part(refund) and "This refund: $19.95" in text_part(refund)
    assert _fresh(order).status == "cancelled"


def test_a_checkout_that_ends_before_payment_sends_nothing(client, stripe_events):
    abandoned = make_order()
    assert abandon_checkout(abandoned)
    expired = make_order(email="other@example.com")
    expired.payments.append(Payment(gateway="stripe", amount=expired.total, currency=expired.currency,
                                    provider_session_id="cs_gone"))
    db.session.commit()
    session = {"id": "cs_gone", "object": "checkout.session", "status": "expired", "payment_status": "unpaid",
               "client_reference_id": str(expired.id), "metadata": {"order_id": str(expired.id)},
               "amount_total": expired.total, "currency": "usd", "payment_intent": None, "livemode": False}
    assert _webhook(client, "checkout.session.expired", session, "evt_expired") == "cancelled"
    assert (_fresh(abandoned).status, _fresh(expired).status) == ("cancelled", "cancelled")
    assert outbox() == [] and _jobs("orders.cancelled") == []


# ---------------------------------------------------------------- a mail server that fails


@pytest.mark.parametrize(("action", "kind", "status"), [
    (lambda order, who: mark_fulfilled(order, who, build_tracking("usps", "9400100000000000000000")),
     "orders.shipped", "fulfilled"),
    (lambda order, who: refund_order(order, 500, who), "orders.refunded", "partially_refunded"),
    (lambda order, who: cancel_order(order, who, "Changed mind"), "orders.cancelled", "cancelled"),
])
def test_a_mail_server_that_refuses_leaves_the_change_made_and_the_email_pending(app, admin, action, kind, status):
    order = _paid()
    app.config["MAIL_BACKEND"], saved = "smtp", app.config["MAIL_BACKEND"]
    app.config["MAIL_PORT"], saved_port = 1, app.config["MAIL_PORT"]  # nothing listens there
    try:
        action(order, admin)
    finally:
        app.config["MAIL_BACKEND"], app.config["MAIL_PORT"] = saved, saved_port
    assert _fresh(order).status == status
    (job,) = _jobs(kind)
    assert job.status == "pending" and job.attempts == 1 and "ConnectionRefusedError" in job.last_error
    assert outbox() == []
    job.run_after = job.created_at  # the backoff has passed and the server is back
    db.session.commit()
    assert run_job(job.id) == "done"
    assert len(outbox()) == 1 and order.number in outbox()[0]["Subject"]


def test_a_cancel_the_provider_refuses_rolls_back_and_records_no_email(admin, monkeypatch):
    class Refusing:
        def refund(self, payment, amount, key):
            return RefundResult(refund_id="re_no", status="failed")

    monkeypatch.setitem(gateways.GATEWAYS, "refusing", lambda app: Refusing())
    order = _paid(gateway="refusing")
    with pytest.raises(OrderError):
        cancel_order(order, admin, "Changed mind")
    assert _fresh(order).status == "paid"
    assert outbox() == [] and _jobs("orders.cancelled") == [] and _jobs("orders.refunded") == []
