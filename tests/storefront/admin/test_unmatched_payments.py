"""Payments without an order on the staff orders area: listed, counted, resolved with a note by admins."""

from __future__ import annotations

from sqlalchemy import select

from storefront.extensions import db
from storefront.payments.models import UnmatchedPayment


def _payment(event_id="evt_lost", amount=4242, email="lost@example.com", **fields) -> UnmatchedPayment:
    payment = UnmatchedPayment(provider="stripe", event_id=event_id, event_type="checkout.session.completed",
                               session_id=f"cs_test_{event_id}", payment_intent=f"pi_{event_id}", amount=amount,
                               currency="USD", email=email,
                               summary=f"Checkout Session cs_test_{event_id} for order id 999999, which was not found",
                               **fields)
    db.session.add(payment)
    db.session.commit()
    return payment


def _resolve(client, payment, note="Refunded in Stripe; shopper told by email", **kwargs):
    return client.post(f"/admin/orders/unmatched-payments/{payment.id}/resolve",
                       data={f"resolve-{payment.id}-note": note}, **kwargs)


def test_the_orders_list_counts_payments_waiting_and_links_to_them(as_admin):
    assert "none waiting" in as_admin.get("/admin/orders").get_data(as_text=True)
    _payment("evt_a")
    _payment("evt_b")
    page = as_admin.get("/admin/orders").get_data(as_text=True)
    assert "2 payments were taken without an order" in page and "/admin/orders/unmatched-payments" in page


def test_the_page_shows_what_staff_need_to_trace_the_money(as_admin):
    payment = _payment()
    page = as_admin.get("/admin/orders/unmatched-payments").get_data(as_text=True)
    assert "$42.42" in page and "lost@example.com" in page
    assert payment.session_id in page and payment.payment_intent in page and "order id 999999" in page
    assert "1 waiting" in page and "Mark resolved" in page


def test_resolving_keeps_who_and_what_and_clears_the_count(as_admin, admin_user):
    payment = _payment()
    page = _resolve(as_admin, payment, follow_redirects=True).get_data(as_text=True)
    assert "Payment marked resolved" in page
    db.session.refresh(payment)
    assert payment.resolved_at is not None
    assert payment.resolved_by == f"admin:{admin_user.email}"
    assert payment.resolution_note == "Refunded in Stripe; shopper told by email"
    resolved = page[page.index('id="resolved-heading"'):]
    assert "Refunded in Stripe; shopper told by email" in resolved and admin_user.email in resolved
    assert "0 waiting" in page and "Mark resolved" not in page
    assert "none waiting" in as_admin.get("/admin/orders").get_data(as_text=True)


def test_a_note_is_required(as_admin):
    payment = _payment()
    response = _resolve(as_admin, payment, note="  ")
    assert response.status_code == 422 and "Say what was done about this payment." in response.get_data(as_text=True)
    db.session.refresh(payment)
    assert payment.resolved_at is None


def test_resolving_twice_keeps_the_first_note_and_says_so(as_admin):
    payment = _payment()
    _resolve(as_admin, payment, note="Refunded")
    page = _resolve(as_admin, payment, note="Matched by hand", follow_redirects=True).get_data(as_text=True)
    assert "already marked resolved" in page
    db.session.refresh(payment)
    assert payment.resolution_note == "Refunded"


def test_an_unknown_payment_is_404(as_admin):
    assert as_admin.post("/admin/orders/unmatched-payments/999999/resolve",
                         data={"resolve-999999-note": "x"}).status_code == 404


def test_editors_cannot_see_or_resolve_them(as_editor):
    payment = _payment()
    assert as_editor.get("/admin/orders/unmatched-payments").status_code == 403
    assert _resolve(as_editor, payment).status_code == 403
    db.session.refresh(payment)
    assert payment.resolved_at is None


def test_without_a_csrf_token_nothing_is_resolved(app, as_admin):
    payment = _payment()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert _resolve(as_admin, payment).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.refresh(payment)
    assert payment.resolved_at is None


def test_a_webhook_for_no_order_reaches_the_staff_page(stripe_harness, as_admin):
    session = {"id": "cs_test_webhook_orphan", "object": "checkout.session", "status": "open",
               "payment_status": "unpaid", "amount_total": 1500, "currency": "usd",
               "metadata": {"order_id": "424242"}, "client_reference_id": "424242",
               "customer_details": {"email": "webhook@example.com"}, "payment_intent": None}
    session = stripe_harness.pay(session)
    assert stripe_harness.post("checkout.session.completed", session).status_code == 200
    page = as_admin.get("/admin/orders/unmatched-payments").get_data(as_text=True)
    assert "$15.00" in page and "webhook@example.com" in page and "cs_test_webhook_orphan" in page
    payment = db.session.scalar(select(UnmatchedPayment))
    _resolve(as_admin, payment, note="Refunded in Stripe")
    db.session.refresh(payment)
    assert payment.resolved_at is not None
