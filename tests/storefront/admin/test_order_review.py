"""Staff clear an order's "needs review" flag with a note: the flag goes, who and why stay in its history."""

from __future__ import annotations

import re

from storefront.extensions import db
from storefront.orders.services import flag_for_review
from tests.factories import make_paid_order

REASON = "Paid 1000 USD but the order total is 2795 USD"


def _flagged_order(reason: str = REASON):
    order = make_paid_order()
    flag_for_review(order, "stripe", reason)
    db.session.commit()
    return order


def _review(client, order, note="Refunded the difference in Stripe", seen=REASON, **kwargs):
    return client.post(f"/admin/orders/{order.id}/review",
                       data={"review-note": note, "review-seen_reason": seen}, **kwargs)


def test_staff_clear_the_flag_and_the_history_says_who_and_why(as_admin, admin_user):
    order = _flagged_order()
    page = as_admin.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    assert "Mark as reviewed" in page and REASON in page

    page = _review(as_admin, order, follow_redirects=True).get_data(as_text=True)

    assert f"Order {order.number} marked as reviewed." in page
    db.session.refresh(order)
    assert not order.needs_review and order.review_reason == ""
    history = page[page.index('id="history-heading"'):]
    entry = next(line for line in history.splitlines() if "Marked as reviewed" in line)
    assert "Refunded the difference in Stripe" in entry and REASON in entry and admin_user.email in entry
    assert "Mark as reviewed" not in page[:page.index('id="history-heading"')]  # no form once cleared


def test_the_orders_list_no_longer_marks_a_reviewed_order(as_admin):
    order = _flagged_order()
    row = re.compile(re.escape(order.number) + r"</a> <strong[^>]*>Review</strong>")
    assert row.search(as_admin.get("/admin/orders").get_data(as_text=True))
    _review(as_admin, order)
    assert not row.search(as_admin.get("/admin/orders").get_data(as_text=True))


def test_a_note_is_required(as_admin):
    order = _flagged_order()
    response = _review(as_admin, order, note="   ")
    assert response.status_code == 422
    assert "Say what was done" in response.get_data(as_text=True)
    db.session.refresh(order)
    assert order.needs_review and order.review_reason == REASON


def test_an_order_not_flagged_gets_a_message_not_an_error(as_admin):
    order = make_paid_order()
    response = _review(as_admin, order, seen="", follow_redirects=True)
    assert response.status_code == 200
    assert f"Order {order.number} is not flagged for review" in response.get_data(as_text=True)
    assert not any("Marked as reviewed" in e.note for e in order.events)


def test_a_flag_raised_again_since_the_page_was_opened_is_not_cleared_unseen(as_admin):
    order = _flagged_order()
    flag_for_review(order, "stripe", "Refund re_1 of 500 USD failed in Stripe; the money was not returned")
    db.session.commit()
    page = _review(as_admin, order, seen=REASON, follow_redirects=True).get_data(as_text=True)
    assert "was flagged again since you opened it" in page
    db.session.refresh(order)
    assert order.needs_review and "re_1" in order.review_reason


def test_editors_and_customers_cannot_clear_a_flag(client, auth, editor_user, customer_user):
    order = _flagged_order()
    for user in (editor_user, customer_user):
        auth.login(user)
        assert _review(client, order).status_code == 403
    db.session.refresh(order)
    assert order.needs_review


def test_without_a_csrf_token_nothing_is_cleared(app, as_admin):
    order = _flagged_order()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert _review(as_admin, order).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.refresh(order)
    assert order.needs_review
