"""Staff order actions (used by the admin), the guest order page and the attribution report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront.catalog.models import Variant
from storefront.clock import now
from storefront.extensions import db
from storefront.orders.services import (
    OrderError,
    abandon_checkout,
    apply_payment,
    cancel_order,
    mark_fulfilled,
    orders_by_attribution,
    refund_order,
)
from storefront.payments.models import Payment
from tests.factories import make_order, make_paid_order, make_product, make_user


def _stock(variant_id):
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


@pytest.fixture
def admin(app):
    return make_user("boss@example.com", role="admin")


def test_mark_fulfilled_moves_a_paid_order(admin):
    order = make_paid_order()
    mark_fulfilled(order, admin)
    assert order.status == "fulfilled"
    assert order.events[-1].actor == "admin:boss@example.com"


def test_unpaid_order_cannot_be_fulfilled(admin):
    with pytest.raises(OrderError, match="pending payment and cannot be fulfilled"):
        mark_fulfilled(make_order(), admin)


def test_cancel_releases_the_stock(admin):
    variant = make_product(stock=5).variants[0]
    order = make_order([(variant, 3)])
    assert _stock(variant.id) == 2
    cancel_order(order, admin, "customer asked")
    assert order.status == "cancelled" and _stock(variant.id) == 5
    assert order.events[-1].note == "customer asked"


def test_cancelling_a_paid_order_refunds_it(admin):
    variant = make_product(stock=5).variants[0]
    order = make_paid_order([(variant, 2)])
    cancel_order(order, admin, "out of date stock")
    assert order.status == "cancelled" and order.refunded_total == order.total
    assert _stock(variant.id) == 5
    refunds = [p for p in order.payments if p.kind == "refund"]
    assert len(refunds) == 1 and refunds[0].amount == order.total


def test_fulfilled_order_cannot_be_cancelled(admin):
    order = make_paid_order()
    mark_fulfilled(order, admin)
    with pytest.raises(OrderError):
        cancel_order(order, admin, "too late")


def test_partial_then_full_refund_with_the_demo_gateway(admin):
    order = make_paid_order([(make_product(price=2000).variants[0], 1)])
    refund_order(order, 500, admin)
    assert order.status == "partially_refunded" and order.refunded_total == 500
    refund_order(order, order.total - 500, admin)
    assert order.status == "refunded"
    recorded = list(db.session.scalars(select(Payment).where(Payment.kind == "refund")))
    assert [p.amount for p in recorded] == [500, order.total - 500]
    assert all(p.provider_refund_id.startswith("demo_re_") for p in recorded)


@pytest.mark.parametrize("amount", [0, -5, 10**9])
def test_refund_amount_must_fit(admin, amount):
    order = make_paid_order()
    with pytest.raises(OrderError):
        refund_order(order, amount, admin)
    assert order.refunded_total == 0 and order.status == "paid"


def test_unpaid_order_has_nothing_to_refund(admin):
    with pytest.raises(OrderError, match="nothing left to refund"):
        refund_order(make_order(), 100, admin)


def test_payment_arriving_after_cancellation_is_recorded_and_can_be_refunded(admin):
    variant = make_product(stock=5).variants[0]
    order = make_order([(variant, 2)])
    order.payments.append(Payment(gateway="demo", amount=order.total, currency=order.currency,
                                  provider_session_id="demo_cs_late"))
    db.session.commit()
    abandon_checkout(order, "stripe")  # the checkout expired: stock released
    apply_payment(order, order.total, order.currency, "stripe", session_id="demo_cs_late")
    db.session.commit()
    assert order.status == "cancelled" and order.needs_review
    assert [(p.kind, p.status) for p in order.payments] == [("charge", "succeeded")]
    refund_order(order, order.total, admin)
    assert order.refunded_total == order.total and order.status == "cancelled"
    assert _stock(variant.id) == 5  # released once, by the cancellation


def test_guest_order_page_needs_the_secret_token(client):
    order = make_paid_order(email="guest@example.com")
    page = client.get(f"/orders/{order.public_token}")
    assert page.status_code == 200 and order.number in page.get_data(as_text=True)
    assert client.get(f"/orders/{order.number}").status_code == 404
    assert client.get("/orders/not-a-token").status_code == 404


@pytest.mark.parametrize("url", ["/orders/%00", "/checkout/success/%00", "/checkout/cancelled/a%00b"])
def test_order_link_with_a_nul_byte_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_account_order_number_with_a_nul_byte_is_not_found(client, auth):
    auth.login(make_user("nul@example.com"))
    assert client.get("/account/orders/LD-%00").status_code == 404


def test_attribution_report_counts_paid_orders_and_net_revenue(admin):
    start, end = now() - timedelta(days=1), now() + timedelta(days=1)
    variant = make_product(price=1000, stock=50).variants[0]
    a = make_paid_order([(variant, 1)], attribution="article:magnesium-for-back-pain")
    make_paid_order([(variant, 2)], attribution="article:magnesium-for-back-pain")
    make_paid_order([(variant, 1)])  # no article
    make_order([(variant, 5)], attribution="article:magnesium-for-back-pain")  # never paid
    refund_order(a, 300, admin)
    rows = {r.attribution: r for r in orders_by_attribution(start, end)}
    article = rows["article:magnesium-for-back-pain"]
    assert article.orders == 2
    assert article.revenue == (1000 + 495) + (2000 + 495) - 300
    assert rows[None].orders == 1
    assert orders_by_attribution(end, end + timedelta(days=1)) == []
