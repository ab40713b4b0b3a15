"""Finding orders (guest link, account page), the confirmation email per order, and the attribution
report's window and ranking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storefront.extensions import db
from storefront.mail import outbox
from storefront.orders.services import confirm_demo_payment, orders_by_attribution
from tests.factories import make_order, make_paid_order, make_product, make_user


def test_a_guest_link_with_the_longest_token_opens_its_order(client):
    order = make_order()
    order.public_token = "a" * 64
    db.session.commit()
    response = client.get(f"/orders/{'a' * 64}")
    assert response.status_code == 200 and order.number in response.get_data(as_text=True)
    assert client.get(f"/orders/{'a' * 65}").status_code == 404


def test_the_account_shows_its_own_order_by_number_and_not_anothers(client, auth):
    mine, theirs = make_user("me@example.com"), make_user("them@example.com")
    order = make_order(user=mine)
    other = make_order(user=theirs)
    auth.login(mine)
    response = client.get(f"/account/orders/{order.number}")
    assert response.status_code == 200 and order.number in response.get_data(as_text=True)
    assert client.get(f"/account/orders/{other.number}").status_code == 404


def test_each_paid_order_gets_its_own_confirmation_once(app):
    outbox().clear()
    first = make_paid_order(email="first@example.com")
    second = make_paid_order(email="second@example.com")
    confirm_demo_payment(first)  # a second confirmation of the same payment sends nothing more
    assert [(m["To"], m["Subject"].endswith(o.number)) for m, o in zip(outbox(), (first, second), strict=True)] == [
        ("first@example.com", True), ("second@example.com", True)]


def test_the_attribution_report_counts_payments_from_its_start_up_to_its_end_ranked_by_net_revenue(app):
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)

    def paid(attribution, price, paid_at, refunded=0):
        order = make_paid_order([(make_product(price=price, stock=5).variants[0], 1)], attribution=attribution)
        order.paid_at = paid_at
        if refunded:
            order.refunded_total = refunded
            order.status = "partially_refunded"
        db.session.commit()
        return order

    paid("article:big-refund", 5000, start, refunded=5000)  # $54.95, $50.00 back: $4.95 net
    paid("article:steady", 1000, start + timedelta(days=1))  # $14.95
    paid("article:steady", 1000, end)  # the next report's
    paid("article:steady", 1000, end + timedelta(days=1))
    rows = [(r.attribution, r.orders, r.revenue) for r in orders_by_attribution(start, end)]
    assert rows == [("article:steady", 1, 1495), ("article:big-refund", 1, 495)]
